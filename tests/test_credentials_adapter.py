"""The helper AOAI104 adds for an async client given a provider not known to be async
(codemod/rules/credentials.py): run as the migrated module runs it, whatever kind of provider it gets."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from codemod.migration import migrate_source
from codemod.rules.credentials import _ADAPTER_SOURCE, ADAPTER


def adapter() -> Callable[[Any], Callable[[], Any]]:
    namespace: dict[str, Any] = {}
    exec("import asyncio, inspect, typing\n" + _ADAPTER_SOURCE, namespace)
    return namespace[ADAPTER]


def run(provider: Any) -> tuple[str, set[str]]:
    """The token, and which threads ran the provider: the event loop's ("loop") or another ("worker")."""
    threads: set[str] = set()

    async def main() -> str:
        loop_thread = threading.get_ident()
        provider.note = lambda: threads.add("loop" if threading.get_ident() == loop_thread else "worker")
        return await adapter()(provider)()

    return asyncio.run(main()), threads


class SyncProvider:
    def __call__(self) -> str:
        self.note()  # type: ignore[attr-defined]
        return "sync-token"


class AsyncProvider:
    async def __call__(self) -> str:  # an async __call__: not a coroutine function to inspect
        self.note()  # type: ignore[attr-defined]
        return "async-token"


async def async_function() -> str:
    async_function.note()  # type: ignore[attr-defined]
    return "coroutine-token"


@pytest.mark.parametrize(
    ("provider", "token", "threads"),
    [
        (SyncProvider(), "sync-token", {"worker"}),
        (AsyncProvider(), "async-token", {"loop"}),  # its coroutine is made in the worker, run on the loop
        (async_function, "coroutine-token", {"loop"}),
    ],
    ids=["sync", "async-callable-object", "async-def"],
)
def test_adapter_awaits_every_kind_of_provider(provider: Any, token: str, threads: set[str]) -> None:
    assert run(provider) == (token, threads)


def test_adapter_calls_the_provider_at_every_request_not_once() -> None:
    calls = []

    async def twice() -> list[str]:
        fetch = adapter()(lambda: calls.append(1) or f"token-{len(calls)}")
        return [await fetch(), await fetch()]

    assert asyncio.run(twice()) == ["token-1", "token-2"]


def test_migrated_module_defines_the_helper_once_with_its_imports() -> None:
    source = (
        "from openai import AsyncAzureOpenAI\n"
        "a = AsyncAzureOpenAI(azure_endpoint='https://r.openai.azure.com', azure_ad_token_provider=p, "
        "api_version='2024-06-01')\n"
        "b = AsyncAzureOpenAI(azure_endpoint='https://s.openai.azure.com', azure_ad_token_provider=q, "
        "api_version='2024-06-01')\n"
    )
    migrated = migrate_source(source).source
    assert migrated.count(f"def {ADAPTER}(") == 1
    assert {"import asyncio", "import inspect", "import typing"} <= set(migrated.splitlines())
    namespace: dict[str, Any] = {"p": lambda: "a", "q": lambda: "b"}
    exec(compile(migrated, "<migrated>", "exec"), namespace)  # runs: the helper's names are all bound
    assert migrate_source(migrated).source == migrated
