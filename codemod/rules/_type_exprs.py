"""Type expressions after a class rename: `AsyncOpenAI | AsyncAzureOpenAI`, `Union[OpenAI, AzureOpenAI]` and
`(OpenAI, AzureOpenAI)` would name one class twice, so one goes; a `Union[...]` left with one member becomes
that member (`Union[X]` is X itself at run time), and a `typing` name nothing uses any more leaves its import."""

from __future__ import annotations

import re
from typing import cast

import libcst as cst
from libcst.metadata import ImportAssignment

from codemod.engine.context import RuleContext
from codemod.engine.edits import Edits, drop_items


def collapse_duplicates(ctx: RuleContext, edits: Edits, node: cst.CSTNode, new_name: str) -> cst.BaseExpression | None:
    """`AsyncOpenAI | AsyncAzureOpenAI`, `Union[AsyncOpenAI, AsyncAzureOpenAI]` and `(OpenAI, AzureOpenAI)`
    would name the same class twice after the rename: keep one. A `Union[...]` left with one member becomes
    that member; the `Union` it no longer uses is returned (its import may go)."""
    new_text = _unquoted(_renamed_text(ctx, node, new_name))
    parent = ctx.meta.parent(node)
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr):
        other = parent.right if parent.left is node else parent.left
        if _unquoted(ctx.code_for(other)) == new_text:
            keep_left = other is parent.left
            edits.replace(parent, lambda updated: updated.left if keep_left else updated.right)
        return None
    if isinstance(parent, cst.Index):  # Union[..., X]: X sits in an Index inside a SubscriptElement
        parent = ctx.meta.parent(parent)
    container = ctx.meta.parent(parent) if isinstance(parent, (cst.SubscriptElement, cst.Element)) else None
    if isinstance(parent, cst.SubscriptElement) and isinstance(container, cst.Subscript):
        items = container.slice
    elif isinstance(parent, cst.Element) and isinstance(container, cst.Tuple):
        items = container.elements
    else:
        return None
    index = list(items).index(parent)
    others = [_unquoted(ctx.code_for(i).rstrip().rstrip(",")) for j, i in enumerate(items) if j != index]
    if new_text not in others or len(items) < 2:
        return None
    if isinstance(container, cst.Subscript) and len(items) == 2 and _unwraps(ctx, container, items[1 - index]):
        edits.replace(container, lambda updated: cast(cst.Index, updated.slice[1 - index].slice).value)
        return container.value
    field = "slice" if isinstance(container, cst.Subscript) else "elements"

    def without(updated: cst.CSTNode) -> cst.CSTNode:
        kept = drop_items(getattr(updated, field), lambda item: item is getattr(updated, field)[index])
        return updated.with_changes(**{field: kept})

    edits.replace(container, without)
    return None


def _unquoted(code: str) -> str:
    return code.strip().strip("'\"")


def _unwraps(ctx: RuleContext, union: cst.Subscript, kept: cst.BaseSlice) -> bool:
    """`Union[X]` is X itself at run time; but `Union["X"]` is a forward reference, and `"X"` alone only a
    string outside an annotation (a type alias), so that one keeps its `Union`."""
    if not isinstance(kept, cst.SubscriptElement) or not isinstance(kept.slice, cst.Index):
        return False
    name = union.value.attr if isinstance(union.value, cst.Attribute) else union.value
    if not isinstance(name, cst.Name) or name.value != "Union":
        return False
    in_annotation = any(isinstance(a, cst.Annotation) for a in ctx.meta.ancestors(union))
    return in_annotation or not isinstance(kept.slice.value, (cst.SimpleString, cst.ConcatenatedString))


def drop_unused_unions(ctx: RuleContext, edits: Edits, unwrapped: list[cst.BaseExpression]) -> None:
    """`from typing import Union` that only the unwrapped `Union[...]`s used: the name goes from the import.
    Kept when the name also appears in text (a string annotation, `__all__`, a comment) that may need it."""
    gone = {node for node in unwrapped if isinstance(node, cst.Name)}
    for node in gone:
        for referent in ctx.analysis.referents(node):
            imp = referent.node if isinstance(referent, ImportAssignment) else None
            if not isinstance(imp, cst.ImportFrom) or imp.module is None or imp in edits.replacements:
                continue
            module = cst.Module(body=[]).code_for_node(imp.module)
            if module not in ("typing", "typing_extensions") or isinstance(imp.names, cst.ImportStar):
                continue
            readers = [reference.node for reference in referent.references]
            mentions = len(re.findall(rf"(?<![\w.]){re.escape(node.value)}\b", ctx.module.code))
            if all(reader in gone for reader in readers) and mentions == len(readers) + 1:
                local = node.value
                edits.replace(imp, lambda updated, local=local: _without_name(updated, local))
                if len(imp.names) == 1:
                    _close_gap_at_top(ctx, edits, ctx.meta.parent(imp))


def _close_gap_at_top(ctx: RuleContext, edits: Edits, removed: cst.CSTNode | None) -> None:
    """The module's first statement goes: the blank lines after it would open the file."""
    body = ctx.module.body
    if len(body) < 2 or body[0] is not removed:
        return
    following = body[1]
    before = edits.replacements.get(following)

    def trimmed(updated: cst.CSTNode) -> cst.CSTNode:
        updated = before(updated) if before is not None else updated
        lines = list(getattr(updated, "leading_lines", ()))
        while lines and lines[0].comment is None:
            lines.pop(0)
        return updated.with_changes(leading_lines=lines) if hasattr(updated, "leading_lines") else updated

    edits.replace(following, trimmed)


def _without_name(updated: cst.CSTNode, local: str) -> cst.CSTNode | cst.RemovalSentinel:
    assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
    kept = drop_items(updated.names, lambda alias: (alias.evaluated_alias or alias.evaluated_name) == local)
    return updated.with_changes(names=kept) if kept else cst.RemovalSentinel.REMOVE


def _renamed_text(ctx: RuleContext, node: cst.CSTNode, new_name: str) -> str:
    if isinstance(node, cst.Attribute):
        return f"{ctx.code_for(node.value).strip()}.{new_name}"
    if isinstance(node, cst.SimpleString):
        return node.value[-1] + new_name + node.value[-1]
    return new_name
