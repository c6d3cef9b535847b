"""Loopback servers for the doctor tests, built on tests/azure_server.py's `AzureServer`.

`DoctorServer` adds what doctor needs beyond it: requests with an invalid body are refused with 400 after
the deployment lookup (as Azure does: a missing deployment answers 404 DeploymentNotFound first), and the
Azure Resource Manager deployments route, paged, for `--resource-id`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.azure_server import AzureError, AzureServer, Route

ARM_ROUTE = re.compile(
    r"^(?P<account>/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.CognitiveServices/"
    r"accounts/[^/]+)/deployments$"
)
RESOURCE_ID = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ai/providers/"
               "Microsoft.CognitiveServices/accounts/contoso-openai")


@dataclass
class ArmRequest:
    path: str
    query: dict[str, str]
    authorization: str | None


@dataclass
class DoctorServer(AzureServer):
    """`arm_tokens` are the bearer tokens ARM accepts; `arm_accounts` the resource IDs it knows."""

    arm_tokens: set[str] = field(default_factory=set)
    arm_accounts: set[str] = field(default_factory=lambda: {RESOURCE_ID})
    arm_page_size: int = 2
    model_of: dict[str, str] = field(default_factory=dict)  # deployment -> base model, for ARM
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
        return super().respond(route, query, body)

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
            if not url.path.startswith("/subscriptions/"):
                super().do_GET()
                return
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            authorization = self.headers.get("Authorization")
            server.arm_requests.append(ArmRequest(url.path, query, authorization))
            status, result = server.arm_answer(url.path, query, authorization)
            self._send(status, result)

    return ArmHandler
