"""Which deployment a client's requests went to on the dated API, whatever their `model=` said."""

from __future__ import annotations

import libcst as cst

from codemod.engine import exprs
from codemod.engine.analysis import Client, is_none


def deployment_of(client: Client) -> cst.BaseExpression | None:
    """`azure_deployment=D` when the client was built from an endpoint (azure_endpoint= or AZURE_OPENAI_ENDPOINT),
    or NAME of a base_url ending in /deployments/NAME. With base_url= the openai package ignores azure_deployment:
    it builds the deployment URL only when base_url is None and keeps `_azure_deployment = None` (lib/azure.py)."""
    base_url = client.kwarg("base_url")
    if base_url is None or is_none(base_url.value):
        arg = client.kwarg("azure_deployment")
        return arg.value if arg is not None and not is_none(arg.value) else None
    folded = exprs.base_url_to_v1(base_url.value)
    if folded is not None and folded[1] is not None:
        return exprs.string(folded[1])
    return None

