"""Whether an expression written at a client's constructor has the same value where a request is made.

AOAI105 copies the client-level deployment into the `model=` of every request, so the expression is evaluated
there, later, once per request, instead of once when AzureOpenAI was built. Provably the same value: a string
literal (or an f-string made of such parts); a name with a single binding — an assignment, an import or a
parameter — that no other binding of any form changes (codemod/engine/bindings.py lists them all: `global`,
`nonlocal`, `del`, match patterns and `:=` in a comprehension included), not made in a loop, not shadowed where the
request is, and that precedes the client; for a function's local name, only while the client stays in
that call's local names; `self.<attr>` assigned once, in `__init__`, before the client. Anything else
(`os.environ[...]`, another object's attribute, a call) is evaluated again at each request.

A value that may be None does not move either: with `azure_deployment=None` AzureOpenAI used each request's own
`model=` (lib/azure.py builds the deployment URL only when the deployment is not None)."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider
from libcst.metadata.scope_provider import GlobalScope

from codemod.engine import names
from codemod.engine.analysis import Client, string_value
from codemod.engine.bindings import Binding
from codemod.engine.context import RuleContext
from codemod.engine.nullable import may_be_none, value_may_be_none
from codemod.engine.walk import children

_BINDERS = (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.Module)


def why_not_movable(ctx: RuleContext, expr: cst.BaseExpression, client: Client, request: cst.Call) -> str | None:
    """None when `expr`, written at the client's constructor, has the same value at `request`; else why not."""
    return _reason(ctx, expr, client, request, whole=True)


def _reason(ctx: RuleContext, expr: cst.BaseExpression, client: Client, request: cst.Call, whole: bool) -> str | None:
    """`whole`: `expr` is the deployment itself, not a part of an f-string (where None is just text)."""
    if string_value(expr) is not None:
        return None
    if isinstance(expr, cst.FormattedString):
        parts = [p.expression for p in expr.parts if isinstance(p, cst.FormattedStringExpression)]
        return next((r for p in parts if (r := _reason(ctx, p, client, request, False)) is not None), None)
    if isinstance(expr, cst.ConcatenatedString):
        return _reason(ctx, expr.left, client, request, False) or _reason(ctx, expr.right, client, request, False)
    if isinstance(expr, cst.Name):
        return _name_reason(ctx, expr, client, request, whole)
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        owner = ctx.analysis.enclosing_class_of_self(expr.value)
        if owner is not None:
            return _self_attribute_reason(ctx, expr, owner, client, request, whole)
    return f"{ctx.code_for(expr)} would be evaluated again at each request, and may give another value there"


def _name_reason(ctx: RuleContext, name: cst.Name, client: Client, request: cst.Call, whole: bool) -> str | None:
    referents = ctx.analysis.referents(name)
    if len(referents) != 1 or not isinstance(next(iter(referents)), Assignment):
        return f"{name.value} is not bound once where the client is built"
    (binding,) = referents
    scope = binding.scope
    # LibCST's scopes miss some binding forms (match captures, := in a comprehension): count them all
    scope_node = ctx.module if isinstance(scope, GlobalScope) else getattr(scope, "node", None)
    every = [b for b in ctx.bindings().of(scope_node, binding.name) if b.rebinds] if scope_node else []
    own = [b for b in every if _same_site(b.node, binding.node)]
    others = [b for b in every if not any(b is o for o in own)]
    if others:
        return f"{name.value} is {_rebound(ctx, others[0])} at line {_line(ctx, others[0].node)}"
    if len(own) != 1:
        return f"{name.value} is not bound once where the client is built"
    kind = own[0].kind
    if kind not in ("an assignment", "an import", "a parameter"):
        return f"{name.value} is bound by {kind} at line {_line(ctx, binding.node)}"
    if kind == "an assignment" and _in_loop(ctx, binding.node):
        return f"{name.value} is assigned in a loop (line {_line(ctx, binding.node)}), once per pass"
    if isinstance(scope, GlobalScope) and kind == "an assignment" and _in_function(ctx, binding.node):
        return f"{name.value} is assigned in a function (global, line {_line(ctx, binding.node)}) that may run again"
    request_scope = ctx.meta.get(ScopeProvider, request)
    if request_scope is None or set(request_scope[binding.name]) != {binding}:
        return f"{name.value} means something else where the request at line {_line(ctx, request)} is made"
    if not isinstance(scope, GlobalScope):
        reason = _local_reason(ctx, name.value, binding, client, request)
        if reason is not None:
            return reason
    if whole and may_be_none(ctx, binding.node):
        return f"{name.value} may be None (AzureOpenAI then used each request's own model=)"
    return None


