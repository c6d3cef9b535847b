"""Every place a module binds a name, and the scope each binding changes: what "bound once" is counted from.

LibCST's scope analysis answers which binding a name refers to, but it does not see every binding form (a match
capture pattern, a `:=` inside a comprehension, which binds the enclosing scope's name, PEP 572). This lists them
all, as CPython's compiler does (codemod/engine/binding_forms.py finds them; tests/test_bindings.py checks the
result against `symtable` on generated modules and on every fixture), and resolves the scope whose name each one
changes: a `global` / `nonlocal` declaration sends a function's writes to the module or to an enclosing function.
`from m import *` and `globals()[key] = ...` with a key that is not a literal may bind any name: they are listed
under the name `*`. An annotation without a value (`x: str`) is listed but changes no value (`rebinds` False)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from codemod.engine.binding_forms import ANY_NAME, WALRUS, FormWalk, Found, Scope, target_names

__all__ = ["ANY_NAME", "WALRUS", "Binding", "Bindings", "bindings_of", "target_names"]


@dataclass(frozen=True, eq=False)
class Binding:
    name: str  # ANY_NAME for a star import or a computed globals() key
    node: cst.CSTNode  # the bound Name (the statement for ANY_NAME)
    kind: str  # in words: "an assignment", "a match pattern", ...
    written: cst.CSTNode  # the scope whose code holds the binding (Module, FunctionDef, Lambda, ClassDef, ...)
    scope: cst.CSTNode  # the scope whose name it changes (after `global`, `nonlocal` and the := rule)
    rebinds: bool = True  # False for an annotation without a value


@dataclass
class Bindings:
    """The bindings of a module, by (scope node, name); `of` adds the bindings of any name."""

    by_scope: dict[tuple[cst.CSTNode, str], list[Binding]]
    scopes: list[cst.CSTNode]  # every scope, in the order the walk met them
    parents: dict[cst.CSTNode, cst.CSTNode]  # scope -> the scope it is nested in

    def of(self, scope: cst.CSTNode, name: str) -> list[Binding]:
        return self.by_scope.get((scope, name), []) + self.by_scope.get((scope, ANY_NAME), [])

    def all(self) -> Iterator[Binding]:
        for found in self.by_scope.values():
            yield from found


def bindings_of(module: cst.Module) -> Bindings:
    walk = FormWalk(module)
    walk.statements(module.body, walk.root)
    by_scope: dict[tuple[cst.CSTNode, str], list[Binding]] = {}
    for found in walk.found:
        target = _target(walk.root, found)
        by_scope.setdefault((target.node, found.name), []).append(
            Binding(found.name, found.node, found.kind, found.written.node, target.node, found.rebinds)
        )
    parents = {s.node: s.parent.node for s in walk.scopes if s.parent is not None}
    return Bindings(by_scope, [s.node for s in walk.scopes], parents)


def _target(root: Scope, found: Found) -> Scope:
    """The scope a binding changes: PEP 572 sends a := in a comprehension to the nearest enclosing scope that is
    not a comprehension; `global` and `nonlocal` send a function's writes to the module or an enclosing function."""
    written = found.written
    if written.kind != "comprehension":
        return _declared(root, written, found.name)
    if found.kind != WALRUS:
        return written
    scope = written.parent
    while scope is not None and scope.kind == "comprehension":
        scope = scope.parent
    return _declared(root, scope or root, found.name)


def _declared(root: Scope, scope: Scope, name: str) -> Scope:
    if name in scope.declared_global:
        return root
    if name not in scope.declared_nonlocal:
        return scope
    outer = scope.parent
    while outer is not None:
        if outer.kind == "function" and (name in outer.bound or name in outer.declared_nonlocal):
            return _declared(root, outer, name)
        outer = outer.parent
    return root  # a SyntaxError in CPython: no enclosing function binds the name
