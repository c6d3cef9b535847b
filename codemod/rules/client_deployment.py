"""AOAI105 — a client-level `azure_deployment=D` is removed and every request made through the client on a
deployment route gets `model=D`: with `azure_deployment` the openai package put D in the URL and ignored
`model=` on those routes (lib/azure.py, `_deployments_endpoints`). The Responses API is not a deployment
route: its `model=` was always used, so it is kept. When a use of the client is out of sight (returned,
passed on, stored where it can't be followed) the client is left alone and reported.
Fixtures: fixtures/client_deployment/."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider
from libcst.metadata.scope_provider import GlobalScope

from codemod import exprs, names
from codemod.analysis import Client, keyword_arg, string_value
from codemod.context import RuleContext
from codemod.escapes import how_it_escapes, module_level_names, out_of_sight_uses
from codemod.rules import deployment_names

CODES = ("AOAI105",)
ORDER = 50


def deployment_of(client: Client) -> cst.BaseExpression | None:
    """The client-level deployment: `azure_deployment=D`, or NAME of a base_url ending in /deployments/NAME."""
    arg = client.kwarg("azure_deployment")
    if arg is not None:
        return arg.value
    base_url = client.kwarg("base_url")
    folded = exprs.base_url_to_v1(base_url.value) if base_url is not None else None
    if folded is not None and folded[1] is not None:
        return exprs.string(folded[1])
    return None


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
        if request.path not in names.DEPLOYMENT_ROUTE_REQUESTS:
            continue
        spread = next((a for a in request.call.args if a.star == "**"), None)
        if spread is not None and keyword_arg(request.call, "model") is None:
            return request.call, (
                f"this request takes its arguments from **{ctx.code_for(spread.value)}, which may hold model= "
                "already, so the tool can't give it model=<deployment> (the client's deployment); set model= "
                "there by hand and drop azure_deployment."
            )
        if not _movable(ctx, deployment, client, request):
            return request.call, (
                f"{ctx.code_for(deployment)} (the client's deployment) is not visible where this request is "
                "made; pass the deployment as model= here by hand and drop azure_deployment."
            )
    return None


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        deployment = deployment_of(client)
        if deployment is None:
            continue
        if client.kwarg("azure_deployment") is not None:
            ctx.edits.call(client.call).remove.add("azure_deployment")
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


def _movable(ctx: RuleContext, deployment: cst.BaseExpression, client: Client, request) -> bool:
    """Whether evaluating the deployment expression at the request gives what it gave at the constructor."""
    if string_value(deployment) is not None:
        return True
    ctor_scope = ctx.meta.get(ScopeProvider, client.call)
    request_scope = ctx.meta.get(ScopeProvider, request.call)
    for node in _names_in(deployment):
        referents = ctx.analysis.referents(node)
        if not referents:
            return False
        in_global = all(isinstance(r.scope, GlobalScope) for r in referents)
        same_scope = ctor_scope is request_scope and all(isinstance(r, Assignment) for r in referents)
        if not (in_global or same_scope or _same_self(ctx, node, client, request)):
            return False
    return True


def _same_self(ctx: RuleContext, node: cst.Name, client: Client, request) -> bool:
    owner = ctx.analysis.enclosing_class_of_self(node)
    if owner is None:
        return False
    request_owner = next((a for a in ctx.meta.ancestors(request.call) if isinstance(a, cst.ClassDef)), None)
    return request_owner is owner


def _names_in(expr: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            found.append(node)
        elif isinstance(node, cst.Attribute):
            walk(node.value)  # `a.b`: only `a` is looked up
        else:
            for child in node.children:
                walk(child)

    walk(expr)
    return found
