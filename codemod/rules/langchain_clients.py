"""AOAI501, AOAI502 — LangChain's Azure classes move to the v1 API as `ChatOpenAI` / `OpenAIEmbeddings` / `OpenAI`.

## What it does
`langchain_openai`'s `AzureChatOpenAI`, `AzureOpenAIEmbeddings` and `AzureOpenAI` (resolved through imports, also
from `langchain_openai.chat_models`, `.embeddings`, `.llms`) become `ChatOpenAI`, `OpenAIEmbeddings` and `OpenAI`
(AOAI501), with the arguments of the v1 form: `azure_endpoint` (or the `AZURE_OPENAI_ENDPOINT` the class read)
becomes `base_url=<endpoint>/openai/v1/`; `azure_deployment` / `deployment_name` / `deployment` becomes `model=`
(a literal is read from an environment variable, AOAI201); a `model=` / `model_name=` given beside a deployment
named the base model and becomes `tiktoken_model_name=`; `api_version`, `openai_api_version` and `openai_api_type`
go; `azure_ad_token` / `azure_ad_token_provider` become `api_key`; with no credential,
`api_key=os.getenv("AZURE_OPENAI_API_KEY")`. An endpoint or key that may be None (`os.getenv(NAME)`, a name
assigned one) reached openai's AzureOpenAI as None, which read `AZURE_OPENAI_ENDPOINT` / `AZURE_OPENAI_API_KEY`
then: the migrated arguments read them in that case (`os.getenv(NAME, os.getenv("AZURE_OPENAI_ENDPOINT"))`,
`name if name is not None else os.getenv("AZURE_OPENAI_API_KEY")`), as AOAI102/AOAI104 do for openai's clients.
What the Azure class set by itself is written out, so the requests stay the same: for chat `stream_usage=True` and
`disabled_params={"parallel_tool_calls": None}` (unless its model was "gpt-4o"; a model read at run time from a name
or an environment variable decides it there: `None if MODEL == "gpt-4o" else {...}`); for embeddings
`chunk_size=2048` and, when tokens are counted, `tiktoken_model_name` (the base model, `text-embedding-ada-002` by
default) so that tokenizing never goes by the deployment's name. Imports are renamed in place (aliases kept) or
joined by the v1 class where the Azure class is still named.

Reported instead (AOAI502), the construction left as it is: a class built from `**kwargs` or positional arguments,
subclassed, used as a value or in an `isinstance` check; an argument the v1 class lacks (`model_version`,
`validate_base_url`, `base_url`, `openai_api_base`, `default_query`); an API key beside a token; an endpoint or key
that may be None in a form the tool cannot give that fallback to (`settings.get("endpoint")`); an
`azure_ad_async_token_provider` beside a sync provider, or alone while the object is used other than through its
async methods (`ainvoke`, `astream`, ...); a module where `ChatOpenAI` (...) already names another class; a project
whose `langchain-openai` requirement allows no release from 1.0.1 on (the v1 form relies on its callable `api_key`
and its defaults); and `langchain_community`'s (or the old `langchain` package's) Azure classes, which are their own
deprecated implementations, not re-exports: the message names the `langchain_openai` class to move to by hand.

## Why
LangChain documents `ChatOpenAI(model=DEPLOYMENT, base_url=".../openai/v1/", api_key=...)` for Azure's v1 API; the
Azure classes always build a dated client (`openai.AzureOpenAI`) that pins an api-version.

## Example
```python
# before
from langchain_openai import AzureChatOpenAI
llm = AzureChatOpenAI(azure_endpoint=endpoint, azure_deployment=deployment, api_version="2024-10-21",
                      azure_ad_token_provider=token_provider)
# after
from langchain_openai import ChatOpenAI
llm = ChatOpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/", model=deployment, api_key=token_provider,
                 stream_usage=True, disabled_params={"parallel_tool_calls": None})
```

## Fix safety
Safe where applied, with langchain-openai >= 1.0.1 (a callable `api_key`): the same payloads go to the same
deployments (tests/test_e2e_langchain.py runs invoke, ainvoke, streaming, with_structured_output, embed_query and
embed_documents before and after against a loopback Azure server). Not carried over: the Azure classes' fallbacks to
`AZURE_OPENAI_AD_TOKEN` and to workload-identity tokens when no credential is given, their
`langchain-partner-python-azure-openai` User-Agent, and (for a `model=` that a call computes, which the tool does
not read twice) the "gpt-4o" exception for `parallel_tool_calls`. Async-only token providers: the v1 class, like the
Azure class, has no sync client then. LangChain decides a few request details by the model's name (o1 and gpt-5
temperature rules, the Responses API for -pro and codex models, json_schema support): `ChatOpenAI` sees the
deployment's name where `AzureChatOpenAI` saw the base model's `model=`; when both were given, the fixed finding
says so, for a deployment named unlike its model.

Fixtures: fixtures/langchain/.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ScopeProvider

from codemod.engine import names
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Names
from codemod.rules import Rule
from codemod.rules._framework_refs import Reference, references
from codemod.rules._langchain_args import (
    CLASSES,
    COMMUNITY,
    DROPPED,
    KEYS,
    TOKENS,
    UNSUPPORTED,
    V1_MODULES,
    LangChainClass,
    kwargs_of,
    rewrite,
    unwritable_fallbacks,
)
from codemod.rules._langchain_imports import in_annotation, module_of, rename

# Methods that use only the async client: an object built with an async-only token provider and used through
# these alone sends nothing through the sync client, which neither class builds then.
ASYNC_METHODS = frozenset({"ainvoke", "astream", "abatch", "astream_events", "astream_log", "agenerate",
                           "apredict", "apredict_messages", "aembed_query", "aembed_documents"})


Report = tuple[str, cst.CSTNode, str]  # (code, node, message)


@dataclass(frozen=True)
class Decisions:
    """What the rule does with a module's LangChain classes, decided once (`moves` also tells rules/v1_coverage.py
    which constructors become the v1 class)."""

    refs: list[Reference[LangChainClass]]
    reports: list[Report]  # AOAI502, in the order they are found
    moves: list[Reference[LangChainClass]]  # the constructors that move, each with its call


def moves(ctx: RuleContext) -> list[Reference[LangChainClass]]:
    return ctx.derived(_decide).moves


def _decide(ctx: RuleContext) -> Decisions:
    refs = references(ctx, CLASSES)
    reports: list[Report] = []
    moved: list[Reference[LangChainClass]] = []
    if not refs:
        return Decisions(refs, reports, moved)
    held = _held_classes(ctx, reports, refs)
    for ref in refs:
        if ref.kind != "call" or ref.call is None or not ctx.active("AOAI501", ref.call):
            continue
        reasons = held.get(ref.info.v1) or _ambiguous(ref) or _blockers(ctx, ref.call, ref.info)
        if reasons:
            reports += [("AOAI502", ref.call.func, m) for m in ([reasons] if isinstance(reasons, str) else reasons)]
        else:
            moved.append(ref)
    return Decisions(refs, reports, moved)


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    _report_community(ctx, out)
    decided = ctx.derived(_decide)
    for code, node, message in decided.reports:
        out.report(code, node, message)
    for ref in decided.moves:
        assert ref.call is not None
        cls = ref.info
        note = rewrite(ctx, out, ref.call, cls)
        out.report("AOAI501", ref.call.func, f"{ctx.code_for(ref.call.func)} -> {cls.v1} on the v1 API{note}",
                   fixed=True)
    if decided.refs:
        rename(ctx, out, decided.refs, {ref.call for ref in decided.moves if ref.call is not None})
    return out


def _ambiguous(ref: Reference[LangChainClass]) -> str | None:
    """`try: from langchain_openai import AzureChatOpenAI` / `except ImportError: from langchain... import ...`:
    the name may be another class at run time, which the v1 arguments may not suit."""
    if not ref.elsewhere:
        return None
    return (f"{ref.info.azure} may also be {', '.join(sorted(ref.elsewhere))} here (another import binds the name), "
            f"so the tool does not move it; import {ref.info.azure} from langchain_openai alone, then run it again.")


def _report_community(ctx: RuleContext, out: Changes) -> None:
    for ref in references(ctx, COMMUNITY):
        if ref.kind == "call" and ref.call is not None and not (ref.elsewhere & CLASSES.keys()):
            module = ref.qualified.rsplit(".", 1)[0]
            out.report(
                "AOAI502",
                ref.node,
                f"{module}'s {ref.qualified.rsplit('.', 1)[1]} is a deprecated class of its own, which the tool "
                f"does not move: switch to langchain_openai.{ref.info}(model=<deployment>, "
                'base_url="<endpoint>/openai/v1/", api_key=<key or token provider>) by hand.',
            )


def _held_classes(ctx: RuleContext, reports: list[Report], refs: list[Reference[LangChainClass]]) -> dict[str, str]:
    """v1 class -> why every constructor of its Azure class stays: the class is subclassed or used as a value (an
    isinstance check, an argument) here, or the v1 name already means something else."""
    held: dict[str, str] = {}
    for ref in refs:
        cls = ref.info
        if ref.kind in ("base", "other") and not in_annotation(ctx, ref.node):
            line = ctx.position(ref.node).start.line
            what = "subclassed" if ref.kind == "base" else "used as a value (a check, an argument)"
            reports.append(("AOAI502", ref.node, f"{cls.azure} is {what} here; the tool does not follow it. Move it "
                            f"to {cls.v1} by hand, together with its constructors."))
            held.setdefault(cls.v1, f"{cls.azure} stays: it is {what} at line {line}, and its objects must stay "
                            f"the same class; move them to {cls.v1} together by hand.")
    for cls in {ref.info for ref in refs}:
        if cls.v1 not in held and _name_taken(ctx, cls.v1):
            held[cls.v1] = (f"{cls.v1} already names another class in this module, so {cls.azure} cannot become "
                            f"it; rename one of them, then run the tool again.")
    return held


def _name_taken(ctx: RuleContext, name: str) -> bool:
    for scope in {s for s in ctx.meta.all(ScopeProvider) if s is not None}:
        for assignment in scope.assignments[name]:
            node = assignment.node
            if not (isinstance(node, cst.ImportFrom) and module_of(node) in V1_MODULES):
                return True
    return False


def _blockers(ctx: RuleContext, call: cst.Call, cls: LangChainClass) -> list[str]:
    name = ctx.code_for(call.func)
    if any(arg.keyword is None for arg in call.args):
        return [f"{name}(...) is given **kwargs or positional arguments, so the v1 arguments cannot be derived; build "
                f"it with keywords, or write {cls.v1}(model=<deployment>, base_url=\"<endpoint>/openai/v1/\", "
                "api_key=<key or token provider>) by hand."]
    given = kwargs_of(call)
    reasons = [f"{keyword}= has no v1 form: {why}. Remove it or move the client by hand."
               for keyword, why in UNSUPPORTED.items() if keyword in given]
    if ctx.options.langchain_openai_pin:
        reasons.append(f"{ctx.options.langchain_openai_pin} allows no langchain-openai 1.0.1 or later, whose "
                       f"{cls.v1} the v1 form relies on (a callable api_key; usage streamed by default): raise the "
                       "requirement, then run the tool again.")
    for keyword in DROPPED:
        private = _private_read(given[keyword].value) if keyword in given else None
        if private is not None:
            reasons.append(f"{keyword}= reads {private}, AzureOpenAI's private attribute, which the tool reports "
                           "on that client; settle that first, then run the tool again.")
    reasons += unwritable_fallbacks(ctx, given)
    tokens = [k for k in TOKENS if k in given]
    if any(k in given for k in KEYS) and tokens:
        reasons.append(f"an API key and {tokens[0]} are both given (the Azure class used the token); keep one.")
    elif "azure_ad_async_token_provider" in given and len(tokens) > 1:
        reasons.append("a sync and an async token provider are both given; the v1 class takes one callable as "
                       "api_key (a sync one serves sync and async calls): pass it by hand.")
    elif tokens == ["azure_ad_async_token_provider"] and not _async_use_only(ctx, call):
        reasons.append("azure_ad_async_token_provider alone serves only async calls, and this object may be used "
                       "otherwise; give a sync provider as api_key, or the async one if only ainvoke/astream use it.")
    return reasons


def _private_read(value: cst.BaseExpression) -> str | None:
    """`client._api_version`: dropping the argument would drop the read that keeps that client on the dated API,
    so one run would move this object and the next that client."""
    found: list[cst.Attribute] = []

    class _First(cst.CSTVisitor):  # libcst.matchers would cost a third of a second of start-up to import
        def visit_Attribute(self, node: cst.Attribute) -> bool:
            if not found and names.is_private_azure_attribute(node.attr.value):
                found.append(node)
            return not found

    value.visit(_First())
    return cst.Module(body=[]).code_for_node(found[0]) if found else None


def _async_use_only(ctx: RuleContext, call: cst.Call) -> bool:
    """`llm = AzureChatOpenAI(...)`, and every use of `llm` calls one of its async methods."""
    assign = ctx.meta.parent(call)
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return False
    target = assign.targets[0].target
    uses = ctx.analysis.references_of(target) if isinstance(target, cst.Name) else None
    if not uses:
        return False
    for use in uses:
        attribute = ctx.meta.parent(use)
        if not (isinstance(attribute, cst.Attribute) and attribute.attr.value in ASYNC_METHODS):
            return False
        called = ctx.meta.parent(attribute)
        if not (isinstance(called, cst.Call) and called.func is attribute):
            return False
    return True


RULE = Rule(
    __name__,
    codes={
        "AOAI501": "LangChain's AzureChatOpenAI / AzureOpenAIEmbeddings / AzureOpenAI become ChatOpenAI / "
        "OpenAIEmbeddings / OpenAI on the v1 API.",
        "AOAI502": "A LangChain Azure class the tool cannot move (**kwargs, subclass, an argument the v1 class "
        "lacks, an async-only token provider, langchain_community's class): move it by hand.",
    },
    apply=apply,
    words=("azurechatopenai", "azureopenaiembeddings", ("langchain", "azureopenai")),
    needs=Names(*CLASSES, *COMMUNITY),
)
