"""AOAI104 — credentials become `api_key`: the v1 client takes a key, a token, or a token provider (a
callable, openai>=1.106.0) as `api_key`. With no credential the Azure client read `AZURE_OPENAI_API_KEY`;
the migrated code reads it explicitly (`OpenAI` alone would read `OPENAI_API_KEY`).

`AsyncAzureOpenAI` accepted a synchronous provider, but `AsyncOpenAI` awaits `api_key()`, so a provider not
known to be async is wrapped in a small adapter: it awaits an async provider, and runs a synchronous one in a
worker thread (`asyncio.to_thread`), so that fetching a token does not stop the event loop, awaiting what it
returns when that is awaitable, as the Azure client did. Fixtures: fixtures/credentials/; the end-to-end
program tests/e2e/programs/entra_async_slow_sync_provider.py proves the loop keeps running."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment

from codemod.engine.analysis import Client, keyword_arg
from codemod.engine.context import RuleContext

CODES = ("AOAI104",)
ORDER = 40
KEY_VAR = "AZURE_OPENAI_API_KEY"
ADAPTER = "_aoai_awaitable_token_provider"
ASYNC_PROVIDER_FACTORIES = {"azure.identity.aio.get_bearer_token_provider"}

_ADAPTER_SOURCE = f'''def {ADAPTER}(
    provider: typing.Callable[[], typing.Union[str, typing.Awaitable[str]]],
) -> typing.Callable[[], typing.Awaitable[str]]:
    """Let AsyncOpenAI await a token provider that may be synchronous (added by aoai-migrate)."""

    async def token() -> str:
        # A synchronous provider may wait on the network for a token: in a worker
        # thread, that wait does not hold up the event loop.
        if inspect.iscoroutinefunction(provider):
            value = provider()
        else:
            value = await asyncio.to_thread(provider)
        return value if isinstance(value, str) else await value

    return token
'''
# What the adapter's body and annotations name (plain module imports: no name of the user's can clash).
_ADAPTER_IMPORTS = ("asyncio", "inspect", "typing")


# AzureOpenAI chose among its credentials at each request: azure_ad_token if not None, else
# azure_ad_token_provider() if the provider is not None, else api_key (openai/lib/azure.py,
# _get_azure_ad_token and _prepare_options). The v1 client has the one api_key.
CREDENTIALS = ("azure_ad_token", "azure_ad_token_provider", "api_key")


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    given = [name for name in CREDENTIALS if _given(client, name)]
    if len(given) < 2:
        return None
    listed = ", ".join(f"{name}=" for name in given)
    return client.call, (
        f"the client is given {listed}: AzureOpenAI used the first of them that is not None at each request "
        "(azure_ad_token, then azure_ad_token_provider, then api_key), and the v1 client takes one api_key. "
        "Choose the credential by hand (for example api_key=provider if provider is not None else key) and "
        "drop the others."
    )


def _given(client: Client, name: str) -> bool:
    """An explicit `name=None` is the same as leaving the argument out."""
    arg = client.kwarg(name)
    return arg is not None and not _is_none(arg.value)


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        ops = ctx.edits.call(client.call)
        for name in ("azure_ad_token", "azure_ad_token_provider"):
            arg = client.kwarg(name)
            if arg is not None and _is_none(arg.value):
                ops.remove.add(name)  # None meant "not given", and the v1 client has no such argument
        provider = client.kwarg("azure_ad_token_provider") if _given(client, "azure_ad_token_provider") else None
        token = client.kwarg("azure_ad_token") if _given(client, "azure_ad_token") else None
        key = client.kwarg("api_key")
        if key is not None and _is_none(key.value) and (provider or token):
            ops.remove.add("api_key")
        if provider is not None:
            if client.is_async and not _known_async(ctx, provider.value, 0):
                ops.replace["azure_ad_token_provider"] = ("api_key", _adapted(ctx, provider.value))
                message = (
                    "azure_ad_token_provider -> api_key; AsyncOpenAI awaits api_key(), so the provider, not "
                    f"known to be async, is wrapped in {ADAPTER}()"
                )
            else:
                ops.replace["azure_ad_token_provider"] = ("api_key", None)
                message = "azure_ad_token_provider -> api_key (needs openai>=1.106.0)"
            ctx.report("AOAI104", provider, message, fixed=True)
        elif token is not None:
            ops.replace["azure_ad_token"] = ("api_key", None)
            ctx.report(
                "AOAI104",
                token,
                "azure_ad_token -> api_key; a static Entra ID token expires (about an hour): prefer a token "
                "provider from azure.identity.get_bearer_token_provider",
                fixed=True,
            )
        elif not _given(client, "api_key"):
            if key is not None:  # api_key=None: the Azure client read the variable then too
                ops.replace["api_key"] = ("api_key", _getenv(ctx))
            else:
                ops.add.append(("api_key", _getenv(ctx)))
            ctx.report(
                "AOAI104",
                client.call,
                f"no credential given: the client read {KEY_VAR}; api_key now reads it explicitly",
                fixed=True,
            )


def _getenv(ctx: RuleContext) -> cst.BaseExpression:
    from codemod.engine import exprs

    ctx.edits.imports.add(("os", None, None))
    ctx.env_reads.add(KEY_VAR)
    return exprs.getenv(KEY_VAR)


def _adapted(ctx: RuleContext, provider: cst.BaseExpression) -> cst.Call:
    if not any(isinstance(s, cst.FunctionDef) and s.name.value == ADAPTER for s in ctx.module.body):
        if not ctx.edits.prelude:
            ctx.edits.prelude.extend(cst.parse_module(_ADAPTER_SOURCE).body)
            ctx.edits.imports.update((module, None, None) for module in _ADAPTER_IMPORTS)
    return cst.Call(func=cst.Name(ADAPTER), args=[cst.Arg(provider.deep_clone())])


def _known_async(ctx: RuleContext, expr: cst.BaseExpression, depth: int) -> bool:
    """True when the provider is certainly async: azure.identity.aio's provider or an `async def`."""
    if depth > 10:
        return False
    if isinstance(expr, cst.Call):
        quals = ctx.meta.qualified(expr.func)
        return bool(quals & ASYNC_PROVIDER_FACTORIES)
    if isinstance(expr, cst.Name):
        referents = ctx.analysis.referents(expr)
        if referents and all(
            isinstance(r, Assignment) and isinstance(r.node, cst.FunctionDef) and r.node.asynchronous is not None
            for r in referents
        ):
            return True
        values = ctx.analysis.bound_values(expr)
        return bool(values) and all(_known_async(ctx, v, depth + 1) for v in values or [])
    return False


