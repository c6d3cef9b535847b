"""The Python-side findings built from plain data (codemod/advisor/checks.py)."""

from __future__ import annotations

from codemod.advisor.checks import (
    Place,
    credential_finding,
    request_findings,
    v1_path_finding,
    version_finding,
)

AT = Place(3, 5, "app.py", 3, 17)


def test_known_version_is_explained_for_information() -> None:
    finding = version_finding("2024-02-01", AT, "constant API_VERSION")
    assert finding is not None
    assert (finding.code, finding.level, finding.path, finding.line, finding.column) == (
        "AOAI301", "info", "app.py", 3, 5
    )
    assert finding.message.startswith("constant API_VERSION: api-version 2024-02-01 (GA, superseded;")
    assert "aoai-migrate advise 2024-02-01" in finding.message
    assert not finding.needs_person


def test_malformed_or_unknown_version_needs_a_person() -> None:
    for text in ("2024-13-01", "2024-02-01-preveiw", "2024-05-13"):
        finding = version_finding(text, AT)
        assert finding is not None and finding.code == "AOAI308" and finding.needs_person
        assert "closest known:" in finding.message


def test_non_versions_and_v1_values_are_not_reported() -> None:
    assert version_finding("preview", AT) is None
    assert version_finding("v1", AT) is None
    assert version_finding("hello", AT) is None


def test_request_gaps_are_warnings_unless_the_client_moves_to_v1() -> None:
    api = ("chat", "completions", "create")
    (today,) = request_findings("2024-06-01", api, ["max_completion_tokens"], AT)
    assert (today.code, today.level, today.fixed, today.needs_person) == ("AOAI302", "warning", False, True)
    (migrated,) = request_findings("2024-06-01", api, ["max_completion_tokens"], AT, migrated=True)
    assert migrated.fixed and not migrated.needs_person and "moves to the v1 API" in migrated.message
    assert request_findings("2024-10-21", api, ["max_completion_tokens"], AT) == []
    assert request_findings("2024-12-01-preview", api, ["reasoning_effort"], AT) == []


def test_preview_path_needs_its_header_unless_present_or_added() -> None:
    copy = "/fine_tuning/jobs/ftjob-1/checkpoints/ftckpt-2/copy"
    finding = v1_path_finding(copy, AT)
    assert finding is not None and finding.code == "AOAI303" and finding.needs_person
    assert "`aoai-copy-ft-checkpoints: preview`" in finding.message
    assert v1_path_finding(copy, AT, headers_present=["AOAI-COPY-FT-CHECKPOINTS"]) is None
    added = v1_path_finding(copy, AT, header_added=True)
    assert added is not None and added.fixed and "added" in added.message


def test_evals_left_preview_and_needs_no_header() -> None:
    assert v1_path_finding(("evals", "create"), AT) is None


def test_alpha_preview_path_without_header_is_information() -> None:
    finding = v1_path_finding(("fine_tuning", "alpha", "graders", "run"), AT)
    assert finding is not None and (finding.code, finding.level) == ("AOAI303", "info")
    assert "client.fine_tuning.alpha.graders" in finding.message


def test_unlisted_api_is_flagged_for_a_manual_check() -> None:
    finding = v1_path_finding(("beta", "threads", "runs", "create"), AT)
    assert finding is not None and finding.code == "AOAI304" and finding.needs_person
    assert finding.message.startswith("client.beta.threads is not on the v1 API's GA list")
    assert v1_path_finding(("chat", "completions", "create"), AT) is None


def test_credential_finding_never_contains_the_value() -> None:
    key = "3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8"
    finding = credential_finding("api_key", key, AT)
    assert finding is not None and finding.code == "AOAI305" and finding.needs_person
    assert key not in finding.message and key[:8] not in finding.message
    assert credential_finding("api_key", "<your-api-key>", AT) is None
