"""Does each deployment name the code uses exist on the resource? Three methods, and the report names the one
used: a listing (the data plane's, or Azure Resource Manager's with `--resource-id`), else a zero-token probe
per name. Missing names get the best existing deployment and why (suggestions.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from codemod.doctor.checks import Check, Deployment, ListedDeployment, Suggestion
from codemod.doctor.code_names import NameUse
from codemod.doctor.live import Answer, deployment_missing
from codemod.doctor.suggestions import SAME_MODEL, suggest

PROBE_WORKERS = 4


@dataclass(frozen=True)
class Verdict:
    exists: bool | None
    evidence: str


def from_listing(names: Iterable[str], listed: Sequence[ListedDeployment], source: str) -> dict[str, Verdict]:
    """`source` names the listing in the evidence: "ARM", "the data plane"."""
    by_name = {item.name: item for item in listed}
    verdicts = {}
    for name in names:
        item = by_name.get(name)
        if item is None:
            verdicts[name] = Verdict(False, f"not among the {count(listed)} {source} lists")
        elif not item.usable:
            verdicts[name] = Verdict(None, f"listed by {source}, provisioning state {item.state}")
        else:
            verdicts[name] = Verdict(True, f"listed by {source}" + (f", model {item.label}" if item.label else ""))
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


def judge(use: NameUse, verdict: Verdict, existing: Iterable[ListedDeployment]) -> tuple[Deployment, Check]:
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


def _fix(use: NameUse, suggestions: Sequence[Suggestion]) -> str:
    if not suggestions:
        where = f"set {use.variable} to" if use.variable else "use"
        return (f"Create a deployment named {use.name!r} (Azure AI Foundry portal, Deployments), or {where} "
                "the name of an existing deployment; model= takes the deployment name, not the model name.")
    best, others = suggestions[0], suggestions[1:]
    if best.reason == SAME_MODEL:
        said = f"The code sends the model name {use.name!r}; this resource serves it as deployment {best.name!r}."
    else:
        said = f"Did you mean {best.name!r} ({best.reason})?"
    said += f" Set {use.variable}={best.name}." if use.variable else " Use that name in model=."
    if others:
        said += " Other candidates: " + ", ".join(f"{s.name!r} ({s.reason})" for s in others) + "."
    return said


def count(listed: Sequence[object]) -> str:
    """"3 deployments", "1 deployment"."""
    return f"{len(listed)} deployment" + ("" if len(listed) == 1 else "s")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
