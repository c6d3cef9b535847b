"""Which `OpenAI` / `AsyncOpenAI` clients talk to Azure (the AOAI4xx rules, for code already on the v1 API), and
what they were given. A client talks to Azure when its `base_url` names an Azure OpenAI host or the v1 path, or is
read from a variable named like an Azure endpoint (`AZURE_OPENAI_*`, `*_AZURE_*ENDPOINT*`), or the client is given
an Azure token provider or an Azure-only argument. Everything read here is declared in `_needs.V1_AZURE_CLIENT`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment

from codemod.engine import hosts, names
from codemod.engine.analysis import Client, keyword_arg, names_within, sends_api_version, string_parts
from codemod.engine.context import RuleContext
from codemod.engine.walk import children
from codemod.rules.credentials import ADAPTER, ASYNC_PROVIDER_FACTORIES

# A variable (or environment variable) that holds an Azure endpoint: AZURE_OPENAI_ENDPOINT, MY_AZURE_ENDPOINT,
# settings.azure_openai_endpoint. The same pattern is declared in _needs.ENDPOINT_NAMES.
ENDPOINT_NAME = r"^azure_openai_|azure_\w*endpoint"
# Only a name that says "endpoint" is the resource address (AZURE_OPENAI_BASE_URL may hold the whole v1 URL).
RESOURCE_ENDPOINT_NAME = r"azure_\w*endpoint"
SYNC_PROVIDER_FACTORY = "azure.identity.get_bearer_token_provider"
PROVIDER_FACTORIES = frozenset({SYNC_PROVIDER_FACTORY, *ASYNC_PROVIDER_FACTORIES})
# What only AzureOpenAI takes; each but api_version says the client meant Azure.
AZURE_ONLY_ARGUMENTS = ("azure_endpoint", "azure_deployment", "azure_ad_token", "azure_ad_token_provider")


@dataclass(eq=False)
class V1Client:
    """An `OpenAI(...)` / `AsyncOpenAI(...)` call that talks to Azure; `client` is the analysis' own record when it
    follows the client's requests (a base_url on the v1 path or an Azure host), else one made here."""

    call: cst.Call
    client: Client
    is_async: bool
    evidence: str  # "host", "v1 path", "endpoint variable", "token provider", "azure argument"

    def kwarg(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.call, name)


def azure_v1_clients(ctx: RuleContext) -> tuple[V1Client, ...]:
    """The `OpenAI(...)` / `AsyncOpenAI(...)` calls of the module that talk to Azure (found once per module)."""
    return ctx.derived(_azure_v1_clients)


def _azure_v1_clients(ctx: RuleContext) -> tuple[V1Client, ...]:
    known = {c.call: c for c in ctx.analysis.clients if c.call is not None and not c.azure}
    found = []
    for call in ctx.analysis.calls:
        qualified = ctx.meta.qualified(call.func) & names.V1_CLIENT_CLASSES.keys()
        if not qualified:
            continue
        is_async = names.V1_CLIENT_CLASSES[min(qualified)] in names.ASYNC_CLASSES
        evidence = _evidence(ctx, call)
        if evidence is not None:
            client = known.get(call) or Client(call, min(qualified), False, is_async)
            found.append(V1Client(call, client, is_async, evidence))
    return tuple(found)


def _evidence(ctx: RuleContext, call: cst.Call) -> str | None:
    base_url = keyword_arg(call, "base_url")
    if base_url is not None:
        texts = [text for expr in followed(ctx, base_url.value) for text in string_parts(expr)]
        if any(host in text for text in texts for host in hosts.AZURE_HOSTS):
            return "host"
        if any("/openai/v1" in text for text in texts):
            return "v1 path"
        if not any("/openai" in text for text in texts) and hosts.other_service(base_url.value):
            return None  # GitHub Models, a public proxy: another service's own host, written out
        if any(re.search(ENDPOINT_NAME, word, re.IGNORECASE) for word in words_in(ctx, base_url.value)):
            return "endpoint variable"
    if any(keyword_arg(call, name) is not None for name in AZURE_ONLY_ARGUMENTS):
        return "azure argument"
    key = keyword_arg(call, "api_key")
    if key is not None and provider_kind(ctx, key.value) in ("azure sync", "azure async", "adapter"):
        return "token provider"
    # an api-version, which only Azure's dated and v1-preview routes took, to a base URL the tool cannot read
    return "api-version query" if sends_api_version(call) else None


# A literal host with nothing after it but slashes (the f-string's last literal part, or the whole literal).
_BARE_HOST = re.compile(r"\.azure\.com/*$", re.IGNORECASE)


def bare_azure_host(value: cst.BaseExpression) -> bool:
    """A literal (or f-string, or concatenation) whose last literal text ends at an `.azure.com` host."""
    while isinstance(value, cst.ConcatenatedString):
        value = value.right
    if isinstance(value, cst.FormattedString):
        last = value.parts[-1] if value.parts else None
        return isinstance(last, cst.FormattedStringText) and _BARE_HOST.search(last.value) is not None
    if isinstance(value, cst.SimpleString):
        text = value.evaluated_value
        return isinstance(text, str) and _BARE_HOST.search(text) is not None
    return False


def followed(ctx: RuleContext, expr: cst.BaseExpression, limit: int = 20) -> Iterator[cst.BaseExpression]:
    """`expr`, then what the names in it were assigned (a URL built into a variable first)."""
    todo, seen = [expr], 0
    while todo and seen < limit:
        current = todo.pop()
        seen += 1
        yield current
        for name in names_within(current):
            todo.extend(ctx.analysis.bound_values(name) or [])


def words_in(ctx: RuleContext, expr: cst.BaseExpression) -> list[str]:
    """The identifiers (names, attributes) and string values of `expr` and of what its names were assigned: the
    syntax facts read, never comments."""
    out: list[str] = []
    for current in followed(ctx, expr):
        out.extend(string_parts(current))
        out.extend(_identifiers(current))
    return out


def _identifiers(node: cst.CSTNode) -> Iterator[str]:
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, cst.Attribute):
        yield node.attr.value
        yield from _identifiers(node.value)
    else:
        for child in children(node):
            yield from _identifiers(child)


def provider_kind(ctx: RuleContext, expr: cst.BaseExpression, depth: int = 0) -> str | None:
    """What a credential expression certainly is: "azure sync" / "azure async" (azure.identity's
    get_bearer_token_provider), "adapter" (already wrapped by aoai-migrate), "function" (a plain `def` or a
    lambda), "async function" (an `async def`), or None when the tool cannot tell (a key string, say)."""
    if depth > 10:
        return None
    if isinstance(expr, cst.Lambda):
        return "function"
    if isinstance(expr, cst.Call):
        if isinstance(expr.func, cst.Name) and expr.func.value == ADAPTER:
            return "adapter"
        quals = ctx.meta.qualified(expr.func) & PROVIDER_FACTORIES
        if quals:
            return "azure sync" if SYNC_PROVIDER_FACTORY in quals else "azure async"
        return None
    if not isinstance(expr, cst.Name):
        return None
    referents = ctx.analysis.referents(expr)
    defs = [r.node for r in referents if isinstance(r, Assignment) and isinstance(r.node, cst.FunctionDef)]
    if referents and len(defs) == len(referents):
        kinds = {"async function" if d.asynchronous is not None else "function" for d in defs}
        return kinds.pop() if len(kinds) == 1 else None
    values = ctx.analysis.bound_values(expr)
    kinds = {provider_kind(ctx, value, depth + 1) for value in values or []}
    return kinds.pop() if len(kinds) == 1 else None
