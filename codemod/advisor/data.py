"""Typed access to `codemod/data/api_versions.json`, read once on first use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

Channel = Literal["ga", "preview"]
UNKNOWN = "unknown"  # a first_ga value: the sources do not say which dated GA version (if any) has it
_STATUS_LABELS = {
    "latest-ga": "GA, the latest dated GA",
    "superseded": "GA, superseded",
    "legacy": "GA, legacy",
    "retirement-announced": "preview, retirement announced",
    "preview": "preview",
    "latest-preview": "preview, the latest dated preview",
    "undocumented": "preview, support status undocumented",
}


@dataclass(frozen=True)
class VersionInfo:
    """One dated api-version as documented."""

    version: str
    channel: Channel
    date: date
    released: str | None
    retired: str | None
    status: str
    status_note: str
    features: tuple[str, ...]
    verified: bool
    source: str

    @property
    def label(self) -> str:
        """`GA, superseded`, `preview, retirement announced`, ..."""
        return _STATUS_LABELS.get(self.status, f"{self.channel}, {self.status}")


@dataclass(frozen=True)
class Introduction:
    """Where a request parameter (or a whole API) first appears among the dated versions.

    `first_ga` is a version, None (no dated GA version has it) or UNKNOWN (the sources do not say).
    """

    name: str
    operation: str | None
    params: tuple[str, ...]
    detail: str | None
    apis: tuple[tuple[str, ...], ...]
    first_preview: str | None
    first_ga: str | None
    verified: bool
    note: str
    sdk_minimum: str | None


@dataclass(frozen=True)
class V1Path:
    path: str  # below /openai/v1; `{name}` matches any one segment
    status: Literal["ga", "preview"]
    header: tuple[str, str] | None
    note: str


@dataclass(frozen=True)
class SdkMinimum:
    version: str
    date: str
    why: str


@dataclass(frozen=True)
class ApiData:
    versions: tuple[VersionInfo, ...]  # chronological
    parameters: tuple[Introduction, ...]
    apis: tuple[Introduction, ...]
    v1_paths: tuple[V1Path, ...]
    v1_aliases: Mapping[str, str]
    v1_not_listed: Mapping[str, str]
    v1_changes: tuple[str, ...]
    v1_ga_since: str
    sdk: Mapping[str, SdkMinimum]
    support_policy: str

    by_name: Mapping[str, VersionInfo]

    def version(self, name: str) -> VersionInfo | None:
        return self.by_name.get(name)

    @property
    def latest_ga(self) -> VersionInfo:
        return [v for v in self.versions if v.channel == "ga"][-1]


@cache
def load() -> ApiData:
    """The packaged data; parsed on the first call only."""
    text = resources.files("codemod").joinpath("data", "api_versions.json").read_text(encoding="utf-8")
    return build(json.loads(text))


def build(raw: Mapping[str, Any]) -> ApiData:
    versions = sorted((_version(item) for item in raw["versions"]), key=lambda v: (v.date, v.channel))
    v1 = raw["v1"]
    return ApiData(
        versions=tuple(versions),
        parameters=tuple(_parameter(item) for item in raw["parameters"]),
        apis=tuple(_api(item) for item in raw["apis"]),
        v1_paths=tuple(_v1_path(item) for item in v1["paths"]),
        v1_aliases=dict(v1["api_aliases"]),
        v1_not_listed=dict(v1["not_listed_notes"]),
        v1_changes=tuple(v1["changes"]),
        v1_ga_since=v1["ga_since"],
        sdk={key: SdkMinimum(**value) for key, value in raw["openai_python"].items()},
        support_policy=raw["support_policy"]["text"],
        by_name={v.version: v for v in versions},
    )


def version_date(version: str) -> date:
    return date.fromisoformat(version[:10])


def _version(item: Mapping[str, Any]) -> VersionInfo:
    return VersionInfo(
        version=item["version"],
        channel=item["channel"],
        date=version_date(item["version"]),
        released=item["released"],
        retired=item["retired"],
        status=item["status"],
        status_note=item["status_note"],
        features=tuple(item["features"]),
        verified=item["verified"],
        source=item["source"],
    )


def _parameter(item: Mapping[str, Any]) -> Introduction:
    params = tuple(item["params"])
    detail = item.get("detail")
    name = " / ".join(params) + (f" {detail}" if detail else "")
    return Introduction(
        name=name,
        operation=item["operation"],
        params=params,
        detail=detail,
        apis=(),
        first_preview=item["first_preview"],
        first_ga=item["first_ga"],
        verified=item["verified"],
        note=item.get("note", ""),
        sdk_minimum=None,
    )


def _api(item: Mapping[str, Any]) -> Introduction:
    return Introduction(
        name=item["name"],
        operation=None,
        params=(),
        detail=None,
        apis=tuple(tuple(path) for path in item["api"]),
        first_preview=item["first_preview"],
        first_ga=item["first_ga"],
        verified=item["verified"],
        note=item.get("note", ""),
        sdk_minimum=item.get("sdk_minimum"),
    )


def _v1_path(item: Mapping[str, Any]) -> V1Path:
    header = item.get("header")
    return V1Path(
        path=item["path"],
        status=item["status"],
        header=next(iter(header.items())) if header else None,
        note=item.get("note", ""),
    )
