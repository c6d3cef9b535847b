"""Checks of a client's class: `isinstance(c, AzureOpenAI)`, `issubclass(type(c), AzureOpenAI)` and comparisons of
its type, `type(c) is AzureOpenAI`, `type(c) == AzureOpenAI`, `type(c) in (OpenAI, AzureOpenAI)`. A client moved to
the v1 API is an OpenAI, so each of them can flip for it (codemod/rules/client_class.py)."""

from __future__ import annotations

import libcst as cst

CHECK_FUNCTIONS = ("isinstance", "issubclass")
# `type(c) is C`, `type(c) == C`, `type(c) in (C, D)` and their negations compare the exact class
_TYPE_COMPARISONS = (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual, cst.In, cst.NotIn)

Check = cst.Call | cst.Comparison


def type_of(expr: cst.BaseExpression) -> cst.BaseExpression | None:
    """The `x` of `type(x)`, or of `x.__class__`; None for anything else."""
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "type":
        return expr.args[0].value if len(expr.args) == 1 and not expr.args[0].star else None
    if isinstance(expr, cst.Attribute) and expr.attr.value == "__class__":
        return expr.value
    return None


def type_comparison(comparison: cst.Comparison) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """(the `x` whose type is compared, the class side) of `type(x) is C` or `C == type(x)`; None otherwise."""
    if len(comparison.comparisons) != 1 or not isinstance(comparison.comparisons[0].operator, _TYPE_COMPARISONS):
        return None
    left, right = comparison.left, comparison.comparisons[0].comparator
    for typed, classes in ((left, right), (right, left)):
        tested = type_of(typed)
        if tested is not None and type_of(classes) is None:
            return tested, classes
    return None


def tested(check: Check) -> cst.BaseExpression:
    """The value whose class the check tests (`c` in `isinstance(c, ...)`, `issubclass(type(c), ...)`,
    `type(c) is ...`)."""
    if isinstance(check, cst.Comparison):
        parts = type_comparison(check)
        assert parts is not None
        return parts[0]
    value = check.args[0].value
    return type_of(value) or value


def classes(check: Check) -> cst.BaseExpression:
    """The class side of the check: `AzureOpenAI`, `(OpenAI, AzureOpenAI)`."""
    if isinstance(check, cst.Comparison):
        parts = type_comparison(check)
        assert parts is not None
        return parts[1]
    return check.args[1].value


def name_of(check: Check) -> str:
    """How a finding names the check: "isinstance() check", "type() comparison"."""
    if isinstance(check, cst.Comparison):
        return "type() comparison"
    assert isinstance(check.func, cst.Name)
    return f"{check.func.value}() check"
