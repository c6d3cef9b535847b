"""The small pure parts of doctor: redaction, reading a probe's answer, listing verdicts, ARM resource IDs
(suggestions: test_suggestions.py)."""

from __future__ import annotations

import pytest

from codemod.doctor.arm import parse_resource_id
from codemod.doctor.checks import ListedDeployment
from codemod.doctor.deployments import from_listing
from codemod.doctor.live import Answer, deployment_missing
from codemod.doctor.redact import Scrubber, redact
from tests.doctor.servers import RESOURCE_ID


def test_redact_keeps_only_a_prefix_and_suffix() -> None:
    assert redact("0123456789abcdef0123456789abcdef") == "012…cdef"
    assert redact("short-secret") == "………"


def test_scrubber_replaces_every_occurrence_and_ignores_tiny_strings() -> None:
    key = "0123456789abcdef0123456789abcdef"
    scrubber = Scrubber([key, "abc", None])  # type: ignore[list-item]
    assert scrubber.scrub(f"key={key}; again {key}; abc") == "key=012…cdef; again 012…cdef; abc"


@pytest.mark.parametrize(("answer", "missing"), [
    (Answer(404, "DeploymentNotFound", "The API deployment for this resource does not exist."), True),
    (Answer(404, "model_not_found", "The model `x` does not exist or you do not have access to it."), True),
    (Answer(400, "BadRequest", "[] is too short - 'messages'"), False),
    (Answer(400, "OperationNotSupported", "The chatCompletion operation does not work with this model."), False),
    (Answer(200), False),
    (Answer(404, "404", "Resource not found"), None),
    (Answer(429, "429", "Rate limit"), None),
    (Answer(500, "", "oops"), None),
    (Answer(None, failure="timeout"), None),
])
def test_reading_a_probe_answer(answer: Answer, missing: bool | None) -> None:
    assert deployment_missing(answer) is missing


def test_listing_verdicts_include_provisioning_state() -> None:
    listed = [ListedDeployment("a", "gpt-4o", "2024-08-06", "Succeeded"), ListedDeployment("b", "", "", "Creating"),
              ListedDeployment("d", "gpt-4o-mini", state="succeeded")]
    verdicts = from_listing(["a", "b", "c", "d"], listed, "ARM")
    assert [verdicts[name].exists for name in "abcd"] == [True, None, False, True]
    assert verdicts["a"].evidence == "listed by ARM, model gpt-4o 2024-08-06"
    assert "Creating" in verdicts["b"].evidence
    assert verdicts["c"].evidence == "not among the 3 deployments ARM lists"
    assert from_listing(["c"], listed[:1], "the data plane")["c"].evidence == (
        "not among the 1 deployment the data plane lists")


def test_resource_id_is_normalised_and_checked() -> None:
    assert parse_resource_id(RESOURCE_ID + "/") == RESOURCE_ID
    assert parse_resource_id(RESOURCE_ID.lstrip("/")) == RESOURCE_ID
    with pytest.raises(ValueError, match="not an Azure OpenAI resource ID"):
        parse_resource_id("/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z")
