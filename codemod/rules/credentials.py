"""AOAI104 — credentials become `api_key`: the v1 client takes a key, a token, or a token provider (a
callable, openai>=1.106.0) as `api_key`. With no credential the Azure client read `AZURE_OPENAI_API_KEY`;
the migrated code reads it explicitly (`OpenAI` alone would read `OPENAI_API_KEY`).

`AsyncAzureOpenAI` accepted a synchronous provider, but `AsyncOpenAI` awaits `api_key()`, so a provider not
known to be async is wrapped in a small adapter that calls it and awaits the result only when it is
awaitable — the exact behaviour of the Azure client. Fixtures: fixtures/credentials/."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment

from codemod.context import RuleContext

CODES = ("AOAI104",)
ORDER = 40
KEY_VAR = "AZURE_OPENAI_API_KEY"
ADAPTER = "_aoai_awaitable_token_provider"
ASYNC_PROVIDER_FACTORIES = {"azure.identity.aio.get_bearer_token_provider"}

_ADAPTER_SOURCE = f'''def {ADAPTER}(provider):
    """Let AsyncOpenAI await a token provider that may be synchronous (added by aoai-migrate)."""

    async def token():
        value = provider()
        if hasattr(value, "__await__"):
            value = await value
        return value

    return token
'''


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        ops = ctx.edits.call(client.call)
        provider = client.kwarg("azure_ad_token_provider")
        token = client.kwarg("azure_ad_token")
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
        elif client.kwarg("api_key") is None:
            ops.add.append(("api_key", _getenv(ctx)))
            ctx.report(
                "AOAI104",
                client.call,
                f"no credential given: the client read {KEY_VAR}; api_key now reads it explicitly",
                fixed=True,
            )


def _getenv(ctx: RuleContext) -> cst.BaseExpression:
    from codemod import exprs

    ctx.edits.imports.add(("os", None, None))
    ctx.env_reads.add(KEY_VAR)
    return exprs.getenv(KEY_VAR)


def _adapted(ctx: RuleContext, provider: cst.BaseExpression) -> cst.Call:
    if not any(isinstance(s, cst.FunctionDef) and s.name.value == ADAPTER for s in ctx.module.body):
        if not ctx.edits.prelude:
            ctx.edits.prelude.extend(cst.parse_module(_ADAPTER_SOURCE).body)
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
