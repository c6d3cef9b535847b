"""Loopback servers for the doctor tests, built on tests/azure_server.py's `AzureServer`.

`DoctorServer` adds what doctor needs beyond it: requests with an invalid body are refused with 400 after
the deployment lookup (as Azure does: a missing deployment answers 404 DeploymentNotFound first), the
data-plane deployments listing (`GET /openai/deployments?api-version=V`, each entry with its base model; it can
be told to refuse, redirect or stall), and the Azure Resource Manager deployments route, paged, for
`--resource-id`."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.azure_server import AzureError, AzureServer, Route

ARM_ROUTE = re.compile(
    r"^(?P<account>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/"
    r"accounts/[^/]+)/deployments$"
)
LISTING_VERSION = "2023-03-15-preview"
# What the data-plane listing answers when told to refuse (the route, not the credential, is refused:
# the same key or token passed the models request first).
REFUSALS = {
    400: AzureError(400, "BadRequest", "API version not supported"),
    401: AzureError(401, "401", "Access denied due to invalid subscription key or token."),
    403: AzureError(403, "PermissionDenied", "The principal may not list the deployments of this resource."),
    404: AzureError(404, "404", "Resource not found"),
}
RESOURCE_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers/"
               "Microsoft.CognitiveServices/accounts/contoso-openai")


@dataclass
class ArmRequest:
    path: str
    query: dict[str, str]
    authorization: str | None


@dataclass
class DoctorServer(AzureServer):
    """`model_of` maps a deployment to its base model (default: its own name), for both listings.
    The data-plane listing answers under `listing_versions` (404 under any other); `listing_refusal` makes it
    answer that status (a key of REFUSALS) under every version, `listing_redirect` a 302 to that URL, and
    `listing_delay` makes it wait that long first. `arm_tokens` are the bearer tokens ARM accepts;
    `arm_accounts` the resource IDs it knows."""

    model_of: dict[str, str] = field(default_factory=dict)
    listing_versions: set[str] = field(default_factory=lambda: {LISTING_VERSION})
    listing_refusal: int | None = None
    listing_redirect: str | None = None
    listing_delay: float = 0.0
    arm_tokens: set[str] = field(default_factory=set)
    arm_accounts: set[str] = field(default_factory=lambda: {RESOURCE_ID})
    arm_page_size: int = 2
    arm_requests: list[ArmRequest] = field(default_factory=list, init=False)

    def __enter__(self) -> DoctorServer:
        super().__enter__()
        assert self._httpd is not None
        self._httpd.RequestHandlerClass = _with_arm(self, self._httpd.RequestHandlerClass)
        return self

    def respond(self, route: Route | None, query: dict[str, str], body: Any) -> Any:
        if (route is not None and route.api == "v1" and route.needs_deployment and "api-version" not in query
                and route.deployment in self.deployments and not _valid_body(route, body)):
            raise AzureError(400, "BadRequest", "[] is too short - 'messages'")
        if route is not None and route.operation == "deployments":
            return self._data_plane_listing(query)
        return super().respond(route, query, body)

    def _data_plane_listing(self, query: dict[str, str]) -> dict[str, Any]:
        time.sleep(self.listing_delay)
        if self.listing_refusal is not None:
            raise REFUSALS[self.listing_refusal]
        if "api-version" not in query:
            raise AzureError(400, "MissingApiVersionParameter",
                             "The api-version query parameter (?api-version=) is required for all requests.")
        if query["api-version"] not in self.listing_versions:
            raise AzureError(404, "404", "Resource not found")
        data = [{"id": name, "model": self.model_of.get(name, name), "owner": "organization-owner",
                 "status": "succeeded", "created_at": 1718000000, "updated_at": 1718000000, "object": "deployment",
                 "scale_settings": {"scale_type": "standard"}} for name in sorted(self.deployments)]
        return {"object": "list", "data": data}

    def arm_answer(self, path: str, query: dict[str, str], authorization: str | None) -> tuple[int, Any]:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or token not in self.arm_tokens:
            return 401, _arm_error("InvalidAuthenticationToken", "The access token is invalid.")
        if "api-version" not in query:
            return 400, _arm_error("MissingApiVersionParameter", "The api-version query parameter is required.")
        match = ARM_ROUTE.match(path)
        if match is None or match.group("account") not in self.arm_accounts:
            return 404, _arm_error("ResourceNotFound", "The Resource was not found.")
        return 200, self._arm_page(path, query)

    def _arm_page(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        names = sorted(self.deployments)
        start = int(query.get("$skipToken", "0"))
        page = names[start:start + self.arm_page_size]
        value = [{"id": f"{path}/{name}", "name": name, "type": "Microsoft.CognitiveServices/accounts/deployments",
                  "properties": {"model": {"format": "OpenAI", "name": self.model_of.get(name, name),
                                           "version": "2024-08-06"}, "provisioningState": "Succeeded"}}
                 for name in page]
        result: dict[str, Any] = {"value": value}
        if start + self.arm_page_size < len(names):
            result["nextLink"] = (f"{self.endpoint}{path}?api-version={query['api-version']}"
                                  f"&$skipToken={start + self.arm_page_size}")
        return result


def _valid_body(route: Route, body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    if route.operation == "chat/completions":
        return bool(body.get("messages"))
    return True


def _arm_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _with_arm(server: DoctorServer, base: type) -> type:
    class ArmHandler(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if server.listing_redirect and url.path == "/openai/deployments":
                self.send_response(302)
                self.send_header("Location", server.listing_redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not url.path.startswith("/subscriptions/"):
                try:
                    super().do_GET()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # doctor stopped waiting (the timeout tests): nothing to answer
                return
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            authorization = self.headers.get("Authorization")
            server.arm_requests.append(ArmRequest(url.path, query, authorization))
            status, result = server.arm_answer(url.path, query, authorization)
            self._send(status, result)

    return ArmHandler
