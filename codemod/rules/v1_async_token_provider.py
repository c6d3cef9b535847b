"""AOAI402 — a synchronous token provider passed as `api_key` to `AsyncOpenAI` is wrapped so it can be awaited.

## What it does
For an `AsyncOpenAI` client that talks to Azure (codemod/rules/_v1_clients.py), an `api_key` that is certainly a
synchronous token provider — azure.identity's `get_bearer_token_provider(...)` (the sync one), a plain `def` or a
lambda, directly or through a variable — is wrapped in the adapter the migration itself uses for AOAI104,
`_aoai_awaitable_token_provider(P)`, added to the module once.

## Why
`AsyncAzureOpenAI` accepted a synchronous provider; `AsyncOpenAI` awaits `api_key()`, so a synchronous one fails at
the first request with `TypeError: object str can't be used in 'await' expression`. Migrations by hand or by an
agent have shipped this bug, and fixed it afterwards, more than once in one repository.

## Example
```python
# before
token_provider = get_bearer_token_provider(DefaultAzureCredential(), "https://ai.azure.com/.default")
client = AsyncOpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=token_provider)
# after
client = AsyncOpenAI(
    base_url="https://contoso.openai.azure.com/openai/v1/", api_key=_aoai_awaitable_token_provider(token_provider)
)
```

## Fix safety
Safe: the adapter awaits an async provider and runs a synchronous one in a worker thread (`asyncio.to_thread`), so
the event loop keeps running while a token is fetched. An `api_key` the tool cannot tell from a key string (a
parameter, a value from elsewhere), azure.identity.aio's provider and an `async def` are left as they are.

Fixtures: fixtures/v1_async_token_provider/; tests/e2e/programs/bad_migrations/.
"""

from __future__ import annotations

from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._needs import V1_AZURE_CLIENT, V1_AZURE_WORDS
from codemod.rules._v1_clients import azure_v1_clients, provider_kind
from codemod.rules.credentials import ADAPTER, adapted

CODE = "AOAI402"
SYNC_PROVIDERS = ("azure sync", "function")


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for v1 in azure_v1_clients(ctx):
        key = v1.kwarg("api_key")
        if not v1.is_async or key is None or not ctx.active(CODE, key):
            continue
        if provider_kind(ctx, key.value) not in SYNC_PROVIDERS:
            continue
        out.edits.call(v1.call).replace["api_key"] = ("api_key", adapted(ctx, out, key.value))
        out.report(
            CODE,
            key,
            f"AsyncOpenAI awaits api_key(), and {ctx.code_for(key.value)} is a synchronous token provider "
            f"(TypeError at the first request): wrapped in {ADAPTER}()",
            fixed=True,
        )
    return out


RULE = Rule(
    __name__,
    codes={CODE: "A synchronous token provider passed as api_key to AsyncOpenAI is wrapped so it can be awaited."},
    apply=apply,
    words=V1_AZURE_WORDS,
    needs=V1_AZURE_CLIENT,
)
