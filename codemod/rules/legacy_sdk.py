"""AOAI107 — openai<1.0 calls (`openai.ChatCompletion.create(engine=...)`, `deployment_id=`) are reported:
the 1.x client has to come first (`openai migrate` or by hand), then this tool moves it to v1.
Fixtures: fixtures/legacy_sdk/."""

from __future__ import annotations

from codemod.context import RuleContext

CODES = ("AOAI107",)
ORDER = 70


def apply(ctx: RuleContext) -> None:
    for call in ctx.analysis.legacy_calls:
        ctx.report(
            "AOAI107",
            call,
            f"{ctx.code_for(call.func)} is the openai<1.0 API; move it to the 1.x client first "
            "(AzureOpenAI(...).chat.completions.create(model=<deployment>)), then run aoai-migrate again.",
        )
