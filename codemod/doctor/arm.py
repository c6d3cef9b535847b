"""Listing a resource's deployments through Azure Resource Manager. The data-plane listing left the specs after
api-version 2023-03-15-preview (reference/api_versions.json `legacy_endpoints.deployments_listing`) and may be
refused, so with `--resource-id` and Entra ID credentials the control plane is asked first:
`GET {arm}/subscriptions/S/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/A/deployments`."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from typing import Any

from codemod.doctor.checks import ListedDeployment

DEFAULT_ARM_ENDPOINT = "https://management.azure.com"
ARM_API_VERSION = "2024-10-01"  # stable Microsoft.CognitiveServices version with accounts/deployments
MAX_PAGES = 50
_RESOURCE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/accounts/[^/]+$",
    re.IGNORECASE,
)


class ArmError(Exception):
    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


def parse_resource_id(value: str) -> str:
    """The resource ID without a trailing slash; ValueError when it is not a Cognitive Services account."""
    resource_id = "/" + value.strip().strip("/")
    if not _RESOURCE_ID.match(resource_id):
        raise ValueError(
            f"--resource-id {value!r} is not an Azure OpenAI resource ID; expected /subscriptions/SUB/"
            "resourceGroups/GROUP/providers/Microsoft.CognitiveServices/accounts/NAME "
            "(`az cognitiveservices account show -n NAME -g GROUP --query id`)."
        )
    return resource_id


def arm_scope(arm_endpoint: str) -> str:
    return arm_endpoint.rstrip("/") + "/.default"


def account_name(resource_id: str) -> str:
    return resource_id.rsplit("/", 1)[-1]


def list_deployments(arm_endpoint: str, resource_id: str, token: str, timeout: float) -> list[ListedDeployment]:
    base = arm_endpoint.rstrip("/")
    url: str | None = f"{base}{resource_id}/deployments?api-version={ARM_API_VERSION}"
    found: list[ListedDeployment] = []
    for _ in range(MAX_PAGES):
        if url is None:
            break
        page = _get(url, token, timeout)
        found.extend(_deployment(item) for item in page.get("value", []) if isinstance(item, dict))
        url = page.get("nextLink")
        if url and not url.startswith(base + "/"):
            raise ArmError(f"ARM sent a next page link outside {base}; the token is not sent there.",
                           "Report this; the listing is incomplete.")
    return found


def _deployment(item: dict[str, Any]) -> ListedDeployment:
    properties = item.get("properties") or {}
    model = properties.get("model") or {}
    return ListedDeployment(str(item.get("name", "")), str(model.get("name") or ""), str(model.get("version") or ""),
                            str(properties.get("provisioningState", "")))


def _get(url: str, token: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                   "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https or loopback
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise _status_error(exc.code, _error_body(exc)) from exc
    except TimeoutError as exc:
        raise ArmError(f"Azure Resource Manager did not answer within {timeout:g} s.",
                       "Retry, or raise --timeout.") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise ArmError(f"Azure Resource Manager did not answer within {timeout:g} s.",
                           "Retry, or raise --timeout.") from exc
        raise ArmError(f"Cannot reach Azure Resource Manager: {exc.reason}.",
                       "Check the network, or --arm-endpoint.") from exc
    except ValueError as exc:
        raise ArmError("Azure Resource Manager answered something that is not JSON.",
                       "Check --arm-endpoint.") from exc


def _error_body(exc: urllib.error.HTTPError) -> dict[str, str]:
    try:
        error = json.loads(exc.read() or b"{}").get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    return {"code": str(error.get("code", "")), "message": str(error.get("message", ""))[:300]}


def _status_error(status: int, error: dict[str, str]) -> ArmError:
    said = f"{status} {error['code']}".strip() + (f": {error['message']}" if error["message"] else "")
    if status == 401:
        return ArmError(f"Azure Resource Manager refused the token ({said}).",
                        "Sign in again (`az login`); the token must be for the ARM scope.")
    if status == 403:
        return ArmError(f"The identity may not read this resource's deployments ({said}).",
                        "Grant it a role with Microsoft.CognitiveServices/accounts/deployments/read on the "
                        "resource (Reader or Cognitive Services User); assignments take a few minutes.")
    if status == 404:
        return ArmError(f"Azure Resource Manager has no such resource ({said}).",
                        "Check the subscription, resource group and account name in --resource-id.")
    return ArmError(f"Azure Resource Manager answered {said}.", "Retry later, or check --resource-id.")
