"""What the rules need to see, shared by their declarations (codemod/engine/syntax.py reads the facts)."""

from __future__ import annotations

from codemod.engine import names
from codemod.engine.syntax import Identifiers, Names, Strings

# The openai package's Azure client classes, imported by name or reached through the module.
AZURE_CLASSES = Names(*names.AZURE_CLIENT_CLASSES, "openai.lib.azure")
# An OpenAI/AsyncOpenAI client the analysis counts as Azure's (analysis._points_at_azure): its base_url holds an
# Azure OpenAI host or the v1 path, or its default_query sends an api-version.
AZURE_V1_CLIENT = Names(*names.V1_CLIENT_CLASSES) & (
    (Identifiers(r"^base_url$") & Strings(r"/openai/v1|\.(openai|services\.ai|cognitiveservices)\.azure\.com"))
    | (Identifiers(r"^default_query$") & Strings(r"^api-version$"))
)
# The module client's settings that only an Azure module client reads, or that put it on Azure: every rule that reads
# the module client's settings acts only when one of them is written (`openai.api_key = key` alone, as in most
# notebooks, is OpenAI.com's client).
AZURE_MODULE_SETTINGS = Names(*(names.MODULE_SETTINGS - {"openai.api_key", "openai.base_url"}))
# The api-version the module-level client pins (`openai.api_version = "..."`).
MODULE_VERSION = Names("openai.api_version")
# Any client the analysis follows: its requests, its arguments.
ANY_CLIENT = AZURE_CLASSES | AZURE_V1_CLIENT

# An OpenAI/AsyncOpenAI client that talks to Azure (codemod/rules/_v1_clients.py): what its base_url names (an Azure
# OpenAI host, the v1 path, a variable named like an Azure endpoint), an Azure token provider (or the adapter
# AOAI104 wraps one in) given as api_key, or an argument only AzureOpenAI takes.
AZURE_HOST = Strings(r"\.(openai|services\.ai|cognitiveservices)\.azure\.com")
V1_PATH = Strings(r"/openai/v1")
ENDPOINT_NAMES = Identifiers(r"^azure_openai_|azure_\w*endpoint") | Strings(r"^azure_openai_|azure_\w*endpoint")
TOKEN_PROVIDERS = Names("azure.identity.get_bearer_token_provider", "azure.identity.aio.get_bearer_token_provider") | (
    Identifiers(r"^_aoai_awaitable_token_provider$")
)
AZURE_ARGUMENTS = Identifiers(r"^azure_(endpoint|deployment|ad_token|ad_token_provider)$")
V1_CLASSES = Names(*names.V1_CLIENT_CLASSES)
API_VERSION_QUERY = Identifiers(r"^default_query$") & Strings(r"^api-version$")
V1_AZURE_CLIENT = V1_CLASSES & (
    AZURE_HOST | V1_PATH | ENDPOINT_NAMES | TOKEN_PROVIDERS | AZURE_ARGUMENTS | API_VERSION_QUERY
)
# The byte filter for the same: every such client's file spells "openai" and one of these.
V1_AZURE_WORDS = (("openai", "azure"), ("openai/v1",), ("openai", "_aoai_awaitable_token_provider"))
