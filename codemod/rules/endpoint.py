"""AOAI102 — the endpoint becomes a v1 `base_url`: `azure_endpoint=E` gives E without trailing slashes plus
`/openai/v1/` (the v1 API lives there; a base URL without it answers 404). With no endpoint argument the
client read `AZURE_OPENAI_ENDPOINT`, so the migrated code reads it explicitly. A `base_url` literal ending
in `/openai` or `/openai/deployments/NAME` is folded the same way (the deployment moves to AOAI105); one
already on `/openai/v1` (2025's samples paired it with api_version="preview") is kept.
Fixtures: fixtures/endpoint/."""

from __future__ import annotations

from urllib.parse import urlsplit

import libcst as cst

from codemod.engine import exprs
from codemod.engine.analysis import Client, string_value
from codemod.engine.context import RuleContext

CODES = ("AOAI102",)
ORDER = 20
ENDPOINT_VAR = "AZURE_OPENAI_ENDPOINT"


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    endpoint = client.kwarg("azure_endpoint")
    literal = string_value(endpoint.value) if endpoint is not None else None
    if endpoint is not None and literal is not None and _has_path(literal):
        return endpoint, (
            "azure_endpoint should be the resource URL alone (https://RESOURCE.openai.azure.com), not a path or a "
            "request URL; fix it, then the tool derives base_url=<resource>/openai/v1/."
        )
    base_url = client.kwarg("base_url")
    if base_url is None:
        return None
    if client.kwarg("azure_endpoint") is not None:
        return base_url, "base_url and azure_endpoint are both given (the openai package rejects that); fix by hand."
    if exprs.base_url_to_v1(base_url.value) is None:
        return base_url, (
            "base_url is not a literal ending in /openai, /openai/deployments/NAME or /openai/v1, so its v1 form "
            "cannot be derived; make it end in /openai/v1/ by hand and drop api_version."
        )
    return None


def apply(ctx: RuleContext) -> None:
    for client in ctx.migrated:
        endpoint = client.kwarg("azure_endpoint")
        base_url = client.kwarg("base_url")
        ops = ctx.edits.call(client.call)
        if endpoint is not None:
            ops.replace["azure_endpoint"] = ("base_url", exprs.v1_base_url(endpoint.value.deep_clone()))
            ctx.report("AOAI102", endpoint, "azure_endpoint -> base_url ending in /openai/v1/", fixed=True)
        elif base_url is not None:
            folded = exprs.base_url_to_v1(base_url.value)
            assert folded is not None  # the blocker guarantees it
            if ctx.code_for(folded[0]) == ctx.code_for(base_url.value):
                ctx.report("AOAI102", base_url, "base_url is already the v1 path /openai/v1/: kept", fixed=True)
            else:
                ops.replace["base_url"] = ("base_url", folded[0])
                ctx.report("AOAI102", base_url, "base_url -> the v1 path /openai/v1/", fixed=True)
        else:
            ops.add.append(("base_url", exprs.v1_base_url(exprs.environ(ENDPOINT_VAR))))
            ctx.edits.imports.add(("os", None, None))
            ctx.env_reads.add(ENDPOINT_VAR)
            ctx.report(
                "AOAI102",
                client.call,
                f"no endpoint given: the client read {ENDPOINT_VAR}; base_url now reads it explicitly",
                fixed=True,
            )


def _has_path(url: str) -> bool:
    """`https://host/openai/deployments/...` or a query: more than the resource address."""
    parsed = urlsplit(url)
    return bool(parsed.query) or parsed.path.strip("/") != ""
