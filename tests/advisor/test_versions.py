"""Parsing api-version strings and suggesting the closest known ones (AOAI308)."""

from __future__ import annotations

from datetime import date

import pytest

from codemod.advisor.versions import (
    closest_versions,
    is_v1_value,
    known_version,
    looks_like_version,
    parse_version,
    unknown_version_message,
)


def test_parse_valid_versions() -> None:
    ga = parse_version("2024-02-01")
    assert ga is not None and ga.date == date(2024, 2, 1) and ga.channel == "ga"
    preview = parse_version(" 2024-08-01-preview ")
    assert preview is not None and preview.preview and preview.text == "2024-08-01-preview"


@pytest.mark.parametrize(
    "text",
    ["2024-13-01", "2024-02-30", "2024-02-01-preveiw", "2024-2-1", "24-02-01", "v1", "", "2024-02-01x"],
)
def test_parse_rejects_malformed(text: str) -> None:
    assert parse_version(text) is None


def test_a_well_formed_version_need_not_be_known() -> None:
    assert parse_version("2024-05-13") is not None
    assert known_version("2024-05-13") is None
    assert known_version("2024-10-21").channel == "ga"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-13-01", True),
        ("2024-02-01-preveiw", True),
        ("2024-2-1", True),
        ("hello", False),
        ("2024", False),
    ],
)
def test_looks_like_version(text: str, expected: bool) -> None:
    assert looks_like_version(text) is expected


def test_v1_values() -> None:
    assert is_v1_value("preview") and is_v1_value("v1") and is_v1_value("latest")
    assert not is_v1_value("2024-10-21")


def test_closest_to_a_misspelt_preview_prefers_previews_near_the_date() -> None:
    expected = ["2024-02-15-preview", "2024-03-01-preview", "2024-02-01"]
    assert closest_versions("2024-02-01-preveiw") == expected


def test_closest_to_an_impossible_month_clamps_it() -> None:
    assert closest_versions("2024-13-01") == ["2024-10-21", "2024-12-01-preview", "2025-01-01-preview"]


def test_closest_to_an_exact_known_version_starts_with_it() -> None:
    assert closest_versions("2024-2-1", n=1) == ["2024-02-01"]


def test_closest_without_a_date_uses_spelling() -> None:
    found = closest_versions("preveiw", n=2)
    assert len(found) == 2 and all(known_version(v) for v in found)


def test_unknown_message_separates_malformed_from_unpublished() -> None:
    assert "is not a valid api-version" in unknown_version_message("2024-13-01")
    assert "closest known: 2024-10-21" in unknown_version_message("2024-13-01")
    assert "never" not in unknown_version_message("2024-13-01")
    assert "was ever documented" in unknown_version_message("2024-05-13")
