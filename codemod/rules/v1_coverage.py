"""AOAI304 — an API outside the v1 API's GA list is used: check it by hand.

## What it does
Reports each request, made through an Azure client (also on what a function of the module returns:
`get_client().batches.create(...)`) or a parameter or attribute annotated with the Azure class,
to an API that Microsoft's v1 path table does not list as GA (assistants, threads, batches, audio, images,
realtime, ...), with what is known about it. Calls through the client's own methods and attributes (`close()`,
`is_closed()`, `copy()`, `with_options()`, `base_url`, `api_key`, ...: codemod/data/client_members.json, read from
the openai package) are not APIs and are not reported. LangChain's completions LLM (`langchain_openai.AzureOpenAI`),
moved to its v1 class by AOAI501, is reported at its constructor: every request it makes calls `/completions`.

## Why
The v1 API went GA with chat completions, embeddings, files, fine-tuning, models, responses and vector stores;
other APIs were "being added". Code that uses one of them must be checked against the v1 API before the migrated
code is relied on.

## Example
```python
client.beta.assistants.create(model=deployment, instructions="...")   # AOAI304
```

## Fix safety
No fix: report only.

Fixtures: fixtures/advisor/python/, fixtures/v1_coverage/.
"""

from __future__ import annotations

import dataclasses

from codemod.advisor import checks
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Names
from codemod.rules import Rule, langchain_clients
from codemod.rules._advisor import place, v1_path_finding
from codemod.rules._langchain_args import CLASSES
from codemod.rules._needs import ANY_CLIENT


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for request in [*ctx.analysis.requests, *ctx.analysis.factory_requests]:
        if request.client is None:
            continue
        finding = v1_path_finding(ctx, request, request.client)
        if finding is not None and finding.code == "AOAI304":
            out.add(finding, request.call)
    for ref in langchain_clients.moves(ctx):
        if ref.info.kind == "llm" and ref.call is not None:  # every request of the completions LLM: /completions
            finding = checks.v1_path_finding(("completions", "create"), place(ctx, ref.call.func))
            if finding is not None and finding.code == "AOAI304":
                what = f"{ctx.code_for(ref.call.func)} becomes LangChain's {ref.info.v1}, whose every request calls "
                message = what + finding.message.replace(" is not on ", ", which is not on ", 1)
                out.add(dataclasses.replace(finding, message=message), ref.call.func)
    return out


RULE = Rule(
    __name__,
    codes={"AOAI304": "An API outside the v1 GA list is used: check it by hand."},
    apply=apply,
    needs=ANY_CLIENT | Names(*(name for name, cls in CLASSES.items() if cls.kind == "llm")),
    advisor=True,
)
