"""AOAI401 — an `OpenAI` / `AsyncOpenAI` client that talks to Azure has a `base_url` without `/openai/v1/`.

## What it does
For a client already on the v1 form (`OpenAI(base_url=...)`, migrated by hand or by an agent) whose `base_url` is an
Azure OpenAI resource address: a literal or f-string on an Azure OpenAI host (`*.openai.azure.com`,
`*.services.ai.azure.com`, `*.cognitiveservices.azure.com`) with no path, or one ending in `/openai`, gets
`/openai/v1/` appended, folded into the literal as AOAI102 does. A `base_url` read from a variable named like an
Azure endpoint (`AZURE_OPENAI_ENDPOINT`, `settings.azure_openai_endpoint`) is reported with the exact expression to
use. A literal Azure host with another path (`/models`, another Azure AI API) is left alone.

## Why
The v1 API lives under `{endpoint}/openai/v1/`: `OpenAI` sends its requests to `{base_url}/chat/completions`, and
the resource answers 404 at its root. Every agent-made migration studied forgot the path at first.

## Example
```python
# before
client = OpenAI(base_url="https://contoso.openai.azure.com/", api_key=key)
client = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"], api_key=key)  # reported
# after
client = OpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=key)
# AOAI401 base_url is the resource endpoint ...: use base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") +
# "/openai/v1/"
```

## Fix safety
Safe for a literal host: that address answers nothing but 404 at its root. A variable may already hold the v1 URL
in some deployment, so it is reported, not rewritten. A `base_url` the tool cannot classify (another provider's
host, a proxy, a variable with another name) gets no finding; a dated `/openai/deployments/` URL is AOAI102's.

Fixtures: fixtures/v1_base_url/.
"""

from __future__ import annotations

import re

import libcst as cst

from codemod.engine import exprs, hosts
from codemod.engine.analysis import string_parts
from codemod.engine.context import Changes, RuleContext
from codemod.rules import Rule
from codemod.rules._needs import AZURE_HOST, ENDPOINT_NAMES, V1_AZURE_WORDS, V1_CLASSES
from codemod.rules._v1_clients import (
    RESOURCE_ENDPOINT_NAME,
    V1Client,
    azure_v1_clients,
    bare_azure_host,
    followed,
    words_in,
)

CODE = "AOAI401"


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for v1 in azure_v1_clients(ctx):
        base_url = v1.kwarg("base_url")
        if base_url is None or not ctx.active(CODE, base_url):
            continue
        texts = [text for expr in followed(ctx, base_url.value) for text in string_parts(expr)]
        if any("/openai/v1" in text or "/deployments" in text for text in texts):
            continue  # on the v1 path already, or a dated deployment URL (AOAI102 reports those)
        if any(host in text for text in string_parts(base_url.value) for host in hosts.AZURE_HOSTS):
            _literal_host(ctx, out, v1, base_url)
        elif any(re.search(RESOURCE_ENDPOINT_NAME, w, re.IGNORECASE) for w in words_in(ctx, base_url.value)):
            _endpoint_variable(ctx, out, v1, base_url)
    return out


def _literal_host(ctx: RuleContext, out: Changes, v1: V1Client, base_url: cst.Arg) -> None:
    value = base_url.value
    folded = exprs.base_url_to_v1(value)  # ".../openai" -> ".../openai/v1/"
    new = folded[0] if folded is not None else (exprs.v1_base_url(value) if bare_azure_host(value) else None)
    if new is None:
        return  # another path on the host (`/models`, Azure AI model inference): not the tool's to guess
    out.edits.call(v1.call).replace["base_url"] = ("base_url", new)
    out.report(CODE, base_url, f"base_url -> {ctx.code_for(new)} (the v1 API lives under /openai/v1/)", fixed=True)


def _endpoint_variable(ctx: RuleContext, out: Changes, v1: V1Client, base_url: cst.Arg) -> None:
    value = base_url.value
    folded = exprs.base_url_to_v1(value)  # f"{endpoint}/openai" -> f"{endpoint}/openai/v1/": certain
    if folded is not None:
        out.edits.call(v1.call).replace["base_url"] = ("base_url", folded[0])
        out.report(CODE, base_url, f"base_url -> {ctx.code_for(folded[0])} (the v1 path)", fixed=True)
        return
    form = ctx.code_for(exprs.v1_base_url(value.deep_clone()))
    out.report(
        CODE,
        base_url,
        f"base_url is {ctx.code_for(value)}, an Azure OpenAI endpoint without the v1 path: the v1 API lives under "
        f"<endpoint>/openai/v1/ and answers 404 elsewhere. Use base_url={form} (or make sure the variable holds "
        "the whole https://RESOURCE.openai.azure.com/openai/v1/ URL).",
    )


RULE = Rule(
    __name__,
    codes={CODE: "An OpenAI client that talks to Azure has a base_url without /openai/v1/."},
    apply=apply,
    words=V1_AZURE_WORDS,
    needs=V1_CLASSES & (AZURE_HOST | ENDPOINT_NAMES),
)
