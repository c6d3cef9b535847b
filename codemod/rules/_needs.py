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
MODULE_SETTINGS = Names(*names.MODULE_SETTINGS)
# Any client the analysis follows: its requests, its arguments.
ANY_CLIENT = AZURE_CLASSES | AZURE_V1_CLIENT
