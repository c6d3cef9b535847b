"""AOAI201 — a hard-coded deployment name in `model=` becomes an environment variable with the literal as default.

## What it does
In a request made through an Azure client that reaches the v1 API after this run (chat completions, completions,
embeddings, responses, images, audio), a literal `model="gpt-4o-prod-01"` becomes
`os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01")`; `--require-env` gives
`os.environ[NAME]`. NAME comes from `[tool.aoai-migrate.deployments]` or is derived from the literal, and is the
same in every file of a run. A module-level constant holding the literal is rewritten at its assignment, unless a
request that does not go to Azure also reads it as its model (then each Azure request reads
`os.getenv(NAME, CONSTANT)`).

Only requests that reach Azure's v1 API are rewritten: through a client that moves in this run, an `OpenAI` client
already pointed at Azure, or a parameter or attribute annotated with the Azure class alone (built out of sight) in
a file none of whose constructors of that class stays. A client left on the dated API is left wholly alone. A
`model=` the client ignores (a base_url that names the deployment) and placeholders of sample code
("<DEPLOYMENT_NAME>", "YOUR_DEPLOYMENT_NAME") are not deployment names.

## Why
`model=` must be the deployment name chosen in the Azure portal; a wrong one is the classic `404
DeploymentNotFound`. Read from the environment, dev and prod can use different deployments, and
`aoai-migrate doctor` can check the names before the code runs.

## Example
```python
# before
client.chat.completions.create(model="gpt-4o-prod-01", messages=msgs)
# after
client.chat.completions.create(
    model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01"), messages=msgs
)
```

## Fix safety
Safe: nothing changes until the variable is set. With `--require-env` the program fails at the request when the
variable is missing, by design. A `model=` hidden in `**params` is reported, unless `params` is a dict literal,
not changed in place, whose "model" is no hard-coded name (`os.environ[...]`, a setting): like such a `model=`.

Fixtures: fixtures/deployment_names/.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from codemod.engine.analysis import keyword_arg, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.deployments import deployment_of
from codemod.rules import Rule
from codemod.rules._deployment_vars import (
    constant_at_assignment,
    env_lookup,
    holds_placeholder,
    is_placeholder,
    v1_requests,
    variable_for,
)
from codemod.rules._needs import ANY_CLIENT, AZURE_MODULE_SETTINGS


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    by_constant: dict[cst.Name, list[tuple[cst.Arg, cst.Call]]] = {}
    for request in v1_requests(ctx):
        model = keyword_arg(request.call, "model")
        if model is None:
            hidden = next((a for a in request.call.args if a.star == "**"), None)
            if hidden is not None and not _spread_model_is_read(ctx, hidden):
                out.report(
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
            out.edits.call(request.call).replace["model"] = ("model", env_lookup(ctx, out, literal, value))
            name = variable_for(ctx.options, literal)
            out.report("AOAI201", model, f'deployment "{literal}" -> {name}', fixed=True)
        elif isinstance(value, cst.Name):
            constant = ctx.analysis.global_constant(value)
            if constant is not None and ctx.active("AOAI201", constant[1]) and not holds_placeholder(constant):
                by_constant.setdefault(constant[0], []).append((model, request.call))
    for target in _client_deployment_constants(ctx):
        by_constant.setdefault(target, [])
    for target, uses in by_constant.items():
        _rewrite_constant(ctx, out, target, uses)
    return out


def _spread_model_is_read(ctx: RuleContext, spread: cst.Arg) -> bool:
    """`**params` whose dict literal(s) give "model" a value that is no hard-coded deployment name (it is read
    from the environment or the configuration, as an explicit `model=` of that kind is left alone too)."""
    values = [spread.value] if isinstance(spread.value, cst.Dict) else None
    if isinstance(spread.value, cst.Name) and not _changed_after_built(ctx, spread.value):
        values = ctx.analysis.bound_values(spread.value)
    if not values or not all(isinstance(v, cst.Dict) for v in values):
        return False
    for value in cast(list[cst.Dict], values):
        if any(not isinstance(e, cst.DictElement) for e in value.elements):
            return False  # a `**other` inside the dict may bring its own "model"
        models = [e.value for e in value.elements if isinstance(e, cst.DictElement) and string_value(e.key) == "model"]
        if len(models) != 1 or _hard_coded(ctx, models[0]):
            return False
    return True


def _hard_coded(ctx: RuleContext, value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return True
    return isinstance(value, cst.Name) and ctx.analysis.global_constant(value) is not None


def _changed_after_built(ctx: RuleContext, name: cst.Name) -> bool:
    """Whether the dict `name` holds may be changed in place (`params["model"] = ...`, `params.update(...)`)."""
    referents = ctx.analysis.referents(name)
    return not referents or any(
        isinstance(ctx.meta.parent(access.node), (cst.Subscript, cst.Attribute))
        for referent in referents
        for access in referent.references
    )


def _client_deployment_constants(ctx: RuleContext) -> list[cst.Name]:
    """Module-level constants that AOAI105 moves into requests as a client's deployment: rewritten here, at their
    assignment, like any deployment constant (AOAI105 gives the requests the constant's name)."""
    assert ctx.plan is not None
    found = []
    for client in ctx.migrated:
        deployment = deployment_of(client)
        moved = [r.call for r in client.requests if r.call in ctx.plan.model_from_client]
        if not isinstance(deployment, cst.Name) or not any(ctx.active("AOAI201", call) for call in moved):
            continue
        constant = ctx.analysis.global_constant(deployment)
        if constant is not None and ctx.active("AOAI201", constant[1]) and not holds_placeholder(constant):
            found.append(constant[0])
    return found


def _rewrite_constant(
    ctx: RuleContext, out: Changes, target: cst.Name, uses: list[tuple[cst.Arg, cst.Call]]
) -> None:
    """At the assignment, so that everything reading the constant (a log line) sees the deployment in use;
    but when another request reads it as its model= too (an OpenAI.com client), at each Azure request, with
    the constant as the default, so that the other request keeps its model."""
    literal_node = cast(cst.SimpleString, ctx.analysis.bound_value_of(target))
    literal = literal_node.evaluated_value
    assert isinstance(literal, str)
    name = variable_for(ctx.options, literal)
    if constant_at_assignment(ctx, target):
        out.edits.replace(literal_node, env_lookup(ctx, out, literal, literal_node))
        out.report("AOAI201", literal_node, f'deployment "{literal}" in {target.value} -> {name}', fixed=True)
        return
    for model, call in uses:
        out.edits.call(call).replace["model"] = ("model", env_lookup(ctx, out, literal, model.value))
        out.report(
            "AOAI201",
            model,
            f"deployment {target.value} (\"{literal}\") -> {name} here; {target.value} is also the model of another "
            "request, so it is left as it is",
            fixed=True,
        )


RULE = Rule(
    __name__,
    codes={
        "AOAI201": "A hard-coded deployment name in model= becomes an environment variable with the literal as default."
    },
    apply=apply,
    needs=ANY_CLIENT | AZURE_MODULE_SETTINGS,
)
