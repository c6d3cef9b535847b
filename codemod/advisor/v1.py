"""Where an API stands on the v1 API (AOAI303 preview paths and their headers, AOAI304 unlisted APIs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from codemod.advisor.data import V1Path, load
from codemod.advisor.features import normalise_api

V1Level = Literal["ga", "preview", "not-listed"]
_V1_PREFIX = ("openai", "v1")


class V1Status(NamedTuple):
    status: V1Level
    header: tuple[str, str] | None  # (name, value) a preview path needs


def v1_status(api_path: Iterable[str] | str) -> V1Status:
    """Status of an attribute path below the client (`("evals", "create")`) or a URL path
    (`"/fine_tuning/jobs/j/checkpoints/c/copy"`) on the v1 API, by Microsoft's v1 path table."""
    entry = v1_entry(api_path)
    if entry is None:
        return V1Status("not-listed", None)
    return V1Status(entry.status, entry.header)


def v1_entry(api_path: Iterable[str] | str) -> V1Path | None:
    segments = _segments(api_path)
    matches = [p for p in load().v1_paths if _matches(p.path, segments)]
    return max(matches, key=lambda p: len(_template(p.path)), default=None)


def v1_note(api_path: Iterable[str] | str) -> str:
    """Why a path is preview or not listed, when the sources say."""
    entry = v1_entry(api_path)
    if entry is not None:
        return entry.note
    dotted = ".".join(_segments(api_path))
    notes = load().v1_not_listed
    return next((note for key, note in notes.items() if dotted == key or dotted.startswith(key + ".")), "")


def required_headers(api_paths: Iterable[Iterable[str] | str]) -> dict[str, str]:
    """The preview headers a client needs for all of `api_paths` (what AOAI303 adds to default_headers)."""
    headers: dict[str, str] = {}
    for path in api_paths:
        header = v1_status(path).header
        if header is not None:
            headers[header[0]] = header[1]
    return headers


def merged_headers(existing: Mapping[str, str], needed: Mapping[str, str]) -> dict[str, str]:
    """`existing` plus the missing `needed` headers; an existing value (any case of the name) wins."""
    present = {name.lower() for name in existing}
    return {**existing, **{k: v for k, v in needed.items() if k.lower() not in present}}


def _segments(api_path: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(api_path, str):
        raw = tuple(s for s in api_path.split("?", 1)[0].split("/") if s)
        return raw[2:] if raw[:2] == _V1_PREFIX else raw
    return normalise_api(api_path)


def _template(path: str) -> tuple[str, ...]:
    return tuple(s for s in path.split("/") if s)


def _matches(path: str, segments: tuple[str, ...]) -> bool:
    template = _template(path)
    if len(segments) < len(template):
        return False
    return all(t.startswith("{") or t == s for t, s in zip(template, segments, strict=False))
