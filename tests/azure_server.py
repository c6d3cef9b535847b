"""A loopback stand-in for an Azure OpenAI resource: dated and v1 routes, key/Entra auth, a request log.

Used by the end-to-end tests (real `openai` SDK against 127.0.0.1) and by the `doctor` tests. Everything it
knows about a resource (deployments, keys, tokens, latency) is configuration, read on every request.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Dated routes with the deployment in the path (openai/lib/azure.py `_deployments_endpoints`).
DATED_DEPLOYMENT_OPERATIONS = frozenset({
    "chat/completions", "completions", "embeddings", "audio/transcriptions", "audio/translations",
    "audio/speech", "images/generations", "images/edits",
})
V1_OPERATIONS = frozenset({"chat/completions", "completions", "embeddings", "responses", "models"})
# Headers worth asserting on. Credentials are never stored: `RecordedRequest.auth` says which kind was used.
RECORDED_HEADERS = ("content-type", "accept", "aoai-evals", "aoai-copy-ft-checkpoints")


@dataclass(frozen=True)
class Route:
    api: str  # "dated" or "v1"
    operation: str  # "chat/completions", "responses", "models", "deployments", ...
    deployment: str | None
    needs_deployment: bool


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # parsed JSON, or None for empty or non-JSON (multipart) bodies
    auth: str | None  # "api-key", "bearer-key", "bearer-token" or None
    status: int
    api: str | None = None
    operation: str | None = None
    deployment: str | None = None


class AzureError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


def resolve_route(path: str, body: Any) -> Route | None:
    """Which API, operation and deployment a path means; the deployment is in the path (dated) or `model`."""
    model = body.get("model") if isinstance(body, dict) else None
    if path.startswith("/openai/v1/"):
        operation = path.removeprefix("/openai/v1/").strip("/")
        if operation not in V1_OPERATIONS:
            return None
        needs = operation != "models"
        return Route("v1", operation, model if needs else None, needs)
    if path.startswith("/openai/deployments/"):
        deployment, _, operation = path.removeprefix("/openai/deployments/").partition("/")
        if operation.strip("/") in DATED_DEPLOYMENT_OPERATIONS:
            return Route("dated", operation.strip("/"), deployment, True)
        return None
    operation = {"/openai/responses": "responses", "/openai/models": "models",
                 "/openai/deployments": "deployments"}.get(path.rstrip("/"), "")
    if not operation:
        return None
    needs = operation == "responses"
    return Route("dated", operation, model if needs else None, needs)


def _usage() -> dict[str, int]:
    return {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}


def chat_completion(deployment: str, body: dict[str, Any]) -> dict[str, Any]:
    content = f"Hello from {deployment}."
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") in ("json_schema", "json_object"):
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        content = json.dumps(_filled(schema, content))  # structured output: JSON of the requested shape
    message = {"role": "assistant", "content": content, "refusal": None}
    choice = {"index": 0, "finish_reason": "stop", "logprobs": None, "message": message}
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
            "model": deployment, "choices": [choice], "usage": _usage(), "system_fingerprint": None}


def _filled(schema: dict[str, Any], text: str) -> dict[str, Any]:
    """An object with every property of a JSON schema: strings get `text`, numbers 1, booleans true."""
    samples = {"string": text, "integer": 1, "number": 1.0, "boolean": True, "array": [], "object": {}}
    properties = schema.get("properties") or {}
    return {name: samples.get(spec.get("type"), text) for name, spec in properties.items()}


def chat_chunks(deployment: str) -> Iterator[dict[str, Any]]:
    base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": deployment}
    deltas = [{"role": "assistant", "content": ""}, {"content": "Hello "}, {"content": f"from {deployment}."}]
    for delta in deltas:
        yield {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None, "logprobs": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}]}


def text_completion(deployment: str, body: dict[str, Any]) -> dict[str, Any]:
    choice = {"index": 0, "text": f" from {deployment}", "finish_reason": "stop", "logprobs": None}
    return {"id": "cmpl-test", "object": "text_completion", "created": int(time.time()),
            "model": deployment, "choices": [choice], "usage": _usage()}


def embeddings(deployment: str, body: dict[str, Any]) -> dict[str, Any]:
    inputs = body.get("input")
    items = inputs if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else [inputs]
    data = [{"object": "embedding", "index": i, "embedding": [round(0.1 * (i + k), 3) for k in range(8)]}
            for i in range(len(items))]
    return {"object": "list", "model": deployment, "data": data,
            "usage": {"prompt_tokens": 3 * len(items), "total_tokens": 3 * len(items)}}


def response_object(deployment: str, body: dict[str, Any]) -> dict[str, Any]:
    content = [{"type": "output_text", "text": f"Hello from {deployment}.", "annotations": []}]
    message = {"type": "message", "id": "msg_test", "status": "completed", "role": "assistant",
               "content": content}
    usage = {"input_tokens": 5, "output_tokens": 7, "total_tokens": 12,
             "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}}
    return {"id": "resp_test", "object": "response", "created_at": time.time(), "model": deployment,
            "status": "completed", "output": [message], "usage": usage, "error": None,
            "incomplete_details": None, "instructions": body.get("instructions"), "metadata": {},
            "parallel_tool_calls": True, "tool_choice": "auto", "tools": [], "temperature": 1.0,
            "top_p": 1.0, "text": {"format": {"type": "text"}}}


def image_generation(deployment: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"created": int(time.time()), "data": [{"url": f"https://example.invalid/{deployment}.png"}]}


Builder = Callable[[str, Any], Any]
BUILDERS: dict[str, Builder] = {
    "chat/completions": chat_completion,
    "completions": text_completion,
    "embeddings": embeddings,
    "responses": response_object,
    "images/generations": image_generation,
    "images/edits": image_generation,
    "audio/transcriptions": lambda deployment, _: {"text": f"Transcribed by {deployment}."},
    "audio/translations": lambda deployment, _: {"text": f"Translated by {deployment}."},
}


@dataclass
class AzureServer:
    """`with AzureServer(...) as server:` serves `server.endpoint` until the block ends; log: `.requests`."""

    deployments: set[str] = field(default_factory=lambda: {"gpt-4o-prod-01"})
    api_keys: set[str] = field(default_factory=lambda: {"test-key-0123456789"})
    tokens: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds slept before every response
    requests: list[RecordedRequest] = field(default_factory=list, init=False)
    _httpd: ThreadingHTTPServer | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def endpoint(self) -> str:
        assert self._httpd is not None, "the server is not running"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> AzureServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def authenticate(self, headers: dict[str, str]) -> str | None:
        if headers.get("api-key") in self.api_keys:
            return "api-key"
        scheme, _, credential = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and credential in self.api_keys:
            return "bearer-key"
        if scheme.lower() == "bearer" and credential in self.tokens:
            return "bearer-token"
        return None

    def respond(self, route: Route | None, query: dict[str, str], body: Any) -> Any:
        """The JSON (or iterator of SSE chunks) a resource would answer; raises `AzureError` otherwise."""
        if route is None:
            raise AzureError(404, "404", "Resource not found")
        if route.api == "dated" and "api-version" not in query:
            raise AzureError(400, "MissingApiVersionParameter",
                             "The api-version query parameter (?api-version=) is required for all requests.")
        # the v1 API takes its own api-versions, "v1" and "preview" (the v1 GA spec's enum), and no dated one
        if route.api == "v1" and query.get("api-version", "v1") not in ("v1", "preview"):
            raise AzureError(400, "BadRequest",
                             "api-version query parameter is not allowed when using /v1 path")
        if route.needs_deployment and route.deployment not in self.deployments:
            raise AzureError(404, "DeploymentNotFound",
                             f"The API deployment {route.deployment!r} for this resource does not exist.")
        if route.operation in ("models", "deployments"):
            return _listing(route.operation, sorted(self.deployments))
        payload = body if isinstance(body, dict) else {}
        if payload.get("stream"):
            if route.operation != "chat/completions":
                raise AzureError(400, "BadRequest", "This test server streams chat completions only.")
            return chat_chunks(str(route.deployment))
        if route.operation == "audio/speech":
            return b"ID3-fake-audio"
        return BUILDERS[route.operation](str(route.deployment), payload)


def _listing(kind: str, names: list[str]) -> dict[str, Any]:
    if kind == "models":
        data = [{"id": name, "object": "model", "created": 0, "owned_by": "system"} for name in names]
    else:
        data = [{"id": name, "model": name, "object": "deployment", "status": "succeeded"} for name in names]
    return {"object": "list", "data": data}


def _handler_for(server: AzureServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        def _handle(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            raw = self.rfile.read(int(headers.get("content-length") or 0))
            body = _json_or_none(raw) if "json" in headers.get("content-type", "") else None
            route = resolve_route(url.path, body)
            auth = server.authenticate(headers)
            try:
                if auth is None:
                    raise AzureError(401, "401", "Access denied due to invalid subscription key or token.")
                result, status = server.respond(route, query, body), 200
            except AzureError as error:
                result, status = error.body(), error.status
            kept = {name: headers[name] for name in RECORDED_HEADERS if name in headers}
            server.record(RecordedRequest(self.command, url.path, query, kept, body, auth, status,
                                          route and route.api, route and route.operation,
                                          route and route.deployment))
            time.sleep(server.delay)
            self._send(status, result)

        do_GET = do_POST = _handle

        def _send(self, status: int, result: Any) -> None:
            if isinstance(result, bytes):
                self._write(status, "audio/mpeg", result)
            elif isinstance(result, Iterator):
                self.send_response(status)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for chunk in result:
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
            else:
                self._write(status, "application/json", json.dumps(result).encode())

        def _write(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def server_fixture(**config: Any) -> Callable[[], Iterator[AzureServer]]:
    """A pytest fixture serving a fresh `AzureServer(**config)` per test: `azure = server_fixture(...)`."""
    import pytest

    @pytest.fixture
    def azure_server() -> Iterator[AzureServer]:
        with AzureServer(**copy.deepcopy(config)) as server:
            yield server

    return azure_server


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None