def _same_site(node: cst.CSTNode, site: cst.CSTNode) -> bool:
    """Whether a binding of the complete list is the one LibCST's scope analysis found (which names the Param,
    the def, or the import statement rather than the bound name)."""
    if node is site or (not isinstance(site, cst.Name) and getattr(site, "name", None) is node):
        return True
    return isinstance(site, (cst.Import, cst.ImportFrom)) and _contains(site, node)


def _rebound(ctx: RuleContext, other: Binding) -> str:
    words = "assigned again" if other.kind == "an assignment" else f"bound again by {other.kind}"
    if other.written is other.scope:
        return words
    if isinstance(other.written, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
        return f"{words} in a comprehension (where := binds the enclosing scope's name)"
    if isinstance(other.written, cst.FunctionDef):
        return f"{words} in {other.written.name.value}() (global or nonlocal)"
    return f"{words} in a nested function (global or nonlocal)"


def _local_reason(ctx: RuleContext, name: str, binding: Assignment, client: Client, request: cst.Call) -> str | None:
    """A function's local name has its value for one call of the function: the client must be built and used
    in that same call, held in that call's local names only."""
    assert client.call is not None
    scope = binding.scope
    if ctx.meta.get(ScopeProvider, client.call) is not scope or ctx.meta.get(ScopeProvider, request) is not scope:
        line = _line(ctx, request)
        return f"{name} is local to a function or class, and the client or the request at line {line} is not"
    if not isinstance(binding.node, cst.Param) and _before(ctx, client.call, binding.node):
        return f"{name} is assigned after the client (line {_line(ctx, binding.node)})"
    receiver = request.func.value if isinstance(request.func, cst.Attribute) else request.func
    if not _held_locally(ctx, receiver, client, scope, 0):
        return (
            f"{name} is local to a function, and the request at line {_line(ctx, request)} reaches the client through "
            "an attribute or a name outside it, maybe from another call of the function"
        )
    return None


def _held_locally(ctx: RuleContext, expr: cst.BaseExpression, client: Client, scope: object, depth: int) -> bool:
    """Whether `expr` holds the client only through local names of `scope`."""
    if depth > 20:
        return False
    if expr is client.call:
        return True
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute):
        copy = expr.func.attr.value in names.CLIENT_COPY_METHODS
        return copy and _held_locally(ctx, expr.func.value, client, scope, depth + 1)
    if isinstance(expr, cst.Attribute):
        if isinstance(expr.value, cst.Name) and ctx.analysis.enclosing_class_of_self(expr.value) is not None:
            return False  # self.client: built by another call of a method, maybe
        return _held_locally(ctx, expr.value, client, scope, depth + 1)
    if not isinstance(expr, cst.Name):
        return False
    referents = ctx.analysis.referents(expr)
    if not referents or any(r.scope is not scope for r in referents):
        return False
    values = ctx.analysis.bound_values(expr) or []
    reaching = [v for v in values if any(c is client for c, _ in ctx.analysis.clients_of(v))]
    return bool(reaching) and all(_held_locally(ctx, v, client, scope, depth + 1) for v in reaching)


