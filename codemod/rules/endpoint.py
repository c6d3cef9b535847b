"""AOAI102 — the endpoint becomes a v1 `base_url` ending in `/openai/v1/`.

## What it does
For a client that moves to the v1 API: `azure_endpoint=E` becomes `base_url=` E without trailing slashes plus
`/openai/v1/` (literals and f-strings are folded; anything else becomes `E.rstrip("/") + "/openai/v1/"`, which
evaluates E once, as the openai package did). With no endpoint argument the client read `AZURE_OPENAI_ENDPOINT`,
so the migrated code reads it explicitly; so it did when the endpoint was None (`azure_endpoint=os.getenv(NAME)`
of an unset variable, a parameter defaulting to None): the migrated code reads the variable in that case
(`os.getenv(NAME, os.getenv("AZURE_OPENAI_ENDPOINT"))`, `e if e is not None else os.environ[...]`). A `base_url`
literal ending in `/openai` or `/openai/deployments/NAME` is folded the same way (NAME moves to the requests:
AOAI105); one already on `/openai/v1` is kept. Two base URLs that are not literals are read too
(codemod/engine/base_urls.py): a module-level constant assigned once whose value ends in `/openai` becomes
`NAME.rstrip("/") + "/v1/"` where it is passed; and a base URL from an environment variable on a client whose
`api_version` is `"preview"` or `"v1"` (values only the v1 API takes, so the variable already holds the v1 URL) is
kept (AOAI103 keeps `"preview"` as `default_query`). In a settings dict (`**client_args`), `"azure_endpoint"`
becomes `"base_url"` where it is written. An `OpenAI` client pointed at a dated `/openai/deployments/` URL is
reported, and so is the dated deployment route written by hand outside a client (a REST request built with
`requests` or `httpx`, or a route a test mocks): no client sends it, so it stays dated while the code around it
moves.

## Why
The v1 API lives under `{endpoint}/openai/v1/`; a base URL without that path answers 404, and `OpenAI` does not
read `AZURE_OPENAI_ENDPOINT` (it reads `OPENAI_BASE_URL`).

## Example
```python
# before
client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_key=key, api_version="2024-02-01")
# after
client = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/", api_key=key)
```

## Fix safety
Safe: the requests go to the same resource. The client stays on the dated API, reported, when the endpoint is a
request URL rather than the resource address, when it may be None in a form the tool cannot give the
fallback to (`settings.get("endpoint")`), when both `azure_endpoint` and `base_url` are given, or when a
`base_url` cannot be read (a variable with a dated api_version may hold a dated URL; `"latest"` is no value the v1
API lists). A v1-variable client stays too when the variable may be unset (AzureOpenAI then read
`AZURE_OPENAI_ENDPOINT`), or when it makes a deployment-route request: AzureOpenAI sent that to
`<base_url>/deployments/<model>/...`, a 404 on the v1 API, which the migrated request would not reproduce.

Fixtures: fixtures/endpoint/, fixtures/base_urls/, fixtures/settings_dicts/.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import libcst as cst

from codemod.engine import exprs, names
from codemod.engine.analysis import DATED_ROUTE, Client, assign_targets, is_none, string_value
from codemod.engine.base_urls import V1_VERSIONS, ReadBaseUrl, env_variable, read_base_url
from codemod.engine.context import Changes, RuleContext
from codemod.engine.edits import ArgOps
from codemod.engine.nullable import fallback_read, needs_fallback, value_may_be_none, with_fallback
from codemod.engine.settings_dicts import SettingsDict, with_text
from codemod.engine.syntax import Strings
from codemod.rules import Rule
from codemod.rules._needs import ANY_CLIENT

ENDPOINT_VAR = "AZURE_OPENAI_ENDPOINT"
ENDPOINT_KEY = frozenset({"azure_endpoint"})


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    settings = ctx.settings(client)
    if settings is not None and settings.on_some_path(ENDPOINT_KEY):
        return _settings_problem(ctx, client, settings)
    endpoint = client.kwarg("azure_endpoint")
    literal = string_value(endpoint.value) if endpoint is not None else None
    if endpoint is not None and literal is not None and _not_a_resource(literal):
        return endpoint, (
            "azure_endpoint should be the resource URL alone (https://RESOURCE.openai.azure.com), not a path or a "
            "request URL; fix it, then the tool derives base_url=<resource>/openai/v1/."
        )
    if endpoint is not None and _unset_endpoint(ctx, endpoint.value):
        code = ctx.code_for(endpoint.value)
        return endpoint, (
            f"azure_endpoint={code} may be None: AzureOpenAI then read {ENDPOINT_VAR}, and a base_url built from "
            f"None fails. Give an endpoint that is never None (for example `{code} or os.environ[\"{ENDPOINT_VAR}\"]`, "
            "or bind it to a name first), then run the tool again."
        )
    base_url = client.kwarg("base_url")
    if base_url is None:
        return None
    if client.kwarg("azure_endpoint") is not None:
        return base_url, "base_url and azure_endpoint are both given (the openai package rejects that); fix by hand."
    read = read_base_url(ctx.analysis, client)
    if read is not None:
        return _v1_variable_problem(ctx, client, base_url, read)
    variable = env_variable(ctx.analysis, base_url.value)
    if variable is not None:
        return base_url, _unread_variable(client, variable)
    if exprs.base_url_to_v1(base_url.value) is None:
        return base_url, (
            "base_url is not a literal ending in /openai, /openai/deployments/NAME or /openai/v1, so its v1 form "
            "cannot be derived; make it end in /openai/v1/ by hand and drop api_version."
        )
    return None


def _unread_variable(client: Client, variable: str) -> str:
    version = client.kwarg("api_version")
    if version is not None and string_value(version.value) == "latest":
        return (
            f'base_url comes from {variable}, which the tool cannot read, and api_version="latest" is no value the '
            'v1 API lists (it takes "v1" and "preview"), so the tool cannot tell what the program sends. Make sure '
            f'{variable} ends in /openai/v1/ and set api_version="preview" (or drop it), then run the tool again.'
        )
    return (
        f"base_url comes from {variable}, which the tool cannot read, and the client's api_version is not one "
        f"only the v1 API takes ({', '.join(sorted(V1_VERSIONS))}), so the variable may hold a dated URL. Make "
        f"sure {variable} ends in /openai/v1/, then move the client to OpenAI by hand (no api_version)."
    )


def _v1_variable_problem(
    ctx: RuleContext, client: Client, base_url: cst.Arg, read: ReadBaseUrl
) -> tuple[cst.CSTNode, str] | None:
    """A variable that may be unset made AzureOpenAI read AZURE_OPENAI_ENDPOINT (the dated routes) instead. And
    AzureOpenAI inserted /deployments/{model} into deployment-route requests even on a v1 base URL, which the v1
    API answers with 404; the migrated client would send them to the v1 route instead: not the same request."""
    if read.kind != "v1 variable":
        return None
    if value_may_be_none(ctx, base_url.value):
        return base_url, (
            f"base_url={ctx.code_for(base_url.value)} may be None (when {read.name} is unset): AzureOpenAI then read "
            f"{ENDPOINT_VAR} and used the dated routes, but OpenAI would read OPENAI_BASE_URL. Read {read.name} "
            f'with os.environ["{read.name}"] (or give it a default), then run the tool again.'
        )
    request = next((r for r in client.requests if r.path in names.DEPLOYMENT_ROUTE_REQUESTS), None)
    if request is None:
        return None
    return request.call, (
        f"the client's base_url comes from {read.name}, which must hold the v1 URL (the client's api_version is "
        "only accepted there), but AzureOpenAI sent this request to <base_url>/deployments/<model>/..., which the v1 "
        "API answers with 404; the migrated request would reach the deployment. Check what the program expects, "
        "then move the client to OpenAI by hand."
    )


def _settings_problem(ctx: RuleContext, client: Client, settings: SettingsDict) -> tuple[cst.CSTNode, str] | None:
    """A settings dict carries the endpoint over when every path sets it (else the client read AZURE_OPENAI_ENDPOINT
    on the others) to the resource address, in a form that can keep AzureOpenAI's fallback where it may be None,
    and the constructor has no base_url."""
    if not settings.on_every_path(ENDPOINT_KEY):
        return settings.spread, (
            f"{settings.name} sets azure_endpoint on some paths only (the client read {ENDPOINT_VAR} on the others); "
            "set it in every branch, or pass it to the constructor, then run aoai-migrate again."
        )
    if client.kwarg("base_url") is not None:
        return settings.spread, (
            "base_url and azure_endpoint are both given (the openai package rejects that); fix by hand."
        )
    for entry in settings.entries_for(ENDPOINT_KEY):
        literal = string_value(entry.value)
        if literal is not None and _not_a_resource(literal):
            return entry.value, (
                "azure_endpoint should be the resource URL alone (https://RESOURCE.openai.azure.com), not a path or "
                "a request URL; fix it, then the tool derives base_url=<resource>/openai/v1/."
            )
        if _unset_endpoint(ctx, entry.value):
            return entry.value, (
                f'{settings.name}["azure_endpoint"] may be None: AzureOpenAI then read {ENDPOINT_VAR}, and a base_url '
                "built from None fails. Give an endpoint that is never None, then run the tool again."
            )
    return None


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.migrated:
        endpoint = client.kwarg("azure_endpoint")
        base_url = client.kwarg("base_url")
        ops = out.edits.call(client.call)
        settings = ctx.settings(client)
        if settings is not None and settings.on_every_path(ENDPOINT_KEY):
            _migrate_settings(ctx, out, settings)
        elif endpoint is not None and needs_fallback(ctx, endpoint.value, ENDPOINT_VAR):
            fallback = with_fallback(ctx, endpoint.value, _endpoint_variable(out, ctx, endpoint.value))
            assert fallback is not None  # the blocker guarantees it
            ops.replace["azure_endpoint"] = ("base_url", exprs.v1_base_url(fallback))
            out.report(
                "AOAI102",
                endpoint,
                f"azure_endpoint -> base_url ending in /openai/v1/; where it is None the client read {ENDPOINT_VAR}, "
                "and base_url now reads it explicitly then",
                fixed=True,
            )
        elif endpoint is not None and not is_none(endpoint.value):
            ops.replace["azure_endpoint"] = ("base_url", exprs.v1_base_url(endpoint.value.deep_clone()))
            out.report("AOAI102", endpoint, "azure_endpoint -> base_url ending in /openai/v1/", fixed=True)
        elif base_url is not None and (read := read_base_url(ctx.analysis, client)) is not None:
            _move_read_base_url(out, ops, base_url, read)
        elif base_url is not None:
            folded = exprs.base_url_to_v1(base_url.value)
            assert folded is not None  # the blocker guarantees it
            if ctx.code_for(folded[0]) == ctx.code_for(base_url.value):
                out.report("AOAI102", base_url, "base_url is already the v1 path /openai/v1/: kept", fixed=True)
            else:
                ops.replace["base_url"] = ("base_url", folded[0])
                out.report("AOAI102", base_url, "base_url -> the v1 path /openai/v1/", fixed=True)
        else:  # no endpoint, or azure_endpoint=None: the client read the variable
            value = exprs.v1_base_url(exprs.environ(ENDPOINT_VAR))
            if endpoint is not None:
                ops.replace["azure_endpoint"] = ("base_url", value)
            else:
                ops.add.append(("base_url", value))
            out.needs_import("os")
            out.record.read_env(ENDPOINT_VAR)
            out.report(
                "AOAI102",
                client.call,
                f"no endpoint given: the client read {ENDPOINT_VAR}; base_url now reads it explicitly",
                fixed=True,
            )
    _report_dated_v1_clients(ctx, out)
    _report_dated_routes(ctx, out)
    return out


_OPERATION = re.compile(r"openai/deployments/[^/?\s]+/([A-Za-z_][\w/]*?)/?(?:[?\s]|$)")


def _report_dated_routes(ctx: RuleContext, out: Changes) -> None:
    """A string that holds the dated deployment route outside a client's constructor: a REST request written by
    hand (`requests.post(f"{endpoint}/openai/deployments/{name}/chat/completions?api-version=...")`), or the route a
    test mocks. No client of the openai package sends it, so it stays on the dated API while the clients move:
    reported with the v1 form (the `.http` kind rewrites such request lines where it is certain)."""
    constructors = {client.call for client in ctx.analysis.clients if client.call is not None}
    settings = {statement for statement, _ in ctx.analysis.module_settings}
    passed = {name for call in constructors for arg in call.args for name in _names_in(arg.value)}
    reported: set[cst.CSTNode] = set()
    for part in ctx.analysis.dated_route_strings:
        literal = ctx.meta.parent(part) if isinstance(part, cst.FormattedStringText) else part
        if literal is None or literal in reported:
            continue
        outer = literal
        while isinstance(parent := ctx.meta.parent(outer), (cst.ConcatenatedString, cst.BinaryOperation)):
            outer = parent
        if isinstance(ctx.meta.parent(outer), cst.Expr):
            continue  # a docstring or a bare string: text, not a request
        if _tested_against(ctx, outer):
            continue  # `"/openai/deployments/" in url`, `url.startswith(...)`: code that recognises the route
        if any(a in constructors or a in settings for a in ctx.meta.ancestors(literal)):
            continue  # a client's base URL (above) or the module client's (AOAI106) is dealt with there
        assign = ctx.meta.parent(outer)
        if isinstance(assign, (cst.Assign, cst.AnnAssign)) and _assigned_names(assign) & passed:
            continue  # a URL held in a name a client's constructor is given: reported there
        reported.add(literal)
        if _openai_client_call(ctx, literal) is not None:  # a client the analysis does not count as Azure's
            out.report("AOAI102", literal, _DATED_V1_CLIENT)
            continue
        found = _OPERATION.search(_static_text(literal))
        operation = found.group(1) if found else "<operation>"
        out.report(
            "AOAI102",
            literal,
            f"the dated deployment route ({DATED_ROUTE}<deployment>/{operation}?api-version=...) is written here by "
            "hand (a REST request, or a route a test mocks), which the tool does not move. On the v1 API the request "
            f"goes to {{endpoint}}/openai/v1/{operation} with the deployment as the body's \"model\" and no "
            "api-version: change it by hand.",
        )


_STRING_TESTS = frozenset({"startswith", "endswith", "find", "rfind", "index", "rindex", "count", "replace", "split",
                           "rsplit", "partition", "rpartition", "removeprefix", "removesuffix"})


def _tested_against(ctx: RuleContext, node: cst.CSTNode) -> bool:
    """A string compared with something (`in`, `==`) or given to a string method that looks for it in another."""
    parent = ctx.meta.parent(node)
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget)):
        return True
    call = ctx.meta.parent(parent) if isinstance(parent, cst.Arg) else None
    return (isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in _STRING_TESTS)


def _openai_client_call(ctx: RuleContext, node: cst.CSTNode) -> cst.Call | None:
    """The openai client constructor (`OpenAI(base_url=f"{endpoint}/openai/deployments/{name}")`) whose arguments
    hold `node`, if any."""
    classes = names.AZURE_CLIENT_CLASSES.keys() | names.V1_CLIENT_CLASSES.keys()
    for ancestor in ctx.meta.ancestors(node):
        if isinstance(ancestor, cst.Call) and ctx.meta.qualified(ancestor.func) & classes:
            return ancestor
    return None


def _names_in(node: cst.CSTNode) -> set[str]:
    found, stack = set(), [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.add(current.value)
        stack.extend(current.children)
    return found


def _assigned_names(assign: cst.Assign | cst.AnnAssign) -> set[str]:
    return {t.value for t in assign_targets(assign) if isinstance(t, cst.Name)}


def _static_text(literal: cst.CSTNode) -> str:
    """The literal's text, with `{}` for each expression of an f-string."""
    if isinstance(literal, cst.FormattedString):
        return "".join(p.value if isinstance(p, cst.FormattedStringText) else "{}" for p in literal.parts)
    return literal.value if isinstance(literal, cst.SimpleString) else ""


