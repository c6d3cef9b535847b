"""Whether a value may be None: AzureOpenAI treats an argument that is None as not given (it reads its environment
variable then, or uses no client-level deployment), which the v1 client does not do the same way.

May be None: the literal None; an `os.getenv(NAME)` / `os.environ.get(NAME)` / `settings.get(key)` without a
default that is not None; a conditional or `and`/`or` with such a branch; a name assigned such a value (except where
`if name := value:` guards the use); a parameter that defaults to None or is annotated Optional. An import, an
attribute or another call counts as a value (as written): the tool cannot know, and it is what the user wrote the
argument for."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment

from codemod.engine.context import RuleContext

GETENV = frozenset({"os.getenv", "os.environ.get"})


def may_be_none(ctx: RuleContext, node: cst.CSTNode, depth: int = 0) -> bool:
    """Whether a binding may hold None: a parameter that defaults to None or is annotated Optional, or an
    assignment of a value that may be None. An import or an unknown call counts as a string (as written)."""
    if isinstance(node, cst.Param):
        default = node.default
        annotation = ctx.code_for(node.annotation.annotation) if node.annotation is not None else ""
        return _is_none(default) or "Optional" in annotation or "None" in annotation
    value = ctx.analysis.bound_value_of(node)
    return value is not None and value_may_be_none(ctx, value, depth)


def value_may_be_none(ctx: RuleContext, value: cst.BaseExpression, depth: int = 0) -> bool:
    if depth > 10:
        return False
    if _is_none(value):
        return True
    if isinstance(value, cst.IfExp):
        return value_may_be_none(ctx, value.body, depth + 1) or value_may_be_none(ctx, value.orelse, depth + 1)
    if isinstance(value, cst.BooleanOperation):  # `a or b` is b when a is None; `a and b` is a then
        left = isinstance(value.operator, cst.And) and value_may_be_none(ctx, value.left, depth + 1)
        return left or value_may_be_none(ctx, value.right, depth + 1)
    if isinstance(value, cst.Call):
        getter = bool(ctx.meta.qualified(value.func) & GETENV) or (
            isinstance(value.func, cst.Attribute) and value.func.attr.value == "get"
        )  # os.getenv(NAME), settings.get(key): None when absent, unless a default is given
        return getter and (len(value.args) < 2 or _is_none(value.args[1].value))
    if isinstance(value, cst.Name):
        referents = ctx.analysis.referents(value)
        return any(isinstance(r, Assignment) and not _truthy_where_used(ctx, r.node, value)
                   and may_be_none(ctx, r.node, depth + 1) for r in referents)
    return False


def _truthy_where_used(ctx: RuleContext, binding: cst.CSTNode, use: cst.CSTNode) -> bool:
    """`if name := value:` (or `if (name := value) and ...:`) binds a value that is true, so not None, in the
    branch it guards: `use` lies in that `if`'s body. Another binding that reaches the use is judged on its own."""
    walrus = ctx.meta.parent(binding)  # the scope's assignment names the target
    if not isinstance(walrus, cst.NamedExpr) or walrus.target is not binding:
        return False
    guarded: list[cst.CSTNode] = [walrus]
    parent = ctx.meta.parent(walrus)
    while isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.And):
        guarded.append(parent)  # the walrus is one operand of an `and` chain: the chain is true only if it is
        parent = ctx.meta.parent(parent)
    if not isinstance(parent, cst.If) or not any(parent.test is node for node in guarded):
        return False
    return any(ancestor is parent.body for ancestor in ctx.meta.ancestors(use))


def _is_none(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def with_fallback(
    ctx: RuleContext, value: cst.BaseExpression, fallback: cst.BaseExpression
) -> cst.BaseExpression | None:
    """`value`, or `fallback` where `value` is None, evaluating `value` once as before: `os.getenv(NAME)` gets
    `fallback` as its default (used only when NAME is unset, as AzureOpenAI's fallback was: an empty value stays
    empty), a name becomes `name if name is not None else fallback`. None when the tool cannot write it so. The
    result is a new tree: `value` itself, with its metadata, stays as it was."""
    if isinstance(value, cst.Call) and ctx.meta.qualified(value.func) & GETENV:
        args = value.args
        if not args or any(a.star for a in args) or args[0].keyword is not None:
            return None
        if len(args) == 1:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            first = args[0].deep_clone().with_changes(comma=comma)
            return value.deep_clone().with_changes(args=[first, cst.Arg(fallback)])
        if len(args) == 2 and _is_none(args[1].value):
            return value.deep_clone().with_changes(args=[args[0].deep_clone(), args[1].with_changes(value=fallback)])
        return None
    if isinstance(value, cst.Name) and not _is_none(value):
        test = cst.Comparison(left=value, comparisons=[cst.ComparisonTarget(cst.IsNot(), cst.Name("None"))])
        return cst.IfExp(test=test, body=value.deep_clone(), orelse=fallback)
    return None


def fallback_read(value: cst.BaseExpression, variable: str) -> cst.BaseExpression:
    """How the fallback for `value` reads `variable`: for a call (`os.getenv(NAME)`), the default of that call, so
    `os.getenv(variable)` (a default is evaluated first: `os.environ[...]` there would fail whenever the variable is
    unset, NAME set or not); else `os.environ[variable]`, as AzureOpenAI failed without it."""
    from codemod.engine import exprs

    return exprs.getenv(variable) if isinstance(value, cst.Call) else exprs.environ(variable)


def needs_fallback(ctx: RuleContext, value: cst.BaseExpression, variable: str) -> bool:
    """Whether `value` may be None, where AzureOpenAI read `variable` instead; not when `value` is that very read
    (`os.getenv("AZURE_OPENAI_ENDPOINT")`): the fallback would read it again."""
    if _is_none(value) or not value_may_be_none(ctx, value):
        return False
    if isinstance(value, cst.Call) and ctx.meta.qualified(value.func) & GETENV and value.args:
        first = value.args[0].value
        return not (isinstance(first, cst.SimpleString) and first.evaluated_value == variable)
    return True
