"""AOAI303 (the edit) — a client that calls a v1 preview path (`client.evals`, fine-tuning checkpoint copy)
needs that path's preview header on every request (`aoai-evals: preview`, `aoai-copy-ft-checkpoints: preview`,
per Microsoft's v1 path table), so the migration merges it into the client's `default_headers`. The finding
itself comes from rules/advisor_checks.py. Fixtures: fixtures/advisor/migrate/."""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs
from codemod.engine.context import RuleContext
from codemod.rules.advisor_checks import preview_headers

CODES = ("AOAI303",)
ORDER = 65


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        headers = preview_headers(client)
        if not headers or not ctx.active("AOAI303", client.call):
            continue
        new = [cst.DictElement(exprs.string(k), exprs.string(v)) for k, v in headers.items()]
        arg = client.kwarg("default_headers")
        ops = ctx.edits.call(client.call)
        if arg is None:
            ops.add.append(("default_headers", cst.Dict(_with_commas(new))))
        elif isinstance(arg.value, cst.Dict):
            ctx.edits.replace(arg.value, lambda updated, new=new: _extended(updated, new))
            ops.replace["default_headers"] = ("default_headers", None)  # keeps the (extended) value
        else:
            spread = cst.StarredDictElement(arg.value.deep_clone())
            ops.replace["default_headers"] = ("default_headers", cst.Dict(_with_commas([spread, *new])))


def _with_commas(elements: list) -> list:
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [e.with_changes(comma=separator) for e in elements[:-1]] + elements[-1:]


def _extended(updated: cst.CSTNode, new: list[cst.DictElement]) -> cst.CSTNode:
    assert isinstance(updated, cst.Dict)
    elements = list(updated.elements)
    if not elements:
        return updated.with_changes(elements=_with_commas(new))
    last = elements[-1]
    separator = next((e.comma for e in reversed(elements[:-1]) if isinstance(e.comma, cst.Comma)), None)
    separator = separator or cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    added = _with_commas(new)
    added[-1] = added[-1].with_changes(comma=last.comma)
    added[:-1] = [e.with_changes(comma=separator) for e in added[:-1]]
    return updated.with_changes(elements=[*elements[:-1], last.with_changes(comma=separator), *added])
