"""AOAI106 — module-level `openai.api_type` / `azure_endpoint` / `api_version` settings move to the v1 form.

## What it does
When the module-level client is on Azure (`openai.api_type = "azure"` or `openai.azure_endpoint = ...`):
`openai.azure_endpoint` becomes `openai.base_url` ending in `/openai/v1/` (as in AOAI102), the
`openai.api_version` line is removed, `openai.api_type` becomes `"openai"`, and `openai.azure_ad_token` becomes
`openai.api_key`. Without an endpoint setting the module client read `AZURE_OPENAI_ENDPOINT`, and without a
credential setting `AZURE_OPENAI_API_KEY`: the migrated code sets `openai.base_url` / `openai.api_key` from them.

## Why
`api_type` is set to `"openai"` rather than removed: left unset, the module client switches itself to Azure mode
whenever `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_ENDPOINT` is set, and then `base_url` and the endpoint clash.

## Example
```python
# before
openai.api_type = "azure"
openai.azure_endpoint = "https://res.openai.azure.com"
openai.api_version = "2024-02-01"
# after
openai.api_type = "openai"
openai.base_url = "https://res.openai.azure.com/openai/v1/"
openai.api_key = os.getenv("AZURE_OPENAI_API_KEY")
```

## Fix safety
Safe where applied. Settings are left on the dated API, reported, when a token provider is set (the module client
takes none in OpenAI mode), when `openai.api_type` is also set to another value or one the tool cannot read (the
client's mode then depends on the path the program takes), or when `openai.base_url` is set (the Azure module
client takes it as the dated base URL, and refuses it next to an endpoint); and, reported by AOAI107, next to
openai<1.0 calls or when a setting is spelled the openai<1.0 way (`openai.api_base`, `api_type = "azure_ad"`).

Fixtures: fixtures/module_client/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs
from codemod.engine.analysis import string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.module_settings import (
    azure_anchor,
    base_url_setting,
    legacy_setting,
    other_api_type,
    token_provider_setting,
)
from codemod.rules import Rule
from codemod.rules._needs import AZURE_MODULE_SETTINGS

_CREDENTIALS = {"openai.api_key", "openai.azure_ad_token", "openai.azure_ad_token_provider"}


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    anchor_stmt = azure_anchor(ctx.analysis)
    provider = token_provider_setting(ctx.analysis)
    legacy = (  # AOAI107 says so
        ctx.analysis.legacy_calls or ctx.hidden_legacy_call() is not None or legacy_setting(ctx.analysis) is not None
    )
    if anchor_stmt is not None and provider is not None and not legacy:
        out.report(
            "AOAI106",
            provider,
            "the module-level client cannot take a token provider in OpenAI mode, so these settings are left "
            "on the dated API; build an OpenAI(base_url=<endpoint>/openai/v1/, api_key=<provider>) client instead.",
        )
    other = other_api_type(ctx.analysis)
    if anchor_stmt is not None and other is not None and not legacy:
        out.report(
            "AOAI106",
            other,
            f"openai.api_type is set here as well as to \"azure\" (line {ctx.position(anchor_stmt).start.line}): "
            "the module client's mode depends on the path the program takes, so its settings are left on the dated "
            "API; migrate them by hand, or build an OpenAI(base_url=<endpoint>/openai/v1/, ...) client.",
        )
    base_url = base_url_setting(ctx.analysis)
    if anchor_stmt is not None and base_url is not None and not legacy:
        both = any(q == "openai.azure_endpoint" for _, q in ctx.analysis.module_settings)
        why = (
            " next to openai.azure_endpoint, which AzureOpenAI refuses (base_url and azure_endpoint are mutually "
            "exclusive), so the program fails at its first request as it is"
            if both
            else ", which the Azure module client takes as the dated base URL (<endpoint>/openai or "
            "<endpoint>/openai/deployments/<name>; it refuses it when AZURE_OPENAI_ENDPOINT is set)"
        )
        out.report(
            "AOAI106",
            base_url,
            f"openai.base_url is set{why}: in OpenAI mode the requests would go to that URL without an "
            "api-version, so the module settings are left on the dated API. Set openai.base_url = "
            '<endpoint>/openai/v1/ and openai.api_type = "openai" by hand, and remove openai.api_version '
            "and openai.azure_endpoint.",
        )
    if anchor_stmt is None or ctx.plan is None or not ctx.plan.module_settings_move:
        return out
    settings = ctx.analysis.module_settings
    seen = {q for _, q in settings}
    for stmt, qual in settings:
        _rewrite(ctx, out, stmt, qual, seen)
    anchor = _line_of(ctx, anchor_stmt)
    added: list[cst.BaseStatement] = []
    if "openai.azure_endpoint" not in seen and "openai.base_url" not in seen:
        url = exprs.v1_base_url(exprs.environ("AZURE_OPENAI_ENDPOINT"))
        added.append(_assign("base_url", url))
        out.record.read_env("AZURE_OPENAI_ENDPOINT")
    if not seen & _CREDENTIALS:
        added.append(_assign("api_key", exprs.getenv("AZURE_OPENAI_API_KEY")))
        out.record.read_env("AZURE_OPENAI_API_KEY")
    if added and anchor is not None:
        out.needs_import("os")
        out.edits.insert_after.setdefault(anchor, []).extend(added)
    return out


def _rewrite(ctx: RuleContext, out: Changes, stmt: cst.Assign, qual: str, seen: set[str]) -> None:
    target = stmt.targets[0].target
    if qual == "openai.api_type" and string_value(stmt.value) == "azure":
        assert isinstance(stmt.value, cst.SimpleString)
        out.edits.replace(stmt.value, stmt.value.with_changes(value=stmt.value.value.replace("azure", "openai")))
        out.report("AOAI106", stmt, 'openai.api_type = "azure" -> "openai"', fixed=True)
    elif qual == "openai.azure_endpoint":
        assert isinstance(target, cst.Attribute)
        out.edits.replace(target.attr, cst.Name("base_url"))
        out.edits.replace(stmt.value, exprs.v1_base_url(stmt.value.deep_clone()))
        out.report("AOAI106", stmt, f"{qual} -> openai.base_url ending in /openai/v1/", fixed=True)
    elif qual == "openai.api_version":
        line = _line_of(ctx, stmt)
        if line is not None and len(line.body) == 1:
            out.edits.removed_lines.add(line)
            out.report("AOAI106", stmt, "openai.api_version removed (the v1 API has none)", fixed=True)
    elif qual == "openai.azure_ad_token" and "openai.api_key" not in seen:
        assert isinstance(target, cst.Attribute)
        out.edits.replace(target.attr, cst.Name("api_key"))
        out.report("AOAI106", stmt, "openai.azure_ad_token -> openai.api_key (a static token expires)", fixed=True)


def _line_of(ctx: RuleContext, stmt: cst.CSTNode) -> cst.SimpleStatementLine | None:
    parent = ctx.meta.parent(stmt)
    return parent if isinstance(parent, cst.SimpleStatementLine) else None


def _assign(attr: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    target = cst.Attribute(value=cst.Name("openai"), attr=cst.Name(attr))
    return cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(target)], value=value)])


RULE = Rule(
    __name__,
    codes={"AOAI106": "Module-level openai.api_type/azure_endpoint/api_version settings move to the v1 form."},
    apply=apply,
    needs=AZURE_MODULE_SETTINGS,
)
