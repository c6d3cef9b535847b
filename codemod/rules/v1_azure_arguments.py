"""AOAI403 — an `OpenAI` / `AsyncOpenAI` client that talks to Azure is given what only the dated API takes.

## What it does
For a client already on the v1 form (codemod/rules/_v1_clients.py), the migration's own rewrites, where they apply:
`api_version=` is removed (AOAI103); an `"api-version"` key of `default_query=`, and of `extra_query=` on its
requests, is removed when the client's `base_url` is on the v1 path (AOAI103; otherwise reported, since a dated
`/openai/deployments/` URL in a variable needs it); `azure_ad_token_provider=P` becomes `api_key=P`, wrapped in
the async adapter on `AsyncOpenAI` (AOAI104); `azure_ad_token=T` becomes `api_key=T` (AOAI104); `azure_endpoint=E`
becomes `base_url=` E + `/openai/v1/` (AOAI102). `azure_deployment=D` is reported: the deployment goes in `model=`.

## Why
`OpenAI` takes none of `api_version`, `azure_endpoint`, `azure_deployment`, `azure_ad_token` or
`azure_ad_token_provider`: each is a `TypeError` when the client is built. An `api-version` sent to the v1 API is
rejected (400).

## Example
```python
# before
client = OpenAI(
    base_url="https://contoso.openai.azure.com/openai/v1/",
    azure_ad_token_provider=token_provider,
    api_version="2024-10-21",
)
# after
client = OpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=token_provider)
```

## Fix safety
Safe: the program could not build the client (or every request was rejected), and each fix is the migration's.
Reported, not rewritten: a provider or token beside an `api_key` (only a person can choose), `azure_endpoint`
beside `base_url`, `azure_deployment` (the requests' `model=` may name other deployments), a query that is not a
dict literal, and an `api-version` sent to a `base_url` the tool cannot read.

Fixtures: fixtures/v1_azure_arguments/; tests/e2e/programs/bad_migrations/.
"""

from __future__ import annotations

from codemod.engine import exprs
from codemod.engine.analysis import is_none, sends_api_version, string_parts
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._needs import V1_AZURE_CLIENT, V1_AZURE_WORDS
from codemod.rules._v1_clients import V1Client, azure_v1_clients, bare_azure_host, followed
from codemod.rules.api_version import drop_query_key
from codemod.rules.credentials import ADAPTER, adapted, known_async

CODE = "AOAI403"


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for v1 in azure_v1_clients(ctx):
        if not ctx.active(CODE, v1.call):
            continue
        version = v1.kwarg("api_version")
        if version is not None:
            out.edits.call(v1.call).remove.add("api_version")
            message = "api_version removed: OpenAI takes none (TypeError), and the v1 API has no versions"
            out.report(CODE, version, message, fixed=True)
        _queries(ctx, out, v1)
        _credentials(ctx, out, v1)
        _endpoint(ctx, out, v1)
        deployment = v1.kwarg("azure_deployment")
        if deployment is not None:
            out.report(
                CODE,
                deployment,
                f"OpenAI takes no azure_deployment (TypeError): pass {ctx.code_for(deployment.value)} as model= on "
                "the requests made through this client and remove azure_deployment.",
            )
    return out


def on_v1_path(ctx: RuleContext, v1: V1Client) -> tuple[bool, bool]:
    """(on the v1 path, on a dated /deployments/ URL) for the base_url as written, or as AOAI401 and the
    azure_endpoint rewrite below leave it in this run."""
    arg = v1.kwarg("base_url")
    if arg is None:
        return v1.kwarg("azure_endpoint") is not None, False
    texts = [text for expr in followed(ctx, arg.value) for text in string_parts(expr)]
    if any("/deployments" in text for text in texts):
        return False, True
    folded = exprs.base_url_to_v1(arg.value) is not None or bare_azure_host(arg.value)
    return any("/openai/v1" in text for text in texts) or (ctx.active("AOAI401", arg) and folded), False