def is_none_arg(call: cst.Call, name: str) -> bool:
    """Whether `call` passes `name=None` (the same as leaving the argument out)."""
    arg = keyword_arg(call, name)
    return arg is not None and _is_none(arg.value)


def migrate_copy(ctx: RuleContext, client: Client, copy: cst.Call) -> None:
    """copy()/with_options() of a migrated client: OpenAI's copy() takes no azure_ad_token_provider or
    azure_ad_token, so they become api_key= as in the constructor (the async adapter included); `=None`, which
    meant "keep the client's", is dropped."""
    ops = ctx.edits.call(copy)
    method = copy.func.attr.value if isinstance(copy.func, cst.Attribute) else "copy"
    converted = False
    for name in ("azure_ad_token", "azure_ad_token_provider"):
        arg = keyword_arg(copy, name)
        if arg is None:
            continue
        if _is_none(arg.value):
            ops.remove.add(name)
            continue
        converted = True
        if name == "azure_ad_token_provider" and client.is_async and not _known_async(ctx, arg.value, 0):
            ops.replace[name] = ("api_key", _adapted(ctx, arg.value))
            message = f"{name} -> api_key in {method}(), wrapped in {ADAPTER}() (AsyncOpenAI awaits api_key())"
        else:
            ops.replace[name] = ("api_key", None)
            message = f"{name} -> api_key in {method}() (OpenAI's {method}() takes no {name})"
        ctx.report("AOAI104", arg, message, fixed=True)
    if converted and is_none_arg(copy, "api_key"):
        ops.remove.add("api_key")
