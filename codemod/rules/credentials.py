"""AOAI104 — token providers and tokens become `api_key`; the `AZURE_OPENAI_API_KEY` fallback is made explicit.

## What it does
For a client that moves to the v1 API, and for its copies: `azure_ad_token_provider=P` becomes `api_key=P`,
`azure_ad_token=T` becomes `api_key=T` (with a note that a static token expires), and with no credential the
migrated client reads `AZURE_OPENAI_API_KEY` explicitly. On an async client, a provider not known to be async is
wrapped in a small adapter, `_aoai_awaitable_token_provider(P)`, added to the module once: it awaits an async
provider and runs a synchronous one in a worker thread (`asyncio.to_thread`), so fetching a token does not stop
the event loop.

## Why
The v1 client takes a key, a token, or a token provider (a callable, openai>=1.106.0) as `api_key`; it has no
`azure_ad_token_provider`. `OpenAI()` alone would read `OPENAI_API_KEY`. `AsyncAzureOpenAI` accepted a synchronous
provider, but `AsyncOpenAI` awaits `api_key()`: passing a synchronous one unchanged fails at the first request
with `TypeError: object str can't be used in 'await' expression`.

## Example
```python
# before
client = AsyncAzureOpenAI(
    azure_endpoint=endpoint, azure_ad_token_provider=token_provider, api_version="2024-06-01"
)
# after
client = AsyncOpenAI(
    base_url=endpoint.rstrip("/") + "/openai/v1/", api_key=_aoai_awaitable_token_provider(token_provider)
)
```

## Fix safety
Safe for one credential. A client given two credentials (AzureOpenAI chose the first that is not None at each
request) stays on the dated API, reported: only a person can choose. The explicit `AZURE_OPENAI_API_KEY` read
ignores `AZURE_OPENAI_AD_TOKEN`, which the Azure client preferred when set (documented in the README). An
`api_key` that may be None (`os.getenv(NAME)` of an unset variable, a parameter defaulting to None) made the Azure
client read `AZURE_OPENAI_API_KEY` too: the migrated code keeps that fallback (`os.getenv(NAME,
os.getenv("AZURE_OPENAI_API_KEY"))`, `key if key is not None else ...`); in a form it cannot write so, the client
stays on the dated API, reported.

Fixtures: fixtures/credentials/, fixtures/client_reach/; tests/e2e/programs/entra_async_slow_sync_provider.py
proves the event loop keeps running.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import Assignment

from codemod.engine import exprs
from codemod.engine.analysis import Client, is_none, is_none_arg, keyword_arg
from codemod.engine.context import Changes, RuleContext
from codemod.engine.names import CREDENTIALS
from codemod.engine.nullable import needs_fallback, with_fallback
from codemod.engine.settings_dicts import CREDENTIAL_KEYS, SettingsDict, with_text
from codemod.rules import Rule
from codemod.rules._needs import AZURE_CLASSES

KEY_VAR = "AZURE_OPENAI_API_KEY"
API_KEY = frozenset({"api_key"})
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




def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    given = [name for name in CREDENTIALS if _given(client, name)]
    settings = ctx.settings(client)
    if settings is not None:
        problem = _settings_problem(ctx, settings)
        if problem is None and given and settings.on_some_path(CREDENTIAL_KEYS):
            problem = (
                f"the client is given {given[0]}= and {settings.name} holds a credential too; AzureOpenAI used the "
                "first of azure_ad_token, azure_ad_token_provider, api_key that was set, and the v1 client takes "
                "one api_key. Keep one credential, then run aoai-migrate again."
            )
        if problem is not None:
            return settings.spread, problem
    if given == ["api_key"]:
        return _unset_key(ctx, client)
    if len(given) < 2:
        return None
    listed = ", ".join(f"{name}=" for name in given)
    return client.call, (
        f"the client is given {listed}: AzureOpenAI used the first of them that is not None at each request "
        "(azure_ad_token, then azure_ad_token_provider, then api_key), and the v1 client takes one api_key. "
        "Choose the credential by hand (for example api_key=provider if provider is not None else key) and "
        "drop the others."
    )


def _settings_problem(ctx: RuleContext, settings: SettingsDict) -> str | None:
    """A settings dict carries the credential over only when each path through its branches sets one credential
    (or none does: then the client read AZURE_OPENAI_API_KEY on every path), and an api_key written there that may
    be None can be given AzureOpenAI's fallback where it is written."""
    counts = {len(path & CREDENTIAL_KEYS) for path in settings.paths}
    if not (counts <= {1} or counts == {0}):
        how = "two credentials on one path" if max(counts) > 1 else "a credential on some paths only"
        return (
            f"{settings.name} may hold {how} (the client then read {KEY_VAR} on the others, or used the first of "
            "azure_ad_token, azure_ad_token_provider, api_key), and the v1 client takes one api_key. Set exactly "
            "one credential in every branch, then run aoai-migrate again; or migrate this client by hand."
        )
    for entry in settings.entries_for(API_KEY):
        if _needs_fallback_unwritable(ctx, entry.value):
            return (
                f'{settings.name}["api_key"] = {ctx.code_for(entry.value)} may be None: AzureOpenAI then read '
                f"{KEY_VAR} (or AZURE_OPENAI_AD_TOKEN), but OpenAI would read OPENAI_API_KEY. Give a key that is "
                "never None, then run the tool again."
            )
    return None


