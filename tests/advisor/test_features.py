"""AOAI302 facts: what a pinned version lacks of what a request uses."""

from __future__ import annotations

import pytest

from codemod.advisor.features import features_missing


def gaps(pinned: str, params=(), api: tuple[str, ...] = ("chat", "completions", "create")) -> list[str]:
    return [g.used_as for g in features_missing(pinned, "", params, api)]


@pytest.mark.parametrize(
    ("pinned", "param"),
    [
        ("2024-06-01", "max_completion_tokens"),
        ("2024-06-01", "parallel_tool_calls"),
        ("2024-08-01-preview", "max_completion_tokens"),
        ("2024-10-21", "stream_options"),
        ("2024-10-21", "store"),
        ("2024-10-21", "metadata"),
        ("2024-10-21", "reasoning_effort"),
        ("2024-06-01", "reasoning_effort"),
        ("2024-12-01-preview", "prediction"),
        ("2024-12-01-preview", "modalities"),
        ("2024-12-01-preview", "audio"),
        ("2024-10-21", "user_security_context"),
        ("2024-02-01", "logprobs"),
        ("2023-05-15", "tools"),
    ],
)
def test_parameter_newer_than_the_pinned_version_is_a_gap(pinned: str, param: str) -> None:
    assert gaps(pinned, [param]) == [f"`{param}`"]


@pytest.mark.parametrize(
    ("pinned", "param"),
    [
        ("2024-10-21", "max_completion_tokens"),  # the must-not-fire case
        ("2024-12-01-preview", "reasoning_effort"),  # the must-not-fire case
        ("2024-09-01-preview", "max_completion_tokens"),
        ("2024-10-21", "parallel_tool_calls"),
        ("2024-07-01-preview", "stream_options"),
        ("2025-01-01-preview", "prediction"),
        ("2024-02-01", "tools"),
        ("2024-02-01", "data_sources"),
        ("2024-06-01", "logprobs"),
        ("2024-10-21", "temperature"),  # not tracked: never a gap
    ],
)
def test_parameter_the_pinned_version_has_is_not_a_gap(pinned: str, param: str) -> None:
    assert gaps(pinned, [param]) == []


def test_response_format_depends_on_its_type() -> None:
    assert gaps("2024-06-01", {"response_format": "json_schema"}) == ["`response_format` json_schema"]
    assert gaps("2024-06-01", {"response_format": "json_object"}) == []
    assert gaps("2023-05-15", {"response_format": "json_object"}) == ["`response_format` json_object"]
    assert gaps("2024-10-21", {"response_format": "json_schema"}) == []
    assert gaps("2024-06-01", {"response_format": None}) == []  # type unknown: no claim


def test_parse_with_a_model_class_is_json_schema() -> None:
    parse = ("beta", "chat", "completions", "parse")
    assert gaps("2024-06-01", {"response_format": None}, parse) == ["`response_format` json_schema"]
    assert gaps("2024-08-01-preview", {"response_format": None}, parse) == []


def test_parameters_of_one_feature_are_reported_together() -> None:
    assert gaps("2024-10-21", ["store", "metadata"]) == ["`store`, `metadata`"]


def test_parameters_are_matched_to_their_operation() -> None:
    embeddings = ("embeddings", "create")
    assert gaps("2024-02-01", ["dimensions"], embeddings) == ["`dimensions`"]
    assert gaps("2024-06-01", ["dimensions"], embeddings) == []
    assert gaps("2024-02-01", ["dimensions"]) == []  # not a chat parameter
    assert gaps("2024-10-21", ["reasoning_effort"], embeddings) == []


@pytest.mark.parametrize(
    ("pinned", "api", "expected"),
    [
        ("2024-10-21", ("responses", "create"), ["client.responses"]),
        ("2025-02-01-preview", ("responses", "create"), ["client.responses"]),
        ("2025-03-01-preview", ("responses", "create"), []),
        ("2024-02-01", ("beta", "assistants", "create"), ["client.beta.assistants"]),
        ("2023-12-01-preview", ("beta", "threads", "runs", "create"), ["client.beta.threads"]),
        ("2024-05-01-preview", ("beta", "assistants", "create"), []),
        ("2024-05-01-preview", ("batches", "create"), ["client.batches"]),
        ("2024-07-01-preview", ("batches", "create"), []),
        ("2025-03-01-preview", ("evals", "create"), ["client.evals"]),
        ("2022-12-01", ("chat", "completions", "create"), ["client.chat.completions"]),
        ("2024-10-21", ("chat", "completions", "list"), ["client.chat.completions.list"]),
    ],
)
def test_apis_newer_than_the_pinned_version(pinned: str, api: tuple[str, ...], expected: list[str]) -> None:
    assert gaps(pinned, (), api) == expected


def test_ga_version_is_not_blamed_where_the_sources_are_silent() -> None:
    """Which dated GA version has Batch is not documented: 2024-10-21 (after the first preview) gets no
    gap, 2024-06-01 (before it) does."""
    assert gaps("2024-10-21", (), ("batches", "create")) == []
    assert gaps("2024-06-01", (), ("batches", "create")) == ["client.batches"]


def test_transparent_hops_and_operation_string() -> None:
    assert gaps("2024-10-21", (), ("with_raw_response", "responses", "create")) == ["client.responses"]
    found = features_missing("2024-06-01", "chat.completions.create", ["max_completion_tokens"])
    assert [g.used_as for g in found] == ["`max_completion_tokens`"]


def test_unknown_pinned_version_gives_no_gaps() -> None:
    assert gaps("2024-13-01", ["max_completion_tokens"]) == []
    assert gaps("preview", ["max_completion_tokens"]) == []


def test_gap_message_names_the_first_versions_and_hedges_unverified_facts() -> None:
    (gap,) = features_missing("2024-06-01", "", ["max_completion_tokens"], ("chat", "completions", "create"))
    message = gap.message()
    assert "2024-06-01" in message and "2024-10-21 (GA) and 2024-09-01-preview" in message
    assert "documented as" not in message
    (api_gap,) = features_missing("2024-10-21", "", (), ("responses", "create"))
    assert "documented as first in 2025-03-01-preview (no dated GA version has it)" in api_gap.message()
