"""Which base URLs are Azure OpenAI's: the hosts of its resources, and the literal hosts of other services
(GitHub Models takes an api-version of its own) that an `OpenAI(base_url=...)` client may be pointed at."""

from __future__ import annotations

import re

import libcst as cst

# The hosts of Azure OpenAI resources (Azure OpenAI, AI Foundry, and multi-service Cognitive Services ones).
AZURE_HOSTS = (".openai.azure.com", ".services.ai.azure.com", ".cognitiveservices.azure.com")
# Azure hosts of model-inference services that are not Azure OpenAI (GitHub Models' first endpoint, serverless
# and online model endpoints): OpenAI-compatible, with an api-version of their own.
_OTHER_AZURE_HOSTS = (".inference.ai.azure.com", ".models.ai.azure.com", ".inference.ml.azure.com")
_URL_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?=[:/?#]|$)")


def other_service(url: cst.BaseExpression) -> bool:
    """A base URL whose host is written out and is a public name with no "azure" in it, or an Azure model
    inference host: not Azure OpenAI. (An API Management gateway, `*.azure-api.net`, an app service, or a
    sovereign cloud's `*.openai.azure.us` may front Azure OpenAI, and so may a local proxy: not ruled out.)"""
    if isinstance(url, cst.FormattedString):
        head = url.parts[0] if url.parts else None
        text = head.value if isinstance(head, cst.FormattedStringText) else ""
    elif isinstance(url, (cst.SimpleString, cst.ConcatenatedString)):
        value = url.evaluated_value
        text = value if isinstance(value, str) else ""
    else:
        return False
    match = _URL_HOST.match(text)
    if match is None or match.end() == len(text) and isinstance(url, cst.FormattedString):
        return False  # no literal host, or one that may go on in a {placeholder}
    host = match.group(1).lower()
    public = "." in host and not host.replace(".", "").isdigit() and not host.endswith((".local", ".internal"))
    return public and ("azure" not in host or ("." + host).endswith(_OTHER_AZURE_HOSTS))
