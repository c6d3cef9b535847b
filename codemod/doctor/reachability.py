"""What the answer to `GET {base_url}models` says about the v1 API and the credential, and whether the
resource rejects the api-version the code still sends. Each failure says why and what to do; the causes
are Azure's documented v1 errors (reference/azure-openai.md: 404 on a wrong base_url, 401 for Entra ID
without the role, api-version rejected)."""

from __future__ import annotations

from codemod.doctor.checks import Check
from codemod.doctor.code_names import CodeScan
from codemod.doctor.credentials import KEY_VARIABLE, Credentials
from codemod.doctor.endpoint import EndpointShape
from codemod.doctor.live import Answer, DataPlane

ROLE = "Cognitive Services OpenAI User"
FALLBACK_API_VERSION = "2024-10-21"
NOT_CONFIRMED = "not confirmed: the request failed before authentication could be judged"


def models_checks(answer: Answer, shape: EndpointShape, creds: Credentials,
                  timeout: float) -> tuple[list[Check], bool]:
    """The "v1 API" and "authentication" checks, and whether the later checks can run."""
    url = shape.base_url + "models"
    if answer.ok:
        count = len(answer.value) if isinstance(answer.value, list) else 0
        return [Check("v1 API", "pass", f"GET {url} answered 200 ({count} models)"),
                Check("authentication", "pass", f"{creds.shown} accepted")], True
    if answer.status in (401, 403):
        return [Check("v1 API", "skip", "not confirmed: authentication failed first"),
                _auth_failure(answer, creds)], False
    return [_v1_failure(answer, shape, url, timeout), Check("authentication", "skip", NOT_CONFIRMED)], False


def _auth_failure(answer: Answer, creds: Credentials) -> Check:
    said = answer.describe()
    if creds.kind == "entra-id":
        return Check("authentication", "fail", f"the resource rejected the Entra ID token ({answer.status})",
                     reason=f"It answered {said}. With Entra ID this means the identity lacks the "
                     f"*{ROLE}* role on this resource (or the token is for another tenant).",
                     fix=f"Assign the *{ROLE}* role on the resource to the identity; role assignments take "
                     "up to about 5 minutes to apply, so wait and run doctor again.")
    if answer.status == 403:
        return Check("authentication", "fail", "the resource refused the request (403)",
                     reason=f"It answered {said}. The key was read, but the resource's network rules "
                     "(firewall, private endpoint) or disabled key authentication block it.",
                     fix="Run from an allowed network, or use Entra ID if key authentication is disabled.")
    return Check("authentication", "fail", "the resource rejected the API key (401)",
                 reason=f"It answered {said}. {KEY_VARIABLE} is not a key of this resource (keys are per "
                 "resource, and a regenerated key stops working).",
                 fix=f"Copy KEY 1 or KEY 2 from the resource's Keys and Endpoint page into {KEY_VARIABLE}.")


def _v1_failure(answer: Answer, shape: EndpointShape, url: str, timeout: float) -> Check:
    said = answer.describe()
    if answer.failure == "timeout":
        return Check("v1 API", "fail", f"no answer from {url} within {timeout:g} s",
                     reason="The resource, or the network path to it, did not answer in time; later checks "
                     "were skipped rather than waited for.",
                     fix="Check network access (proxy, firewall, private endpoint); if the network is just "
                     "slow, raise --timeout.")
    if answer.failure:
        return Check("v1 API", "fail", f"cannot connect to {shape.root}", reason=said.capitalize() + ".",
                     fix="Check the host name for typos, DNS, and that the resource allows public network "
                     "access or you are on its private network.")
    if answer.status == 404:
        return Check("v1 API", "fail", f"nothing answers at {url} (404)", reason=_not_found_reason(said, shape),
                     fix="Set the endpoint to the resource root, https://RESOURCE.openai.azure.com/ (no path): "
                     "the code appends /openai/v1/.")
    if answer.status == 400 and "api-version" in f"{answer.code} {answer.message}".lower():
        return Check("v1 API", "fail", "the server wants an api-version on the v1 route",
                     reason=f"It answered {said}. Azure's v1 API (GA since August 2025) takes no api-version; "
                     "this endpoint behaves like the dated API (a gateway, or not the resource itself).",
                     fix="Point the endpoint at the resource, or have the gateway forward /openai/v1/ as is.")
    return Check("v1 API", "fail", f"GET {url} answered {answer.status}", reason=f"It answered {said}.",
                 fix="Retry later; if it persists, check the resource's health in the Azure portal.")


def _not_found_reason(said: str, shape: EndpointShape) -> str:
    if shape.path:
        return (f"It answered {said}. The endpoint's path {shape.path!r} ends up in front of /openai/v1/, "
                "and the v1 API lives at /openai/v1/ of the resource root.")
    return (f"It answered {said}. The host has no v1 API: check it is an Azure OpenAI or AI Foundry resource "
            "and that the endpoint is the one on its Keys and Endpoint page.")


def api_version_check(plane: DataPlane, scan: CodeScan) -> Check:
    """The migrated code still sends api-version somewhere: ask whether this resource accepts it."""
    version = scan.api_version_value or FALLBACK_API_VERSION
    sites = ", ".join(scan.api_version_sites)
    answer = plane.models(api_version=version)
    if answer.status is not None and 400 <= answer.status < 500:
        return Check("api-version", "fail", "the code still sends api-version, and this resource rejects it",
                     reason=f"GET models?api-version={version} answered {answer.describe()}. Sent from {sites}.",
                     fix="Remove the 'api-version' entries from default_query/extra_query (AOAI103); "
                     "`aoai-migrate --diff PATH` shows what is left.")
    if answer.ok:
        return Check("api-version", "warn", "the code still sends api-version; this endpoint accepts it",
                     reason=f"Sent from {sites}. Azure's v1 API rejects api-version.",
                     fix="Remove the 'api-version' entries from default_query/extra_query (AOAI103).")
    return Check("api-version", "warn", "the code still sends api-version; the resource's answer was unclear",
                 reason=f"Sent from {sites}; GET models?api-version={version} answered {answer.describe()}.",
                 fix="Remove the 'api-version' entries from default_query/extra_query (AOAI103).")
