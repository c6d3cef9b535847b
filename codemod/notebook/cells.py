"""All code cells as one module: joined behind marker statements, then split back at them and unmasked; what
the engine adds at the top of the module (imports, helper definitions) goes where it runs before every use
(`placement`)."""

from __future__ import annotations

import bisect
import dataclasses

from codemod.findings import Finding
from codemod.notebook.json_text import split_lines
from codemod.notebook.masking import Cell
from codemod.notebook.placement import PlacementError, insert_prelude


class NotebookError(Exception):
    """A notebook that cannot be migrated as it is; the message says why, as a sentence."""


def join(cells: list[Cell], token: str, newline: str) -> tuple[str, list[int]]:
    """The module text, and the 1-based module line on which each cell's first line sits."""
    parts, starts, line = [], [], 1
    for cell in cells:
        body = "" if cell.skipped else cell.masked
        if body and not body.endswith("\n"):
            body += newline
        parts.append(f"{token}c{cell.number}{newline}{body}")
        starts.append(line + 1)
        line += 1 + body.count("\n")
    return "".join(parts), starts


def relocate(finding: Finding, cells: list[Cell], starts: list[int]) -> Finding:
    index = max(bisect.bisect_right(starts, finding.line) - 1, 0)
    offset = starts[index] - 1
    end_line = finding.end_line - offset if finding.end_line is not None else None
    return dataclasses.replace(finding, line=finding.line - offset, end_line=end_line, cell=cells[index].number)


def split(module: str, cells: list[Cell], token: str, newline: str) -> list[str]:
    """Each cell's new text: cut at the markers, unmasked, with the module prelude moved into place."""
    lines = split_lines(module)
    positions = [i for i, line in enumerate(lines) if line.startswith(token + "c")]
    expected = [f"{token}c{c.number}{newline}" for c in cells]
    if [lines[i] for i in positions] != expected:
        raise NotebookError("the rewrite lost the notebook's cell boundaries; the notebook was left unchanged")
    bodies = [lines[a + 1 : b] for a, b in zip(positions, [*positions[1:], len(lines)], strict=True)]
    prelude = _trim_blank(lines[: positions[0]])
    if prelude:
        try:
            insert_prelude(bodies, cells, prelude, newline)
        except PlacementError as exc:
            raise NotebookError(str(exc)) from exc
    return [_restore(cell, body, newline) for cell, body in zip(cells, bodies, strict=True)]


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _restore(cell: Cell, body: list[str], newline: str) -> str:
    if cell.skipped:
        return cell.text
    restored, seen = [], 0
    for line in body:
        original = cell.placeholders.get(line.strip())
        if original is not None:
            seen += 1
            line = original if original.endswith("\n") else original + line[len(line.rstrip("\r\n")) :]
        restored.append(line)
    if seen != len(cell.placeholders):
        raise NotebookError(f"the rewrite lost IPython lines of cell {cell.number}; the notebook was left unchanged")
    text = "".join(restored)
    if not cell.text.endswith("\n") and text.endswith(newline):
        text = text[: -len(newline)]  # the line break the join added
    return text
