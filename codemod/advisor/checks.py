"""Python-side advisor findings built from plain data (a version string, an attribute path, keyword
names, a literal), so that they can be tested without parsing code. `codemod/rules/advisor_checks.py`
feeds them from the engine's analysis."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from codemod.advisor.credentials import looks_like_secret, redact
from codemod.advisor.data import load
from codemod.advisor.features import features_missing, normalise_api
from codemod.advisor.v1 import v1_note, v1_status
from codemod.advisor.versions import is_v1_value, known_version, looks_like_version, unknown_version_message
from codemod.findings import Finding, Level


@dataclass(frozen=True)
class Place:
    line: int
    column: int
    path: str = ""
    end_line: int | None = None
    end_column: int | None = None


def _finding(code: str, message: str, at: Place, *, level: Level = "warning", fixed: bool = False) -> Finding:
    return Finding(
        code=code,
        message=message,
        line=at.line,
        column=at.column,
        end_line=at.end_line,
        end_column=at.end_column,
        fixed=fixed,
        level=level,
        path=at.path,
    )


def version_finding(value: str, at: Place, origin: str = "") -> Finding | None:
    """AOAI301 for a known dated version, AOAI308 for one that is malformed or unknown; None for the v1
    API's own values (`v1`, `preview`, `latest`) and for strings that are not version-like at all."""
    if is_v1_value(value) or not looks_like_version(value):
        return None
    prefix = f"{origin}: " if origin else ""
    info = known_version(value)
    if info is None:
        return _finding("AOAI308", prefix + unknown_version_message(value), at)
    message = (
        f"{prefix}api-version {info.version} ({info.label}; {info.status_note}). "
        "The v1 API needs no api-version and has every chat and embeddings parameter of the dated versions; "
        f"`aoai-migrate advise {info.version}` shows what moving brings."
    )
    return _finding("AOAI301", message, at, level="info")


def request_findings(
    pinned: str,
    api: tuple[str, ...],
    params: Iterable[str] | Mapping[str, str | None],
    at: Place,
    *,
    migrated: bool = False,
) -> list[Finding]:
    """AOAI302 for each parameter or API the request uses that `pinned` lacks. `migrated`: the client
    moves to the v1 API in this run, which has them, so the finding is reported as fixed."""
    findings = []
    for gap in features_missing(pinned, "", params, api):
        message = gap.message()
        if migrated:
            message += " The client moves to the v1 API in this run."
        findings.append(_finding("AOAI302", message, at, fixed=migrated))
    return findings


def v1_path_finding(
    api_or_url: tuple[str, ...] | str,
    at: Place,
    *,
    headers_present: Iterable[str] = (),
    header_added: bool = False,
) -> Finding | None:
    """AOAI303 for a v1 preview path (its header missing from `headers_present`), AOAI304 for an API
    outside the v1 GA list; None for GA paths."""
    status, header = v1_status(api_or_url)
    shown = _shown(api_or_url)
    note = v1_note(api_or_url)
    if status == "ga":
        return None
    if status == "not-listed":
        detail = f" ({note})" if note else ""
        message = (
            f"{shown} is not on the v1 API's GA list{detail}. "
            "Check that it works on the v1 API before relying on the migrated code."
        )
        return _finding("AOAI304", message, at)
    if header is None:
        return _finding("AOAI303", f"{shown} is a preview path on the v1 API ({note}).", at, level="info")
    if header[0].lower() in {h.lower() for h in headers_present}:
        return None
    needed = f"`{header[0]}: {header[1]}`"
    if header_added:
        message = f"{shown} is a v1 preview path: {needed} added to the client's default_headers."
        return _finding("AOAI303", message, at, fixed=True)
    message = f"{shown} is a v1 preview path: its requests need the header {needed} in default_headers."
    return _finding("AOAI303", message, at)


def credential_finding(keyword: str, literal: str, at: Place) -> Finding | None:
    """AOAI305 for a credential literal; the message shows only a redacted form."""
    if not looks_like_secret(literal):
        return None
    message = (
        f"a hard-coded credential ({redact(literal)}) is passed as {keyword}. Read it from the environment "
        "(os.environ[...]) or a secret store, use Entra ID, and rotate the key if this code was shared."
    )
    return _finding("AOAI305", message, at)


def _shown(api_or_url: tuple[str, ...] | str) -> str:
    if isinstance(api_or_url, str):
        return f"`{api_or_url}`"
    parts = normalise_api(api_or_url)
    resource = parts[:2] if parts[:1] == ("beta",) else parts[:1]
    if parts[:2] == ("fine_tuning", "alpha"):
        resource = parts[:3]
    return "client." + ".".join(resource)


def sdk_needs(token_provider_as_api_key: bool, uses_responses: bool) -> dict[str, str]:
    """Reason -> minimum openai version, for the features the migrated code relies on."""
    sdk = load().sdk
    needs = {}
    if token_provider_as_api_key:
        needs[sdk["callable_api_key"].why] = sdk["callable_api_key"].version
    if uses_responses:
        needs[sdk["responses"].why] = sdk["responses"].version
    return needs
