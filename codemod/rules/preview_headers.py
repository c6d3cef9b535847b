"""AOAI303 — a v1 preview path needs its preview header; the migration adds it to `default_headers`.

## What it does
A request to a path that the v1 API serves as a preview needs that path's header on every request (per
Microsoft's v1 path table: fine-tuning checkpoint copy → `aoai-copy-ft-checkpoints: preview`). For a client that
moves to the v1 API, the header is merged into its `default_headers` (a literal dict is extended, another value
spread into a new dict); otherwise the request is reported. A preview path marked by its URL alone
(`/fine_tuning/alpha/graders/`) is reported as information.

## Why
Without the header the v1 API answers such requests as if the feature did not exist. The dated API needed no
header: the preview api-version itself opted in.

## Example
```python
# before
client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2025-04-01-preview")
client.fine_tuning.jobs.checkpoints.copy(...)
# after
client = OpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/", api_key=key,
                default_headers={"aoai-copy-ft-checkpoints": "preview"})
```

## Fix safety
Safe: the header only opts the client's requests into the preview the dated version already used.

Fixtures: fixtures/advisor/migrate/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._advisor import preview_headers, v1_path_finding
from codemod.rules._needs import ANY_CLIENT


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.migrated:
        assert client.call is not None
        headers = preview_headers(client)
        if headers and ctx.active("AOAI303", client.call):
            _add_headers(ctx, out, client, headers)
    for request in ctx.analysis.requests:
        if request.client is None:
            continue
        finding = v1_path_finding(ctx, request, request.client)
        if finding is not None and finding.code == "AOAI303":
            out.add(finding, request.call)
    return out


def _add_headers(ctx: RuleContext, out: Changes, client, headers: dict[str, str]) -> None:
    new = [cst.DictElement(exprs.string(k), exprs.string(v)) for k, v in headers.items()]
    arg = client.kwarg("default_headers")
    ops = out.edits.call(client.call)
    if arg is None:
        ops.add.append(("default_headers", cst.Dict(_with_commas(new))))
    elif isinstance(arg.value, cst.Dict):
        out.edits.replace(arg.value, lambda updated, new=new: _extended(updated, new))
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


RULE = Rule(
    __name__,
    codes={"AOAI303": "A v1 preview path needs its preview header."},
    apply=apply,
    needs=ANY_CLIENT,
    advisor=True,
)
