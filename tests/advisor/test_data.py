"""The packaged api-version data is internally consistent and matches the reference facts."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest

from codemod.advisor.data import UNKNOWN, build, load, version_date
from codemod.advisor.versions import parse_version

RAW = json.loads(resources.files("codemod").joinpath("data", "api_versions.json").read_text(encoding="utf-8"))
DATA = load()
NAMES = {v.version for v in DATA.versions}
FEATURES = [*DATA.parameters, *DATA.apis]
STATUSES = {
    "latest-ga", "superseded", "legacy", "retirement-announced", "preview", "latest-preview", "undocumented"
}


def test_load_is_cached() -> None:
    assert load() is load()


def test_counts_match_the_reference() -> None:
    assert sum(v.channel == "ga" for v in DATA.versions) == 5
    assert sum(v.channel == "preview" for v in DATA.versions) == 23
    assert len(NAMES) == len(DATA.versions), "a version is listed twice"


@pytest.mark.parametrize("info", DATA.versions, ids=lambda v: v.version)
def test_every_version_parses_as_a_date_of_its_channel(info) -> None:
    parsed = parse_version(info.version)
    assert parsed is not None
    assert parsed.channel == info.channel
    assert info.date == parsed.date
    assert info.status in STATUSES
    for field in (info.released, info.retired):
        assert field is None or date.fromisoformat(field)


def test_versions_are_chronological() -> None:
    dates = [v.date for v in DATA.versions]
    assert dates == sorted(dates)


def test_exactly_one_latest_of_each_channel_and_it_is_the_newest() -> None:
    for channel, status in (("ga", "latest-ga"), ("preview", "latest-preview")):
        of_channel = [v for v in DATA.versions if v.channel == channel]
        assert [v.version for v in of_channel if v.status == status] == [of_channel[-1].version]
    assert DATA.latest_ga.version == "2024-10-21"


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_every_first_version_exists_in_its_channel(feature) -> None:
    if feature.first_preview is not None:
        assert feature.first_preview in NAMES
        assert DATA.version(feature.first_preview).channel == "preview"
    if feature.first_ga not in (None, UNKNOWN):
        assert feature.first_ga in NAMES
        assert DATA.version(feature.first_ga).channel == "ga"
    assert feature.first_preview is not None or feature.first_ga not in (None, UNKNOWN)


@pytest.mark.parametrize("feature", FEATURES, ids=lambda f: f.name)
def test_a_feature_missing_from_every_ga_came_after_the_last_ga_or_is_documented_absent(feature) -> None:
    """first_ga None claims no dated GA has it: either the preview is newer than the last GA, or the
    reference verified its absence from 2024-10-21 (the chat parameters of 2024-07..2025-01 previews)."""
    if feature.first_ga is None:
        assert feature.first_preview is not None
        newer = version_date(feature.first_preview) > DATA.latest_ga.date
        assert newer or feature.operation == "chat.completions"


def test_preview_before_ga_except_where_the_reference_says_otherwise() -> None:
    """A GA version gets a parameter after a preview had it, except data_sources (GA 2024-02-01 predates the
    2024-02-15-preview that first has it in the TypeSpec)."""
    inverted = {
        f.name
        for f in FEATURES
        if f.first_preview and f.first_ga not in (None, UNKNOWN)
        and version_date(f.first_ga) < version_date(f.first_preview)
    }
    assert inverted == {"data_sources"}


def test_parameters_needed_by_the_issue_are_tracked() -> None:
    tracked = {p for f in DATA.parameters for p in f.params}
    for name in ("max_completion_tokens", "parallel_tool_calls", "response_format", "stream_options", "store",
                 "metadata", "reasoning_effort", "prediction", "modalities", "audio", "user_security_context",
                 "dimensions"):
        assert name in tracked
    apis = {path for f in DATA.apis for path in f.apis}
    for path in (("responses",), ("beta", "assistants"), ("batches",), ("evals",)):
        assert path in apis


def test_facts_from_the_reference() -> None:
    by_params = {(f.params, f.detail): f for f in DATA.parameters}
    assert by_params[(("max_completion_tokens",), None)].first_ga == "2024-10-21"
    assert by_params[(("max_completion_tokens",), None)].first_preview == "2024-09-01-preview"
    assert by_params[(("reasoning_effort",), None)].first_preview == "2024-12-01-preview"
    assert by_params[(("response_format",), "json_schema")].first_preview == "2024-08-01-preview"
    responses = next(f for f in DATA.apis if ("responses",) in f.apis)
    assert responses.first_preview == "2025-03-01-preview" and responses.sdk_minimum == "responses"
    assert DATA.sdk["callable_api_key"].version == "1.106.0"
    assert DATA.sdk["responses"].version == "1.66.0"


def test_unverified_facts_keep_their_flag() -> None:
    """Versions whose spec the reference never opened are flagged, so reports say 'documented as'."""
    for name in ("2023-05-15", "2025-02-01-preview", "2025-03-01-preview", "2024-02-15-preview"):
        assert DATA.version(name).verified is False
    for name in ("2024-02-01", "2024-10-21", "2024-12-01-preview"):
        assert DATA.version(name).verified is True
    assert RAW["support_policy"]["verified"] is False


def test_v1_paths_and_headers() -> None:
    statuses = {p.path: (p.status, p.header) for p in DATA.v1_paths}
    assert statuses["/evals"] == ("ga", None)  # left preview: Microsoft's v1 lifecycle page, 2026-03-19
    assert statuses["/fine_tuning/jobs/{job}/checkpoints/{checkpoint}/copy"] == (
        "preview", ("aoai-copy-ft-checkpoints", "preview")
    )
    assert statuses["/fine_tuning/alpha/graders"] == ("preview", None)
    ga = {path for path, (status, _) in statuses.items() if status == "ga"}
    assert ga == {"/chat/completions", "/embeddings", "/evals", "/files", "/fine_tuning", "/models", "/responses",
                  "/vector_stores"}


def test_build_rejects_a_version_that_is_not_a_date() -> None:
    broken = json.loads(json.dumps(RAW))
    broken["versions"][0]["version"] = "2024-13-01"
    with pytest.raises(ValueError):
        build(broken)
