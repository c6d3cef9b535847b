"""codemod/data/client_members.json against the installed openai package: every public member of its clients that
is not an API resource is listed (a new SDK release that adds one fails here), and no resource is listed."""

from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path

import pytest

openai = pytest.importorskip("openai")
from openai._resource import AsyncAPIResource, SyncAPIResource  # noqa: E402

from codemod.engine import names  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "codemod" / "data" / "client_members.json"
OFFLINE = {"api_key": "not-a-key", "base_url": "http://127.0.0.1:9/"}
AZURE_OFFLINE = {"api_key": "not-a-key", "api_version": "2024-10-21", "azure_endpoint": "http://127.0.0.1:9"}
CLIENTS = [
    (openai.OpenAI, OFFLINE),
    (openai.AsyncOpenAI, OFFLINE),
    (openai.AzureOpenAI, AZURE_OFFLINE),
    (openai.AsyncAzureOpenAI, AZURE_OFFLINE),
]


def public_members(cls: type) -> set[str]:
    """Public names of the class, with the attributes its classes only annotate (api_key, organization, ...)."""
    found = {name for name in dir(cls) if not name.startswith("_")}
    for klass in cls.__mro__:
        found |= {name for name in getattr(klass, "__annotations__", {}) if not name.startswith("_")}
    return found


def resources(client: object) -> set[str]:
    """The cached properties that return an API resource (chat, responses, beta, ...). Built offline: no request."""
    cls = type(client)
    return {
        name
        for name in dir(cls)
        if isinstance(inspect.getattr_static(cls, name, None), functools.cached_property)
        and isinstance(getattr(client, name), (SyncAPIResource, AsyncAPIResource))
    }


@pytest.mark.parametrize(("cls", "arguments"), CLIENTS, ids=[cls.__name__ for cls, _ in CLIENTS])
def test_every_client_member_that_is_not_a_resource_is_listed(cls: type, arguments: dict[str, str]) -> None:
    apis = resources(cls(**arguments))
    assert apis, "no resources found: the way the SDK declares them changed"
    missing = public_members(cls) - apis - names.CLIENT_MEMBERS
    assert not missing, f"add {sorted(missing)} to {DATA.name} (openai {openai.__version__})"
    assert not names.CLIENT_MEMBERS & apis, f"{sorted(names.CLIENT_MEMBERS & apis)} are API resources"


def test_the_data_says_which_release_it_was_read_from() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert data["openai_version"] and data["not_resources"] == sorted(data["not_resources"])
