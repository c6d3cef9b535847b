"""The Azure OpenAI classes of other frameworks that AOAI511-AOAI514 report, each with its v1 replacement (the
reference's "Other frameworks" facts) and the keywords its constructor takes the deployment, endpoint and
credential by, so the message can show the replacement filled in with the call's own values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reported:
    code: str
    framework: str
    template: str  # the v1 form; {deployment}, {base_url}, {key} are filled from the call (or placeholders)
    deployment: tuple[str, ...] = ()
    endpoint: tuple[str, ...] = ()
    key: tuple[str, ...] = ("api_key",)


def _each(modules: tuple[str, ...], name: str, info: Reported) -> dict[str, Reported]:
    return {f"{module}.{name}": info for module in modules}


_LLAMA_LLM = Reported(
    "AOAI511", "LlamaIndex",
    "llama_index.llms.openai_like.OpenAILike(model={deployment}, api_base={base_url}, api_key={key}, "
    "is_chat_model=True) (LlamaIndex's own OpenAI class rejects model names it does not know)",
    ("engine", "deployment_name", "deployment_id", "deployment", "azure_deployment"), ("azure_endpoint",),
    ("api_key",),
)
_LLAMA_EMBEDDING = Reported(
    "AOAI511", "LlamaIndex",
    "llama_index.embeddings.openai_like.OpenAILikeEmbedding(model_name={deployment}, api_base={base_url}, "
    "api_key={key}) (OpenAIEmbedding accepts only the model names it knows)",
    ("deployment_name", "azure_deployment", "engine"), ("azure_endpoint",), ("api_key",),
)


def _semantic_kernel(v1: str) -> Reported:
    return Reported(
        "AOAI512", "Semantic Kernel",
        f"semantic_kernel.connectors.ai.open_ai.{v1}(ai_model_id={{deployment}}, async_client=openai.AsyncOpenAI("
        "base_url={base_url}, api_key={key})) (an Entra ID token provider given as api_key must be async there)",
        ("deployment_name",), ("endpoint",), ("api_key", "ad_token_provider"),
    )


_AUTOGEN = Reported(
    "AOAI513", "AutoGen",
    "autogen_ext.models.openai.OpenAIChatCompletionClient(model={deployment}, base_url={base_url}, api_key={key}, "
    "model_info={{...}}) (model_info describes the model behind the deployment, whose name AutoGen does not know)",
    ("azure_deployment",), ("azure_endpoint",), ("api_key",),
)


def _agent_framework(v1: str) -> Reported:
    return Reported(
        "AOAI514", "Agent Framework",
        f"agent_framework.openai.{v1}(model_id={{deployment}}, base_url={{base_url}}, api_key={{key}})",
        ("deployment_name",), ("endpoint",), ("api_key",),
    )


_SK_MODULES = ("semantic_kernel.connectors.ai.open_ai",)
_SK_KINDS = ("ChatCompletion", "TextCompletion", "TextEmbedding", "TextToImage", "AudioToText", "TextToAudio")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


REPORTED: dict[str, Reported] = {
    **_each(("llama_index.llms.azure_openai", "llama_index.llms.azure_openai.base", "llama_index.llms"),
            "AzureOpenAI", _LLAMA_LLM),
    # the multi-modal LLM: images go as content blocks of OpenAILike's chat messages
    **_each(("llama_index.multi_modal_llms.azure_openai", "llama_index.multi_modal_llms.azure_openai.base"),
            "AzureOpenAIMultiModal", _LLAMA_LLM),
    **_each(("llama_index.embeddings.azure_openai", "llama_index.embeddings.azure_openai.base",
             "llama_index.embeddings"), "AzureOpenAIEmbedding", _LLAMA_EMBEDDING),
    **{f"{module}.Azure{kind}": _semantic_kernel(f"OpenAI{kind}") for module in _SK_MODULES for kind in _SK_KINDS},
    # the module that defines each service (`...open_ai.services.azure_chat_completion.AzureChatCompletion`)
    **{f"semantic_kernel.connectors.ai.open_ai.services.azure_{_snake(kind)}.Azure{kind}": _semantic_kernel(
        f"OpenAI{kind}") for kind in _SK_KINDS},
    **_each(("autogen_ext.models.openai", "autogen_ext.models.openai._openai_client"),
            "AzureOpenAIChatCompletionClient", _AUTOGEN),
    **{f"agent_framework.azure.AzureOpenAI{kind}Client": _agent_framework(f"OpenAI{kind}Client")
       for kind in ("Chat", "Responses", "Assistants")},
}

# LiteLLM: these functions take model="azure/<deployment>" and an api_version; "v1" (also "latest" and
# "preview") sends the request to <api_base>/openai/v1/.
LITELLM_CALLS = frozenset(
    f"litellm.{name}"
    for name in ("completion", "acompletion", "embedding", "aembedding", "text_completion", "atext_completion",
                 "image_generation", "aimage_generation", "transcription", "atranscription", "speech", "aspeech",
                 "responses", "aresponses")
)
LITELLM_V1_VERSIONS = frozenset({"v1", "latest", "preview"})
