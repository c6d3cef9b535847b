"""Read LibCST metadata resolved once for a module (parents, scopes, qualified names, positions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst
from libcst import BatchableCSTVisitor
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ScopeProvider
from libcst.metadata.base_provider import LazyValue

_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


def _cached_get_visitors(self: BatchableCSTVisitor) -> dict[str, Any]:
    """LibCST finds a batched provider's visit_/leave_ methods with `inspect.getmembers` over every
    attribute of the class, each time a module is analysed: about 12 ms per provider and file, more than
    the scope analysis of a small module. The names depend only on the class, so they are looked up once."""
    names = _VISITOR_NAMES.get(type(self))
    if names is None:
        names = _VISITOR_NAMES[type(self)] = tuple(BatchableCSTVisitor.get_visitors(self))
    return {name: getattr(self, name) for name in names}


for _provider in (ExpressionContextProvider, ScopeProvider):  # the batched providers the engine resolves
    _provider.get_visitors = _cached_get_visitors  # type: ignore[method-assign]


class Metadata:
    """Resolved providers, plus a parent map that the analysis pass fills while it walks the tree (one
    traversal fewer than LibCST's ParentNodeProvider)."""

    def __init__(self, wrapper: MetadataWrapper, providers: tuple[Any, ...]) -> None:
        self._data = wrapper.resolve_many(providers)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}

    def get(self, provider: Any, node: cst.CSTNode, default: Any = None) -> Any:
        value = self._data[provider].get(node, default)
        return value() if isinstance(value, LazyValue) else value

    def qualified(self, node: cst.CSTNode) -> set[str]:
        """Qualified names of a name or attribute, read from its scope (what LibCST's QualifiedNameProvider
        computes, without that provider's extra traversal of the whole tree)."""
        scope = self.get(ScopeProvider, node)
        if scope is None:
            return set()
        return {q.name for q in scope.get_qualified_names_for(node)}

    def all(self, provider: Any) -> Iterator[Any]:
        for value in self._data[provider].values():
            yield value() if isinstance(value, LazyValue) else value

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)
