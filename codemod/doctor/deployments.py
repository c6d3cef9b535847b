"""Does each deployment name the code uses exist on the resource? Two methods, and the report names the one
used: the list from Azure Resource Manager (`--resource-id` with Entra ID), else a zero-token probe per name.
Missing names get close matches (`gpt-4o` -> did you mean `gpt-4o-prod-01`?)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from codemod.doctor.arm import ArmDeployment
from codemod.doctor.checks import Check, Deployment
from codemod.doctor.code_names import NameUse
from codemod.doctor.live import Answer, deployment_missing

MAX_SUGGESTIONS = 3
SIMILARITY = 0.6  # difflib ratio; "gpt-4o-prod-01" extends "gpt-4o", which is matched anyway
PROBE_WORKERS = 4


@dataclass(frozen=True)
class Verdict:
    exists: bool | None
    evidence: str


def from_listing(names: Iterable[str], listed: Sequence[ArmDeployment]) -> dict[str, Verdict]:
    by_name = {item.name: item for item in listed}
    verdicts = {}
    for name in names:
        item = by_name.get(name)
        if item is None:
            verdicts[name] = Verdict(False, f"not among the {len(listed)} deployments ARM lists")
        elif item.state and item.state.lower() != "succeeded":
            verdicts[name] = Verdict(None, f"listed through ARM, provisioning state {item.state}")
        else:
            verdicts[name] = Verdict(True, "listed through ARM" + (f": {item.model}" if item.model else ""))
    return verdicts


def from_probes(names: Iterable[str], probe: Callable[[str], Answer]) -> dict[str, Verdict]:
    unique = sorted(set(names))
    with ThreadPoolExecutor(max_workers=PROBE_WORKERS) as pool:
        answers = dict(zip(unique, pool.map(probe, unique), strict=True))
    return {name: _probe_verdict(answer) for name, answer in answers.items()}


def _probe_verdict(answer: Answer) -> Verdict:
    missing = deployment_missing(answer)
    if missing is None:
        return Verdict(None, f"the probe was answered {answer.describe()}")
    code = f" {answer.code}" if answer.code and answer.code != str(answer.status) else ""
    return Verdict(not missing, f"the zero-token probe got {answer.status}{code}")


def suggest(name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Existing names close to `name`: difflib's close matches, then names that extend or shorten it."""
    pool = sorted({c for c in candidates if c and c != name})
    close = difflib.get_close_matches(name, pool, n=MAX_SUGGESTIONS, cutoff=SIMILARITY)
    lowered = name.lower()
    related = [c for c in pool if c.lower().startswith(lowered) or lowered.startswith(c.lower())]
    same_case = [c for c in pool if c.lower() == lowered]
    ordered = dict.fromkeys([*same_case, *close, *related])
    return tuple(ordered)[:MAX_SUGGESTIONS]


def judge(use: NameUse, verdict: Verdict, existing: Iterable[str]) -> tuple[Deployment, Check]:
    """The report entry and the check for one name; missing names get suggestions from `existing`."""
    label = f"deployment {use.name}"
    where = f" Used in {', '.join(use.files)}; {use.origin}." if use.files else f" Given as {use.origin}."
    suggestions = suggest(use.name, existing) if verdict.exists is False else ()
    found = Deployment(use.name, verdict.exists, verdict.evidence, use.variable, use.files, suggestions)
    if verdict.exists:
        return found, Check(label, "pass", f"exists ({verdict.evidence})")
    if verdict.exists is None:
        return found, Check(label, "warn", "could not be confirmed", reason=_sentence(verdict.evidence) + "." + where,
                            fix="Run doctor again; if it persists, look the name up in the Azure AI Foundry portal.")
    reason = (f"{_sentence(verdict.evidence)}, so the code's requests with it fail with 404 DeploymentNotFound."
              + where)
    return found, Check(label, "fail", "does not exist on this resource", reason=reason, fix=_fix(use, suggestions))


def _fix(use: NameUse, suggestions: Sequence[str]) -> str:
    target = f"Set {use.variable}={suggestions[0]}" if use.variable and suggestions else ""
    if suggestions:
        quoted = " or ".join(repr(s) for s in suggestions)
        return f"Did you mean {quoted}? " + (target + "." if target else "Use that name in model=.")
    where = f"set {use.variable} to" if use.variable else "use"
    return (f"Create a deployment named {use.name!r} (Azure AI Foundry portal, Deployments), or {where} "
            "the name of an existing deployment; model= takes the deployment name, not the model name.")


def existing_names(verdicts: Mapping[str, Verdict], listed: Sequence[ArmDeployment] | None) -> list[str]:
    if listed is not None:
        return [item.name for item in listed]
    return [name for name, verdict in verdicts.items() if verdict.exists]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
