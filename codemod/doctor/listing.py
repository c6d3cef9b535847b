"""Listing a resource's deployments through the data plane, with the credential the code uses:
`GET {endpoint}/openai/deployments?api-version=V` (`api-key` header for a key, bearer for an Entra ID token).

The route is in the dated authoring specs up to 2023-03-15-preview and left them after, yet resources still
answer it (reference/azure-openai.md, "The deployment-name trap"). A version the resource does not serve it
under answers 404 or 400, so the next one is tried; any other refusal ends the attempt, and the caller falls
back to probing. Each entry names the deployment (`id`) and the base model it serves (`model`)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from codemod.doctor.checks import ListedDeployment

# The last version whose spec has the route (used to fill model pickers in 2025-26), then the GA version
# the deployment-name 404 article lists with.
VERSIONS = ("2023-03-15-preview", "2024-02-01")
NEXT_VERSION_STATUSES = frozenset({400, 404})  # the route is not served under this api-version
MAX_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Listing:
    """The deployments listed, or None with `refusal` saying why there is no list."""

    deployments: tuple[ListedDeployment, ...] | None
    url: str  # the request that gave the list, or the first one tried
    refusal: str = ""


@dataclass(frozen=True)
class _Reply:
    status: int | None
    deployments: tuple[ListedDeployment, ...] | None = None
    said: str = ""  # "answered 404 (Resource not found)", "did not answer within 2 s", ...


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as a refusal: following it would send the key to another address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def listing_url(root: str, version: str) -> str:
    return f"{root.rstrip('/')}/openai/deployments?api-version={version}"


def list_deployments(root: str, secret: str, kind: str, timeout: float) -> Listing:
    """Try each version in turn until one lists; all attempts together end within `timeout` seconds."""
    headers = {"api-key": secret} if kind == "api-key" else {"Authorization": f"Bearer {secret}"}
    deadline = time.monotonic() + timeout
    first = listing_url(root, VERSIONS[0])
    said: list[str] = []
    for version in VERSIONS:
        url = listing_url(root, version)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            said.append(f"api-version={version} was not tried: the {timeout:g} s were used up")
            break
        reply = _get(url, headers, remaining, timeout)
        if reply.deployments is not None:
            return Listing(reply.deployments, url)
        said.append(f"GET {url} {reply.said}" if not said else f"with api-version={version} it {reply.said}")
        if reply.status not in NEXT_VERSION_STATUSES:
            break
    return Listing(None, first, "; ".join(said))


def _get(url: str, headers: dict[str, str], remaining: float, timeout: float) -> _Reply:
    request = urllib.request.Request(url, headers={**headers, "Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=remaining) as response:
            status, raw = response.status, response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return _Reply(exc.code, said=f"answered {_refused(exc)}")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return _Reply(None, said=f"did not answer within {timeout:g} s")
        return _Reply(None, said=f"could not be reached ({exc.reason})")
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        return _Reply(None, said=f"did not answer within {timeout:g} s")
    except OSError as exc:
        return _Reply(None, said=f"failed ({exc})")
    deployments = _parse(raw) if len(raw) <= MAX_BYTES else None
    if deployments is None:
        return _Reply(status, said=f"answered {status} with something that is not a deployment list")
    return _Reply(status, deployments)


def _parse(raw: bytes) -> tuple[ListedDeployment, ...] | None:
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        return None
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return None
    return tuple(ListedDeployment(str(item["id"]), str(item.get("model") or ""), state=str(item.get("status") or ""))
                 for item in items if isinstance(item, dict) and item.get("id"))


def _refused(exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400:
        return f"{exc.code}, a redirect (not followed: the credential is not sent elsewhere)"
    try:
        error = json.loads(exc.read(64 * 1024) or b"{}").get("error") or {}
    except (ValueError, AttributeError, OSError):
        error = {}
    if not isinstance(error, dict):
        error = {}
    code, message = str(error.get("code") or ""), str(error.get("message") or "")[:300]
    head = f"{exc.code} {code}" if code and code != str(exc.code) else str(exc.code)
    return f"{head}: {message}" if message else head
