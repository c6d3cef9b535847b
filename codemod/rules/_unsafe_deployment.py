"""AOAI105's unsafe fix (README "Unsafe fixes"): a client with a client-level deployment that a factory returns,
or that is stored where the tool can't follow it. The fix drops `azure_deployment` and relies on every request made
through the client passing the deployment as `model=`; the finding lists the requests the tool can see through
the factory (calls of it in the same module, `client = factory()` then requests) and whether each does.

Not offered when the client is passed to a call: the callee may be a framework that wants AzureOpenAI itself."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from codemod.engine import names
from codemod.engine.analysis import Analysis, keyword_arg, string_value
from codemod.engine.context import RuleContext

MAX_LISTED = 8  # requests named in one message; the rest are counted


def offered(analysis: Analysis, hidden: list[cst.CSTNode]) -> bool:
    """Whether the unsafe fix applies to a client whose out-of-sight uses are `hidden`: each is a return, a yield
    or a store, never an argument of a call."""
    return bool(hidden) and not any(isinstance(analysis.meta.parent(node), cst.Arg) for node in hidden)


def factories(analysis: Analysis, hidden: list[cst.CSTNode]) -> list[cst.FunctionDef]:
    """The functions that return (or yield) the client."""
    found: list[cst.FunctionDef] = []
    for node in hidden:
        if not isinstance(analysis.meta.parent(node), (cst.Return, cst.Yield)):
            continue
        function = next((a for a in analysis.meta.ancestors(node) if isinstance(a, cst.FunctionDef)), None)
        if function is not None and function not in found:
            found.append(function)
    return found


def seen_requests(analysis: Analysis, function: cst.FunctionDef) -> list[cst.Call]:
    """Deployment-route requests made in this module on what `function` returns: `function().chat...create()`,
    or through a name bound only to calls of it (`client = function()`)."""
    out = []
    for call in analysis.calls:
        path: list[str] = []
        receiver: cst.BaseExpression = call.func
        while isinstance(receiver, cst.Attribute):
            if receiver.attr.value not in names.TRANSPARENT_ATTRS:
                path.insert(0, receiver.attr.value)
            receiver = receiver.value
        if tuple(path) in names.DEPLOYMENT_ROUTE_REQUESTS and _made_by(analysis, receiver, function):
            out.append(call)
    return out


def _made_by(analysis: Analysis, expr: cst.BaseExpression, function: cst.FunctionDef) -> bool:
    if isinstance(expr, cst.Call):
        return isinstance(expr.func, cst.Name) and _names_function(analysis, expr.func, function)
    if isinstance(expr, cst.Name):
        values = analysis.bound_values(expr)
        return bool(values) and all(_made_by(analysis, v, function) for v in values or [])
    return False


def _names_function(analysis: Analysis, name: cst.Name, function: cst.FunctionDef) -> bool:
    """Whether `name` refers to `function` and to nothing else."""
    scope = analysis.meta.get(ScopeProvider, name)
    if scope is None:
        return False
    for access in scope.accesses[name.value]:
        if access.node is name:
            referents = list(access.referents)
            return len(referents) == 1 and isinstance(referents[0], Assignment) and referents[0].node is function
    return False


def note(ctx: RuleContext, deployment: cst.BaseExpression, hidden: list[cst.CSTNode]) -> str:
    """What the unsafe fix does and what it relies on, with the requests the tool sees through the factory."""
    shown = ctx.code_for(deployment)
    return (
        f"Unsafe fix (--unsafe-fixes): drop azure_deployment, relying on every request made through this client "
        f"passing model={shown}. {requests_seen(ctx, deployment, hidden)}"
    )


def requests_seen(ctx: RuleContext, deployment: cst.BaseExpression, hidden: list[cst.CSTNode]) -> str:
    found = factories(ctx.analysis, hidden)
    if not found:
        return "The tool sees no request made through it."
    calls = [call for function in found for call in seen_requests(ctx.analysis, function)]
    who = " or ".join(f"{f.name.value}()" for f in found)
    if not calls:
        return f"The tool sees no request made through {who} in this file."
    calls.sort(key=lambda c: ctx.position(c).start.line)
    parts = [f"line {ctx.position(c).start.line} {_what_it_passes(ctx, c, deployment)}" for c in calls[:MAX_LISTED]]
    more = f", and {len(calls) - MAX_LISTED} more" if len(calls) > MAX_LISTED else ""
    return f"Requests seen through {who}: " + "; ".join(parts) + more + "."


def astray(ctx: RuleContext, deployment: cst.BaseExpression, hidden: list[cst.CSTNode]) -> list[tuple[cst.Call, str]]:
    """The requests seen through the factory that do not pass the deployment as model=, with what they pass."""
    calls = [call for function in factories(ctx.analysis, hidden) for call in seen_requests(ctx.analysis, function)]
    return [(c, _what_it_passes(ctx, c, deployment)) for c in calls if not passes_deployment(ctx, c, deployment)]


def passes_deployment(ctx: RuleContext, call: cst.Call, deployment: cst.BaseExpression) -> bool:
    model = keyword_arg(call, "model")
    return model is not None and _same(ctx, model.value, deployment)


def _what_it_passes(ctx: RuleContext, call: cst.Call, deployment: cst.BaseExpression) -> str:
    model = keyword_arg(call, "model")
    shown = ctx.code_for(deployment)
    if model is None:
        if any(a.star == "**" for a in call.args):
            return f"takes its arguments from **, check that they hold model={shown}"
        return f"passes no model= (add model={shown})"
    if _same(ctx, model.value, deployment):
        return f"passes model={shown}"
    return f"passes model={ctx.code_for(model.value)}, not the deployment (change it to {shown})"


def _same(ctx: RuleContext, a: cst.BaseExpression, b: cst.BaseExpression) -> bool:
    literal = string_value(a)
    if literal is not None and literal == string_value(b):
        return True
    return ctx.code_for(a) == ctx.code_for(b)
