"""What an annotation says a value holds: the Azure client classes it admits, in any form (`AzureOpenAI`,
`Optional[...]`, `Union[...]`, `X | Y`, `Annotated[...]`, or a string of those), and how many other types it
admits besides (`Union[OpenAI, AzureOpenAI]` may hold OpenAI's own client)."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

# A leaf of a type expression -> the Azure client class it names, if any; the flag says the leaf was parsed
# from a string annotation (so it has no scope metadata, and is resolved through the module's imports).
Resolve = Callable[[cst.BaseExpression, bool], "str | None"]


def admitted(annotation: cst.BaseExpression, resolve: Resolve) -> tuple[list[str], int]:
    """The Azure classes the type expression admits, and how many other types it admits (None aside)."""
    azure: list[str] = []
    others = _members(annotation, resolve, azure, text=False)
    return azure, others


def _members(expr: cst.BaseExpression, resolve: Resolve, azure: list[str], text: bool) -> int:
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
        return _members(expr.left, resolve, azure, text) + _members(expr.right, resolve, azure, text)
    if isinstance(expr, cst.Subscript) and (is_type_expression(expr) or last_name(expr.value) == "Annotated"):
        members = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
        members = members[:1] if last_name(expr.value) == "Annotated" else members  # Annotated[T, metadata...]
        return sum(_members(m, resolve, azure, text) for m in members)
    if isinstance(expr, cst.SimpleString) and not text:
        value = expr.evaluated_value
        try:
            parsed = cst.parse_expression(value) if isinstance(value, str) else None
        except cst.ParserSyntaxError:
            parsed = None
        return _members(parsed, resolve, azure, True) if parsed is not None else 1
    if isinstance(expr, cst.Name) and expr.value == "None":
        return 0
    qualified = resolve(expr, text)
    if qualified is None:
        return 1
    azure.append(qualified)
    return 0


def is_type_expression(node: cst.CSTNode) -> bool:
    """`A | B` or `Union[...]` / `Optional[...]`: naming the Azure class there only says "a client of it"."""
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return True
    if isinstance(node, cst.Subscript):
        value = node.value
        if isinstance(value, cst.Attribute):
            value = value.attr
        return isinstance(value, cst.Name) and value.value in ("Union", "Optional")
    return False


def last_name(node: cst.BaseExpression) -> str | None:
    """`Annotated` for `Annotated` and `typing.Annotated`."""
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else None
