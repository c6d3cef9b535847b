"""The module-level client's settings (`openai.api_type = "azure"`, `openai.azure_endpoint = ...`): whether the
module client talks to Azure, and what keeps those settings on the dated API."""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import Analysis, string_value


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
