"""AOAI201 — a hard-coded deployment name in `model=` of a request made through an Azure client becomes
`os.getenv(NAME, "literal")`: nothing changes until NAME is set, and then dev and prod can use different
deployments (a wrong name is the classic `404 DeploymentNotFound`). A module-level constant holding the
literal is rewritten at its assignment. `--require-env` emits `os.environ[NAME]` instead.

Only requests that reach Azure's v1 API are rewritten: through a client that moves in this run, an `OpenAI`
client already pointed at Azure, or a parameter or attribute annotated with the Azure class alone (built out
of sight) in a file none of whose constructors of that class stays. A client left on the dated API is left
wholly alone, its requests included. A `model=` the client ignores (a base_url that names the deployment)
and placeholders of sample code ("<DEPLOYMENT_NAME>", "YOUR_DEPLOYMENT_NAME") are not deployment names.
Fixtures: fixtures/deployment_names/."""

from __future__ import annotations

import re
from typing import cast

import libcst as cst

from codemod.engine import exprs, names
from codemod.engine.analysis import Client, Request, keyword_arg
from codemod.engine.context import RuleContext

CODES = ("AOAI201",)
ORDER = 80
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


def variable_for(ctx: RuleContext, literal: str) -> str:
    return ctx.options.deployments.get(literal) or derived_name(literal, ctx.options.deployment_prefix)


def is_placeholder(literal: str) -> bool:
    """Whether a `model=` string is a stand-in for a deployment name rather than one."""
    if not any(ch.isalnum() for ch in literal) or _PLACEHOLDER_MARK.search(literal):
        return True
    words = {word.lower() for word in _WORDS.findall(literal)}
    if words & _PLACEHOLDER_WORDS:
        return True
    return words <= _GENERIC_WORDS and bool(words & {"name", "id"})  # DEPLOYMENT_NAME, model-name


def env_lookup(ctx: RuleContext, literal: str, literal_node: cst.BaseExpression) -> cst.BaseExpression:
    if is_placeholder(literal):
        return literal_node.deep_clone()  # nothing to read from the environment: the user fills it in
    name = variable_for(ctx, literal)
    ctx.deployments[literal] = name
    ctx.env_reads.add(name)
    ctx.edits.imports.add(("os", None, None))
    if ctx.options.require_env:
        return exprs.environ(name)
    return exprs.getenv(name, literal_node.deep_clone())


def apply(ctx: RuleContext) -> None:
    by_constant: dict[cst.Name, list[tuple[cst.Arg, cst.Call]]] = {}
    for request in _azure_requests(ctx):
        if request.path not in names.MODEL_REQUESTS or request.call in ctx.model_overridden:
            continue
        model = keyword_arg(request.call, "model")
        if model is None:
            hidden = next((a for a in request.call.args if a.star == "**"), None)
            if hidden is not None:
                ctx.report(
                    "AOAI201",
                    hidden,
                    f"model= comes from **{ctx.code_for(hidden.value)}, which the tool can't rewrite; read the "
                    "deployment name from an environment variable where that dict is built.",
                )
            continue
        if not ctx.active("AOAI201", model):
            continue
        value = model.value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            literal = value.evaluated_value
            if is_placeholder(literal):
                continue
            ctx.edits.call(request.call).replace["model"] = ("model", env_lookup(ctx, literal, value))
            ctx.report("AOAI201", model, f'deployment "{literal}" -> {variable_for(ctx, literal)}', fixed=True)
        elif isinstance(value, cst.Name):
            constant = ctx.analysis.global_constant(value)
            if constant is not None and ctx.active("AOAI201", constant[1]) and not _holds_placeholder(constant):
                by_constant.setdefault(constant[0], []).append((model, request.call))
    for target, uses in by_constant.items():
        _rewrite_constant(ctx, target, uses)


def constant_model(ctx: RuleContext, name: cst.Name) -> cst.BaseExpression | None:
    """For AOAI105, a client deployment given as a module-level constant: the constant is read from the
    environment now, as this rule would do on the next run (so that a second run changes nothing); returns
    the model= value when it must differ from the constant's name."""
    constant = ctx.analysis.global_constant(name)
    if constant is None or not ctx.active("AOAI201", constant[1]) or _holds_placeholder(constant):
        return None
    target, literal_node = constant
    literal = literal_node.evaluated_value
    assert isinstance(literal, str)
    if any(_other_model(ctx, reader, []) for reader in ctx.analysis.references_of(target) or []):
        return env_lookup(ctx, literal, name)
    _rewrite_constant(ctx, target, [])
    return None


def _rewrite_constant(ctx: RuleContext, target: cst.Name, uses: list[tuple[cst.Arg, cst.Call]]) -> None:
    """At the assignment, so that everything reading the constant (a log line) sees the deployment in use;
    but when another request reads it as its model= too (an OpenAI.com client), at each Azure request, with
    the constant as the default, so that the other request keeps its model."""
    literal_node = cast(cst.SimpleString, ctx.analysis.bound_value_of(target))
    if literal_node in ctx.edits.replacements:
        return  # rewritten for AOAI105 already
    literal = literal_node.evaluated_value
    assert isinstance(literal, str)
    readers = ctx.analysis.references_of(target)
    if readers is not None and not any(_other_model(ctx, reader, uses) for reader in readers):
        ctx.edits.replace(literal_node, env_lookup(ctx, literal, literal_node))
        ctx.report(
            "AOAI201", literal_node, f'deployment "{literal}" in {target.value} -> {variable_for(ctx, literal)}',
            fixed=True,
        )
        return
    for model, call in uses:
        ctx.edits.call(call).replace["model"] = ("model", env_lookup(ctx, literal, model.value))
        ctx.report(
            "AOAI201",
            model,
            f"deployment {target.value} (\"{literal}\") -> {variable_for(ctx, literal)} here; {target.value} is "
            "also the model of another request, so it is left as it is",
            fixed=True,
        )


def _other_model(ctx: RuleContext, reader: cst.CSTNode, uses: list[tuple[cst.Arg, cst.Call]]) -> bool:
    """Whether `reader` is the model= of a request other than the Azure requests in `uses`."""
    arg = ctx.meta.parent(reader)
    if not (isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value == "model"):
        return False
    return all(arg is not model for model, _ in uses)


def _holds_placeholder(constant: tuple[cst.Name, cst.SimpleString]) -> bool:
    literal = constant[1].evaluated_value
    return isinstance(literal, str) and is_placeholder(literal)


def _azure_requests(ctx: RuleContext) -> list[Request]:
    staying = {c.qualified.rsplit(".", 1)[1] for c in ctx.analysis.clients if c.azure and not ctx.is_migrated(c)}
    requests = [r for r in ctx.analysis.requests if r.client is not None and _on_v1(ctx, r.client, staying)]
    if ctx.module_client_azure:
        requests.extend(ctx.analysis.module_requests)
    return requests


def _on_v1(ctx: RuleContext, client: Client, staying: set[str]) -> bool:
    """Whether the client's requests reach Azure's v1 API after this run, with `model=` as their deployment."""
    if client.call is None:  # annotated with the Azure class: built out of sight, unless built here and kept
        return not client.mixed and client.qualified.rsplit(".", 1)[1] not in staying
    if client.azure:
        return ctx.is_migrated(client)
    # an OpenAI client already on Azure's v1 API, unless its base_url is a dated URL that names the
    # deployment: there the URL chooses it and `model=` is ignored (AOAI102 says so)
    return not any("/deployments" in text for text in ctx.analysis.base_url_texts(client))
