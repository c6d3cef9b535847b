"""AOAI511-AOAI515 — other frameworks' Azure OpenAI clients, reported with their v1 form.

## What it does
Reports each construction of a framework class that always builds a dated Azure OpenAI client, with the v1
replacement filled in from the call's own arguments (deployment, endpoint, key) where it names them, and each
place the class is handed to something that builds its objects later (a dependency-injection provider,
`functools.partial`: the keywords given beside it fill the replacement):

- AOAI511, LlamaIndex: `llama_index.llms.azure_openai.AzureOpenAI` -> `OpenAILike(model=DEPLOYMENT,
  api_base=".../openai/v1/", is_chat_model=True)`; `AzureOpenAIEmbedding` -> `OpenAILikeEmbedding(model_name=...)`.
- AOAI512, Semantic Kernel: `AzureChatCompletion`, `AzureTextEmbedding` (and the other `Azure*` services) ->
  `OpenAIChatCompletion(ai_model_id=DEPLOYMENT, async_client=AsyncOpenAI(base_url=".../openai/v1/", ...))`.
- AOAI513, AutoGen: `AzureOpenAIChatCompletionClient` -> `OpenAIChatCompletionClient(model=DEPLOYMENT,
  base_url=..., model_info={...})`.
- AOAI514, Agent Framework: `agent_framework.azure.AzureOpenAIChatClient` (and the Responses and Assistants
  clients) -> `agent_framework.openai.OpenAIChatClient(model_id=DEPLOYMENT, base_url=...)`.
- AOAI515, LiteLLM: `completion(model="azure/...", api_version="<dated>")` (and the other calls, and a `Router`
  model list entry in Python) -> `api_version="v1"`.

Classes are resolved through imports: the user's own `AzureOpenAI`, or openai's, is not LlamaIndex's. An
`openai-agents` program that passes `AsyncAzureOpenAI(...)` to `set_default_openai_client` needs nothing here: the
client itself migrates (AOAI101).

## Why
These classes pin a dated api-version whatever the code says about the v1 API; a migration that leaves them
alone in silence leaves the repository on the dated API while saying "nothing to do".

## Example
```python
from llama_index.llms.azure_openai import AzureOpenAI
llm = AzureOpenAI(engine="gpt-4o-prod-01", azure_endpoint=endpoint, api_key=key, api_version="2024-06-01")  # AOAI511
```

## Fix safety
No fix: report only. Each framework's v1 class takes other arguments and behaves differently in ways the tool
cannot check (model names it validates, token providers it accepts). A LiteLLM proxy's `config.yaml` model list is not
Python: there AOAI307 reports the dated `api_version` of an `azure/` model, with `api_version: v1` as its v1 form.

Fixtures: fixtures/frameworks/.
"""

from __future__ import annotations

import re

import libcst as cst

from codemod.engine import exprs
from codemod.engine.analysis import keyword_arg, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Names, Strings
from codemod.rules import Rule
from codemod.rules._framework_refs import references
from codemod.rules._framework_table import LITELLM_CALLS, LITELLM_V1_VERSIONS, REPORTED, Reported

_DATED_TEXT = r"^\d{4}-\d{2}-\d{2}(-preview)?$"
_DATED = re.compile(_DATED_TEXT)


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for ref in references(ctx, REPORTED):
        info, name = ref.info, ref.qualified.rsplit(".", 1)[1]
        if ref.kind == "call" and ref.call is not None:
            out.report(info.code, ref.node, f"{info.framework}'s {name} always calls the dated API; on the v1 API use "
                       f"{_filled(ctx, ref.call, info)}.")
        elif ref.kind == "other" and (factory := _given_to(ctx, ref.node)) is not None:
            # `providers.Singleton(AzureOpenAIChatClient, endpoint=..., ...)`, `partial(AzureChatCompletion, ...)`:
            # the objects built from it call the dated API; the keywords given beside it are the constructor's
            out.report(info.code, ref.node, f"{info.framework}'s {name} is passed here to build its objects later, and "
                       f"they always call the dated API; on the v1 API use {_filled(ctx, factory, info)}.")
    _report_litellm(ctx, out)
    return out


