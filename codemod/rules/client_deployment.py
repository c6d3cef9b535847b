"""AOAI105 — a client-level `azure_deployment` moves to `model=` on every request made through that client.

## What it does
For a client that moves to the v1 API: `azure_deployment=D` is removed, and every request made through the
client on a deployment route (chat completions, completions, embeddings, audio, images) gets `model=D`. The
Responses API is not a deployment route: its `model=` is kept. With `base_url=` the openai package ignored
`azure_deployment` (requests went to `/deployments/<model>`), so the argument is simply dropped; a base_url ending
in `/deployments/NAME` names the deployment itself.

## Why
With `azure_deployment` (and an endpoint), the openai package put D in the URL and ignored `model=` on those routes
(lib/azure.py, `_deployments_endpoints`). The v1 API routes by `model=`, so a request that keeps its own `model=`
would silently go to another deployment.

## Example
```python
# before
client = AzureOpenAI(azure_endpoint=endpoint, azure_deployment="gpt-4o-prod-01", api_version="2024-02-01")
client.chat.completions.create(model="gpt-4o", messages=msgs)
# after
client = OpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/")
client.chat.completions.create(
    model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01"), messages=msgs
)
```

## Fix safety
Safe where applied. D is copied into the requests only when it has the same value there as at the constructor
(codemod/engine/stable.py: a literal, a name bound once and rebound by no binding form Python has (assignment,
`:=`, loop, import, def, match pattern, `del`, `global`/`nonlocal`...), `self.<attr>` set once in `__init__`,
and not None). When it may not, when a use of the client is out of sight (returned, passed on, stored where it
can't be followed, imported by another file of the run), or when a request is also made through another client,
the client is left alone and reported. A client held by `self.<attr>` is out of sight when the attribute is read on
another object (`assistant.client`), by a subclass or a base of the class, or by a base defined in another module,
and when another file of the run imports the class.

One call deep: a client returned by a factory (a plain module-level function whose every `return` gives that client,
a literal deployment) moves when nothing else keeps it on the dated API, every call of the factory, in its file and
in the files of the run that import it (`client = get_client()`, then requests, `self.client = get_client()`), is
followed to its requests, and no other Python file, in the run or beside it, imports the factory or what holds its
client (that module-level name, that class); those requests get `model=D` (codemod/run/factories.py,
codemod/rules/_factories.py).

Unsafe fix (`--unsafe-fixes`): a client that a factory returns, or that is stored where the tool can't follow it,
and that nothing else keeps on the dated API, moves with its `azure_deployment` dropped. That is right only if
every request made through it passes the deployment as `model=`, which the tool cannot see; its finding lists the
requests it does see through the factory in the same module and whether each passes it, and after the fix each
that does not is reported. A client passed to a call gets no unsafe fix (the callee may need AzureOpenAI itself).

Fixtures: fixtures/client_deployment/, fixtures/unsafe_fixes/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine import names
from codemod.engine.analysis import Client, is_none, keyword_arg, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.deployments import deployment_of
from codemod.engine.escapes import holder_class, how_it_escapes, module_level_names, out_of_sight_uses
from codemod.engine.stable import why_not_movable
from codemod.rules import Rule
from codemod.rules import _factories as factories
from codemod.rules import _unsafe_deployment as unsafe_deployment
from codemod.rules._deployment_vars import constant_model, env_lookup
from codemod.rules._needs import AZURE_CLASSES


def blocker(ctx: RuleContext, client: Client) -> tuple | None:
    deployment = deployment_of(client)
    if deployment is None:
        return None
    bound_to = _exported_names(ctx, client)
    imported = ctx.options.imported_elsewhere.get(ctx.path, {})
    name = next((n for n in bound_to if n in imported), None)
    if name is not None:
        what = "it" if name in module_level_names(ctx.analysis, client) else f"the class {name} that holds it"
        return client.call, (
            f"the client has a client-level deployment and {imported[name]} imports {what}, so requests made "
            "there can't be given model=<deployment> from this file. Migrate by hand: drop azure_deployment and "
            "pass the deployment as model= on every request made through this client, in both files."
        )
    if any(ctx.hidden_mentions(n) for n in bound_to):
        return client.call, (
            "the client has a client-level deployment and is used in code the tool cannot see (an IPython magic "
            "line or a cell that does not parse), where requests can't be given model=<deployment>. Migrate by "
            "hand: drop azure_deployment and pass the deployment as model= on every request through this client."
        )
    hidden = out_of_sight_uses(ctx.analysis, client)
    if hidden and factories.followed(ctx, client, deployment, hidden) is None:
        line = ctx.position(hidden[0]).start.line
        how = how_it_escapes(ctx.analysis, hidden[0])
        reason = (
            f"the client has a client-level deployment and goes out of sight at line {line} ({how}), so its requests "
            "can't all be given model=<deployment>. Migrate by hand: drop azure_deployment and pass the "
            "deployment as model= on every request made through this client."
        )
        problem = _visible_request_problem(ctx, client, deployment)
        if problem is not None or not unsafe_deployment.offered(ctx.analysis, hidden):
            return client.call, reason
        return client.call, reason, "AOAI105", unsafe_deployment.note(ctx, deployment, hidden)
    return _visible_request_problem(ctx, client, deployment)


def _visible_request_problem(
    ctx: RuleContext, client: Client, deployment: cst.BaseExpression
) -> tuple[cst.CSTNode, str] | None:
    for request in client.requests:
        if request.path in names.DEPLOYMENT_ROUTE_REQUESTS:
            message = _request_problem(ctx, client, deployment, request)
            if message is not None:
                return request.call, message
    return None


def _exported_names(ctx: RuleContext, client: Client) -> list[str]:
    """Names another module can import to reach the client: its module-level names, and the class whose instances
    hold it (through an instance or a subclass there)."""
    holder = holder_class(ctx.analysis, client)
    return module_level_names(ctx.analysis, client) + ([holder.name.value] if holder is not None else [])


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


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.migrated:
        assert client.call is not None
        deployment = deployment_of(client)
        ignored = client.kwarg("azure_deployment")
        if ignored is not None:
            out.edits.call(client.call).remove.add("azure_deployment")  # OpenAI takes no such argument
        if deployment is None:
            if ignored is not None:
                _report_ignored(out, ignored)
            continue
        out.record.exported_clients.update(_exported_names(ctx, client))
        factory = factories.followed(ctx, client, deployment, out_of_sight_uses(ctx.analysis, client))
        if factory is not None:
            out.report("AOAI105", client.call, (
                f"client-level deployment {ctx.code_for(deployment)} moved to model= on the requests made through "
                f"{factory.name}(), here and in the files of the run that import it"), fixed=True)
            uses = factories.uses_of(ctx, factory.name, f"{factory.name}()")
            factories.give_model(ctx, out, uses.requests, factory.deployment)
        elif ctx.is_unsafe(client):
            hidden = out_of_sight_uses(ctx.analysis, client)
            out.report("AOAI105", client.call, (
                f"azure_deployment={ctx.code_for(deployment)} removed by an unsafe fix: the client goes out of sight "
                f"({how_it_escapes(ctx.analysis, hidden[0])}), so every request made through it must pass "
                f"model={ctx.code_for(deployment)}. {unsafe_deployment.requests_seen(ctx, deployment, hidden)}"
            ), fixed=True, applicability="unsafe")
            _report_astray(ctx, out, deployment, hidden)
        else:
            out.report(
                "AOAI105",
                client.call,
                f"client-level deployment {ctx.code_for(deployment)} moved to model= on its requests",
                fixed=True,
            )
        for request in client.requests:
            if request.path not in names.DEPLOYMENT_ROUTE_REQUESTS:
                continue
            value = _model_value(ctx, out, deployment, request.call)
            ops = out.edits.call(request.call)
            if keyword_arg(request.call, "model") is not None:
                ops.replace["model"] = ("model", value)
            else:
                ops.add.append(("model", value))
    factories.note_factories(ctx, out)
    return out


def _model_value(
    ctx: RuleContext, out: Changes, deployment: cst.BaseExpression, request: cst.Call
) -> cst.BaseExpression:
    literal = string_value(deployment)
    if literal is not None and ctx.active("AOAI201", request):
        return env_lookup(ctx, out, literal, deployment)
    if isinstance(deployment, cst.Name) and ctx.active("AOAI201", request):
        return constant_model(ctx, out, deployment) or deployment.deep_clone()
    return deployment.deep_clone()


def _report_astray(ctx: RuleContext, out: Changes, deployment: cst.BaseExpression, hidden: list[cst.CSTNode]) -> None:
    """After the unsafe fix, a request seen through the factory that does not pass the deployment goes elsewhere."""
    for call, passes in unsafe_deployment.astray(ctx, deployment, hidden):
        out.report("AOAI105", call, (
            f"this request is made through a client whose azure_deployment={ctx.code_for(deployment)} was removed by "
            f"an unsafe fix, and it {passes}: on the v1 API it goes to the deployment its model= names."
        ))


def _report_ignored(out: Changes, arg: cst.Arg) -> None:
    why = (
        "None means no client-level deployment"
        if is_none(arg.value)
        else "with base_url= the openai package ignored it, and requests went to the deployment their model= names"
    )
    out.report("AOAI105", arg, f"azure_deployment removed: {why}", fixed=True)


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


RULE = Rule(
    __name__,
    codes={"AOAI105": "Client-level azure_deployment moves to model= on every request made through that client."},
    apply=apply,
    blocker=blocker,
    words=("azureopenai",),
    needs=AZURE_CLASSES,
)
