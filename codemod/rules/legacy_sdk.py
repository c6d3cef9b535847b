"""AOAI107 — openai<1.0 calls (`openai.ChatCompletion.create(engine=...)`, `deployment_id=`) are reported:
the 1.x client has to come first (`openai migrate` or by hand), then this tool moves it to v1. So are the
openai<1.0 arguments `engine=` and `deployment_id=` left on a 1.x request, which 1.x rejects with a
TypeError before anything is sent. Fixtures: fixtures/legacy_sdk/."""

from __future__ import annotations

from codemod.engine import names
from codemod.engine.analysis import keyword_arg
from codemod.engine.context import RuleContext

CODES = ("AOAI107",)
ORDER = 70
LEGACY_ARGUMENTS = ("engine", "deployment_id")


def apply(ctx: RuleContext) -> None:
    for call in ctx.analysis.legacy_calls:
        quals = ctx.meta.qualified(call.func)
        resource = next(r for q in sorted(quals) for r in names.LEGACY_RESOURCES if q.startswith(r + "."))
        replacement = names.LEGACY_RESOURCES[resource]
        target = (
            f"on an AzureOpenAI client: {replacement}"
            if replacement is not None
            else "1.x has no equivalent of this call, so rewrite it against the 1.x API or remove it"
        )
        ctx.report(
            "AOAI107",
            call,
            f"{ctx.code_for(call.func)} is the openai<1.0 API; move it to the 1.x client first ({target}), "
            "then run aoai-migrate again.",
        )
    for request in [*ctx.analysis.requests, *ctx.analysis.module_requests]:
        for keyword in LEGACY_ARGUMENTS:
            arg = keyword_arg(request.call, keyword)
            if arg is not None:
                ctx.report(
                    "AOAI107",
                    arg,
                    f"{keyword}= is an openai<1.0 argument: the 1.x client rejects it (TypeError). Pass the "
                    "deployment name as model= instead.",
                )
