"""AOAI105 — a client-level `azure_deployment=D` is removed and every request made through the client on a
deployment route gets `model=D`: with `azure_deployment` the openai package put D in the URL and ignored
`model=` on those routes (lib/azure.py, `_deployments_endpoints`). The Responses API is not a deployment
route: its `model=` was always used, so it is kept. With `base_url=` the package ignored `azure_deployment`
(the requests went to /deployments/<model>), so the argument is simply dropped; a base_url ending in
/deployments/NAME names the deployment itself.

D is copied into the requests only when it has the same value there as at the constructor (codemod/stable.py:
a literal, a name bound once and never rebound, `self.<attr>` set once in `__init__`, and not None). When it
may not, when a use of the client is out of sight (returned, passed on, stored where it can't be followed), or
when a request is also made through another client, the client is left alone and reported.
Fixtures: fixtures/client_deployment/."""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs, names
from codemod.engine.analysis import Client, keyword_arg, string_value
from codemod.engine.context import RuleContext
from codemod.engine.escapes import how_it_escapes, module_level_names, out_of_sight_uses
from codemod.engine.stable import why_not_movable
from codemod.rules import deployment_names

CODES = ("AOAI105",)
ORDER = 50


def deployment_of(client: Client) -> cst.BaseExpression | None:
    """The deployment the client's deployment-route requests went to, whatever their model= said:
    `azure_deployment=D` when the client was built from an endpoint (azure_endpoint= or AZURE_OPENAI_ENDPOINT), or
    NAME of a base_url ending in /deployments/NAME. With base_url= the openai package ignores azure_deployment: it
    builds the deployment URL only when base_url is None and keeps `_azure_deployment = None` (lib/azure.py)."""
    base_url = client.kwarg("base_url")
    if base_url is None or _is_none(base_url.value):
        arg = client.kwarg("azure_deployment")
        return arg.value if arg is not None and not _is_none(arg.value) else None
    folded = exprs.base_url_to_v1(base_url.value)
    if folded is not None and folded[1] is not None:
        return exprs.string(folded[1])
    return None


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    deployment = deployment_of(client)
    if deployment is None:
        return None
    bound_to = module_level_names(ctx.analysis, client)
    imported = ctx.options.imported_elsewhere.get(ctx.path, {})
    importer = next((imported[n] for n in bound_to if n in imported), None)
    if importer is not None:
        return client.call, (
            f"the client has a client-level deployment and {importer} imports it, so requests made there "
            "can't be given model=<deployment> from this file. Migrate by hand: drop azure_deployment and pass "
            "the deployment as model= on every request made through this client, in both files."
        )
    if any(ctx.hidden_mentions(n) for n in bound_to):
        return client.call, (
            "the client has a client-level deployment and is used in code the tool cannot see (an IPython magic "
            "line or a cell that does not parse), where requests can't be given model=<deployment>. Migrate by "
            "hand: drop azure_deployment and pass the deployment as model= on every request through this client."
        )
    hidden = out_of_sight_uses(ctx.analysis, client)
    if hidden:
        line = ctx.position(hidden[0]).start.line
        how = how_it_escapes(ctx.analysis, hidden[0])
        return client.call, (
            f"the client has a client-level deployment and goes out of sight at line {line} ({how}), so its requests "
            "can't all be given model=<deployment>. Migrate by hand: drop azure_deployment and pass the "
            "deployment as model= on every request made through this client."
        )
    for request in client.requests:
        if request.path in names.DEPLOYMENT_ROUTE_REQUESTS:
            message = _request_problem(ctx, client, deployment, request)
            if message is not None:
                return request.call, message
    return None


def _request_problem(ctx: RuleContext, client: Client, deployment: cst.BaseExpression, request) -> str | None:
    """Why this deployment-route request can't be given model=<deployment>, if it can't."""
    spread = next((a for a in request.call.args if a.star == "**"), None)
    if spread is not None and keyword_arg(request.call, "model") is None:
        return (
            f"this request takes its arguments from **{ctx.code_for(spread.value)}, which may hold model= "
            "already, so the tool can't give it model=<deployment> (the client's deployment); set model= "
            "there by hand and drop azure_deployment."
        )
    shared = _shared_by(ctx, client, request, deployment)
    if shared is not None:
        return (
            f"this request is made through {shared}, whose deployments differ, so the tool can't give it "
            "the model= of one of them. Migrate these clients by hand: pass each deployment as model= on the "
            "requests of its own client."
        )
    reason = why_not_movable(ctx, deployment, client, request.call)
    if reason is None:
        return None
    return (
        f"azure_deployment={ctx.code_for(deployment)} (line {ctx.position(deployment).start.line}) can't "
        f"move to this request's model=: {reason}; AzureOpenAI read it once, when the client was "
        "built. Bind the deployment to a name once, before the client, and never rebind it; or migrate by "
        "hand: drop azure_deployment and pass the deployment as model= on every request through this client."
    )


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        deployment = deployment_of(client)
        ignored = client.kwarg("azure_deployment")
        if ignored is not None:
            ctx.edits.call(client.call).remove.add("azure_deployment")  # OpenAI takes no such argument
        if deployment is None:
            if ignored is not None:
                _report_ignored(ctx, ignored)
            continue
        ctx.exported_clients.update(module_level_names(ctx.analysis, client))
        ctx.report(
            "AOAI105",
            client.call,
            f"client-level deployment {ctx.code_for(deployment)} moved to model= on its requests",
            fixed=True,
        )
        for request in client.requests:
            if request.path not in names.DEPLOYMENT_ROUTE_REQUESTS:
                continue
            ctx.model_overridden.add(request.call)
            value = _model_value(ctx, deployment, request.call)
            ops = ctx.edits.call(request.call)
            if keyword_arg(request.call, "model") is not None:
                ops.replace["model"] = ("model", value)
            else:
                ops.add.append(("model", value))


def _model_value(ctx: RuleContext, deployment: cst.BaseExpression, request: cst.Call) -> cst.BaseExpression:
    literal = string_value(deployment)
    if literal is not None and ctx.active("AOAI201", request):
        return deployment_names.env_lookup(ctx, literal, deployment)
    if isinstance(deployment, cst.Name) and ctx.active("AOAI201", request):
        return deployment_names.constant_model(ctx, deployment) or deployment.deep_clone()
    return deployment.deep_clone()


def _report_ignored(ctx: RuleContext, arg: cst.Arg) -> None:
    why = (
        "None means no client-level deployment"
        if _is_none(arg.value)
        else "with base_url= the openai package ignored it, and requests went to the deployment their model= names"
    )
    ctx.report("AOAI105", arg, f"azure_deployment removed: {why}", fixed=True)


def _shared_by(ctx: RuleContext, client: Client, request, deployment: cst.BaseExpression) -> str | None:
    """The clients a request may be made through (two constructions assigned to one name or attribute, or a
    parameter's client), in words, unless they all have the same literal deployment."""
    literal = string_value(deployment)
    clients = [r.client for r in ctx.analysis.requests if r.call is request.call and r.client is not None]
    if len(clients) < 2:
        return None
    theirs = [deployment_of(c) if c.call is not None else None for c in clients]
    if literal is not None and all(d is not None and string_value(d) == literal for d in theirs):
        return None
    lines = sorted(ctx.position(c.call).start.line for c in clients if c.call is not None)
    where = "the clients built at lines " + ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    return where + (" or a parameter's client" if len(lines) < len(clients) else "")
