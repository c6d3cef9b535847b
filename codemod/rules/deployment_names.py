"""AOAI201 — a hard-coded deployment name in `model=` of a request made through an Azure client becomes
`os.getenv(NAME, "literal")`: nothing changes until NAME is set, and then dev and prod can use different
deployments (a wrong name is the classic `404 DeploymentNotFound`). A module-level constant holding the
literal is rewritten at its assignment. `--require-env` emits `os.environ[NAME]` instead.
Fixtures: fixtures/deployment_names/."""

from __future__ import annotations

import re
from typing import cast

import libcst as cst

from codemod import exprs, names
from codemod.analysis import Request, keyword_arg
from codemod.context import RuleContext

CODES = ("AOAI201",)
ORDER = 80
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]+")


def derived_name(literal: str, prefix: str) -> str:
    """`gpt-4o-prod-01` -> `AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01` (with the default prefix)."""
    return prefix + _NOT_ALNUM.sub("_", literal).strip("_").upper()


def variable_for(ctx: RuleContext, literal: str) -> str:
    return ctx.options.deployments.get(literal) or derived_name(literal, ctx.options.deployment_prefix)


def env_lookup(ctx: RuleContext, literal: str, literal_node: cst.BaseExpression) -> cst.BaseExpression:
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
            ctx.edits.call(request.call).replace["model"] = ("model", env_lookup(ctx, literal, value))
            ctx.report("AOAI201", model, f'deployment "{literal}" -> {variable_for(ctx, literal)}', fixed=True)
        elif isinstance(value, cst.Name):
            constant = ctx.analysis.global_constant(value)
            if constant is not None and ctx.active("AOAI201", constant[1]):
                by_constant.setdefault(constant[0], []).append((model, request.call))
    for target, uses in by_constant.items():
        _rewrite_constant(ctx, target, uses)


def constant_model(ctx: RuleContext, name: cst.Name) -> cst.BaseExpression | None:
    """For AOAI105, a client deployment given as a module-level constant: the constant is read from the
    environment now, as this rule would do on the next run (so that a second run changes nothing); returns
    the model= value when it must differ from the constant's name."""
    constant = ctx.analysis.global_constant(name)
    if constant is None or not ctx.active("AOAI201", constant[1]):
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


def _azure_requests(ctx: RuleContext) -> list[Request]:
    # `model=` does not choose the deployment of a client whose base_url already names one (AOAI102 says so),
    # nor of a client-level deployment the tool left in place (AOAI105 says why)
    from codemod.rules.client_deployment import deployment_of

    requests = [
        r
        for r in ctx.analysis.requests
        if r.client is not None
        and not r.client.base_url_has("/deployments")
        and (r.client in ctx.migrated or deployment_of(r.client) is None)
    ]
    if ctx.module_client_azure:
        requests.extend(ctx.analysis.module_requests)
    return requests
