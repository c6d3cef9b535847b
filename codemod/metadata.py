"""Read LibCST metadata resolved once for a module (parents, scopes, qualified names, positions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider
from libcst.metadata.base_provider import LazyValue


class Metadata:
    def __init__(self, wrapper: MetadataWrapper, providers: tuple[Any, ...]) -> None:
        self._data = wrapper.resolve_many(providers)

    def get(self, provider: Any, node: cst.CSTNode, default: Any = None) -> Any:
        value = self._data[provider].get(node, default)
        return value() if isinstance(value, LazyValue) else value

    def all(self, provider: Any) -> Iterator[Any]:
        for value in self._data[provider].values():
            yield value() if isinstance(value, LazyValue) else value

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._data[ParentNodeProvider].get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)
