"""Edits the rules ask for, applied together in one transformation of the module.

Rules never transform the tree themselves: they register what should change, keyed by the original node,
so that several rules can change the same call (rename its class, rewrite one argument, drop another)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import cast

import libcst as cst

Replace = Callable[[cst.CSTNode], cst.CSTNode]


@dataclass
class ArgOps:
    remove: set[str] = field(default_factory=set)
    # keyword -> (new keyword, new value or None to keep the value)
    replace: dict[str, tuple[str, cst.BaseExpression | None]] = field(default_factory=dict)
    add: list[tuple[str, cst.BaseExpression]] = field(default_factory=list)


@dataclass
class Edits:
    replacements: dict[cst.CSTNode, Replace] = field(default_factory=dict)
    args: dict[cst.Call, ArgOps] = field(default_factory=dict)
    removed_lines: set[cst.SimpleStatementLine] = field(default_factory=set)
    insert_after: dict[cst.SimpleStatementLine, list[cst.BaseStatement]] = field(default_factory=dict)
    prelude: list[cst.BaseStatement] = field(default_factory=list)  # module-level definitions after imports
    imports: set[tuple[str, str | None, str | None]] = field(default_factory=set)  # (module, obj, asname)

    def replace(self, node: cst.CSTNode, new: cst.CSTNode | Replace) -> None:
        self.replacements[node] = new if callable(new) else (lambda _updated: new)

    def call(self, call: cst.Call) -> ArgOps:
        return self.args.setdefault(call, ArgOps())

    def __bool__(self) -> bool:
        # a rule may ask for a call's operations and add none (a v1 client whose arguments are right already): no
        # edit, and no transformation and code generation of the whole module to find the text unchanged
        return bool(self.replacements or self.removed_lines or self.insert_after or self.prelude
                    or any(ops.remove or ops.replace or ops.add for ops in self.args.values()))

    def merge(self, other: Edits) -> None:
        """Add another rule's edits. Two replacements of one node compose (this one first, then the other's, which
        receives the result); argument operations on one call are combined, the other's added arguments last."""
        for node, replace in other.replacements.items():
            mine = self.replacements.get(node)
            self.replacements[node] = replace if mine is None else _composed(mine, replace)
        for call, ops in other.args.items():
            mine_ops = self.call(call)
            mine_ops.remove |= ops.remove
            mine_ops.replace.update(ops.replace)
            mine_ops.add.extend(ops.add)
        self.removed_lines |= other.removed_lines
        for line, statements in other.insert_after.items():
            self.insert_after.setdefault(line, []).extend(statements)
        # two rules may each add the same helper (the async token adapter of AOAI104 and AOAI402): once
        defined = {s.name.value for s in self.prelude if isinstance(s, cst.FunctionDef)}
        self.prelude.extend(
            s for s in other.prelude if not (isinstance(s, cst.FunctionDef) and s.name.value in defined)
        )
        self.imports |= other.imports


def _composed(first: Replace, second: Replace) -> Replace:
    return lambda updated: second(first(updated))


class ApplyEdits(cst.CSTTransformer):
    """Applies the edits in one walk. Given the parent of every node, it enters only the subtrees that hold
    an edited node (a transformation rebuilds every node it enters: most of a module need not be)."""

    def __init__(self, edits: Edits, parents: Mapping[cst.CSTNode, cst.CSTNode] | None = None) -> None:
        super().__init__()
        self.edits = edits
        self.wanted = _ancestors(edits, parents) if parents is not None else None

    def on_visit(self, node: cst.CSTNode) -> bool:
        return self.wanted is None or node in self.wanted or isinstance(node, cst.Module)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        edits = self.edits
        if original_node in edits.removed_lines:
            return cst.RemovalSentinel.REMOVE
        replace = edits.replacements.get(original_node)
        if replace is not None:
            updated_node = replace(updated_node)
        if isinstance(original_node, cst.Call) and original_node in edits.args:
            assert isinstance(updated_node, cst.Call)
            updated_node = updated_node.with_changes(args=apply_arg_ops(updated_node, edits.args[original_node]))
        if isinstance(original_node, cst.SimpleStatementLine) and original_node in edits.insert_after:
            return cst.FlattenSentinel([updated_node, *edits.insert_after[original_node]])
        if isinstance(updated_node, cst.Module) and edits.prelude:
            updated_node = _add_prelude(updated_node, edits.prelude)
        return updated_node


