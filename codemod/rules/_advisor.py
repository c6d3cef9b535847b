"""What the advisor's rules (AOAI301-AOAI306) read from the engine's analysis: the literals an expression
evaluates to, the api-version each client pins, the target of a request, the headers a client sends. The facts
about versions come from codemod/data/api_versions.json through codemod/advisor/checks.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from codemod.advisor import checks
from codemod.engine import names
from codemod.engine.analysis import Client, Request, keyword_arg, string_value
from codemod.engine.context import RuleContext
from codemod.engine.syntax import Strings

GETENV = frozenset({"os.getenv", "os.environ.get"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "request", "get_api_list"})
# Names that hold an Azure OpenAI api-version outside a client call: OPENAI_API_VERSION, openai_api_version.
VERSION_NAME = re.compile(r"openai.*version", re.IGNORECASE | re.ASCII)  # ASCII: no "ı" for "i"
# A string shaped like a dated api-version (advisor/versions.py looks_like_version): no finding without one.
DATED = Strings(r"\d{4}-\d{1,2}-\d{1,2}")


@dataclass(frozen=True)
class Literal:
    node: cst.CSTNode
    value: str
    origin: str  # "", "constant API_VERSION", "os.getenv('OPENAI_API_VERSION') default", ...


def literals(ctx: RuleContext, expr: cst.BaseExpression, depth: int = 0) -> list[Literal]:
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
        return [lit for v in values for lit in literals(ctx, v, depth + 1)]
    if isinstance(expr, cst.Call) and ctx.analysis.qualified(expr.func) & GETENV and len(expr.args) >= 2:
        variable = string_value(expr.args[0].value)
        origin = f"the default of os.getenv({variable!r})" if variable else "an os.getenv default"
        return [with_origin(lit, origin) for lit in literals(ctx, expr.args[1].value, depth + 1)]
    return []


def with_origin(literal: Literal, origin: str) -> Literal:
    return Literal(literal.node, literal.value, literal.origin or origin)


def pinned_literals(ctx: RuleContext) -> Iterator[tuple[Client | None, list[Literal]]]:
    """The api-version literals each Azure client pins (None: the module-level client's `openai.api_version`)."""
    for client in ctx.analysis.clients:
        if not client.azure:
            continue
        arg = client.kwarg("api_version")
        found = literals(ctx, arg.value) if arg is not None else []
        query = client.kwarg("default_query")
        if not found and query is not None and isinstance(query.value, cst.Dict):
            for element in query.value.elements:
                if isinstance(element, cst.DictElement) and string_value(element.key) == "api-version":
                    found = literals(ctx, element.value)
        yield client, found
    for statement, qual in ctx.analysis.module_settings:
        if qual == "openai.api_version":
            yield None, [with_origin(lit, "openai.api_version") for lit in literals(ctx, statement.value)]


def pinned_versions(ctx: RuleContext) -> dict[Client | None, str]:
    """The single version each client pins, when it pins exactly one."""
    pinned: dict[Client | None, str] = {}
    for owner, found in pinned_literals(ctx):
        values = {literal.value for literal in found}
        if len(values) == 1:
            pinned[owner] = values.pop()
    return pinned


def request_target(request: Request) -> tuple[str, ...] | str | None:
    """The attribute path of a request, or the URL of a raw `client.post("/evals", ...)`; None otherwise."""
    path = request.path
    if len(path) == 1 and path[0] in _HTTP_METHODS:
        return string_value(request.call.args[0].value) if request.call.args else None
    if not path or path[0] in names.CLIENT_MEMBERS or path[0].startswith("_"):
        return None  # a method or attribute of the client itself (or a private one), not an API
    return path


def header_names(client: Client) -> list[str]:
    arg = client.kwarg("default_headers")
    if arg is None or not isinstance(arg.value, cst.Dict):
        return []
    keys = (string_value(e.key) for e in arg.value.elements if isinstance(e, cst.DictElement))
    return [key for key in keys if key is not None]


def preview_headers(client: Client) -> dict[str, str]:
    """The v1 preview headers the client's requests need and its `default_headers` literal lacks: what the AOAI303
    edit merges into `default_headers`."""
    from codemod.advisor.v1 import merged_headers, required_headers

    present = dict.fromkeys(header_names(client), "")
    needed = required_headers(request_target(r) for r in client.requests if request_target(r) is not None)
    return {k: v for k, v in merged_headers(present, needed).items() if k not in present}


def v1_path_finding(ctx: RuleContext, request: Request, client: Client):
    """AOAI303 or AOAI304 for a request's path, or None (advisor/checks.py v1_path_finding)."""
    target = request_target(request)
    if target is None:
        return None
    assert client is not None
    header_added = (
        client.call is not None
        and ctx.is_migrated(client)
        and ctx.active("AOAI303", client.call)
        and bool(preview_headers(client))
    )
    return checks.v1_path_finding(
        target, place(ctx, request.call), headers_present=header_names(client), header_added=header_added
    )


def place(ctx: RuleContext, node: cst.CSTNode) -> checks.Place:
    span = ctx.position(node)
    return checks.Place(span.start.line, span.start.column + 1, ctx.path, span.end.line, span.end.column + 1)


def gives_provider(ctx: RuleContext, client: Client) -> bool:
    """A token provider given to the constructor or to a copy (it becomes api_key: openai>=1.106.0)."""
    calls = [client.call, *ctx.reach().of(client).copies] if client.call is not None else []
    return any(_not_none(keyword_arg(call, "azure_ad_token_provider")) for call in calls)


def _not_none(arg: cst.Arg | None) -> bool:
    return arg is not None and not (isinstance(arg.value, cst.Name) and arg.value.value == "None")
