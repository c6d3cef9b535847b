"""What AOAI501 knows about LangChain's Azure classes: which class replaces each, which arguments the v1 class
lacks, and the arguments the v1 class needs to send the requests the Azure class sent (langchain-openai's
`AzureChatOpenAI`, `AzureOpenAIEmbeddings` and `AzureOpenAI` set them in their validators)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from codemod.advisor import checks
from codemod.engine import exprs
from codemod.engine.analysis import is_none, keyword_arg, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.nullable import GETENV, fallback_read, needs_fallback, with_fallback
from codemod.rules._deployment_vars import env_lookup, is_placeholder, variable_for

ENDPOINT_VAR = "AZURE_OPENAI_ENDPOINT"
KEY_VAR = "AZURE_OPENAI_API_KEY"


@dataclass(frozen=True)
class LangChainClass:
    azure: str  # AzureChatOpenAI
    v1: str  # ChatOpenAI
    kind: str  # "chat", "embeddings" or "llm"
    deployment: tuple[str, ...]  # the keywords that name the deployment


_CHAT = LangChainClass("AzureChatOpenAI", "ChatOpenAI", "chat", ("azure_deployment", "deployment_name"))
_EMBEDDINGS = LangChainClass(
    "AzureOpenAIEmbeddings", "OpenAIEmbeddings", "embeddings", ("azure_deployment", "deployment")
)
_LLM = LangChainClass("AzureOpenAI", "OpenAI", "llm", ("azure_deployment", "deployment_name"))

# Qualified name -> the class. Each module listed also exports the v1 class (langchain_openai/*/__init__.py), so an
# import from it is renamed in place; `...azure` modules are not (the v1 class comes from langchain_openai).
CLASSES: dict[str, LangChainClass] = {
    f"{module}.{cls.azure}": cls
    for cls, modules in (
        (_CHAT, ("langchain_openai", "langchain_openai.chat_models", "langchain_openai.chat_models.azure")),
        (_EMBEDDINGS, ("langchain_openai", "langchain_openai.embeddings", "langchain_openai.embeddings.azure")),
        (_LLM, ("langchain_openai", "langchain_openai.llms", "langchain_openai.llms.azure")),
    )
    for module in modules
}
V1_MODULES = frozenset({"langchain_openai", "langchain_openai.chat_models", "langchain_openai.embeddings",
                        "langchain_openai.llms"})

# langchain_community's (and the old `langchain` package's) Azure classes are their own deprecated
# implementations, not re-exports of langchain_openai's: moving them changes the package, so they are reported.
COMMUNITY: dict[str, str] = {
    **{f"{m}.AzureChatOpenAI": "ChatOpenAI" for m in (
        "langchain_community.chat_models", "langchain_community.chat_models.azure_openai", "langchain.chat_models",
        "langchain.chat_models.azure_openai")},
    **{f"{m}.AzureOpenAIEmbeddings": "OpenAIEmbeddings" for m in (
        "langchain_community.embeddings", "langchain_community.embeddings.azure_openai", "langchain.embeddings",
        "langchain.embeddings.azure_openai")},
    **{f"{m}.AzureOpenAI": "OpenAI" for m in (
        "langchain_community.llms", "langchain_community.llms.openai", "langchain.llms", "langchain.llms.openai")},
}

# Keywords of the Azure classes that the v1 class lacks and that have no v1 form here: a person decides.
UNSUPPORTED = {
    "model_version": "it only labels the response's model name (ChatOpenAI has no such field)",
    "validate_base_url": "it belongs to the Azure class's handling of openai_api_base",
    "base_url": "the Azure class reads it as a dated /openai/deployments/ URL",
    "openai_api_base": "the Azure class reads it as a dated /openai/deployments/ URL",
    "default_query": "it may carry api-version, which the v1 API rejects",
}
DROPPED = ("api_version", "openai_api_version", "openai_api_type")  # dated-API settings: nothing on v1 reads them
TOKENS = ("azure_ad_token", "azure_ad_token_provider", "azure_ad_async_token_provider")
KEYS = ("api_key", "openai_api_key")
# Passed to the Azure chat class, these keep it from switching stream_usage on (AzureChatOpenAI.validate_environment).
_NO_STREAM_USAGE = ("stream_usage", "openai_proxy", "client", "async_client", "root_client", "root_async_client",
                    "http_client", "http_async_client")
# OpenAIEmbeddings' default batch is 1000 texts; AzureOpenAIEmbeddings sent 2048 per request.
AZURE_EMBEDDING_CHUNK = 2048
AZURE_EMBEDDING_MODEL = "text-embedding-ada-002"  # the model name AzureOpenAIEmbeddings tokenizes with by default


def kwargs_of(call: cst.Call) -> dict[str, cst.Arg]:
    return {arg.keyword.value: arg for arg in call.args if arg.keyword is not None}


def rewrite(ctx: RuleContext, out: Changes, call: cst.Call, cls: LangChainClass) -> str:
    """The v1 class's arguments for a constructor the rule may move (the blockers found nothing); returns what
    the person reviewing the change should know about it ("" when nothing)."""
    given = kwargs_of(call)
    ops = out.edits.call(call)
    ops.remove.update(k for k in DROPPED if k in given)
    endpoint = given.get("azure_endpoint")
    if endpoint is not None and not is_none(endpoint.value):
        # None reached openai's AzureOpenAI, which read the variable then: the v1 class needs it written out
        value = _or_variable(ctx, out, endpoint.value, ENDPOINT_VAR, fallback_read(endpoint.value, ENDPOINT_VAR))
        ops.replace["azure_endpoint"] = ("base_url", exprs.v1_base_url(value))
    else:  # the Azure class read the variable itself
        url = exprs.v1_base_url(exprs.environ(ENDPOINT_VAR))
        if endpoint is not None:
            ops.replace["azure_endpoint"] = ("base_url", url)
        else:
            ops.add.append(("base_url", url))
        out.needs_import("os")
        out.record.read_env(ENDPOINT_VAR)
    _model(ctx, out, call, cls, given)
    token = next((k for k in TOKENS if k in given), None)
    if token is not None:  # ChatOpenAI sends a token, or calls a provider (sync or async), given as api_key
        ops.replace[token] = ("api_key", None)
        if token != "azure_ad_token":  # the callable reaches openai's client as its api_key (AOAI306)
            out.record.sdk_needs.update(checks.sdk_needs(True, False))
    elif (key := next((k for k in KEYS if k in given), None)) is not None:
        # given None, openai's AzureOpenAI read AZURE_OPENAI_API_KEY; the v1 class would read OPENAI_API_KEY
        value = given[key].value
        if is_none(value):
            ops.replace[key] = (key, exprs.getenv(KEY_VAR))
            out.needs_import("os")
            out.record.read_env(KEY_VAR)
        elif needs_fallback(ctx, value, KEY_VAR):
            ops.replace[key] = (key, _or_variable(ctx, out, value, KEY_VAR, exprs.getenv(KEY_VAR)))
    else:
        # The Azure class read AZURE_OPENAI_API_KEY, then OPENAI_API_KEY; given None, the v1 class reads the latter
        ops.add.append(("api_key", exprs.getenv(KEY_VAR)))
        out.needs_import("os")
        out.record.read_env(KEY_VAR)
    if cls.kind == "chat":
        if not any(k in given for k in _NO_STREAM_USAGE):
            ops.add.append(("stream_usage", cst.Name("True")))
        if "disabled_params" not in given and _model_literal(given) != "gpt-4o":
            # AzureChatOpenAI withholds parallel_tool_calls (with_structured_output's function calling) unless
            # its model is "gpt-4o"; ChatOpenAI sends it
            withheld = cst.parse_expression('{"parallel_tool_calls": None}')
            model = given.get("model") or given.get("model_name")
            if model is not None and _model_literal(given) is None and _read_only(ctx, model.value):
                # a model read at run time may be "gpt-4o": decide as the Azure class did, reading it again
                withheld = cst.IfExp(
                    test=cst.Comparison(model.value.deep_clone(),
                                        [cst.ComparisonTarget(cst.Equal(), cst.SimpleString('"gpt-4o"'))]),
                    body=cst.Name("None"), orelse=withheld)
            ops.add.append(("disabled_params", withheld))
    if cls.kind == "embeddings" and "chunk_size" not in given:
        ops.add.append(("chunk_size", cst.Integer(str(AZURE_EMBEDDING_CHUNK))))
    if cls.kind == "chat" and any(k in given for k in cls.deployment) and any(
        k in given for k in ("model", "model_name")
    ):
        return (" (ChatOpenAI now reads the deployment's name where AzureChatOpenAI read the base model's: the "
                "temperature rules of o1 and gpt-5 models, the Responses API for -pro and codex models, and "
                "json_schema support follow the name; check that the deployment's name implies the same model)")
    return ""


def _or_variable(
    ctx: RuleContext, out: Changes, value: cst.BaseExpression, variable: str, read: cst.BaseExpression
) -> cst.BaseExpression:
    """`value`, or where it may be None the `variable` the Azure class's client read then (`read`)."""
    if not needs_fallback(ctx, value, variable):
        return value.deep_clone()
    fallback = with_fallback(ctx, value, read)
    assert fallback is not None  # langchain_clients._blockers keeps the class otherwise
    out.needs_import("os")
    out.record.read_env(variable)
    return fallback