def _self_attribute_reason(
    ctx: RuleContext, expr: cst.Attribute, owner: cst.ClassDef, client: Client, request: cst.Call, whole: bool
) -> str | None:
    assert isinstance(expr.value, cst.Name) and client.call is not None
    code, attr = ctx.code_for(expr), expr.attr.value
    stores = [r for r in ctx.analysis.self_attr_refs.get((owner, attr), []) if _binding_kind(ctx, r) != "a read"]
    stores += [t for t in _attribute_assignments(ctx, attr) if not any(t is s for s in stores)]
    if len(stores) != 1:
        lines = ", ".join(map(str, sorted({_line(ctx, s) for s in stores})))  # in the order of the file
        where = f"at lines {lines}" if stores else "nowhere in the class"
        return f"{code} is assigned {where}, not once in __init__"
    (store,) = stores
    method = next((a for a in ctx.meta.ancestors(store) if isinstance(a, cst.FunctionDef)), None)
    in_init = method is not None and method.name.value == "__init__"
    if not in_init or ctx.analysis.enclosing_class_of_self(expr.value, store) is not owner:
        return f"{code} is assigned outside __init__ (line {_line(ctx, store)})"
    if _binding_kind(ctx, store) != "an assignment" or _in_loop(ctx, store):
        return f"{code} is changed at line {_line(ctx, store)}"
    if method in ctx.meta.ancestors(client.call) and _before(ctx, client.call, store):
        return f"{code} is assigned after the client (line {_line(ctx, store)})"
    if ctx.analysis.enclosing_class_of_self(expr.value, anchor=request) is not owner:
        return f"{code} is not this object's attribute where the request at line {_line(ctx, request)} is made"
    statement = ctx.meta.parent(store)
    statement = ctx.meta.parent(statement) if isinstance(statement, cst.AssignTarget) else statement
    value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    if whole and value is not None and value_may_be_none(ctx, value):
        return f"{code} may be None (AzureOpenAI then used each request's own model=)"
    return None


def _attribute_assignments(ctx: RuleContext, attr: str) -> list[cst.CSTNode]:
    """`anything.<attr> = ...` anywhere in the module: another object may set the attribute too."""
    return [
        target.target
        for assign in ctx.analysis.assigns
        for target in assign.targets
        if isinstance(target.target, cst.Attribute) and target.target.attr.value == attr
    ]


def _binding_kind(ctx: RuleContext, node: cst.CSTNode) -> str:
    """How a binding (or an attribute reference) gets its value, in words."""
    if isinstance(node, cst.Param):
        return "a parameter"
    if isinstance(node, (cst.Import, cst.ImportFrom)):
        return "an import"
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return "a definition"
    parent = ctx.meta.parent(node)
    while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
        parent = ctx.meta.parent(parent)
    if isinstance(parent, cst.AssignTarget) or (isinstance(parent, cst.AnnAssign) and parent.target is node):
        return "an assignment"
    if isinstance(parent, cst.For) and parent.target is not None and _contains(parent.target, node):
        return "a for loop"
    if isinstance(parent, cst.AugAssign) and parent.target is node:
        return "an augmented assignment"
    if isinstance(parent, cst.NamedExpr) and parent.target is node:
        return "an assignment expression (:=)"
    if isinstance(parent, cst.CompFor) and _contains(parent.target, node):
        return "a comprehension"
    if isinstance(parent, cst.AsName):
        return "a with or except clause"
    if isinstance(parent, cst.Del) or _inside(ctx, node, cst.Del):
        return "a del statement"
    return "a read" if isinstance(node, cst.Attribute) else "a match or another binding"


def _in_loop(ctx: RuleContext, node: cst.CSTNode) -> bool:
    for ancestor in ctx.meta.ancestors(node):
        if isinstance(ancestor, (cst.For, cst.While)):
            return True
        if isinstance(ancestor, _BINDERS):
            return False
    return False


def _in_function(ctx: RuleContext, node: cst.CSTNode) -> bool:
    return any(isinstance(a, (cst.FunctionDef, cst.Lambda)) for a in ctx.meta.ancestors(node))


def _inside(ctx: RuleContext, node: cst.CSTNode, kind: type) -> bool:
    for ancestor in ctx.meta.ancestors(node):
        if isinstance(ancestor, kind):
            return True
        if isinstance(ancestor, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            return False
    return False


def _contains(tree: cst.CSTNode, node: cst.CSTNode) -> bool:
    return tree is node or any(_contains(child, node) for child in children(tree))


def _before(ctx: RuleContext, first: cst.CSTNode, second: cst.CSTNode) -> bool:
    """Whether `first` starts before `second` in the source."""
    a, b = ctx.position(first).start, ctx.position(second).start
    return (a.line, a.column) < (b.line, b.column)


def _line(ctx: RuleContext, node: cst.CSTNode) -> int:
    return ctx.position(node).start.line
