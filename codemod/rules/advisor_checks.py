"""AOAI301-AOAI305 — the advisor's checks on Python code, read from the engine's analysis (report only):
the dated api-versions a module pins (301, 308 when malformed), parameters and APIs newer than a client's
pinned version (302), v1 preview paths and their headers (303), APIs outside the v1 GA list (304) and
hard-coded credentials (305). The facts come from codemod/data/api_versions.json; the findings are built
by codemod/advisor/checks.py. Fixtures: fixtures/advisor/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from codemod.advisor import checks
from codemod.engine.analysis import Client, Request, keyword_arg, string_value
from codemod.engine.context import RuleContext
from codemod.findings import Finding

CODES = ("AOAI301", "AOAI302", "AOAI303", "AOAI304", "AOAI305", "AOAI308")
ORDER = 900  # after the rewriting rules: AOAI303 reads whether a default_headers edit was registered

_GETENV = frozenset({"os.getenv", "os.environ.get"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "get_api_list"})
_NOT_RESOURCES = frozenset(
    {"close", "copy", "with_options", "auth_headers", "platform_headers", "default_headers", "qs"}
)
_CREDENTIAL_KEYWORDS = ("api_key", "azure_ad_token")
# Names that hold an Azure OpenAI api-version outside a client call: OPENAI_API_VERSION, openai_api_version.
_VERSION_NAME = re.compile(r"openai.*version", re.IGNORECASE | re.ASCII)  # ASCII: no "ı" for "i"


@dataclass(frozen=True)
class Literal:
    node: cst.CSTNode
    value: str
    origin: str  # "", "constant API_VERSION", "os.getenv('OPENAI_API_VERSION') default", ...


def apply(ctx: RuleContext) -> None:
    ctx.sdk_needs.update(sdk_needs_of(ctx))
    pinned = _report_versions(ctx)
    for request in ctx.analysis.requests:
        client = request.client
        if client is None:
            continue
        if client.azure and client in pinned:
            _check_request(ctx, request, pinned[client], migrated=ctx.is_migrated(client))
        _check_v1_path(ctx, request, client)
    module_version = pinned.get(None)
    for request in ctx.analysis.module_requests:
        if module_version is not None:
            _check_request(ctx, request, module_version, migrated=False)
    _report_credentials(ctx)


def sdk_needs_of(ctx: RuleContext) -> dict[str, str]:
    """Reason -> minimum openai version the migrated module needs (input for AOAI306). In a migrate run: what the
    clients that move to v1 need (a token provider given to the constructor or to a copy becomes api_key; their
    client.responses requests), and the module-level client's requests when its settings were migrated (settings
    with a token provider never are: rules/module_client.py). With the advisor alone (nothing planned): what
    every client would need once migrated."""
    if not ctx.planned:
        provider = any(c.azure and _gives_provider(ctx, c) for c in ctx.analysis.clients) or any(
            qual == "openai.azure_ad_token_provider" for _, qual in ctx.analysis.module_settings
        )
        requests = [*ctx.analysis.requests, *ctx.analysis.module_requests]
    else:
        provider = any(_gives_provider(ctx, c) for c in ctx.migrated)
        requests = [r for c in ctx.migrated for r in c.requests]
        if any(f.code == "AOAI106" and f.fixed for f in ctx.findings):
            requests += ctx.analysis.module_requests
    responses = any(r.path[:1] == ("responses",) for r in requests)
    return checks.sdk_needs(provider, responses)


def _gives_provider(ctx: RuleContext, client: Client) -> bool:
    calls = [client.call, *ctx.reach().of(client).copies] if client.call is not None else []
    return any(_not_none(keyword_arg(call, "azure_ad_token_provider")) for call in calls)


def _not_none(arg: cst.Arg | None) -> bool:
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")


def preview_headers(client: Client) -> dict[str, str]:
    """The v1 preview headers the client's requests need and its `default_headers` literal lacks: what
    the AOAI303 edit merges into `default_headers`."""
    from codemod.advisor.v1 import merged_headers, required_headers

    present = dict.fromkeys(_header_names(client), "")
    needed = required_headers(_request_target(r) for r in client.requests if _request_target(r) is not None)
    return {k: v for k, v in merged_headers(present, needed).items() if k not in present}


# ---- AOAI301 / AOAI308 -----------------------------------------------------------------------------------


def _report_versions(ctx: RuleContext) -> dict[Client | None, str]:
    """Report every dated version the module pins; return the single version each client pins (None: the
    module-level client)."""
    seen: set[int] = set()
    pinned: dict[Client | None, str] = {}
    for owner, literals in _pinned_literals(ctx):
        for literal in literals:
            _report_version(ctx, literal, seen)
        values = {literal.value for literal in literals}
        if len(values) == 1:
            pinned[owner] = values.pop()
    for literal in _named_version_literals(ctx):
        _report_version(ctx, literal, seen)
    return pinned


def _pinned_literals(ctx: RuleContext) -> Iterator[tuple[Client | None, list[Literal]]]:
    for client in ctx.analysis.clients:
        if not client.azure:
            continue
        arg = client.kwarg("api_version")
        literals = _literals(ctx, arg.value) if arg is not None else []
        query = client.kwarg("default_query")
        if not literals and query is not None and isinstance(query.value, cst.Dict):
            for element in query.value.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == "api-version":
                    literals = _literals(ctx, element.value)
        yield client, literals
    for statement, qual in ctx.analysis.module_settings:
        if qual == "openai.api_version":
            yield None, [_with_origin(lit, "openai.api_version") for lit in _literals(ctx, statement.value)]


def _report_version(ctx: RuleContext, literal: Literal, seen: set[int]) -> None:
    if id(literal.node) in seen:
        return
    seen.add(id(literal.node))
    finding = checks.version_finding(literal.value, _place(ctx, literal.node), literal.origin)
    if finding is not None:
        _emit(ctx, literal.node, finding)


def _literals(ctx: RuleContext, expr: cst.BaseExpression, depth: int = 0) -> list[Literal]:
    """The string literals an expression evaluates to, followed through names and getenv defaults."""
    value = string_value(expr)
    if value is not None:
        return [Literal(expr, value, "")]
    if depth > 5:
        return []
    if isinstance(expr, cst.Name):
        constant = ctx.analysis.global_constant(expr)
        if constant is not None:
            target, node = constant
            return [Literal(node, string_value(node) or "", f"constant {target.value}")]
        values = ctx.analysis.bound_values(expr) or []
        return [lit for v in values for lit in _literals(ctx, v, depth + 1)]
    if isinstance(expr, cst.Call) and ctx.analysis.qualified(expr.func) & _GETENV and len(expr.args) >= 2:
        variable = string_value(expr.args[0].value)
        origin = f"the default of os.getenv({variable!r})" if variable else "an os.getenv default"
        return [_with_origin(lit, origin) for lit in _literals(ctx, expr.args[1].value, depth + 1)]
    return []


def _with_origin(literal: Literal, origin: str) -> Literal:
    return Literal(literal.node, literal.value, literal.origin or origin)


def _named_version_literals(ctx: RuleContext) -> list[Literal]:
    """Version literals held under an api-version name outside client calls: `OPENAI_API_VERSION = "..."`,
    `os.getenv("AZURE_OPENAI_API_VERSION", "...")`, `{"api_version": "..."}`, and `api_version=` of
    other libraries' Azure OpenAI classes (`AzureChatOpenAI(api_version=...)`). Read from the lists the
    analysis pass collected, so no extra walk of the tree."""
    found: list[Literal] = []

    def add(node: cst.BaseExpression | None, origin: str) -> None:
        value = string_value(node)
        if node is not None and value is not None:
            found.append(Literal(node, value, origin))

    analysis = ctx.analysis
    for assign in analysis.assigns:
        for target in assign.targets:
            if isinstance(target.target, cst.Name) and _VERSION_NAME.search(target.target.value):
                add(assign.value, f"constant {target.target.value}")
    for element in analysis.dict_elements:
        key = string_value(element.key)
        if key is not None and _VERSION_NAME.search(key):
            add(element.value, f"the {key!r} entry")
    for call in analysis.calls:
        last = _last_name(call.func)
        if last in ("getenv", "get") and len(call.args) >= 2 and analysis.qualified(call.func) & _GETENV:
            variable = string_value(call.args[0].value)
            if variable and _VERSION_NAME.search(variable):
                add(call.args[1].value, f"the default of os.getenv({variable!r})")
            continue
        if last is None or "OpenAI" not in last:
            continue
        # Imported classes only (a qualified name with a module): a class of the user's own is not Azure's.
        imported = [q for q in analysis.qualified(call.func) if "." in q]
        if any("OpenAI" in q.rsplit(".", 1)[-1] for q in imported):
            arg = keyword_arg(call, "api_version")
            if arg is not None:
                add(arg.value, f"api_version of {ctx.module.code_for_node(call.func)}")
    return found


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


# ---- AOAI302 / AOAI303 / AOAI304 -------------------------------------------------------------------------


def _check_request(ctx: RuleContext, request: Request, pinned: str, *, migrated: bool) -> None:
    params = _request_params(request.call)
    at = _place(ctx, request.call)
    for finding in checks.request_findings(pinned, request.path, params, at, migrated=migrated):
        _emit(ctx, request.call, finding)


def _request_params(call: cst.Call) -> dict[str, str | None]:
    """Keyword -> literal detail (`response_format` -> its "type"); `extra_body` keys count as keywords."""
    params: dict[str, str | None] = {}
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if name == "extra_body" and isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None:
                    params[key] = None
            continue
        params[name] = _response_format_type(arg.value) if name == "response_format" else None
    return params


def _response_format_type(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == "type":
                return string_value(element.value)
    return None


def _check_v1_path(ctx: RuleContext, request: Request, client: Client) -> None:
    target = _request_target(request)
    if target is None:
        return
    ops = ctx.edits.args.get(client.call)
    header_added = ops is not None and (
        "default_headers" in ops.replace or any(keyword == "default_headers" for keyword, _ in ops.add)
    )
    finding = checks.v1_path_finding(
        target, _place(ctx, request.call), headers_present=_header_names(client), header_added=header_added
    )
    if finding is not None:
        _emit(ctx, request.call, finding)


def _request_target(request: Request) -> tuple[str, ...] | str | None:
    """The attribute path of a request, or the URL of a raw `client.post("/evals", ...)`; None otherwise."""
    path = request.path
    if len(path) == 1 and path[0] in _HTTP_METHODS:
        url = string_value(request.call.args[0].value) if request.call.args else None
        return url
    if not path or path[0] in _NOT_RESOURCES or path[0] in _HTTP_METHODS:
        return None
    return path


def _header_names(client: Client) -> list[str]:
    arg = client.kwarg("default_headers")
    if arg is None or not isinstance(arg.value, cst.Dict):
        return []
    keys = (string_value(e.key) for e in arg.value.elements if isinstance(e, cst.DictElement))
    return [key for key in keys if key is not None]


# ---- AOAI305 ---------------------------------------------------------------------------------------------


def _report_credentials(ctx: RuleContext) -> None:
    for client in ctx.analysis.clients:
        for keyword in _CREDENTIAL_KEYWORDS:
            arg = client.kwarg(keyword)
            if arg is not None:
                _report_credential(ctx, keyword, arg.value)
    for statement, qual in ctx.analysis.module_settings:
        if qual in ("openai.api_key", "openai.azure_ad_token"):
            _report_credential(ctx, qual, statement.value)


def _report_credential(ctx: RuleContext, keyword: str, expr: cst.BaseExpression) -> None:
    literals = [lit for lit in _literals(ctx, expr) if not lit.origin.startswith("the default")]
    for literal in literals:
        finding = checks.credential_finding(keyword, literal.value, _place(ctx, literal.node))
        if finding is not None:
            _emit(ctx, literal.node, finding)


# ---- plumbing --------------------------------------------------------------------------------------------


def _place(ctx: RuleContext, node: cst.CSTNode) -> checks.Place:
    span = ctx.position(node)
    return checks.Place(
        span.start.line, span.start.column + 1, ctx.path, span.end.line, span.end.column + 1
    )


def _emit(ctx: RuleContext, node: cst.CSTNode, finding: Finding) -> None:
    if ctx.active(finding.code, node):
        ctx.findings.append(finding)