def _migrate_settings(ctx: RuleContext, out: Changes, settings: SettingsDict) -> None:
    """`"azure_endpoint": E` written into the settings dict becomes `"base_url": <E>/openai/v1/`, keeping the
    AZURE_OPENAI_ENDPOINT fallback where E may be None."""
    for entry in settings.entries_for(ENDPOINT_KEY):
        value = entry.value
        fallback = needs_fallback(ctx, value, ENDPOINT_VAR)
        if fallback:
            value = with_fallback(ctx, value, _endpoint_variable(out, ctx, value))
            assert value is not None  # the blocker guarantees it
        out.edits.replace(entry.key_node, with_text(entry.key_node, "base_url"))
        out.edits.replace(entry.value, exprs.v1_base_url(value if fallback else value.deep_clone()))
        where_none = f"; where it is None the client read {ENDPOINT_VAR}, which it now reads then" if fallback else ""
        out.report("AOAI102", entry.key_node, f'{settings.name}["azure_endpoint"] -> "base_url" ending in '
                   f"/openai/v1/{where_none}", fixed=True)


def _move_read_base_url(out: Changes, ops: ArgOps, base_url: cst.Arg, read: ReadBaseUrl) -> None:
    if read.v1 is not None:
        ops.replace["base_url"] = ("base_url", read.v1)
        out.report("AOAI102", base_url, f"base_url {read.name} (a constant ending in /openai) -> its v1 path "
                   f'{read.name}.rstrip("/") + "/v1/"', fixed=True)
    else:
        out.report("AOAI102", base_url, f"base_url from {read.name} kept: the client's api_version is only accepted "
                   "by the v1 API, so the variable holds the v1 URL already", fixed=True)


