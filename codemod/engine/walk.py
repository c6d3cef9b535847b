"""A read-only walk of LibCST trees for read-only visitors, with the callbacks LibCST's own walk makes.

LibCST walks a tree with `CSTNode.visit`, which rebuilds every node from its visited children (a new dataclass
instance, validated) and, for a `CSTVisitor`, throws the copy away: on a 170 KB module that is a third of the
scope analysis and of the engine's analysis pass, both read-only. `install()` replaces `CSTNode.visit` so that a
`CSTVisitor` (LibCST's metadata providers, batched or not, and the engine's own visitors) gets the same
callbacks in the same order, `on_visit`, `on_visit_attribute`, the children, `on_leave_attribute`, `on_leave`,
without the copies; a `CSTTransformer` still goes through LibCST's walk (it builds the new tree). `children`
is `node.children` the same way.

Each node class visits its fields in the order of the field names in its `_visit_and_replace_children`. That
order is read from the method's constants and checked against LibCST, class by class, the first time a class is
met: LibCST's method runs once on that node with a recorder, and a class whose fields it visits in another
order, or whose method chooses what to visit (conditional jumps: f-string format specs, `from x import *`), is
walked by LibCST's own method. tests/test_walk.py compares the callbacks of both walks on every fixture and on
generated modules.
"""

from __future__ import annotations

import dataclasses
import dis
import re
from typing import Any

import libcst as cst
from libcst import CSTNode, CSTVisitor, MaybeSentinel
from libcst._batched_visitor import _BatchedCSTVisitor

_ORIGINAL = CSTNode.visit
_SENTINEL = MaybeSentinel.DEFAULT
_PLANS: dict[type, tuple[str, ...] | None] = {}  # class -> fields in LibCST's order (None: LibCST's walk)


def install() -> None:
    """Use the read-only walk for every `CSTVisitor` in this process (idempotent). Nothing is replaced when a
    node class other than `Module` has its own `visit`: this LibCST walks differently than this module knows."""
    if CSTNode.visit is _visit:
        return
    module_visit = vars(cst.Module)["visit"]  # calls CSTNode.visit; a slotted dataclass leaves a twin class behind
    if any(vars(cls).get("visit", module_visit) is not module_visit for cls in _node_classes()):
        return
    CSTNode.visit = _visit  # type: ignore[method-assign]


def uninstall() -> None:
    """LibCST's own walk again (for tests that compare both)."""
    CSTNode.visit = _ORIGINAL  # type: ignore[method-assign]


def _visit(self: CSTNode, visitor: Any) -> Any:
    if isinstance(visitor, CSTVisitor):
        if _only_the_root(self, visitor):
            visitor.on_visit(self)
            visitor.on_leave(self)
        else:
            _walk(self, visitor, _hooked(visitor))
        return self
    return _ORIGINAL(self, visitor)


def _only_the_root(node: CSTNode, visitor: CSTVisitor) -> bool:
    """A batch of metadata providers whose only callbacks are for the module it walks: LibCST's scope and expression
    context providers each walk the module with a visitor of their own from `visit_Module`, and the batch's walk
    below the module calls nothing (every other lookup of its table finds no method)."""
    if type(visitor) is not _BatchedCSTVisitor or type(node) is not cst.Module:
        # (the batch's callbacks are LibCST's own; a module is never below another node, where a class that nests,
        # met below a node LibCST's own method walks, would be)
        return False
    if getattr(visitor, "before_visit", True) is not None or getattr(visitor, "after_leave", True) is not None:
        return False
    methods = getattr(visitor, "visitor_methods", None)
    if not isinstance(methods, dict):
        return False
    return all(key in ("visit_Module", "leave_Module") for key, found in methods.items() if found)


def _walk(node: CSTNode, visitor: CSTVisitor, hooked: frozenset[str] | None) -> None:
    """LibCST's walk of a CSTVisitor without the copies. The attribute callbacks are made for the node classes
    in `hooked` (None: every class), the only ones for which they can do something."""
    cls = type(node)
    try:
        plan = _PLANS[cls]
    except KeyError:
        plan = _checked(node)
    if plan is None:
        _ORIGINAL(node, visitor)
        return
    if visitor.on_visit(node):
        if hooked is None or cls.__name__ in hooked:
            for field in plan:
                value = getattr(node, field)
                visitor.on_visit_attribute(node, field)
                if type(value) is tuple or type(value) is list:
                    for child in value:
                        _walk(child, visitor, hooked)
                elif value is not None and value is not _SENTINEL:
                    _walk(value, visitor, hooked)
                visitor.on_leave_attribute(node, field)
        else:  # (a visited field holds a node, a sequence of nodes, None or MaybeSentinel: no ABC isinstance)
            for field in plan:
                value = getattr(node, field)
                if type(value) is tuple or type(value) is list:
                    for child in value:
                        _walk(child, visitor, hooked)
                elif value is not None and value is not _SENTINEL:
                    _walk(value, visitor, hooked)
    visitor.on_leave(node)