def _queries(ctx: RuleContext, out: Changes, v1: V1Client) -> None:
    v1_path, dated = on_v1_path(ctx, v1)
    if v1_path:
        drop_query_key(ctx, out, v1.call, "default_query", CODE, v1=True)  # "v1" and "preview" stay
        for request in v1.client.requests:
            if ctx.active(CODE, request.call):
                drop_query_key(ctx, out, request.call, "extra_query", CODE, v1=True)
    elif sends_api_version(v1.call) and not dated:  # a dated /deployments/ URL is AOAI102's to report
        out.report(
            CODE,
            v1.kwarg("default_query") or v1.call,
            "this OpenAI client sends api-version, which the v1 API rejects, to a base_url the tool cannot read; "
            "if base_url is <resource>/openai/v1/, remove 'api-version' from default_query; if it is a dated "
            "/openai/deployments/ URL, point it at /openai/v1/ and pass the deployment as model=.",
        )


def _credentials(ctx: RuleContext, out: Changes, v1: V1Client) -> None:
    provider, token, key = (v1.kwarg(n) for n in ("azure_ad_token_provider", "azure_ad_token", "api_key"))
    given = [arg for arg in (provider, token, key) if arg is not None and not is_none(arg.value)]
    if len(given) > 1:
        out.report(
            CODE,
            provider or token or v1.call,
            "OpenAI takes one api_key and no azure_ad_token_provider or azure_ad_token (TypeError); this client is "
            "given more than one credential: keep the one you mean as api_key= and remove the others.",
        )
        return
    ops = out.edits.call(v1.call)
    for name, arg in (("azure_ad_token_provider", provider), ("azure_ad_token", token)):
        if arg is not None and is_none(arg.value):
            ops.remove.add(name)
    if provider is not None and not is_none(provider.value):
        if key is not None:
            ops.remove.add("api_key")  # api_key=None beside it
        wrap = v1.is_async and not known_async(ctx, provider.value, 0)
        ops.replace["azure_ad_token_provider"] = ("api_key", adapted(ctx, out, provider.value) if wrap else None)
        wrapped = f", wrapped in {ADAPTER}() (AsyncOpenAI awaits api_key())" if wrap else ""
        out.report(CODE, provider, f"azure_ad_token_provider -> api_key{wrapped}: OpenAI takes no "
                   "azure_ad_token_provider (TypeError)", fixed=True)
    elif token is not None and not is_none(token.value):
        if key is not None:
            ops.remove.add("api_key")
        ops.replace["azure_ad_token"] = ("api_key", None)
        out.report(CODE, token, "azure_ad_token -> api_key: OpenAI takes no azure_ad_token (TypeError); a static "
                   "Entra ID token expires (about an hour): prefer a token provider", fixed=True)


def _endpoint(ctx: RuleContext, out: Changes, v1: V1Client) -> None:
    endpoint = v1.kwarg("azure_endpoint")
    if endpoint is None:
        return
    if v1.kwarg("base_url") is not None:
        out.report(
            CODE,
            endpoint,
            "OpenAI takes no azure_endpoint (TypeError) and this client also has base_url: remove azure_endpoint "
            "and make base_url <resource>/openai/v1/.",
        )
        return
    new = exprs.v1_base_url(endpoint.value.deep_clone())
    out.edits.call(v1.call).replace["azure_endpoint"] = ("base_url", new)
    out.report(CODE, endpoint, f"azure_endpoint -> base_url={ctx.code_for(new)}: OpenAI takes no azure_endpoint "
               "(TypeError)", fixed=True)


RULE = Rule(
    __name__,
    codes={CODE: "An OpenAI client that talks to Azure is given api_version, api-version or an azure_* argument."},
    apply=apply,
    words=V1_AZURE_WORDS,
    needs=V1_AZURE_CLIENT,
)

