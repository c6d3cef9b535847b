"""Qualified names and request shapes of the `openai` package that the rules recognise."""

from __future__ import annotations

import json
from importlib import resources

# Qualified name (as LibCST's QualifiedNameProvider reports it) -> the v1 class that replaces it.
AZURE_CLIENT_CLASSES: dict[str, str] = {
    "openai.AzureOpenAI": "OpenAI",
    "openai.AsyncAzureOpenAI": "AsyncOpenAI",
    "openai.lib.azure.AzureOpenAI": "OpenAI",
    "openai.lib.azure.AsyncAzureOpenAI": "AsyncOpenAI",
}
V1_CLIENT_CLASSES: dict[str, str] = {"openai.OpenAI": "OpenAI", "openai.AsyncOpenAI": "AsyncOpenAI"}
ASYNC_CLASSES = {"AsyncOpenAI"}

# Attribute paths (from the client) of requests that carry a deployment in `model=`.
# The openai package inserts `/deployments/{model}` for exactly these routes (lib/azure.py,
# `_deployments_endpoints`); with a client-level `azure_deployment` they ignore `model=`.
DEPLOYMENT_ROUTE_REQUESTS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("chat", "completions", "create"),
        ("chat", "completions", "parse"),
        ("chat", "completions", "stream"),
        ("beta", "chat", "completions", "create"),
        ("beta", "chat", "completions", "parse"),
        ("beta", "chat", "completions", "stream"),
        ("completions", "create"),
        ("embeddings", "create"),
        ("audio", "transcriptions", "create"),
        ("audio", "translations", "create"),
        ("audio", "speech", "create"),
        ("images", "generate"),
        ("images", "edit"),
    }
)
# Requests whose `model=` names the deployment but whose route does not contain it.
BODY_MODEL_REQUESTS: frozenset[tuple[str, ...]] = frozenset(
    {
        ("responses", "create"),
        ("responses", "parse"),
        ("responses", "stream"),
        ("images", "create_variation"),
    }
)
MODEL_REQUESTS = DEPLOYMENT_ROUTE_REQUESTS | BODY_MODEL_REQUESTS

# Public members of the client that are not API resources (close(), copy(), base_url, ...): a call through one is
# no request to an API. Data read from the openai package's source (codemod/data/client_members.json).
CLIENT_MEMBERS: frozenset[str] = frozenset(
    json.loads(resources.files("codemod").joinpath("data", "client_members.json").read_text(encoding="utf-8"))[
        "not_resources"
    ]
)

# Attributes that return the same client or resource and can be skipped when reading a request path.
TRANSPARENT_ATTRS = frozenset({"with_raw_response", "with_streaming_response"})
CLIENT_COPY_METHODS = frozenset({"with_options", "copy"})

# Module-level settings of the openai package's module client (openai>=1.0).
MODULE_SETTINGS = frozenset(
    {
        "openai.api_type",
        "openai.azure_endpoint",
        "openai.api_base",
        "openai.api_version",
        "openai.api_key",
        "openai.azure_ad_token",
        "openai.azure_ad_token_provider",
        "openai.base_url",
    }
)
# openai<1.0 resources; any call through them needs the 1.x client first (AOAI107). The value is the 1.x
# call to move to (openai-python's v1 migration guide), or None where 1.x has none.
LEGACY_RESOURCES: dict[str, str | None] = {
    "openai.ChatCompletion": "client.chat.completions.create(model=<deployment>, ...)",
    "openai.Completion": "client.completions.create(model=<deployment>, ...)",
    "openai.Embedding": "client.embeddings.create(model=<deployment>, ...)",
    "openai.Image": "client.images.generate(model=<deployment>, ...)",
    "openai.Audio": "client.audio.transcriptions.create(model=<deployment>, ...) or client.audio.translations.create",
    "openai.Edit": None,
    "openai.Moderation": "client.moderations.create(...)",
    "openai.FineTune": "client.fine_tuning.jobs.create(...)",
    "openai.Deployment": None,
}

# copy()/with_options() arguments of AzureOpenAI that OpenAI's copy() does not take (openai/lib/azure.py, `copy`).
AZURE_COPY_ARGS = frozenset({"api_version", "azure_ad_token", "azure_ad_token_provider"})
# Arguments neither copy() takes (a TypeError on AzureOpenAI already), or that only its constructor understood.
UNCOPYABLE_ARGS = frozenset({"azure_deployment", "azure_endpoint", "_extra_kwargs"})


def is_private_azure_attribute(name: str) -> bool:
    """`_api_version`, `_azure_endpoint`, `_azure_deployment`, `_azure_ad_token`, `_azure_ad_token_provider`: set by
    AzureOpenAI's constructor only, so reading one on OpenAI raises AttributeError."""
    return name == "_api_version" or name.startswith("_azure_")

# Public attributes whose value the migration changes: base_url (<endpoint>/openai/v1/ instead of /openai/ or
# /openai/deployments/NAME/), default_query and _custom_query (no api-version), auth_headers (the key goes in
# Authorization: Bearer, not api-key), and api_key of a client given a token or provider (AzureOpenAI kept a
# placeholder there; OpenAI keeps the token or the provider).
CHANGED_ATTRIBUTES: dict[str, str] = {
    "base_url": "it becomes <endpoint>/openai/v1/ instead of the dated /openai/ or /openai/deployments/<name>/ URL",
    "default_query": "it no longer holds api-version",
    "_custom_query": "it no longer holds api-version",
    "auth_headers": "the key is sent as Authorization: Bearer instead of api-key",
    "api_key": "AzureOpenAI kept a placeholder there for a token or token provider; OpenAI keeps the token or provider",
}


def is_watched_attribute(name: str) -> bool:
    """An attribute whose use on a migrated client the tool must see (codemod/reach.py)."""
    return name in CHANGED_ATTRIBUTES or is_private_azure_attribute(name) or name == "__class__"

# AzureOpenAI chose among its credentials at each request: azure_ad_token if not None, else
# azure_ad_token_provider() if the provider is not None, else api_key (openai/lib/azure.py,
# _get_azure_ad_token and _prepare_options). The v1 client has the one api_key.
CREDENTIALS = ("azure_ad_token", "azure_ad_token_provider", "api_key")
