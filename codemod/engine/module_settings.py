"""The module-level client's settings (`openai.api_type = "azure"`, `openai.azure_endpoint = ...`): whether the
module client talks to Azure, and what keeps those settings on the dated API."""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import Analysis, string_value

# openai>=1.0 reads `api_type` as "openai", "azure" or "amazon-bedrock" (openai/__init__.py, `_ApiType`) and has
# no `api_base`: these spellings are openai<1.0's (its ApiType took "azure_ad", "azuread" and "open_ai"). Written
# under 1.x they do nothing, so they can be neither renamed nor dropped without changing what the program does.
LEGACY_API_TYPES = frozenset({"azure_ad", "azuread", "open_ai"})
_AZURE_API_TYPES = frozenset({"azure"}) | LEGACY_API_TYPES - {"open_ai"}


def azure_anchor(analysis: Analysis) -> cst.Assign | None:
    """The statement that puts the module client on Azure (`openai.api_type = "azure"`, else the first
    `openai.azure_endpoint = ...`); None when the module client is not Azure's."""
    for statement, qualified in analysis.module_settings:
        if qualified == "openai.api_type" and string_value(statement.value) == "azure":
            return statement
    for statement, qualified in analysis.module_settings:
        if qualified == "openai.azure_endpoint":
            return statement
    return None


def token_provider_setting(analysis: Analysis) -> cst.Assign | None:
    """`openai.azure_ad_token_provider = ...`: the module client takes no token provider in OpenAI mode."""
    return next((s for s, q in analysis.module_settings if q == "openai.azure_ad_token_provider"), None)


def base_url_setting(analysis: Analysis) -> cst.Assign | None:
    """`openai.base_url = ...`: on Azure the module client hands it to AzureOpenAI as the dated base URL (and
    AzureOpenAI refuses it next to an endpoint), so it cannot stay as it is in OpenAI mode."""
    return next((s for s, q in analysis.module_settings if q == "openai.base_url"), None)


def legacy_setting(analysis: Analysis) -> tuple[cst.Assign, str] | None:
    """The first openai<1.0 setting of an Azure module client (`openai.api_base = ...`, `openai.api_type =
    "azure_ad"`) and how it is written; None when there is none or the module client is not Azure's."""
    azure = azure_anchor(analysis) is not None or any(
        q == "openai.api_type" and string_value(s.value) in _AZURE_API_TYPES for s, q in analysis.module_settings
    )
    if not azure:
        return None
    for statement, qualified in analysis.module_settings:
        value = string_value(statement.value)
        if qualified == "openai.api_base":
            return statement, "openai.api_base"
        if qualified == "openai.api_type" and value in LEGACY_API_TYPES:
            return statement, f'openai.api_type = "{value}"'
    return None


def other_api_type(analysis: Analysis) -> cst.Assign | None:
    """An `openai.api_type` assignment besides `= "azure"` (another value, or one the tool cannot read): the mode
    of the module client then depends on the path the program takes, so its settings cannot move alone."""
    anchor = azure_anchor(analysis)
    if anchor is None:
        return None
    return next(
        (s for s, q in analysis.module_settings if q == "openai.api_type" and string_value(s.value) != "azure"),
        None,
    )
