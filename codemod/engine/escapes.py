"""Where does a client go? Escape analysis for AOAI105: a client-level deployment can move to `model=` only
when every use of the client is in sight (method calls on it, copies from `with_options`, names and
`self.<attr>` that are followed in turn); anything else (returned, passed on, stored) is out of sight."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.metadata import ScopeProvider

from codemod.engine import names
from codemod.engine.analysis import Analysis, Client, assign_targets, string_value
from codemod.engine.walk import children


def out_of_sight_uses(analysis: Analysis, client: Client) -> list[cst.CSTNode]:
    """Uses of the client that cannot be followed (returned, passed on, stored elsewhere), each once, in the
    order of the file: the scope analysis gives a name's references as a set, and a finding that names "line N"
    must name the same line on every run."""
    assert client.call is not None
    return out_of_sight_from(analysis, client.call)


def out_of_sight_from(analysis: Analysis, value: cst.CSTNode) -> list[cst.CSTNode]:
    """The same for any expression that evaluates to a client (a factory's call)."""
    found = dict.fromkeys(_escapes(analysis, value, 0, set()))
    return sorted(found, key=lambda node: _start(analysis, node))


def _start(analysis: Analysis, node: cst.CSTNode) -> tuple[int, int]:
    start = analysis.meta.position(node).start
    return start.line, start.column


def module_level_names(analysis: Analysis, client: Client) -> list[str]:
    """The names a module-level assignment binds the client to (`client = AzureOpenAI(...)`): other modules,
    and a notebook's other cells, can use those."""
    assert client.call is not None
    return module_level_names_of(analysis, client.call)


def module_level_names_of(analysis: Analysis, value: cst.CSTNode) -> list[str]:
    """The same for any expression that evaluates to a client (`client = get_client()` at module level)."""
    assign = analysis.meta.parent(value)
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or assign.value is not value:
        return []
    line = analysis.meta.parent(assign)
    if not isinstance(analysis.meta.parent(line), cst.Module):
        return []
    targets = assign_targets(assign)
    return [t.value for t in targets if isinstance(t, cst.Name)]


def holder_class(analysis: Analysis, client: Client) -> cst.ClassDef | None:
    """The class whose instances hold the client (`self.client = AzureOpenAI(...)` in a method): another module
    that imports the class can reach the client through an instance or a subclass."""
    assert client.call is not None
    return holder_class_of(analysis, client.call)


def holder_class_of(analysis: Analysis, value: cst.CSTNode) -> cst.ClassDef | None:
    """The same for any expression that evaluates to a client (`self.client = get_client()`)."""
    assign = analysis.meta.parent(value)
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or assign.value is not value:
        return None
    targets = assign_targets(assign)
    for target in targets:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = analysis.enclosing_class_of_self(target.value)
            if owner is not None:
                return owner
    return None


def how_it_escapes(analysis: Analysis, node: cst.CSTNode) -> str:
    """What happens to the client at an out-of-sight use, in words: "returned", "passed to run_agent()"."""
    parent = analysis.meta.parent(node)
    code = cst.Module(body=[]).code_for_node(node)
    if isinstance(parent, cst.Arg) and isinstance(analysis.meta.parent(parent), cst.ClassDef):
        return f"the class's base {code} is defined where the tool can't see it, and may use the attribute"
    holder = analysis.enclosing_class_of_self(node.value) if isinstance(node, cst.Attribute) and isinstance(
        node.value, cst.Name) else None
    if holder is not None:
        return f"read as {code} in {holder.name.value}, a subclass or base of the class, or a class combined with it"
    if isinstance(node, cst.Attribute) and len(code) <= 40:
        return f"read as {code}, on an object the tool can't follow"
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr":
        return "read with getattr()"
    if isinstance(parent, (cst.Return, cst.Yield)):
        return "returned" if isinstance(parent, cst.Return) else "yielded"
    if isinstance(parent, cst.Arg):
        call = analysis.meta.parent(parent)
        if isinstance(call, cst.Call):
            callee = cst.Module(body=[]).code_for_node(call.func)
            return f"passed to {callee}()" if len(callee) <= 40 else "passed to a call"
    return "stored or used where the tool can't follow it"


def _escapes(analysis: Analysis, node: cst.CSTNode, depth: int, seen: set[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    if depth > 20 or node in seen:
        yield node
        return
    seen.add(node)
    parent = analysis.meta.parent(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        grand = analysis.meta.parent(parent)
        if isinstance(grand, cst.Call) and grand.func is parent:
            if parent.attr.value in names.CLIENT_COPY_METHODS:
                yield from _escapes(analysis, grand, depth + 1, seen)
            return  # a method call on the client or one of its resources
        yield from _escapes(analysis, parent, depth + 1, seen)
    elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is node:
        targets = assign_targets(parent)
        for target in targets:
            yield from _target_escapes(analysis, target, depth, seen)
    elif isinstance(parent, cst.WithItem) and parent.item is node and parent.asname is not None:
        yield from _target_escapes(analysis, parent.asname.name, depth, seen)
    elif isinstance(parent, cst.Expr) or _only_tested(parent, node) or _only_inspected(analysis, parent):
        return
    else:
        yield node


# builtins that look at an object and keep nothing of it: `hasattr(client, "_azure_deployment")`,
# `type(client)`, `print(client)` make no request through the client
_INSPECTING_BUILTINS = frozenset(
    f"builtins.{name}" for name in ("isinstance", "hasattr", "type", "id", "repr", "str", "print", "callable")
)


def _only_inspected(analysis: Analysis, parent: cst.CSTNode | None) -> bool:
    """The client is an argument of a builtin that only inspects it."""
    if not isinstance(parent, cst.Arg) or parent.star:
        return False
    call = analysis.meta.parent(parent)
    return isinstance(call, cst.Call) and bool(analysis.qualified(call.func) & _INSPECTING_BUILTINS)


def _only_tested(parent: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """`client is None`, `if client:`, `not client`: the client is compared or tested, and goes nowhere."""
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
        return True
    if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.Assert)):
        return parent.test is node
    return isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not)

def _target_escapes(
    analysis: Analysis, target: cst.BaseExpression, depth: int, seen: set[cst.CSTNode]
) -> Iterator[cst.CSTNode]:
    if isinstance(target, cst.Name):
        scope = analysis.meta.get(ScopeProvider, target, None)
        assignments = [a for a in (scope.assignments[target.value] if scope else []) if a.node is target]
        if not assignments:
            yield target
        for assignment in assignments:
            for ref in assignment.references:
                yield from _escapes(analysis, ref.node, depth + 1, seen)
    elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
        owner = analysis.enclosing_class_of_self(target.value)
        if owner is None:
            yield target
            return
        yield from _attribute_out_of_class(analysis, owner, target.attr.value)
        for ref in analysis.self_attr_refs.get((owner, target.attr.value), []):
            parent = analysis.meta.parent(ref)
            is_store = isinstance(parent, cst.AssignTarget) or (
                isinstance(parent, cst.AnnAssign) and parent.target is ref
            )
            if not is_store:
                yield from _escapes(analysis, ref, depth + 1, seen)
    else:
        yield target


# Bases that define no methods of their own that could use an attribute of the instance.
_PLAIN_BASES = frozenset(
    {"builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"}
)


def _attribute_out_of_class(analysis: Analysis, owner: cst.ClassDef, attr: str) -> Iterator[cst.CSTNode]:
    """Where `self.<attr>` of `owner`'s instances may be used out of sight: read on another object
    (`assistant.client`, `getattr(x, "client")`), by a related class (a subclass, a base, or a class combined with
    it), whose `self` the analysis does not tie to `owner`, or by a base class defined in another module."""
    related = _related_classes(analysis, owner)
    for node in _all_nodes(analysis.meta.module):
        if not isinstance(node, cst.Attribute) or node.attr.value != attr:
            continue
        if not isinstance(node.value, cst.Name):
            yield node
            continue
        holder = analysis.enclosing_class_of_self(node.value)
        if holder is None or (holder is not owner and holder in related):
            yield node
    for call in analysis.calls:
        if isinstance(call.func, cst.Name) and call.func.value in ("getattr", "setattr") and any(
            string_value(a.value) == attr for a in call.args
        ):
            yield call
    yield from _unseen_bases(analysis, owner, set())


def _in_module_class(analysis: Analysis, value: cst.BaseExpression) -> cst.ClassDef | None:
    """The class of this module a base names, when it names exactly one."""
    if not isinstance(value, cst.Name):
        return None
    found = [getattr(r, "node", None) for r in analysis.referents(value)]
    return found[0] if len(found) == 1 and isinstance(found[0], cst.ClassDef) else None


def _in_module_bases(analysis: Analysis, cls: cst.ClassDef) -> list[cst.ClassDef]:
    found = [_in_module_class(analysis, base.value) for base in cls.bases if base.keyword is None]
    return [c for c in found if c is not None]


def _related_classes(analysis: Analysis, owner: cst.ClassDef) -> set[cst.ClassDef]:
    """Classes of the module that share an instance with `owner`: both are among the ancestors of one class."""
    classes = [n for n in _all_nodes(analysis.meta.module) if isinstance(n, cst.ClassDef)]
    related: set[cst.ClassDef] = set()
    for cls in classes:
        lineage = _ancestors(analysis, cls)
        if owner in lineage:
            related |= lineage
    return related


def _ancestors(analysis: Analysis, cls: cst.ClassDef) -> set[cst.ClassDef]:
    seen = {cls}
    todo = [cls]
    while todo:
        for base in _in_module_bases(analysis, todo.pop()):
            if base not in seen:
                seen.add(base)
                todo.append(base)
    return seen


def _unseen_bases(analysis: Analysis, cls: cst.ClassDef, seen: set[cst.ClassDef]) -> Iterator[cst.CSTNode]:
    """The bases of `cls` (and of its bases in the module) that are defined elsewhere and are not plain."""
    seen.add(cls)
    for base in cls.bases:
        if base.keyword is not None:
            continue  # metaclass=...
        value = base.value.value if isinstance(base.value, cst.Subscript) else base.value  # Generic[T]
        if analysis.qualified(value) & _PLAIN_BASES:
            continue
        local = _in_module_class(analysis, value)
        if local is not None:
            if local not in seen:
                yield from _unseen_bases(analysis, local, seen)
            continue
        yield base.value


def _all_nodes(module: cst.Module) -> Iterator[cst.CSTNode]:
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children(node))
