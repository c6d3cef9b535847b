"""AOAI302 — a request uses a parameter or API newer than its client's pinned api-version.

## What it does
For each request made through an Azure client that pins one api-version (and the module-level client's
`openai.api_version`), compares the request's parameters (`extra_body` keys included) and API (for example
`client.responses`) with the version that first has them (codemod/data/api_versions.json): `max_completion_tokens`
or `reasoning_effort` with `2024-06-01`, `client.responses` before `2025-03-01-preview`, ...

## Why
Such a request fails today with a 400 or is silently ignored: a real bug, whether or not the code moves to the v1
API, which has every parameter of the dated versions.

## Example
```python
client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-06-01")
client.chat.completions.create(model=deployment, messages=msgs, max_completion_tokens=500)   # AOAI302
```

## Fix safety
No fix. When the client moves to the v1 API in this run, the finding is reported as fixed.

Fixtures: fixtures/advisor/python/.
"""

from __future__ import annotations

import libcst as cst

from codemod.advisor import checks
from codemod.engine.analysis import Request, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._advisor import DATED, pinned_versions, place
from codemod.rules._needs import AZURE_CLASSES, MODULE_VERSION


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    pinned = pinned_versions(ctx)
    for request in ctx.analysis.requests:
        client = request.client
        if client is not None and client.azure and client in pinned:
            _check(ctx, out, request, pinned[client], migrated=ctx.is_migrated(client))
    module_version = pinned.get(None)
    if module_version is not None:
        for request in ctx.analysis.module_requests:
            _check(ctx, out, request, module_version, migrated=False)
    return out


def _check(ctx: RuleContext, out: Changes, request: Request, pinned: str, *, migrated: bool) -> None:
    params = _request_params(request.call)
    for finding in checks.request_findings(pinned, request.path, params, place(ctx, request.call), migrated=migrated):
        out.add(finding, request.call)


def _request_params(call: cst.Call) -> dict[str, str | None]:
    """Keyword -> literal detail (`response_format` -> its "type"); `extra_body` keys count as keywords."""
    params: dict[str, str | None] = {}
    for arg in call.args:
        if arg.keyword is None:
            continue
        name = arg.keyword.value
        if name == "extra_body" and isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                key = string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key is not None:
                    params[key] = None
            continue
        params[name] = _response_format_type(arg.value) if name == "response_format" else None
    return params


def _response_format_type(value: cst.BaseExpression) -> str | None:
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement) and string_value(element.key) == "type":
                return string_value(element.value)
    return None


RULE = Rule(
    __name__,
    codes={"AOAI302": "A request uses a parameter or API newer than the client's pinned api-version."},
    apply=apply,
    needs=DATED & (AZURE_CLASSES | MODULE_VERSION),  # the version an Azure client or the module pins
    advisor=True,
)
