"""LiteLLM's proxy configuration (`config.yaml`): a `model_list` entry whose `litellm_params` send
`model: azure/<deployment>` with a dated `api_version`. LiteLLM routes such a model to `<api_base>/openai/v1/` when
`api_version` is "v1", so the setting is not one to remove (AOAI307's usual advice) but to change."""

from __future__ import annotations

import dataclasses
import re

from codemod.findings import Finding

_MODEL = re.compile(r"^\s*-?\s*model\s*:\s*[\"']?(azure/[^\s\"'#]+)")
_VERSION = re.compile(r"^\s*api_version\s*:")
_ENTRY = re.compile(r"^\s*-\s")


def azure_model(text: str, line: int) -> str | None:
    """The `azure/...` model of the model-list entry that the `api_version:` at `line` (1-based) belongs to: the
    entry's lines above it, up to the `- ` that starts the entry; None for any other line or file."""
    if "model_list" not in text or "azure/" not in text:
        return None
    lines = text.splitlines()
    if not 0 < line <= len(lines) or not _VERSION.match(lines[line - 1]):
        return None
    for index in range(line - 2, -1, -1):
        found = _MODEL.match(lines[index])
        if found is not None:
            return found.group(1)
        if _ENTRY.match(lines[index]):
            return None
    return None


def reworded(finding: Finding, text: str) -> Finding:
    """AOAI307 for a LiteLLM entry says what to change it to, and needs a person (the proxy keeps calling the
    dated API until it is changed); any other finding is returned as it is."""
    model = azure_model(text, finding.line) if finding.code == "AOAI307" else None
    if model is None:
        return finding
    return dataclasses.replace(
        finding, level="warning",
        message=f"LiteLLM sends `{model}` to the dated API with this api_version; `api_version: v1` sends it to "
        "<api_base>/openai/v1/ (the deployment goes in the body). Change it together with the code that calls the "
        "proxy.",
    )
