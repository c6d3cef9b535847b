"""AOAI107 — openai<1.0 calls (`openai.ChatCompletion.create(engine=...)`) need the 1.x client first.

## What it does
Reports every call through the openai<1.0 resources (`openai.ChatCompletion`, `openai.Completion`,
`openai.Embedding`, ...) with its 1.x replacement, the openai<1.0 arguments `engine=` and `deployment_id=` left
on a 1.x request, module-level Azure settings written in openai<1.0's spelling (`openai.api_base = ...`,
`openai.api_type = "azure_ad"`) or in a project whose dependency files pin openai<1.0 (`openai==0.28.1` in a
requirements file, pyproject.toml, setup.cfg or Pipfile found in the run's folders), and, in notebooks,
module-level Azure settings next to openai<1.0 calls in code the tool cannot see (magic lines, cells that do not
parse).

## Why
openai<1.0 code has no client object to move to the v1 API: the 1.x client comes first (`openai migrate` or by
hand), then this tool moves it. The 1.x client rejects `engine=` / `deployment_id=` with a TypeError before
anything is sent. openai 1.x reads no `openai.api_base` and knows no api_type `"azure_ad"`: renaming such settings
to 1.x names would point openai 0.x (which ignores `openai.base_url`) at another service, and under 1.x would
replace a setting that did nothing.

## Example
```python
# reported
openai.ChatCompletion.create(engine="gpt-35", messages=msgs)
# move it to the 1.x client first:
client.chat.completions.create(model="gpt-35", messages=msgs)
```

## Fix safety
No fix: report only. Module-level settings next to such calls are left as they are.

Fixtures: fixtures/legacy_sdk/.
"""

from __future__ import annotations

import re

from codemod.engine import names
from codemod.engine.analysis import keyword_arg
from codemod.engine.context import Changes, RuleContext
from codemod.engine.module_settings import azure_anchor, legacy_setting
from codemod.engine.syntax import Keyword, Names, any_of
from codemod.rules import Rule
from codemod.rules._needs import AZURE_MODULE_SETTINGS

LEGACY_ARGUMENTS = ("engine", "deployment_id")


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for call in ctx.analysis.legacy_calls:
        quals = ctx.meta.qualified(call.func)
        resource = next(r for q in sorted(quals) for r in names.LEGACY_RESOURCES if q.startswith(r + "."))
        replacement = names.LEGACY_RESOURCES[resource]
        target = (
            f"on an AzureOpenAI client: {replacement}"
            if replacement is not None
            else "1.x has no equivalent of this call, so rewrite it against the 1.x API or remove it"
        )
        out.report(
            "AOAI107",
            call,
            f"{_one_line(ctx.code_for(call.func))} is the openai<1.0 API; move it to the 1.x client first ({target}), "
            "then run aoai-migrate again.",
        )
    for request in [*ctx.analysis.requests, *ctx.analysis.module_requests]:
        for keyword in LEGACY_ARGUMENTS:
            arg = keyword_arg(request.call, keyword)
            if arg is not None:
                out.report(
                    "AOAI107",
                    arg,
                    f"{keyword}= is an openai<1.0 argument: the 1.x client rejects it (TypeError). Pass the "
                    "deployment name as model= instead.",
                )
    _report_legacy_settings(ctx, out)
    return out


def _one_line(code: str) -> str:
    """A call written over several lines (a backslash continuation) shown on one line: a finding is one line."""
    return re.sub(r"\s*\\?\s*\n\s*", "", code)


def _report_legacy_settings(ctx: RuleContext, out: Changes) -> None:
    """Module-level Azure settings that are openai<1.0 code: written in its spelling (`openai.api_base`), or
    beside openai<1.0 calls the engine cannot see. Left as they are; the calls, when seen, are reported instead."""
    if ctx.analysis.legacy_calls:
        return
    anchor = azure_anchor(ctx.analysis)
    hidden = ctx.hidden_legacy_call()
    if anchor is not None and hidden is not None:
        out.report(
            "AOAI107",
            anchor,
            f"{hidden} (in an IPython magic line or a cell that does not parse) is the openai<1.0 API, so these "
            "settings are left as they are; move the code to the 1.x client first, then run aoai-migrate again.",
        )
        return
    pin = ctx.options.openai_0x_pin
    if anchor is not None and pin:
        out.report(
            "AOAI107",
            anchor,
            f"the project pins {pin}, the openai<1.0 package, so the module-level settings are left as they are; "
            f"{_LEGACY_SETTINGS_ADVICE}",
        )
        return
    legacy = legacy_setting(ctx.analysis)
    if legacy is not None:
        statement, written = legacy
        out.report(
            "AOAI107",
            statement,
            f"{written} is openai<1.0 code (openai 1.x has no such setting or value), so the module-level settings are "
            f"left as they are; {_LEGACY_SETTINGS_ADVICE}",
        )


# What the 1.x module client reads instead (openai/__init__.py): azure_endpoint, api_version, and api_key or
# azure_ad_token / azure_ad_token_provider for Entra ID.
_LEGACY_SETTINGS_ADVICE = (
    "move this code to openai 1.x first (openai.api_base becomes openai.azure_endpoint, an Entra ID token goes in "
    "openai.azure_ad_token_provider, openai.ChatCompletion.create(engine=...) becomes "
    "openai.chat.completions.create(model=...)), then run aoai-migrate again."
)


RULE = Rule(
    __name__,
    codes={"AOAI107": "openai<1.0 calls (openai.ChatCompletion.create(engine=...)) need the 1.x client first."},
    apply=apply,
    needs=Names(*names.LEGACY_RESOURCES)
    | AZURE_MODULE_SETTINGS
    # a request given engine= or deployment_id= (a variable named `engine`, as SQL code has, is none)
    | (Names("openai") & any_of(Keyword("", keyword) for keyword in LEGACY_ARGUMENTS)),
)
