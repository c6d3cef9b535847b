"""AOAI305 — a hard-coded API key or token is passed to the client.

## What it does
Reports a string literal that looks like a secret (followed through constants) given to a client as `api_key=`
or `azure_ad_token=`, or set as `openai.api_key` / `openai.azure_ad_token`. The value itself is never printed,
only a redacted form (`sk-…abcd`); `os.getenv` defaults are not reported.

## Why
A key in the source reaches every copy of the repository and every log of its history; Entra ID or a secret store
avoids it, and a key that was shared must be rotated.

## Example
```python
client = AzureOpenAI(azure_endpoint=endpoint, api_key="3f9c...9c2e", api_version="2024-02-01")   # AOAI305
```

## Fix safety
No fix: report only.

Fixtures: fixtures/advisor/python/.
"""

from __future__ import annotations

import libcst as cst

from codemod.advisor import checks
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Credentials, Names
from codemod.rules import Rule
from codemod.rules._advisor import literals, place
from codemod.rules._needs import ANY_CLIENT

_CREDENTIAL_KEYWORDS = ("api_key", "azure_ad_token")
_CREDENTIAL_SETTINGS = ("openai.api_key", "openai.azure_ad_token")


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.analysis.clients:
        for keyword in _CREDENTIAL_KEYWORDS:
            arg = client.kwarg(keyword)
            if arg is not None:
                _report(ctx, out, keyword, arg.value)
    for statement, qual in ctx.analysis.module_settings:
        if qual in _CREDENTIAL_SETTINGS:
            _report(ctx, out, qual, statement.value)
    return out


def _report(ctx: RuleContext, out: Changes, keyword: str, expr: cst.BaseExpression) -> None:
    for literal in literals(ctx, expr):
        if literal.origin.startswith("the default"):
            continue
        finding = checks.credential_finding(keyword, literal.value, place(ctx, literal.node))
        if finding is not None:
            out.add(finding, literal.node)


RULE = Rule(
    __name__,
    codes={"AOAI305": "A hard-coded API key or token is passed to the client."},
    apply=apply,
    needs=Credentials() & (ANY_CLIENT | Names(*_CREDENTIAL_SETTINGS)),
    advisor=True,
)
