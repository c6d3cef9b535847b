"""Read LibCST metadata resolved once for a module (parents, scopes, qualified names, positions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import libcst as cst
from libcst import BatchableCSTVisitor
from libcst.metadata import CodeRange, ExpressionContextProvider, MetadataWrapper, PositionProvider, ScopeProvider
from libcst.metadata.base_provider import LazyValue
from libcst.metadata.position_provider import NEWLINE_RE

from codemod.engine import walk

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
walk.install()  # read-only visitors walk the tree without LibCST's copies of every node (codemod/engine/walk.py)


class Metadata:
    """Resolved providers, a parent map that the analysis pass fills while it walks the tree (one traversal
    fewer than LibCST's ParentNodeProvider), and positions computed only for the top-level statements that
    something is reported in."""

    def __init__(self, wrapper: MetadataWrapper, providers: tuple[Any, ...]) -> None:
        self.module = wrapper.module
        self._data = wrapper.resolve_many(providers)
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self._positions: dict[cst.CSTNode, CodeRange] = {}
        self._first_lines: dict[cst.CSTNode, int] | None = None

    def position(self, node: cst.CSTNode) -> CodeRange:
        """What LibCST's PositionProvider gives for `node`, computed for its top-level statement alone."""
        found = self._positions.get(node)
        if found is not None:
            return found
        statement, parent = node, self.parents.get(node)
        while parent is not None and parent is not self.module:
            statement, parent = parent, self.parents.get(parent)
        if parent is not None and statement in self._statement_lines():
            self._position_statement(statement)
        else:  # the module itself, its header or footer lines, or a node the analysis did not reach
            self._positions.update(MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider))
        return self._positions[node]

    def _statement_lines(self) -> dict[cst.CSTNode, int]:
        """Top-level statement -> lines before it. Each starts at column 0 on the line after the last one."""
        if self._first_lines is None:
            self._first_lines = {}
            line = len(self.module.header)
            for stmt in self.module.body:
                self._first_lines[stmt] = line
                line += len(NEWLINE_RE.findall(self.module.code_for_node(stmt)))
        return self._first_lines

    def _position_statement(self, statement: cst.CSTNode) -> None:
        offset = self._statement_lines()[statement]
        alone = self.module.with_changes(body=[statement], header=[], footer=[], has_trailing_newline=True)
        for node, span in MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider).items():
            if node is not alone:
                start, end = span.start, span.end
                self._positions[node] = CodeRange((start.line + offset, start.column), (end.line + offset, end.column))

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