def _needs_fallback_unwritable(ctx: RuleContext, value: cst.BaseExpression) -> bool:
    """An api_key that may be None, in a form the tool cannot give the fallback to."""
    return needs_fallback(ctx, value, KEY_VAR) and with_fallback(ctx, value, exprs.getenv(KEY_VAR)) is None


def _unset_key(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    """An api_key that may be None, in a form the tool cannot give the fallback to."""
    key = client.kwarg("api_key")
    assert key is not None
    if not _needs_fallback_unwritable(ctx, key.value):
        return None
    code = ctx.code_for(key.value)
    return key, (
        f"api_key={code} may be None: AzureOpenAI then read {KEY_VAR} (or AZURE_OPENAI_AD_TOKEN), but OpenAI "
        f"would read OPENAI_API_KEY. Give a key that is never None (for example `{code} or "
        f'os.environ["{KEY_VAR}"]`, or bind it to a name first), then run the tool again.'
    )


def _given(client: Client, name: str) -> bool:
    """An explicit `name=None` is the same as leaving the argument out."""
    arg = client.kwarg(name)
    return arg is not None and not is_none(arg.value)


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.migrated:
        _migrate_constructor(ctx, out, client)
        for copy in ctx.reach().of(client).copies:
            _migrate_copy(ctx, out, client, copy)
    return out


def _migrate_settings(ctx: RuleContext, out: Changes, client: Client, settings: SettingsDict) -> None:
    """Each write of a token provider or token to the settings dict becomes a write of api_key; an api_key written
    there that may be None reads AZURE_OPENAI_API_KEY then, as AzureOpenAI did."""
    for entry in settings.entries_for(API_KEY):
        if needs_fallback(ctx, entry.value, KEY_VAR):
            fallback = with_fallback(ctx, entry.value, _getenv(out))
            assert fallback is not None  # the blocker guarantees it
            out.edits.replace(entry.value, fallback)
            out.report("AOAI104", entry.value, f'{settings.name}["api_key"] may be None: the client then read '
                       f"{KEY_VAR}; it now reads it explicitly in that case", fixed=True)
    for entry in settings.entries_for(frozenset({"azure_ad_token_provider", "azure_ad_token"})):
        out.edits.replace(entry.key_node, with_text(entry.key_node, "api_key"))
        if entry.key == "azure_ad_token_provider" and client.is_async and not known_async(ctx, entry.value, 0):
            out.edits.replace(entry.value, adapted(ctx, out, entry.value))
            message = (f'{settings.name}["azure_ad_token_provider"] -> "api_key"; AsyncOpenAI awaits api_key(), so '
                       f"the provider, not known to be async, is wrapped in {ADAPTER}()")
        else:
            message = f'{settings.name}["{entry.key}"] -> "api_key" (the v1 client takes the credential as api_key)'
        out.report("AOAI104", entry.key_node, message, fixed=True)


def _migrate_constructor(ctx: RuleContext, out: Changes, client: Client) -> None:
    assert client.call is not None
    settings = ctx.settings(client)
    if settings is not None and settings.on_some_path(CREDENTIAL_KEYS):
        _migrate_settings(ctx, out, client, settings)
        return  # the blocker made sure every path sets exactly one credential, and the constructor none
    ops = out.edits.call(client.call)
    for name in ("azure_ad_token", "azure_ad_token_provider"):
        arg = client.kwarg(name)
        if arg is not None and is_none(arg.value):
            ops.remove.add(name)  # None meant "not given", and the v1 client has no such argument
    provider = client.kwarg("azure_ad_token_provider") if _given(client, "azure_ad_token_provider") else None
    token = client.kwarg("azure_ad_token") if _given(client, "azure_ad_token") else None
    key = client.kwarg("api_key")
    if key is not None and is_none(key.value) and (provider or token):
        ops.remove.add("api_key")
    if provider is not None:
        if client.is_async and not known_async(ctx, provider.value, 0):
            ops.replace["azure_ad_token_provider"] = ("api_key", adapted(ctx, out, provider.value))
            message = (
                "azure_ad_token_provider -> api_key; AsyncOpenAI awaits api_key(), so the provider, not "
                f"known to be async, is wrapped in {ADAPTER}()"
            )
        else:
            ops.replace["azure_ad_token_provider"] = ("api_key", None)
            message = "azure_ad_token_provider -> api_key (needs openai>=1.106.0)"
        out.report("AOAI104", provider, message, fixed=True)
    elif token is not None:
        ops.replace["azure_ad_token"] = ("api_key", None)
        out.report(
            "AOAI104",
            token,
            "azure_ad_token -> api_key; a static Entra ID token expires (about an hour): prefer a token "
            "provider from azure.identity.get_bearer_token_provider",
            fixed=True,
        )
    elif key is not None and _given(client, "api_key") and needs_fallback(ctx, key.value, KEY_VAR):
        fallback = with_fallback(ctx, key.value, _getenv(out))
        assert fallback is not None  # the blocker guarantees it
        ops.replace["api_key"] = ("api_key", fallback)
        out.report(
            "AOAI104",
            key,
            f"api_key may be None: the client then read {KEY_VAR}; api_key now reads it explicitly in that case",
            fixed=True,
        )
    elif not _given(client, "api_key"):
        if key is not None:  # api_key=None: the Azure client read the variable then too
            ops.replace["api_key"] = ("api_key", _getenv(out))
        else:
            ops.add.append(("api_key", _getenv(out)))
        out.report(
            "AOAI104",
            client.call,
            f"no credential given: the client read {KEY_VAR}; api_key now reads it explicitly",
            fixed=True,
        )


def _getenv(out: Changes) -> cst.BaseExpression:
    out.needs_import("os")
    out.record.read_env(KEY_VAR)
    return exprs.getenv(KEY_VAR)


def adapted(ctx: RuleContext, out: Changes, provider: cst.BaseExpression) -> cst.Call:
    """`provider` wrapped in the adapter, which is added to the module once (AOAI402 and AOAI403 use it too)."""
    if not any(isinstance(s, cst.FunctionDef) and s.name.value == ADAPTER for s in ctx.module.body):
        if not out.edits.prelude:
            out.edits.prelude.extend(cst.parse_module(_ADAPTER_SOURCE).body)
            for module in _ADAPTER_IMPORTS:
                out.needs_import(module)
    return cst.Call(func=cst.Name(ADAPTER), args=[cst.Arg(provider.deep_clone())])


def known_async(ctx: RuleContext, expr: cst.BaseExpression, depth: int) -> bool:
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
        return bool(values) and all(known_async(ctx, v, depth + 1) for v in values or [])
    return False


def _migrate_copy(ctx: RuleContext, out: Changes, client: Client, copy: cst.Call) -> None:
    """copy()/with_options() of a migrated client: OpenAI's copy() takes no azure_ad_token_provider or
    azure_ad_token, so they become api_key= as in the constructor (the async adapter included); `=None`, which
    meant "keep the client's", is dropped."""
    ops = out.edits.call(copy)
    method = copy.func.attr.value if isinstance(copy.func, cst.Attribute) else "copy"
    converted = False
    for name in ("azure_ad_token", "azure_ad_token_provider"):
        arg = keyword_arg(copy, name)
        if arg is None:
            continue
        if is_none(arg.value):
            ops.remove.add(name)
            continue
        converted = True
        if name == "azure_ad_token_provider" and client.is_async and not known_async(ctx, arg.value, 0):
            ops.replace[name] = ("api_key", adapted(ctx, out, arg.value))
            message = f"{name} -> api_key in {method}(), wrapped in {ADAPTER}() (AsyncOpenAI awaits api_key())"
        else:
            ops.replace[name] = ("api_key", None)
            message = f"{name} -> api_key in {method}() (OpenAI's {method}() takes no {name})"
        out.report("AOAI104", arg, message, fixed=True)
    if converted and is_none_arg(copy, "api_key"):
        ops.remove.add("api_key")


RULE = Rule(
    __name__,
    codes={"AOAI104": "Token providers and tokens become api_key; the AZURE_OPENAI_API_KEY fallback is made explicit."},
    apply=apply,
    blocker=blocker,
    words=("azureopenai",),
    needs=AZURE_CLASSES,
)
