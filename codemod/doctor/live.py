"""The data-plane calls `doctor` makes, through the real `openai` package (imported here, when a check runs):
the models list (is the v1 API there, is the credential accepted) and the zero-token deployment probe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# What Azure answers for a deployment name the resource does not have (reference/api_versions.json,
# legacy_endpoints.errors): 404 DeploymentNotFound. The v1 route may also use OpenAI's own code.
MISSING_CODES = frozenset({"DeploymentNotFound", "model_not_found", "ModelNotFound"})


@dataclass(frozen=True)
class Answer:
    """One response, or why there was none (`failure`: "timeout" or "connection")."""

    status: int | None
    code: str = ""
    message: str = ""
    failure: str = ""
    value: Any = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def describe(self) -> str:
        if self.failure == "timeout":
            return "no answer (timed out)"
        if self.failure:
            return f"no connection ({self.message})" if self.message else "no connection"
        head = f"{self.status} {self.code}" if self.code and self.code != str(self.status) else str(self.status)
        return f"{head}: {self.message}" if self.message else head


class DataPlane:
    """An `openai.OpenAI` client on the v1 base URL, with no retries and the run's timeout."""

    def __init__(self, base_url: str, secret: str, timeout: float) -> None:
        import openai

        self._client = openai.OpenAI(base_url=base_url, api_key=secret, timeout=timeout, max_retries=0)

    def models(self, api_version: str | None = None) -> Answer:
        query = {"api-version": api_version} if api_version else None
        return call(lambda: self._client.models.list(extra_query=query).data)

    def probe(self, deployment: str) -> Answer:
        # An empty `messages` list is invalid: the request is refused before any model runs, so it costs
        # no tokens. A name the resource lacks is refused first, with 404 DeploymentNotFound.
        return call(lambda: self._client.chat.completions.create(model=deployment, messages=[]))


def call(request: Callable[[], Any]) -> Answer:
    import openai

    try:
        value = request()
    except openai.APITimeoutError:
        return Answer(None, failure="timeout")
    except openai.APIConnectionError as exc:
        return Answer(None, failure="connection", message=_cause(exc))
    except openai.APIStatusError as exc:
        return Answer(exc.status_code, code=exc.code or "", message=_message(exc.body))
    return Answer(200, value=value)


def deployment_missing(answer: Answer) -> bool | None:
    """True: the resource has no such deployment; False: it has; None: the answer does not tell."""
    if answer.status is None or answer.status in (401, 403, 429) or answer.status >= 500:
        return None
    if answer.code in MISSING_CODES or "does not exist" in answer.message:
        return True
    if answer.status == 404:
        return None
    return False


def _message(body: object) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or "")[:300]
    return str(body or "")[:300]


def _cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    text = str(cause or "").strip()
    return text.splitlines()[0][:200] if text else ""
