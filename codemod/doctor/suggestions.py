"""Which existing deployment a missing name most likely meant, and why. First a deployment that serves the
model the code named: `model=` takes the deployment name, and sending the base model (`gpt-4o` where the
resource has `gpt-4o-prod-01`) is the classic 404 DeploymentNotFound (reference/azure-openai.md). Then names
spelled alike (`gpt-4o-prod-1` for `gpt-4o-prod-01`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from codemod.doctor.checks import ListedDeployment, Suggestion

SAME_MODEL, CLOSE_SPELLING = "same model", "close spelling"
MAX_SUGGESTIONS = 3
SIMILARITY = 0.6  # difflib ratio; "gpt-4o-prod-01" extends "gpt-4o", which is matched anyway


def suggest(name: str, candidates: Iterable[ListedDeployment]) -> tuple[Suggestion, ...]:
    """The usable deployments `name` may have meant, best first: same model, then close spelling."""
    usable: dict[str, ListedDeployment] = {}
    for candidate in candidates:
        if candidate.name and candidate.name != name and candidate.usable:
            usable.setdefault(candidate.name, candidate)
    by_model = sorted((c for c in usable.values() if serves(c, name)),
                      key=lambda c: (-difflib.SequenceMatcher(None, name, c.name).ratio(), c.name))
    ordered = {c.name: Suggestion(c.name, SAME_MODEL, c.label) for c in by_model}
    for close in close_names(name, usable):
        ordered.setdefault(close, Suggestion(close, CLOSE_SPELLING, usable[close].label))
    return tuple(ordered.values())[:MAX_SUGGESTIONS]


def serves(deployment: ListedDeployment, name: str) -> bool:
    """Does the deployment run the model `name` names? Azure spells some models without OpenAI's dot
    (`gpt-35-turbo` for `gpt-3.5-turbo`), and code may name a dated snapshot (`gpt-4o-2024-08-06`)."""
    if not deployment.model:
        return False
    wanted = _model_key(name)
    if wanted == _model_key(deployment.model):
        return True
    return bool(deployment.version) and wanted == _model_key(f"{deployment.model}-{deployment.version}")


def close_names(name: str, candidates: Iterable[str]) -> list[str]:
    """Names close to `name`: a case difference, difflib's close matches, then names that extend or shorten it."""
    pool = sorted({c for c in candidates if c and c != name})
    close = difflib.get_close_matches(name, pool, n=MAX_SUGGESTIONS, cutoff=SIMILARITY)
    lowered = name.lower()
    related = [c for c in pool if c.lower().startswith(lowered) or lowered.startswith(c.lower())]
    same_case = [c for c in pool if c.lower() == lowered]
    return list(dict.fromkeys([*same_case, *close, *related]))


def _model_key(text: str) -> str:
    return text.strip().lower().replace(".", "")
