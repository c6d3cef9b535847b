"""Which request parameters and APIs a pinned api-version lacks (AOAI302)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from codemod.advisor.data import UNKNOWN, Introduction, VersionInfo, load, version_date
from codemod.advisor.versions import known_version

# openai-python methods that turn a pydantic `response_format` into a json_schema request.
_SCHEMA_METHODS = frozenset({"parse", "stream"})
_TRANSPARENT = frozenset({"with_raw_response", "with_streaming_response"})


class Availability(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Gap:
    """Something the code uses that its pinned version does not have."""

    pinned: str
    feature: Introduction
    used_as: str  # as the code uses it: a keyword (`max_completion_tokens`) or an API (`client.responses`)

    def message(self) -> str:
        first = first_versions(self.feature)
        documented = "" if self.feature.verified else "documented as "
        return (
            f"{self.used_as}: not in api-version {self.pinned}; {documented}first in {first}. "
            "Pin a version that has it, or move to the v1 API."
        )


def first_versions(feature: Introduction) -> str:
    """`2024-10-21 (GA) and 2024-09-01-preview`, or a sentence saying no dated GA version has it."""
    preview = feature.first_preview
    if feature.first_ga is None:
        return f"{preview} (no dated GA version has it)" if preview else "no dated version"
    if feature.first_ga == UNKNOWN:
        return f"{preview} (which dated GA version has it is not documented)"
    return f"{feature.first_ga} (GA) and {preview}" if preview else f"{feature.first_ga} (GA)"


def availability(feature: Introduction, pinned: VersionInfo) -> Availability:
    """Whether `pinned` has `feature`, by its channel's first version; UNKNOWN where sources are silent."""
    preview_first = feature.first_preview
    if pinned.channel == "preview":
        if preview_first is None:
            return Availability.UNKNOWN
        return Availability.YES if pinned.date >= version_date(preview_first) else Availability.NO
    if feature.first_ga == UNKNOWN:
        if preview_first is not None and pinned.date < version_date(preview_first):
            return Availability.NO  # older than even the first preview that has it
        return Availability.UNKNOWN
    if feature.first_ga is None:
        return Availability.NO
    return Availability.YES if pinned.date >= version_date(feature.first_ga) else Availability.NO


def normalise_api(api: Iterable[str]) -> tuple[str, ...]:
    """Drop `with_raw_response`-style hops and map `beta.chat` to `chat` (the SDK's older spellings)."""
    parts = tuple(p for p in api if p not in _TRANSPARENT)
    for alias, target in load().v1_aliases.items():
        alias_parts = tuple(alias.split("."))
        if parts[: len(alias_parts)] == alias_parts:
            return (*target.split("."), *parts[len(alias_parts) :])
    return parts


def features_missing(
    pinned: str,
    operation: str = "",
    params: Iterable[str] | Mapping[str, str | None] = (),
    api: tuple[str, ...] = (),
) -> list[Gap]:
    """What a request uses that `pinned` lacks. `params` maps keyword -> literal detail where one matters
    (`response_format` -> "json_schema"); `api` is the attribute path below the client. An unknown pinned
    version gives no gaps (AOAI308 reports it)."""
    info = known_version(pinned)
    if info is None:
        return []
    path = normalise_api(api or tuple(p for p in operation.split(".") if p))
    details = dict(params) if isinstance(params, Mapping) else dict.fromkeys(params)
    if path and path[-1] in _SCHEMA_METHODS and details.get("response_format", "") is None:
        details["response_format"] = "json_schema"
    gaps = [Gap(info.version, f, used) for f, used in _used_features(path, details)]
    return [gap for gap in gaps if availability(gap.feature, info) is Availability.NO]


def _used_features(
    path: tuple[str, ...], details: Mapping[str, str | None]
) -> list[tuple[Introduction, str]]:
    data = load()
    used: list[tuple[Introduction, str]] = []
    for api_feature in data.apis:
        match = next((a for a in api_feature.apis if path[: len(a)] == a), None)
        if match is not None:
            used.append((api_feature, "client." + ".".join(match)))
    dotted = ".".join(path)
    for parameter in data.parameters:
        if parameter.operation is None or not dotted.startswith(parameter.operation + "."):
            continue
        names = [n for n in parameter.params if n in details and parameter.detail in (None, details[n])]
        if names:
            shown = ", ".join(f"`{name}`" for name in names)
            used.append((parameter, f"{shown} {parameter.detail}" if parameter.detail else shown))
    return used
