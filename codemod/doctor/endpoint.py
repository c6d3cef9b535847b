"""The endpoint check: is the value the code reads a resource root the migrated code can turn into a v1
`base_url`? Pure: no network. The migrated code builds `base_url` as `endpoint.rstrip("/") + "/openai/v1/"`
(AOAI102), so any path in the endpoint ends up in front of `/openai/v1/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from codemod.doctor.checks import Check

# Hosts Microsoft documents for the v1 API (reference/azure-openai.md, api_versions.json `v1.base_url_forms`).
DOCUMENTED_HOSTS = (".openai.azure.com", ".services.ai.azure.com")
# Widely used and reported to work, but not on the v1 lifecycle page.
UNVERIFIED_HOSTS = (".cognitiveservices.azure.com",)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Paths that are a known mistake with an obvious meaning: the dated or v1 API prefix, or a whole request URL.
_KNOWN_PATH = re.compile(r"^/openai(?:/v1|/deployments/[^/]+(?:/.*)?)?/?$")


@dataclass(frozen=True)
class EndpointShape:
    """`root` is what the remaining checks use; `base_url` is what the migrated code will call."""

    check: Check
    root: str
    base_url: str
    path: str  # the path the code will keep in front of /openai/v1/ ("" when there is none)


def v1_base_url(root: str) -> str:
    return root.rstrip("/") + "/openai/v1/"


def inspect_endpoint(raw: str, source: str) -> EndpointShape:
    """Check `raw` (read from `source`, e.g. "AZURE_OPENAI_ENDPOINT") and normalise what can be normalised."""
    value = raw.strip()
    problems: list[str] = []
    fixes: list[str] = []
    if "://" not in value:
        problems.append("it has no scheme, so the client cannot build a URL from it")
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    loopback = host in LOOPBACK_HOSTS
    if parts.scheme != "https" and not loopback:
        problems.append(f"it uses {parts.scheme}://, and Azure serves the API over https only")
    if parts.query or parts.fragment:
        problems.append("it carries a query string (the v1 API takes no api-version)")
    path = parts.path.rstrip("/")
    kept_path = path
    if path and _KNOWN_PATH.match(parts.path):
        problems.append(f"it ends in {parts.path!r}: the code appends /openai/v1/ itself, so it would call "
                        f"{v1_base_url(value.split('?')[0].split('#')[0])}")
        kept_path = ""
    scheme = "http" if loopback and parts.scheme == "http" else "https"
    root = f"{scheme}://{parts.netloc}{kept_path}/"
    if problems:
        wanted = f"{scheme}://{parts.netloc}/"
        fixes.append(f"pass {source} {wanted}" if source.startswith("--") else f"set {source}={wanted}")
        check = Check("endpoint", "fail", f"{raw.strip()!r} is not a resource endpoint",
                      reason="; ".join(problems) + ".",
                      fix="; ".join(fixes) + f" (checking {root} from here on).")
        return EndpointShape(check, root, v1_base_url(root), kept_path)
    return EndpointShape(_host_check(root, host, loopback, kept_path), root, v1_base_url(root), kept_path)


def _host_check(root: str, host: str, loopback: bool, path: str) -> Check:
    if path:
        return Check("endpoint", "warn", f"{root} has the path {path!r}",
                     reason=f"The code will call {v1_base_url(root)}: right for a gateway that serves the API "
                     "under that path, wrong for an Azure resource, whose v1 API is at /openai/v1/.",
                     fix="For a resource, set the endpoint to its root, https://RESOURCE.openai.azure.com/.")
    if loopback:
        return Check("endpoint", "pass", f"{root} (loopback: a local proxy or test server)")
    if host.endswith(DOCUMENTED_HOSTS):
        return Check("endpoint", "pass", f"{root} is an Azure OpenAI resource endpoint")
    if host.endswith(UNVERIFIED_HOSTS):
        return Check("endpoint", "warn", f"{root} is a Cognitive Services endpoint",
                     reason="The v1 API is documented for *.openai.azure.com and *.services.ai.azure.com; "
                     "*.cognitiveservices.azure.com is widely used but not documented for it.",
                     fix="If a request fails, use https://RESOURCE.openai.azure.com/ (Keys and Endpoint page).")
    return Check("endpoint", "warn", f"{host} is not an Azure OpenAI host",
                 reason="Expected https://RESOURCE.openai.azure.com/ or https://RESOURCE.services.ai.azure.com/; "
                 "a gateway (API Management) or proxy may be fine.",
                 fix="Check that this is the endpoint shown on the resource's Keys and Endpoint page.")
