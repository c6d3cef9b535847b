"""AOAI306 — the `openai` dependency pin is too old for the migrated code.

## What it does
Each module records what its migrated code needs from the openai package: 1.106.0 when a token provider becomes
`api_key` (a callable `api_key`) or code already on the v1 API passes one as `api_key`, 1.66.0 for
`client.responses`. A migrate run counts only the clients it moves; the
advisor alone, every Azure client. At the end of the run the `openai` requirement in `requirements*.txt`,
`pyproject.toml`, `setup.cfg` and `Pipfile` is checked against the highest need, and a pin below it is raised (or
reported with the version to raise it to), and a lock file that holds an older release is reported.

## Why
An older openai package rejects a callable `api_key`, or has no `client.responses`: the migrated program fails at
start-up or at its first request, although the code is right.

## Example
```text
requirements.txt:3:1: AOAI306 openai==1.50.0 is older than 1.106.0, which the migrated code needs (a token
provider passed as api_key); raise it to openai>=1.106.0
```

## Fix safety
A migrate run raises the pin in place (codemod/kinds/: requirement files, `pyproject.toml`, `setup.cfg`, `Pipfile`),
editing only the version so that the requirement admits the needed version and nothing older; comments, markers
and extras are kept. An upper bound below the needed version, a wildcard or `===` pin and a pin on openai 0.x are
reported, not edited. Lock files and hashed requirements are always reported with the command that regenerates
them. `aoai-migrate advise` only reports.

Fixtures: fixtures/advisor/pins/.
"""

from __future__ import annotations

from codemod.advisor import checks
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._advisor import gives_provider
from codemod.rules._needs import AZURE_CLASSES, AZURE_MODULE_SETTINGS, V1_AZURE_CLIENT
from codemod.rules._v1_clients import V1Client, azure_v1_clients, provider_kind


def apply(ctx: RuleContext) -> Changes:
    """Only the record: the findings are made once per run, from every module's needs."""
    out = ctx.changes()
    out.record.sdk_needs.update(sdk_needs_of(ctx))
    return out


def sdk_needs_of(ctx: RuleContext) -> dict[str, str]:
    """Reason -> minimum openai version the migrated module needs. In a migrate run: what the clients that move
    to v1 need (a token provider given to the constructor or to a copy becomes api_key; their client.responses
    requests), the module-level client's requests when its settings move, and clients already on the v1 API that
    pass a token provider as api_key. With the advisor alone (nothing planned): what every client would need once
    migrated."""
    if ctx.plan is None:
        provider = any(c.azure and gives_provider(ctx, c) for c in ctx.analysis.clients) or any(
            qual == "openai.azure_ad_token_provider" for _, qual in ctx.analysis.module_settings
        )
        requests = [*ctx.analysis.requests, *ctx.analysis.module_requests]
    else:
        provider = any(gives_provider(ctx, c) for c in ctx.migrated)
        requests = [r for c in ctx.migrated for r in c.requests]
        if ctx.plan.module_settings_move:
            requests += ctx.analysis.module_requests
    if ctx.enabled("AOAI306"):  # what no rule of this run changes is only this rule's to count
        provider = provider or any(_v1_provider(ctx, v1) for v1 in azure_v1_clients(ctx))
    responses = any(r.path[:1] == ("responses",) for r in requests)
    return checks.sdk_needs(provider, responses)


def _v1_provider(ctx: RuleContext, v1: V1Client) -> bool:
    """Code already on the v1 API that passes a token provider as api_key (or azure_ad_token_provider, which
    AOAI403 turns into one)."""
    key = v1.kwarg("api_key")
    provider = v1.kwarg("azure_ad_token_provider")
    return any(arg is not None and provider_kind(ctx, arg.value) is not None for arg in (key, provider))


RULE = Rule(
    __name__,
    codes={"AOAI306": "The openai dependency pin is too old for the migrated code."},
    apply=apply,
    needs=AZURE_CLASSES | AZURE_MODULE_SETTINGS | V1_AZURE_CLIENT,
    advisor=True,
)
