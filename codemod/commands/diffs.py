"""Unified diffs of a run's changes (per cell for notebooks), with credentials masked, coloured on request."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from codemod.run.runner import FileOutcome


def unified_diff(outcome: FileOutcome, name: str) -> str:
    """The file's diff, with credential-looking literals masked (keys are never printed, diffs included)."""
    from codemod.advisor.credentials import mask_secrets

    return mask_secrets(_raw_diff(outcome, name))


def _raw_diff(outcome: FileOutcome, name: str) -> str:
    if outcome.cells is not None:
        from codemod.notebook import diff_notebook

        return diff_notebook(name, outcome.cells)
    assert outcome.old_text is not None and outcome.new_text is not None
    return _diff_text(outcome.old_text, outcome.new_text, f"a/{name}", f"b/{name}")


def _diff_text(old: str, new: str, before: str, after: str) -> str:
    lines = []
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), before, after):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def colour(diff: str) -> str:
    out = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(click.style(line, bold=True))
        elif line.startswith("+"):
            out.append(click.style(line, fg="green"))
        elif line.startswith("-"):
            out.append(click.style(line, fg="red"))
        elif line.startswith("@@"):
            out.append(click.style(line, fg="cyan"))
        else:
            out.append(line)
    return "".join(out)
