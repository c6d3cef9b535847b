"""Where a module names another library's classes (LangChain's, LlamaIndex's, ...), resolved through its
imports: each reference with what it is used as (a constructor, a base class, anything else). An unrelated class
of the same name (the user's own, or openai's `AzureOpenAI`) resolves to another qualified name and is not found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import libcst as cst

from codemod.engine.context import RuleContext

T = TypeVar("T")


@dataclass(frozen=True)
class Reference(Generic[T]):
    node: cst.Name | cst.Attribute  # the class as written
    qualified: str
    info: T  # what the table says about the class
    kind: str  # "call" (its constructor), "base" (a base class), "other"
    call: cst.Call | None = None
    elsewhere: frozenset[str] = frozenset()  # other qualified names it may be (`try: from a ... except: from b`)


def references(ctx: RuleContext, table: Mapping[str, T]) -> list[Reference[T]]:
    """Every Name or Attribute of the module that resolves to a qualified name in `table`, in source order."""
    short = {qualified.rsplit(".", 1)[1] for qualified in table}
    locals_ = short | _aliases(ctx.module, table)
    finder = _Finder(locals_, short)
    ctx.module.visit(finder)
    found: list[Reference[T]] = []
    for node in finder.nodes:
        names = ctx.analysis.qualified(node)
        qualified = next(iter(sorted(names & table.keys())), None)
        if qualified is None:
            continue
        kind, call = _kind(ctx, node)
        found.append(Reference(node, qualified, table[qualified], kind, call, frozenset(names - table.keys())))
    return found


def _aliases(module: cst.Module, table: Mapping[str, object]) -> set[str]:
    """Local names bound by `from M import C as X` for a class of the table: X."""
    out: set[str] = set()
    for statement in module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                out.update(a.evaluated_alias for a in small.names if a.evaluated_alias)
    return out


class _Finder(cst.CSTVisitor):
    """Names that may be the class: a local name it could be bound to, or `module.Class`."""

    def __init__(self, locals_: set[str], short: set[str]) -> None:
        super().__init__()
        self.locals, self.short = locals_, short
        self.nodes: list[cst.Name | cst.Attribute] = []

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.locals:
            self.nodes.append(node)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if node.attr.value in self.short:
            self.nodes.append(node)
            return False  # the chain's own names are the module path
        return True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False  # the import itself: `_class_imports`-style renames are the caller's business

    def visit_Import(self, node: cst.Import) -> bool:
        return False


def _kind(ctx: RuleContext, node: cst.Name | cst.Attribute) -> tuple[str, cst.Call | None]:
    parent = ctx.meta.parent(node)
    if isinstance(parent, cst.Call) and parent.func is node:
        return "call", parent
    if isinstance(parent, cst.Arg) and isinstance(ctx.meta.parent(parent), cst.ClassDef):
        return "base", None
    return "other", None
