"""What `doctor` reports: one `Check` per question (pass / warn / fail / skip, with the reason and the fix),
the deployment names it looked up (with the best existing deployment for a missing one), the deployments a
listing returned, and the `Report` that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["pass", "warn", "fail", "skip"]


@dataclass(frozen=True)
class Check:
    name: str  # "endpoint", "credentials", "v1 API", "authentication", "deployment gpt-4o", ...
    status: Status
    summary: str  # one line: what was found
    reason: str = ""  # why it matters or what the resource answered
    fix: str = ""  # what to do


@dataclass(frozen=True)
class ListedDeployment:
    """One deployment a listing returned (data plane or Azure Resource Manager), or a name a probe confirmed."""

    name: str
    model: str = ""  # the base model it serves, "gpt-4o"; "" when the source does not say
    version: str = ""  # the model version, "2024-08-06" (ARM only); "" when not given
    state: str = ""  # "Succeeded" (ARM), "succeeded" (data plane), "Creating", ...; "" when not given

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.model, self.version) if part)

    @property
    def usable(self) -> bool:
        return not self.state or self.state.lower() == "succeeded"


@dataclass(frozen=True)
class Suggestion:
    """An existing deployment a missing name probably meant, and why: "same model" or "close spelling"."""

    name: str
    reason: str
    model: str = ""  # what the deployment serves, when the listing said


@dataclass(frozen=True)
class Deployment:
    """One deployment name the code will use, and what the resource said about it."""

    name: str
    exists: bool | None  # None: could not be told (timeout, rate limit, server error)
    detail: str  # the evidence: "listed by ARM, model gpt-4o 2024-08-06", "the zero-token probe got 404 ..."
    variable: str | None = None  # the environment variable the code reads it from
    files: tuple[str, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()  # best first


@dataclass
class Report:
    endpoint: str  # the endpoint checked (normalised)
    base_url: str  # what the migrated code calls
    credential: str  # how the doctor authenticated, already redacted
    checks: list[Check] = field(default_factory=list)
    method: str | None = None  # how deployments were checked: "data-plane", "arm" or "probe"
    method_note: str = ""  # what that method did
    method_reason: str = ""  # why it was used when a preferred method gave no list
    deployments: list[Deployment] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(check.status == "fail" for check in self.checks)

    def add(self, *checks: Check) -> None:
        self.checks.extend(checks)
