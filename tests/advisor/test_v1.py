"""AOAI303/AOAI304 facts: the v1 status of an API and the preview headers."""

from __future__ import annotations

import pytest

from codemod.advisor.v1 import merged_headers, required_headers, v1_note, v1_status


@pytest.mark.parametrize(
    "api",
    [
        ("chat", "completions", "create"),
        ("beta", "chat", "completions", "parse"),
        ("embeddings", "create"),
        ("files", "list"),
        ("fine_tuning", "jobs", "create"),
        ("fine_tuning", "jobs", "checkpoints", "list"),
        ("models", "list"),
        ("responses", "create"),
        ("vector_stores", "create"),
        ("beta", "vector_stores", "create"),
        ("chat", "completions", "with_raw_response", "create"),
    ],
)
def test_ga_paths(api: tuple[str, ...]) -> None:
    assert v1_status(api) == ("ga", None)


def test_preview_paths_and_their_headers() -> None:
    assert v1_status(("evals", "create")) == ("ga", None)  # left preview (Microsoft, 2026-03-19)
    assert v1_status(("evals", "runs", "list")).header is None
    copy = "/fine_tuning/jobs/ftjob-1/checkpoints/ftckpt-2/copy"
    assert v1_status(copy) == ("preview", ("aoai-copy-ft-checkpoints", "preview"))
    assert v1_status("/openai/v1" + copy).header == ("aoai-copy-ft-checkpoints", "preview")
    assert v1_status("/evals?limit=1").status == "ga"
    graders = v1_status(("fine_tuning", "alpha", "graders", "run"))
    assert graders == ("preview", None)
    assert "alpha" in v1_note(("fine_tuning", "alpha", "graders", "run"))


@pytest.mark.parametrize(
    "api",
    [
        ("beta", "assistants", "create"),
        ("beta", "threads", "runs", "create"),
        ("batches", "create"),
        ("audio", "speech", "create"),
        ("audio", "transcriptions", "create"),
        ("images", "generate"),
        ("beta", "realtime", "connect"),
        ("completions", "create"),
        ("moderations", "create"),
    ],
)
def test_apis_outside_the_v1_ga_list(api: tuple[str, ...]) -> None:
    assert v1_status(api) == ("not-listed", None)


def test_notes_explain_unlisted_apis() -> None:
    assert "preview spec" in v1_note(("images", "generate"))
    assert "wss://" in v1_note(("beta", "realtime", "connect"))
    assert v1_note(("moderations", "create")) == ""


def test_required_headers_union() -> None:
    needed = required_headers([("evals", "create"), ("chat", "completions", "create"),
                               "/fine_tuning/jobs/j/checkpoints/c/copy"])
    assert needed == {"aoai-copy-ft-checkpoints": "preview"}
    assert required_headers([("chat", "completions", "create")]) == {}


def test_merged_headers_keep_existing_values_whatever_their_case() -> None:
    merged = merged_headers({"x-team": "a"}, {"aoai-evals": "preview"})
    assert merged == {"x-team": "a", "aoai-evals": "preview"}
    assert merged_headers({"AOAI-Evals": "preview"}, {"aoai-evals": "preview"}) == {"AOAI-Evals": "preview"}
