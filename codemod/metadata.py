"""Read LibCST metadata resolved once for a module (parents, scopes, qualified names, positions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider
from libcst.metadata.base_provider import LazyValue


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