def _ancestors(edits: Edits, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> set[cst.CSTNode] | None:
    """Every edited node and its ancestors; None (enter everything) if one of them has no known parent."""
    wanted: set[cst.CSTNode] = set()
    for node in [*edits.replacements, *edits.args, *edits.removed_lines, *edits.insert_after]:
        while node not in wanted:
            wanted.add(node)
            parent = parents.get(node)
            if parent is None:
                if not isinstance(node, cst.Module):
                    return None
                break
            node = parent
    return wanted


def drop_items(items, should_drop) -> list:
    """Remove items from a comma-separated sequence (arguments, import names, dict elements), keeping the
    formatting: when the tail is removed, the new last item takes the removed one's comma and whitespace."""
    items = list(items)
    kept = [item for item in items if not should_drop(item)]
    if kept and kept[-1] is not items[-1]:
        last_removed = items[-1]
        comma = last_removed.comma
        mine = kept[-1].comma
        if (
            isinstance(comma, cst.Comma)
            and isinstance(mine, cst.Comma)
            and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
            and isinstance(mine.whitespace_after, cst.ParenthesizedWhitespace)
        ):  # keep the kept item's own end-of-line comment; take the closing layout of the removed one
            layout = comma.whitespace_after.with_changes(first_line=mine.whitespace_after.first_line)
            comma = comma.with_changes(whitespace_after=layout)
        changes = {"comma": comma}
        if isinstance(last_removed, cst.Arg):
            closing = last_removed.whitespace_after_arg
            if (
                not isinstance(comma, cst.Comma)
                and isinstance(closing, cst.ParenthesizedWhitespace)
                and isinstance(mine, cst.Comma)
                and isinstance(mine.whitespace_after, cst.ParenthesizedWhitespace)
            ):  # no trailing comma: the line break before `)` is the removed one's; its comment is not ours
                closing = closing.with_changes(first_line=mine.whitespace_after.first_line)
            changes["whitespace_after_arg"] = closing
        kept[-1] = kept[-1].with_changes(**changes)
    return kept


def drop_dict_elements(literal: cst.Dict, should_drop) -> cst.Dict:
    """A dict literal without some elements. In a dict written one element per line, the last element's line break
    belongs to the closing brace: when the tail is removed, the new last element's end-of-line comment moves there."""
    elements = list(literal.elements)
    kept = drop_items(elements, should_drop)
    if not kept or not should_drop(elements[-1]):
        return literal.with_changes(elements=kept)
    last = next(e for e in reversed(elements) if not should_drop(e))  # as it was, before it took the tail's comma
    mine = last.comma.whitespace_after if isinstance(last.comma, cst.Comma) else None
    closing = literal.rbrace.whitespace_before
    # Without a trailing comma, the closing line break (and its comment) was the removed last element's: the kept
    # element's own end of line takes its place, comment or none.
    tail_had_no_comma = not isinstance(elements[-1].comma, cst.Comma)
    if (
        isinstance(mine, cst.ParenthesizedWhitespace)
        and isinstance(closing, cst.ParenthesizedWhitespace)
        and (tail_had_no_comma or (mine.first_line.comment is not None and closing.first_line.comment is None))
    ):
        rbrace = literal.rbrace.with_changes(whitespace_before=closing.with_changes(first_line=mine.first_line))
        return literal.with_changes(elements=kept, rbrace=rbrace)
    return literal.with_changes(elements=kept)


def apply_arg_ops(call: cst.Call, ops: ArgOps) -> list[cst.Arg]:
    out: list[cst.Arg] = []
    for arg in drop_items(call.args, lambda a: a.keyword is not None and a.keyword.value in ops.remove):
        name = arg.keyword.value if arg.keyword is not None else None
        if name is not None and name in ops.replace:
            new_name, new_value = ops.replace[name]
            arg = arg.with_changes(keyword=cst.Name(new_name))
            if new_value is not None:
                arg = arg.with_changes(value=new_value)
        out.append(arg)
    template = call.args[-1] if call.args else None
    for keyword, value in ops.add:
        out = _append_arg(out, keyword, value, template, call.whitespace_before_args)
    return out


def _append_arg(
    args: list[cst.Arg],
    keyword: str,
    value: cst.BaseExpression,
    template: cst.Arg | None,
    opening: cst.BaseParenthesizableWhitespace,
) -> list[cst.Arg]:
    """Append `keyword=value`, formatted like the call's existing arguments (one per line stays one per line)."""
    new = cst.Arg(
        value=value,
        keyword=cst.Name(keyword),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    if not args:
        if template is not None:  # every argument was removed: take the last one's place
            new = new.with_changes(comma=template.comma, whitespace_after_arg=template.whitespace_after_arg)
        return [new]
    last = args[-1]
    separator = next((a.comma for a in reversed(args[:-1]) if isinstance(a.comma, cst.Comma)), None)
    if separator is None:
        ws = opening if isinstance(opening, cst.ParenthesizedWhitespace) else cst.SimpleWhitespace(" ")
        separator = cst.Comma(whitespace_after=ws)
    closing_comma, closing_space = last.comma, last.whitespace_after_arg
    layout = separator.whitespace_after
    if isinstance(layout, cst.ParenthesizedWhitespace):
        # one argument per line: the separator is another argument's comma, whose comment is that argument's; the
        # last argument keeps its own end-of-line comment, and the new one ends plainly
        layout = layout.with_changes(first_line=cst.TrailingWhitespace(newline=layout.first_line.newline))
        separator = separator.with_changes(whitespace_after=layout)
        if isinstance(closing_comma, cst.Comma) and isinstance(closing_comma.whitespace_after,
                                                              cst.ParenthesizedWhitespace):
            own = closing_comma.whitespace_after.first_line
            closing_comma = closing_comma.with_changes(
                whitespace_after=closing_comma.whitespace_after.with_changes(first_line=layout.first_line))
            separator = separator.with_changes(whitespace_after=layout.with_changes(first_line=own))
        elif isinstance(closing_space, cst.ParenthesizedWhitespace):
            own = closing_space.first_line
            closing_space = closing_space.with_changes(first_line=layout.first_line)
            separator = separator.with_changes(whitespace_after=layout.with_changes(first_line=own))
    new = new.with_changes(comma=closing_comma, whitespace_after_arg=closing_space)
    last = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    return [*args[:-1], last, new]


def _add_prelude(module: cst.Module, prelude: list[cst.BaseStatement]) -> cst.Module:
    if "\x0c" in module.default_indent:
        # A form feed resets the indentation column, so nesting the module's indent ("\f ") twice would
        # not indent at all: new definitions get an explicit indent without it.
        explicit = _ExplicitIndent(module.default_indent.replace("\x0c", "") or "    ")
        prelude = [cast(cst.BaseStatement, stmt.visit(explicit)) for stmt in prelude]
    body = list(module.body)
    index = 0
    for index, stmt in enumerate(body):  # noqa: B007 - index is used after the loop
        if not _is_header(stmt, index):
            break
    else:
        index = len(body)
    spaced = [prelude[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()]), *prelude[1:]]
    if index < len(body):
        nxt = body[index]
        lines = list(nxt.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        body[index] = nxt.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *lines])
    return module.with_changes(body=[*body[:index], *spaced, *body[index:]])


class _ExplicitIndent(cst.CSTTransformer):
    def __init__(self, indent: str) -> None:
        super().__init__()
        self.indent = indent

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock) -> cst.BaseSuite:
        return updated_node.with_changes(indent=self.indent)


def _is_header(stmt: cst.BaseStatement, index: int) -> bool:
    """Docstring, imports, and `try: import ... except ImportError` blocks at the top of a module."""
    if isinstance(stmt, cst.SimpleStatementLine):
        first = stmt.body[0]
        if isinstance(first, (cst.Import, cst.ImportFrom)):
            return True
        return index == 0 and isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)
    return False