_HOOK = re.compile(r"(?:visit|leave)_([A-Za-z0-9]+)_\w+")
_HOOKED: dict[type, frozenset[str] | None] = {}


def _hooked(visitor: CSTVisitor) -> frozenset[str] | None:
    """The node classes whose attribute callbacks can do something for `visitor` (None: not known, every class).
    CSTVisitor's callbacks call its `visit_<Node>_<field>` / `leave_<Node>_<field>` methods (no-ops unless a
    subclass defines them: LibCST's scope analysis has `visit_ClassDef_bases`); a batch of metadata providers
    calls the ones its providers define."""
    cls = type(visitor)
    if cls is _BatchedCSTVisitor:
        methods = getattr(visitor, "visitor_methods", None)
        if isinstance(methods, dict):
            return frozenset(m.group(1) for key in methods if (m := _HOOK.fullmatch(key)) and methods[key])
        return None
    if cls not in _HOOKED:
        _HOOKED[cls] = frozenset(
            m.group(1) for name in dir(cls)
            if (m := _HOOK.fullmatch(name)) and getattr(cls, name) is not getattr(CSTVisitor, name, None)
        ) if (cls.on_visit_attribute is CSTVisitor.on_visit_attribute
              and cls.on_leave_attribute is CSTVisitor.on_leave_attribute) else None
    return _HOOKED[cls]


def children(node: CSTNode) -> list[CSTNode]:
    """`node.children` (its direct children, in LibCST's order) without LibCST's copy of the node."""
    plan = _PLANS[type(node)] if type(node) in _PLANS else _checked(node)
    if plan is None:
        return list(node.children)
    found: list[CSTNode] = []
    for field in plan:
        value = getattr(node, field)
        if type(value) is tuple or type(value) is list:
            found.extend(value)
        elif value is not None and value is not _SENTINEL:
            found.append(value)
    return found


def _checked(node: CSTNode) -> tuple[str, ...] | None:
    """The class's plan, checked on this node against the fields LibCST's method visits."""
    cls = type(node)
    plan = _plan(cls)
    if plan is not None:
        recorder = _Recorder(node)
        cls._visit_and_replace_children(node, recorder)  # LibCST's own method, this node only
        if tuple(recorder.fields) != plan:
            plan = None
    _PLANS[cls] = plan
    return plan


def _plan(cls: type) -> tuple[str, ...] | None:
    """The fields `_visit_and_replace_children` visits, in order, or None when it chooses what to visit."""
    method = next((vars(k)["_visit_and_replace_children"] for k in cls.__mro__
                   if "_visit_and_replace_children" in vars(k)), None)
    if method is None or not dataclasses.is_dataclass(cls):
        return None
    code = method.__code__
    if any("JUMP" in instruction.opname for instruction in dis.get_instructions(code)):
        return None
    names = {field.name for field in dataclasses.fields(cls)}
    seen: list[str] = []
    for constant in code.co_consts:  # the `"field"` arguments of visit_required(self, "field", ...), in order
        if isinstance(constant, str) and constant in names and constant not in seen:
            seen.append(constant)
    return tuple(seen)


class _Recorder(CSTVisitor):
    """Records the fields LibCST's method visits on one node, without going below its children."""

    def __init__(self, node: CSTNode) -> None:
        super().__init__()
        self.node = node
        self.fields: list[str] = []

    def on_visit(self, node: CSTNode) -> bool:
        return False

    def on_leave(self, original_node: CSTNode) -> None:
        return None

    def on_visit_attribute(self, node: CSTNode, attribute: str) -> None:
        if node is self.node:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node: CSTNode, attribute: str) -> None:
        return None


def _node_classes() -> list[type]:
    found, stack = [], [CSTNode]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found
