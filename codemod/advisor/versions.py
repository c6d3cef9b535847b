"""Parsing api-version strings and finding the known versions closest to a mistyped one."""

from __future__ import annotations

import calendar
import difflib
import re
from dataclasses import dataclass
from datetime import date

from codemod.advisor.data import VersionInfo, load

_STRICT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(-preview)?")
# Anything a person may have meant as a dated version: `2024-2-1`, `2024-13-01`, `2024-02-01-preveiw`.
_LOOSE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(-[A-Za-z][A-Za-z0-9]*)?")
# Values the v1 API itself takes as api-version (the GA spec enum is v1|preview; May 2025 docs named latest).
V1_VALUES = frozenset({"v1", "preview", "latest"})
# Ranking penalty (in days) for a candidate of the other channel than the one the text asked for.
_CHANNEL_PENALTY_DAYS = 45


@dataclass(frozen=True, order=True)
class ApiVersion:
    """A syntactically valid dated api-version (`YYYY-MM-DD` or `YYYY-MM-DD-preview`), known or not."""

    date: date
    preview: bool
    text: str

    @property
    def channel(self) -> str:
        return "preview" if self.preview else "ga"


def parse_version(text: str) -> ApiVersion | None:
    """The dated version in `text`, or None when it is not exactly a valid `YYYY-MM-DD[-preview]`."""
    match = _STRICT.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return ApiVersion(date(year, month, day), match.group(4) is not None, match.group(0))
    except ValueError:
        return None


def known_version(text: str) -> VersionInfo | None:
    return load().version(text.strip())


def looks_like_version(text: str) -> bool:
    """True for strings shaped like a dated version, valid or not (`2024-13-01`, `2024-02-01-preveiw`)."""
    return _LOOSE.fullmatch(text.strip()) is not None


def is_v1_value(text: str) -> bool:
    return text.strip().lower() in V1_VALUES


def closest_versions(text: str, n: int = 3) -> list[str]:
    """Up to `n` known versions a person most likely meant by `text`, best first."""
    names = [v.version for v in load().versions]
    intent = _intended_date(text)
    if intent is None:
        return difflib.get_close_matches(text.strip(), names, n=n, cutoff=0.0)
    wanted, preview = intent

    def distance(info: VersionInfo) -> tuple[int, str]:
        penalty = 0 if (info.channel == "preview") == preview else _CHANNEL_PENALTY_DAYS
        return abs((info.date - wanted).days) + penalty, info.version

    return [info.version for info in sorted(load().versions, key=distance)[:n]]


def _intended_date(text: str) -> tuple[date, bool] | None:
    """The calendar date and channel a loosely written version points at; out-of-range parts are clamped."""
    match = _LOOSE.search(text)
    if match is None:
        return None
    year = int(match.group(1))
    if not 1 <= year <= 9999:
        return None
    month = min(max(int(match.group(2)), 1), 12)
    day = min(max(int(match.group(3)), 1), calendar.monthrange(year, month)[1])
    return date(year, month, day), match.group(4) is not None


def unknown_version_message(text: str) -> str:
    """The AOAI308 sentence for a string that is not a known dated api-version."""
    closest = ", ".join(closest_versions(text))
    if parse_version(text) is None:
        problem = "is not a valid api-version (expected YYYY-MM-DD or YYYY-MM-DD-preview with a real date)"
    else:
        problem = "is not an Azure OpenAI api-version that was ever documented"
    return f"`{text.strip()}` {problem}; closest known: {closest}."
