"""What a run finds out about each file, and about the whole run: the data the runner hands to the commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from codemod.findings import Finding
from codemod.record import FileRecord

Status = Literal["unchanged", "changed", "skipped", "error"]


@dataclass
class FileOutcome:
    path: Path
    status: Status
    findings: list[Finding] = field(default_factory=list)
    original: bytes | None = None
    new: bytes | None = None
    old_text: str | None = None
    new_text: str | None = None
    error: str | None = None
    record: FileRecord = field(default_factory=FileRecord)  # what the file needs from the rest of the run
    cells: list[tuple[int, str, str]] | None = None  # notebooks: (cell number, old source, new source)
    # the api-version variables the file's code may still read (kind_run.mentioned_names), read where the file was
    # migrated; None: not read there
    version_names: frozenset[str] | None = None


@dataclass
class RunResult:
    outcomes: list[FileOutcome]
    project_findings: list[Finding] = field(default_factory=list)  # dependency pins, config files

    @property
    def findings(self) -> list[Finding]:
        return [f for o in self.outcomes for f in o.findings] + self.project_findings

    def sdk_needs(self) -> dict[str, str]:
        needs: dict[str, str] = {}
        for outcome in self.outcomes:
            needs.update(outcome.record.sdk_needs)
        return needs

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def unreadable(path: Path, message: str) -> FileOutcome:
    return error_outcome(path, str(path), message)


def error_outcome(path: Path, shown: str, message: str) -> FileOutcome:
    finding = Finding("AOAI000", message, 1, 1, level="error", path=shown)
    return FileOutcome(path, "error", [finding], error=message)


def original_text(outcome: FileOutcome) -> str | None:
    """The text the file had: kept with the outcome when the file changed or has findings, else decoded again from
    its bytes (a file with nothing to say comes back from a worker without its text: camel's 24 MB of candidates
    travelled back twice, as bytes and as text)."""
    if outcome.old_text is not None or outcome.original is None:
        return outcome.old_text
    from codemod.run.source import SourceError, decode

    try:
        return decode(outcome.original).text
    except SourceError:
        return None