def unwritable_fallbacks(ctx: RuleContext, given: dict[str, cst.Arg]) -> list[str]:
    """The arguments that may be None in a form the tool cannot give the Azure variable's fallback to."""
    found = []
    for keywords, variable, read in ((("azure_endpoint",), ENDPOINT_VAR, exprs.environ(ENDPOINT_VAR)),
                                     (KEYS, KEY_VAR, exprs.getenv(KEY_VAR))):
        for keyword in keywords:
            arg = given.get(keyword)
            if (arg is not None and not is_none(arg.value) and needs_fallback(ctx, arg.value, variable)
                    and with_fallback(ctx, arg.value, read) is None):
                found.append(f"{keyword}= may be None (openai's AzureOpenAI then read {variable}) in a form the tool "
                             f"cannot give that fallback to; write it as a name or an os.getenv() call, or move the "
                             f"client by hand.")
    return found


def _read_only(ctx: RuleContext, value: cst.BaseExpression) -> bool:
    """A value that reading twice gives the same and does nothing else: a name, an attribute of one, an
    `os.getenv` / `os.environ.get` / `os.environ[...]` of a literal variable name."""
    if isinstance(value, cst.Name):
        return True
    if isinstance(value, cst.Attribute):
        return _read_only(ctx, value.value)
    if isinstance(value, cst.Subscript):
        return bool(ctx.meta.qualified(value.value) & {"os.environ"}) and len(value.slice) == 1 and isinstance(
            getattr(value.slice[0].slice, "value", None), cst.SimpleString)
    if isinstance(value, cst.Call) and ctx.meta.qualified(value.func) & GETENV:
        return all(isinstance(arg.value, cst.SimpleString) and arg.keyword is None for arg in value.args)
    return False


