"""Does a dated value in a configuration file belong to Azure OpenAI? Decided from its key, the sections
around it, the URL it sits in and the settings next to it, never from the date alone: Azure AI Search
(`2023-11-01`), Content Safety, Document Intelligence, Key Vault and Resource Manager share the format."""

from __future__ import annotations

import re
from typing import Literal

from codemod.advisor.config_context import Layout

Strength = Literal["strong", "weak"]
STRONG: Strength = "strong"  # the key, section or URL says Azure OpenAI
WEAK: Strength = "weak"  # a plain api_version among Azure OpenAI settings

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
# Words of a key or section that name another Azure service than OpenAI.
_OTHER_WORDS = frozenset({
    "search", "safety", "recognizer", "intelligence", "vault", "cosmos", "speech", "translator", "vision",
    "language", "arm", "mgmt", "management", "inference", "bing",
})
_OTHER_SQUASHED = ("contentsafety", "documentintelligence", "docintel", "formrecognizer", "keyvault", "aisearch",
                   "cognitivesearch")
# Words that make a `..._VERSION` key a model or package version, not an api-version.
_NOT_API_WORDS = frozenset({
    "model", "deployment", "deploy", "sku", "sdk", "package", "pkg", "lib", "library", "python", "node", "image",
    "chart", "schema", "app", "client", "js",
})
_OPENAI_URL = re.compile(r"\.openai\.azure\.(?:com|us|cn)|/openai/", re.IGNORECASE)
_OTHER_URL = re.compile(
    r"search\.windows\.net|search\.azure\.(?:us|cn)|vault\.azure\.net|vault\.usgovcloudapi|management\.azure\.com"
    r"|management\.usgovcloudapi|documents\.azure\.com|api\.cognitive\.microsoft\.com"
    r"|/(?:contentsafety|formrecognizer|documentintelligence|language|vision|speechtotext|translator|text/analytics)/",
    re.IGNORECASE,
)
# Azure OpenAI settings in a block: its names, the SDK's `api_type: azure`, LiteLLM's `model: azure/<deployment>`.
_OPENAI_TEXT = re.compile(
    r"open[ _-]?ai|(?<![a-z0-9])a?oai(?![a-z0-9])|api_type[\"']?\s*[:=]\s*[\"']?azure\b"
    r"|\bmodel[\"']?\s*[:=]\s*[\"']?azure/",
    re.IGNORECASE,
)
_QUERY_URL = re.compile(r"""(?:https?://)?[^\s"'<>=]*\?(?:[^\s"'<>]*&)?api-version=$""", re.IGNORECASE)
_ARM_RESOURCE_TYPE = re.compile(r"Microsoft\.\w+/\w+")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(text)]


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def names_openai(text: str) -> bool:
    return "openai" in _squashed(text) or not {"aoai", "oai"}.isdisjoint(words(text))


def names_other_service(text: str) -> bool:
    squashed = _squashed(text)
    return not _OTHER_WORDS.isdisjoint(words(text)) or any(s in squashed for s in _OTHER_SQUASHED)


def is_version_key(key: str) -> bool:
    """`api_version`, `apiVersion`, `api-version`, or an OpenAI-named `..._VERSION` that is not a model's."""
    squashed = _squashed(key)
    if "apiversion" in squashed:
        return True
    return "version" in squashed and names_openai(key) and _NOT_API_WORDS.isdisjoint(words(key))


def tie_to_azure_openai(layout: Layout, index: int, prefix: str, arm_template: bool) -> Strength | None:
    """How surely the dated value after `prefix` on line `index` is an Azure OpenAI api-version (None: not)."""
    url = _query_url(prefix)
    if url is not None:
        if _OTHER_URL.search(url.group(0)):
            return None
        if _OPENAI_URL.search(url.group(0)):
            return STRONG
        key = layout.key_of(index, prefix[: url.start()])  # an unknown host: judge the setting that holds it
    else:
        key = layout.key_of(index, prefix)
        if key is None or not (is_version_key(key) or _bare_version_in_openai_section(layout, index, key)):
            return None
    if key is not None and names_other_service(key):
        return None
    if key is not None and names_openai(key):
        return STRONG
    block = layout.block(index)
    if key == "apiVersion" and (arm_template or _ARM_RESOURCE_TYPE.search("\n".join(block))):
        return None  # a Resource Manager resource's version
    for opener in layout.path_of(index):
        if names_other_service(opener):
            return None
        if names_openai(opener):
            return STRONG
    return WEAK if _block_is_azure_openai(layout, block) else None


def _query_url(prefix: str) -> re.Match[str] | None:
    """The URL whose `api-version=` the value follows. The pattern runs only where it can match, and only on
    the last run of characters a URL can hold: on a long line it would otherwise rescan the line per value."""
    if not prefix[-len("api-version="):].lower() == "api-version=":
        return None
    start = max(prefix.rfind(ch) for ch in " \t\"'<>") + 1
    return _QUERY_URL.search(prefix, start)


def _bare_version_in_openai_section(layout: Layout, index: int, key: str) -> bool:
    """`version = "..."` directly under `[azure_openai]` or `"AzureOpenAI": {` (not a model's `version:`)."""
    if words(key) != ["version"]:
        return False
    path = layout.path_of(index)
    return bool(path) and names_openai(path[0]) and _NOT_API_WORDS.isdisjoint(words(path[0]))


def _block_is_azure_openai(layout: Layout, block: list[str]) -> bool:
    """Azure OpenAI settings next to the value, and none of another service that could own it."""
    if id(block) not in layout.memo:
        layout.memo[id(block)] = _says_azure_openai(layout, block)
    return layout.memo[id(block)]


def _says_azure_openai(layout: Layout, block: list[str]) -> bool:
    text = "\n".join(block)
    keys = layout.keys_in(block)
    if _OTHER_URL.search(text) or any(names_other_service(k) for k in keys):
        return False
    return _OPENAI_TEXT.search(text) is not None or any("deployment" in words(k) for k in keys)
