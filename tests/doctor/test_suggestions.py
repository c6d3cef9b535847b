"""Which existing deployment a missing name most likely meant: same model first, then close spelling."""

from __future__ import annotations

import pytest

from codemod.doctor.checks import ListedDeployment as Listed
from codemod.doctor.checks import Suggestion
from codemod.doctor.suggestions import CLOSE_SPELLING, SAME_MODEL, serves, suggest


def names_and_reasons(found: tuple[Suggestion, ...]) -> list[tuple[str, str]]:
    return [(item.name, item.reason) for item in found]


@pytest.mark.parametrize(("name", "candidates", "expected"), [
    ("gpt-4o", ["gpt-4o-prod-01", "text-embedding-3-small"], ["gpt-4o-prod-01"]),
    ("GPT-4o-Prod-01", ["gpt-4o-prod-01"], ["gpt-4o-prod-01"]),
    ("gpt-4o-prod-1", ["gpt-4o-prod-01", "dall-e-3"], ["gpt-4o-prod-01"]),
    ("whisper", ["gpt-4o-prod-01", "text-embedding-3-small"], []),
])
def test_close_spelling_without_models(name: str, candidates: list[str], expected: list[str]) -> None:
    found = suggest(name, [Listed(candidate) for candidate in candidates])
    assert names_and_reasons(found) == [(item, CLOSE_SPELLING) for item in expected]


def test_the_deployment_serving_the_model_comes_before_close_spellings() -> None:
    listed = [Listed("gpt-4o-mini-eu", "gpt-4o-mini"), Listed("chat", "gpt-4o"), Listed("embed", "text-embedding")]
    assert names_and_reasons(suggest("gpt-4o", listed)) == [("chat", SAME_MODEL), ("gpt-4o-mini-eu", CLOSE_SPELLING)]
    assert suggest("gpt-4o", listed)[0] == Suggestion("chat", SAME_MODEL, "gpt-4o")


def test_several_deployments_of_the_model_are_ordered_by_spelling() -> None:
    listed = [Listed("zz-chat", "gpt-4o"), Listed("gpt-4o-prod-01", "gpt-4o"), Listed("gpt-4o-dev", "gpt-4o")]
    assert [item.name for item in suggest("gpt-4o", listed)] == ["gpt-4o-dev", "gpt-4o-prod-01", "zz-chat"]


@pytest.mark.parametrize(("deployment", "name", "expected"), [
    (Listed("chat", "gpt-35-turbo"), "gpt-3.5-turbo", True),  # Azure drops OpenAI's dot
    (Listed("chat", "gpt-4.1"), "gpt-4.1", True),
    (Listed("chat", "GPT-4o"), "gpt-4o", True),
    (Listed("chat", "gpt-4o", "2024-08-06"), "gpt-4o-2024-08-06", True),  # a dated snapshot, from ARM
    (Listed("chat", "gpt-4o", "2024-08-06"), "gpt-4o-2024-05-13", False),
    (Listed("chat", "gpt-4o-mini"), "gpt-4o", False),
    (Listed("chat"), "gpt-4o", False),  # a probed name: its model is unknown
])
def test_serves(deployment: Listed, name: str, expected: bool) -> None:
    assert serves(deployment, name) is expected


def test_deployments_that_cannot_serve_yet_are_not_suggested() -> None:
    listed = [Listed("gpt-4o-new", "gpt-4o", state="Creating"), Listed("gpt-4o-prod-01", "gpt-4o", state="Succeeded")]
    assert [item.name for item in suggest("gpt-4o", listed)] == ["gpt-4o-prod-01"]


def test_at_most_three_suggestions_and_never_the_name_itself() -> None:
    listed = [Listed(f"gpt-4o-{n}", "gpt-4o") for n in range(5)] + [Listed("gpt-4o", "gpt-4o")]
    found = suggest("gpt-4o", listed)
    assert len(found) == 3 and "gpt-4o" not in [item.name for item in found]
