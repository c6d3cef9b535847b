"""AOAI106 — module-level client settings (`openai.api_type = "azure"`, `openai.azure_endpoint`,
`openai.api_version`, `openai.api_base`) move to the v1 form: `openai.base_url` as in AOAI102, the
`api_version` line removed, and `api_type` set to `"openai"` rather than removed — left unset, the module
client switches itself to Azure mode whenever `AZURE_OPENAI_API_KEY` or `AZURE_OPENAI_ENDPOINT` is set.
In Azure mode it read the key from `AZURE_OPENAI_API_KEY`; the migrated code sets `openai.api_key` from it.
Fixtures: fixtures/module_client/."""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs
from codemod.engine.analysis import string_value
from codemod.engine.context import RuleContext

CODES = ("AOAI106",)
ORDER = 60
_CREDENTIALS = {"openai.api_key", "openai.azure_ad_token", "openai.azure_ad_token_provider"}


def apply(ctx: RuleContext) -> None:
    settings = ctx.analysis.module_settings
    api_type = [(s, q) for s, q in settings if q == "openai.api_type" and string_value(s.value) == "azure"]
    has_endpoint = any(q in ("openai.azure_endpoint",) for _, q in settings)
    if not api_type and not has_endpoint:
        return
    if ctx.analysis.legacy_calls:
        return  # openai<1.0 code (AOAI107): the 1.x client comes first
    hidden = ctx.hidden_legacy_call()
    if hidden is not None:
        ctx.report(
            "AOAI107",
            (api_type or settings)[0][0],
            f"{hidden} (in an IPython magic line or a cell that does not parse) is the openai<1.0 API, so these "
            "settings are left as they are; move the code to the 1.x client first, then run aoai-migrate again.",
        )
        return
    provider = next((s for s, q in settings if q == "openai.azure_ad_token_provider"), None)
    if provider is not None:
        ctx.report(
            "AOAI106",
            provider,
            "the module-level client cannot take a token provider in OpenAI mode, so these settings are left "
            "on the dated API; build an OpenAI(base_url=<endpoint>/openai/v1/, api_key=<provider>) client instead.",
        )
        return
    anchor_stmt = (api_type or [s for s in settings if s[1] == "openai.azure_endpoint"])[0][0]
    if not ctx.active("AOAI106", anchor_stmt):
        return
    ctx.module_client_azure = True  # only now: settings left on the dated API leave their requests alone too
    seen = {q for _, q in settings}
    for stmt, qual in settings:
        _rewrite(ctx, stmt, qual, seen)
    anchor = _line_of(ctx, anchor_stmt)
    added: list[cst.BaseStatement] = []
    if "openai.azure_endpoint" not in seen and "openai.api_base" not in seen and "openai.base_url" not in seen:
        url = exprs.v1_base_url(exprs.environ("AZURE_OPENAI_ENDPOINT"))
        added.append(_assign("base_url", url))
        ctx.env_reads.add("AZURE_OPENAI_ENDPOINT")
    if not seen & _CREDENTIALS:
        added.append(_assign("api_key", exprs.getenv("AZURE_OPENAI_API_KEY")))
        ctx.env_reads.add("AZURE_OPENAI_API_KEY")
    if added and anchor is not None:
        ctx.edits.imports.add(("os", None, None))
        ctx.edits.insert_after.setdefault(anchor, []).extend(added)


def _rewrite(ctx: RuleContext, stmt: cst.Assign, qual: str, seen: set[str]) -> None:
    target = stmt.targets[0].target
    if qual == "openai.api_type" and string_value(stmt.value) == "azure":
        assert isinstance(stmt.value, cst.SimpleString)
        ctx.edits.replace(stmt.value, stmt.value.with_changes(value=stmt.value.value.replace("azure", "openai")))
        ctx.report("AOAI106", stmt, 'openai.api_type = "azure" -> "openai"', fixed=True)
    elif qual in ("openai.azure_endpoint", "openai.api_base"):
        assert isinstance(target, cst.Attribute)
        ctx.edits.replace(target.attr, cst.Name("base_url"))
        ctx.edits.replace(stmt.value, exprs.v1_base_url(stmt.value.deep_clone()))
        ctx.report("AOAI106", stmt, f"{qual} -> openai.base_url ending in /openai/v1/", fixed=True)
    elif qual == "openai.api_version":
        line = _line_of(ctx, stmt)
        if line is not None and len(line.body) == 1:
            ctx.edits.removed_lines.add(line)
            ctx.report("AOAI106", stmt, "openai.api_version removed (the v1 API has none)", fixed=True)
    elif qual == "openai.azure_ad_token" and "openai.api_key" not in seen:
        assert isinstance(target, cst.Attribute)
        ctx.edits.replace(target.attr, cst.Name("api_key"))
        ctx.report("AOAI106", stmt, "openai.azure_ad_token -> openai.api_key (a static token expires)", fixed=True)


def _line_of(ctx: RuleContext, stmt: cst.CSTNode) -> cst.SimpleStatementLine | None:
    parent = ctx.meta.parent(stmt)
    return parent if isinstance(parent, cst.SimpleStatementLine) else None


def _assign(attr: str, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    target = cst.Attribute(value=cst.Name("openai"), attr=cst.Name(attr))
    return cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(target)], value=value)])
