"""AOAI406 — an `aoai-evals: preview` header, no longer needed since `/evals` left preview.

## What it does
Reports, as information, an `"aoai-evals"` key in the `default_headers=`, `set_default_headers=` or
`extra_headers=` dict literal of a call. Nothing is rewritten, and the migration no longer adds the header
(AOAI303).

## Why
Microsoft's v1 API lifecycle page (revised 2026-03-19) says `/evals` is no longer in preview, so the header that
opted requests into the preview is not needed. It does no harm today; it is noise that suggests a preview
dependency the code no longer has.

## Example
```python
client = OpenAI(base_url=..., api_key=key, default_headers={"aoai-evals": "preview"})  # AOAI406 (info)
```

## Fix safety
Report only (information): removing the header changes nothing the v1 API does today, and is left to you.

Fixtures: fixtures/evals_header/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Strings
from codemod.rules import Rule

CODE = "AOAI406"
HEADER = "aoai-evals"
_HEADER_ARGUMENTS = frozenset({"default_headers", "set_default_headers", "extra_headers"})


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for element in ctx.analysis.dict_elements:
        key = string_value(element.key)
        if key is None or key.lower() != HEADER:
            continue
        arg = ctx.meta.parent(ctx.meta.parent(element) or element)
        if isinstance(arg, cst.Arg) and arg.keyword is not None and arg.keyword.value in _HEADER_ARGUMENTS:
            out.report(
                CODE,
                element,
                f"the {key} header is no longer needed: /evals left preview on the v1 API (Microsoft's v1 "
                "lifecycle page, 2026-03-19); you can remove it.",
                level="info",
            )
    return out


RULE = Rule(
    __name__,
    codes={CODE: "An aoai-evals: preview header, no longer needed since /evals left preview."},
    apply=apply,
    words=(HEADER,),
    needs=Strings(r"^aoai-evals$"),
)