def _given_to(ctx: RuleContext, node: cst.CSTNode) -> cst.Call | None:
    """The factory call `node` is the first positional argument of: `functools.partial(C, ...)`, a
    dependency-injector provider (`providers.Singleton(C, ...)`). Another call may only read the class (a schema
    generator's `add_type(C)`, a registry): no object is built there."""
    arg = ctx.meta.parent(node)
    call = ctx.meta.parent(arg) if isinstance(arg, cst.Arg) and arg.keyword is None and arg.value is node else None
    if not isinstance(call, cst.Call) or not call.args or call.args[0] is not arg:
        return None
    builds = any(q == "functools.partial" or q.startswith("dependency_injector.providers.")
                 for q in ctx.meta.qualified(call.func))
    return call if builds else None


def _filled(ctx: RuleContext, call: cst.Call, info: Reported) -> str:
    def code(keywords: tuple[str, ...], placeholder: str, build=None) -> str:
        arg = next((a for k in keywords if (a := keyword_arg(call, k)) is not None), None)
        if arg is None:
            return placeholder
        value = build(arg.value.deep_clone()) if build is not None else arg.value
        return cst.Module(body=[]).code_for_node(value)

    return info.template.format(
        deployment=code(info.deployment, "<deployment>"),
        base_url=code(info.endpoint, '"<endpoint>/openai/v1/"', exprs.v1_base_url),
        key=code(info.key, "<key>"),
    )


def _report_litellm(ctx: RuleContext, out: Changes) -> None:
    """`litellm.completion(model="azure/<deployment>", api_version="2024-06-01")`, and the same pair in a dict
    (a Router's `litellm_params`)."""
    for call in ctx.analysis.calls:
        if ctx.analysis.qualified(call.func) & LITELLM_CALLS:
            _check_litellm(ctx, out, keyword_arg(call, "model"), keyword_arg(call, "api_version"))
    if not _imports_litellm(ctx.module):
        return  # a dict of the same shape means something else to other libraries
    for element in ctx.analysis.dict_elements:
        if string_value(element.key) == "api_version":
            parent = ctx.meta.parent(element)
            if isinstance(parent, cst.Dict):
                model = next((e for e in parent.elements if isinstance(e, cst.DictElement)
                              and string_value(e.key) == "model"), None)
                _check_litellm(ctx, out, model, element)


def _imports_litellm(module: cst.Module) -> bool:
    found = []

    class Imports(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.extend(a for a in node.names if _in_litellm(a.name))

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.module is not None and not node.relative and _in_litellm(node.module):
                found.append(node)

    module.visit(Imports())
    return bool(found)


def _in_litellm(name: cst.BaseExpression) -> bool:
    return cst.Module(body=[]).code_for_node(name).split(".")[0] == "litellm"


def _check_litellm(ctx: RuleContext, out: Changes, model: cst.Arg | cst.DictElement | None,
                   version: cst.Arg | cst.DictElement | None) -> None:
    if model is None or version is None:
        return
    deployment = string_value(model.value)
    dated = string_value(version.value)
    if deployment is None or not deployment.startswith("azure/") or dated is None:
        return
    if dated in LITELLM_V1_VERSIONS or not _DATED.match(dated):
        return
    out.report("AOAI515", version.value, f'LiteLLM sends model="{deployment}" to the dated API with api-version '
               f'{dated}; api_version="v1" sends it to <api_base>/openai/v1/ (the deployment goes in the body).')


RULE = Rule(
    __name__,
    codes={
        "AOAI511": "LlamaIndex's AzureOpenAI / AzureOpenAIEmbedding call the dated API: their v1 form is reported.",
        "AOAI512": "Semantic Kernel's AzureChatCompletion / AzureTextEmbedding (...) call the dated API: their v1 "
        "form is reported.",
        "AOAI513": "AutoGen's AzureOpenAIChatCompletionClient calls the dated API: its v1 form is reported.",
        "AOAI514": "Agent Framework's Azure OpenAI clients call the dated API: their v1 form is reported.",
        "AOAI515": 'LiteLLM model="azure/..." with a dated api_version: api_version="v1" is reported.',
    },
    apply=apply,
    # LiteLLM is reported only for a model="azure/..." string: ("litellm", "azure") lets the byte filter look for
    # litellm only in files that mention azure.
    words=("azureopenai", "azurechatcompletion", "azuretext", "azureaudio", ("litellm", "azure")),
    # AOAI515 reads two plain literals, model="azure/..." and a dated api_version, beside a LiteLLM call or import.
    needs=Names(*REPORTED)
    | (Names(*LITELLM_CALLS, "litellm") & Strings(r"^azure/", plain=True) & Strings(_DATED_TEXT, plain=True)),
    advisor=True,
)
