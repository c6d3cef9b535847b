"""What `aoai-migrate advise VERSION` says about one api-version, as data (rendering is in report.py)."""

from __future__ import annotations

from dataclasses import dataclass

from codemod.advisor.data import Introduction, VersionInfo, load
from codemod.advisor.features import Availability, availability, first_versions
from codemod.advisor.versions import closest_versions, parse_version


@dataclass(frozen=True)
class Later:
    """A parameter or API the version lacks, with the versions that first have it."""

    name: str
    first: str
    verified: bool


@dataclass(frozen=True)
class VersionReport:
    info: VersionInfo
    has: tuple[str, ...]  # parameters and APIs of the table this version has
    lacks: tuple[Later, ...]  # ... and those it lacks that later versions have
    newer_ga: tuple[str, ...]
    newer_preview: tuple[str, ...]
    v1_changes: tuple[str, ...]
    v1_ga_since: str
    policy: str  # the documented preview support policy, for preview versions


@dataclass(frozen=True)
class UnknownVersion:
    text: str
    malformed: bool  # not even a valid YYYY-MM-DD[-preview] date
    closest: tuple[str, ...]


def explain(version: str) -> VersionReport | UnknownVersion:
    data = load()
    text = version.strip()
    info = data.version(text)
    if info is None:
        return UnknownVersion(text, parse_version(text) is None, tuple(closest_versions(text)))
    features = sorted([*data.apis, *data.parameters], key=_first_date)
    states = [(feature, availability(feature, info)) for feature in features]
    lacking = [f for f, state in states if state is Availability.NO]
    newer = [v for v in data.versions if v.date > info.date]
    return VersionReport(
        info=info,
        has=tuple(_name(f) for f, state in states if state is Availability.YES),
        lacks=tuple(Later(_name(f), first_versions(f), f.verified) for f in lacking),
        newer_ga=tuple(v.version for v in newer if v.channel == "ga"),
        newer_preview=tuple(v.version for v in newer if v.channel == "preview"),
        v1_changes=data.v1_changes,
        v1_ga_since=data.v1_ga_since,
        policy=data.support_policy if info.channel == "preview" else "",
    )


def _first_date(feature: Introduction) -> str:
    firsts = [v for v in (feature.first_ga, feature.first_preview) if v and v[0].isdigit()]
    return min(firsts, default="9999")


def _name(feature: Introduction) -> str:
    if feature.operation is None:
        return feature.name
    return f"{feature.operation.removesuffix('.completions')}: {feature.name}"
