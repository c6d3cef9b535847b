"""The small pure parts of doctor: redaction, close matches, reading a probe's answer, ARM resource IDs."""

from __future__ import annotations

import pytest

from codemod.doctor.arm import ArmDeployment, parse_resource_id
from codemod.doctor.deployments import from_listing, suggest
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


@pytest.mark.parametrize(("name", "candidates", "expected"), [
    ("gpt-4o", ["gpt-4o-prod-01", "text-embedding-3-small"], ("gpt-4o-prod-01",)),
    ("GPT-4o-Prod-01", ["gpt-4o-prod-01"], ("gpt-4o-prod-01",)),
    ("gpt-4o-prod-1", ["gpt-4o-prod-01", "dall-e-3"], ("gpt-4o-prod-01",)),
    ("whisper", ["gpt-4o-prod-01", "text-embedding-3-small"], ()),
])
def test_suggest(name: str, candidates: list[str], expected: tuple[str, ...]) -> None:
    assert suggest(name, candidates) == expected


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
    listed = [ArmDeployment("a", "gpt-4o 2024-08-06", "Succeeded"), ArmDeployment("b", "", "Creating")]
    verdicts = from_listing(["a", "b", "c"], listed)
    assert (verdicts["a"].exists, verdicts["b"].exists, verdicts["c"].exists) == (True, None, False)
    assert "Creating" in verdicts["b"].evidence


def test_resource_id_is_normalised_and_checked() -> None:
    assert parse_resource_id(RESOURCE_ID + "/") == RESOURCE_ID
    assert parse_resource_id(RESOURCE_ID.lstrip("/")) == RESOURCE_ID
    with pytest.raises(ValueError, match="not an Azure OpenAI resource ID"):
        parse_resource_id("/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z")
