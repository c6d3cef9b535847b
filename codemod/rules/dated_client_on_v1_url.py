"""AOAI404 — `AzureOpenAI` pointed at the v1 URL makes deployment-route requests that answer 404.

## What it does
An `AzureOpenAI` / `AsyncAzureOpenAI` client whose `base_url` is on the v1 path (`.../openai/v1/`, a 2025 form with
`api_version="preview"`) and that makes deployment-route requests (chat completions, completions, embeddings,
audio, images) is what the migration moves: AOAI101-AOAI105 turn it into `OpenAI(base_url=..., api_key=...)`, and
this finding, marked fixed, says which bug that removed. When the client stays on the dated API (a finding says
why, or it is suppressed or ignored), the bug is reported.

## Why
`AzureOpenAI` inserts `/deployments/{model}` into the path of every deployment-route request, also under a v1
`base_url`: the request goes to `/openai/v1/deployments/{model}/chat/completions`, which the v1 API answers with
404. The openai-python maintainers' answer (issue #2584): use `OpenAI(base_url=".../openai/v1/", api_key=...)`
without `api_version`. `client.responses` is not a deployment route and works either way.

## Example
```python
# before
client = AzureOpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=key, api_version="preview")
client.chat.completions.create(model="gpt-4o-prod-01", messages=msgs)  # 404
# after
client = OpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=key)
```

## Fix safety
The fix is the migration's own (AOAI101-AOAI105), with its guarantees; this rule only reports.

Fixtures: fixtures/dated_client_on_v1_url/; tests/e2e/programs/bad_migrations/.
"""

from __future__ import annotations

from codemod.engine import names
from codemod.engine.analysis import string_parts
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._needs import AZURE_CLASSES, V1_PATH

CODE = "AOAI404"


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.analysis.clients:
        base_url = client.kwarg("base_url") if client.azure else None
        if base_url is None or not any("/openai/v1" in text for text in string_parts(base_url.value)):
            continue
        routes = [r for r in client.requests if r.path in names.DEPLOYMENT_ROUTE_REQUESTS]
        if not routes:
            continue
        lines = ", ".join(str(ctx.position(r.call).start.line) for r in routes[:5])
        if ctx.is_migrated(client):
            out.report(
                CODE,
                base_url,
                f"{client.qualified.rsplit('.', 1)[-1]} on the v1 URL sent the requests at line(s) {lines} to "
                "/openai/v1/deployments/{model}/..., which answers 404; the migrated client sends model= in the body",
                fixed=True,
            )
        else:
            out.report(
                CODE,
                base_url,
                f"{client.qualified.rsplit('.', 1)[-1]} on the v1 URL inserts /deployments/{{model}} into the requests "
                f"at line(s) {lines}, which the v1 API answers with 404: use OpenAI(base_url=..., api_key=...) "
                "without api_version (see the finding that keeps this client on the dated API).",
            )
    return out


RULE = Rule(
    __name__,
    codes={CODE: "AzureOpenAI pointed at the v1 URL makes deployment-route requests that answer 404."},
    apply=apply,
    words=(("azureopenai", "openai/v1"),),
    needs=AZURE_CLASSES & V1_PATH,
)
