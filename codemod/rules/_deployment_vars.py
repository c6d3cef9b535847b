"""Deployment names read from environment variables, shared by AOAI105 and AOAI201: the variable a literal gets,
what is a placeholder rather than a name, which requests reach Azure's v1 API with `model=` as their deployment,
and where a module-level constant holding a deployment is rewritten."""

from __future__ import annotations

import re

import libcst as cst

from codemod.engine import exprs, names
from codemod.engine.analysis import Client, Request
from codemod.engine.context import Changes, RuleContext
from codemod.options import Options

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")
# What sample code puts where the deployment name goes: "<MODEL_DEPLOYMENT_NAME>", "{deployment}", "$MODEL",
# "your-deployment-name", "...", "". Azure deployment names hold no brackets, braces, "$" or spaces.
_PLACEHOLDER_MARK = re.compile(r"[<>{}\[\]$%\s]")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_PLACEHOLDER_WORDS = frozenset({"your", "placeholder", "replace", "changeme", "todo", "tbd", "xxx", "xxxx"})
_GENERIC_WORDS = frozenset({"model", "deployment", "name", "id", "engine", "here", "the", "my"})


def derived_name(literal: str, prefix: str) -> str:
    """`gpt-4o-prod-01` -> `AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01` (with the default prefix)."""
    return prefix + _NOT_ALNUM.sub("_", literal).strip("_").upper()


def variable_for(options: Options, literal: str) -> str:
    return options.deployments.get(literal) or derived_name(literal, options.deployment_prefix)


def is_placeholder(literal: str) -> bool:
    """Whether a `model=` string is a stand-in for a deployment name rather than one."""
    if not any(ch.isalnum() for ch in literal) or _PLACEHOLDER_MARK.search(literal):
        return True
    words = {word.lower() for word in _WORDS.findall(literal)}
    if words & _PLACEHOLDER_WORDS:
        return True
    return words <= _GENERIC_WORDS and bool(words & {"name", "id"})  # DEPLOYMENT_NAME, model-name


def holds_placeholder(constant: tuple[cst.Name, cst.SimpleString]) -> bool:
    literal = constant[1].evaluated_value
    return isinstance(literal, str) and is_placeholder(literal)


def env_lookup(ctx: RuleContext, out: Changes, literal: str, literal_node: cst.BaseExpression) -> cst.BaseExpression:
    """`os.getenv(NAME, <literal_node>)` (`os.environ[NAME]` with --require-env), recorded in `out`."""
    if is_placeholder(literal):
        return literal_node.deep_clone()  # nothing to read from the environment: the user fills it in
    name = variable_for(ctx.options, literal)
    out.record.deployments[literal] = name
    out.record.read_env(name)
    out.needs_import("os")
    if ctx.options.require_env:
        return exprs.environ(name)
    return exprs.getenv(name, literal_node.deep_clone())


def v1_requests(ctx: RuleContext) -> list[Request]:
    """The requests that reach Azure's v1 API after this run with `model=` as their deployment, and whose `model=`
    no client-level deployment sets (AOAI105 does those)."""
    assert ctx.plan is not None
    staying = {c.qualified.rsplit(".", 1)[1] for c in ctx.analysis.clients if c.azure and not ctx.is_migrated(c)}
    requests = [r for r in ctx.analysis.requests if r.client is not None and _on_v1(ctx, r.client, staying)]
    if ctx.plan.module_settings_move:
        requests.extend(ctx.analysis.module_requests)
    return [
        r for r in requests if r.path in names.MODEL_REQUESTS and r.call not in ctx.plan.model_from_client
    ]


def _on_v1(ctx: RuleContext, client: Client, staying: set[str]) -> bool:
    """Whether the client's requests reach Azure's v1 API after this run, with `model=` as their deployment."""
    if client.call is None:  # annotated with the Azure class: built out of sight, unless built here and kept
        return not client.mixed and client.qualified.rsplit(".", 1)[1] not in staying
    if client.azure:
        return ctx.is_migrated(client)
    # an OpenAI client already on Azure's v1 API, unless its base_url is a dated URL that names the
    # deployment: there the URL chooses it and `model=` is ignored (AOAI102 says so)
    return not any("/deployments" in text for text in ctx.analysis.base_url_texts(client))


def constant_at_assignment(ctx: RuleContext, target: cst.Name) -> bool:
    """Whether a module-level deployment constant is rewritten where it is assigned (so that everything reading
    it, a log line say, sees the deployment in use): unless another request, one that does not go to Azure's v1
    API, also reads it as its `model=` and must keep its model."""
    readers = ctx.analysis.references_of(target)
    if readers is None:
        return False
    assert ctx.plan is not None
    azure = {r.call for r in v1_requests(ctx) if _model_active(ctx, r.call)} | ctx.plan.model_from_client
    for reader in readers:
        arg = ctx.meta.parent(reader)
        if isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "model":
            if ctx.meta.parent(arg) not in azure:
                return False
    return True


def constant_model(ctx: RuleContext, out: Changes, name: cst.Name) -> cst.BaseExpression | None:
    """For AOAI105, a client deployment given as a module-level constant: the model= value its requests get when
    it must differ from the constant's name (AOAI201 rewrites the constant at its assignment otherwise)."""
    constant = ctx.analysis.global_constant(name)
    if constant is None or not ctx.active("AOAI201", constant[1]) or holds_placeholder(constant):
        return None
    target, literal_node = constant
    if constant_at_assignment(ctx, target):
        return None
    literal = literal_node.evaluated_value
    assert isinstance(literal, str)
    return env_lookup(ctx, out, literal, name)


def _model_active(ctx: RuleContext, call: cst.Call) -> bool:
    """AOAI201 may rewrite this request's model= (not suppressed on its line)."""
    model = next((a for a in call.args if a.keyword is not None and a.keyword.value == "model"), None)
    return model is None or ctx.active("AOAI201", model)