def _model_literal(given: dict[str, cst.Arg]) -> str | None:
    arg = given.get("model") or given.get("model_name")
    return string_value(arg.value) if arg is not None else None


def _model(ctx: RuleContext, out: Changes, call: cst.Call, cls: LangChainClass, given: dict[str, cst.Arg]) -> None:
    """The deployment becomes `model=`; a `model=` that named the base model keeps tokenizing as before, as
    tiktoken_model_name (the v1 class counts and splits tokens by `model` otherwise)."""
    ops = out.edits.call(call)
    deployment = next((k for k in cls.deployment if k in given), None)
    model = next((k for k in ("model", "model_name") if k in given), None)
    if deployment is None:
        return  # the Azure client sent `model` as the deployment already
    value = given[deployment].value
    literal = string_value(value)
    new_value = None
    if literal is not None and not is_placeholder(literal) and ctx.active("AOAI201", given[deployment]):
        new_value = env_lookup(ctx, out, literal, value)
        name = variable_for(ctx.options, literal)
        out.report("AOAI201", given[deployment], f'deployment "{literal}" -> {name}', fixed=True)
    ops.replace[deployment] = ("model", new_value)
    tokenizing = cls.kind != "embeddings" or not _is_false(given.get("check_embedding_ctx_length"))
    if model is not None:
        if "tiktoken_model_name" in given or not tokenizing:
            ops.remove.add(model)
        else:
            ops.replace[model] = ("tiktoken_model_name", None)
    elif cls.kind == "embeddings" and tokenizing and "tiktoken_model_name" not in given:
        ops.add.append(("tiktoken_model_name", exprs.string(AZURE_EMBEDDING_MODEL)))


def _is_false(arg: cst.Arg | None) -> bool:
    return arg is not None and isinstance(arg.value, cst.Name) and arg.value.value == "False"


def first_keyword(call: cst.Call, *names: str) -> cst.Arg | None:
    return next((arg for name in names if (arg := keyword_arg(call, name)) is not None), None)
