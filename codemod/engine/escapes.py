"""Where does a client go? Escape analysis for AOAI105: a client-level deployment can move to `model=` only
when every use of the client is in sight (method calls on it, copies from `with_options`, names and
`self.<attr>` that are followed in turn); anything else (returned, passed on, stored) is out of sight."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.metadata import ScopeProvider

from codemod.engine import names
from codemod.engine.analysis import Analysis, Client


def out_of_sight_uses(analysis: Analysis, client: Client) -> list[cst.CSTNode]:
    """Uses of the client that cannot be followed (returned, passed on, stored elsewhere), each once, in the
    order of the file: the scope analysis gives a name's references as a set, and a finding that names "line N"
    must name the same line on every run."""
    assert client.call is not None
    found = dict.fromkeys(_escapes(analysis, client.call, 0, set()))
    return sorted(found, key=lambda node: _start(analysis, node))


def _start(analysis: Analysis, node: cst.CSTNode) -> tuple[int, int]:
    start = analysis.meta.position(node).start
    return start.line, start.column

def module_level_names(analysis: Analysis, client: Client) -> list[str]:
    """The names a module-level assignment binds the client to (`client = AzureOpenAI(...)`): other modules,
    and a notebook's other cells, can use those."""
    assert client.call is not None
    assign = analysis.meta.parent(client.call)
    if not isinstance(assign, (cst.Assign, cst.AnnAssign)) or assign.value is not client.call:
        return []
    line = analysis.meta.parent(assign)
    if not isinstance(analysis.meta.parent(line), cst.Module):
        return []
    targets = [t.target for t in assign.targets] if isinstance(assign, cst.Assign) else [assign.target]
    return [t.value for t in targets if isinstance(t, cst.Name)]


def how_it_escapes(analysis: Analysis, node: cst.CSTNode) -> str:
    """What happens to the client at an out-of-sight use, in words: "returned", "passed to run_agent()"."""
    parent = analysis.meta.parent(node)
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
        targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
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
        for ref in analysis.self_attr_refs.get((owner, target.attr.value), []):
            parent = analysis.meta.parent(ref)
            is_store = isinstance(parent, cst.AssignTarget) or (
                isinstance(parent, cst.AnnAssign) and parent.target is ref
            )
            if not is_store:
                yield from _escapes(analysis, ref, depth + 1, seen)
    else:
        yield target