def _unset_endpoint(ctx: RuleContext, value: cst.BaseExpression) -> bool:
    """An endpoint that may be None, in a form the tool cannot give the fallback to."""
    return needs_fallback(ctx, value, ENDPOINT_VAR) and with_fallback(ctx, value, exprs.environ(ENDPOINT_VAR)) is None


def _endpoint_variable(out: Changes, ctx: RuleContext, value: cst.BaseExpression) -> cst.BaseExpression:
    """The fallback read of AZURE_OPENAI_ENDPOINT (nullable.fallback_read)."""
    out.needs_import("os")
    out.record.read_env(ENDPOINT_VAR)
    return fallback_read(value, ENDPOINT_VAR)


def _report_dated_v1_clients(ctx: RuleContext, out: Changes) -> None:
    """An `OpenAI` client on a dated `/openai/deployments/` URL needs api-version and ignores model=."""
    for client in ctx.analysis.clients:
        if client.azure or client.call is None or client.base_url_has("/openai/v1"):
            continue
        if any("/deployments" in text for text in ctx.analysis.base_url_texts(client)):
            out.report("AOAI102", client.kwarg("base_url") or client.call, _DATED_V1_CLIENT)


_DATED_V1_CLIENT = (
    "this OpenAI client calls a dated /openai/deployments/ URL, which needs api-version; point base_url at "
    "<resource>/openai/v1/, pass the deployment as model= and drop api-version."
)


_PLACEHOLDER = re.compile(r"<[^<>\s]+>")  # a sample's stand-in for the whole endpoint: `"<AZURE_ENDPOINT>"`


def _not_a_resource(literal: str) -> bool:
    """A path or a request URL, not the resource address (nor a sample's placeholder for it)."""
    return _has_path(literal) and not _PLACEHOLDER.fullmatch(literal.strip())


def _has_path(url: str) -> bool:
    """`https://host/openai/deployments/...` or a query: more than the resource address."""
    parsed = urlsplit(url)
    return bool(parsed.query) or parsed.path.strip("/") != ""


RULE = Rule(
    __name__,
    codes={"AOAI102": "azure_endpoint (or the AZURE_OPENAI_ENDPOINT fallback) becomes base_url ending in /openai/v1/."},
    apply=apply,
    blocker=blocker,
    needs=ANY_CLIENT | Strings(r"openai/deployments/"),
)
