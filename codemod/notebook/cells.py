"""All code cells as one module: joined behind marker statements, then split back at them and unmasked; what
the engine adds at the top of the module (imports, helper definitions) goes into the cell with the `openai` import."""

from __future__ import annotations

import ast
import bisect
import dataclasses
from collections.abc import Iterable

from codemod.findings import Finding
from codemod.notebook.json_text import split_lines
from codemod.notebook.masking import Cell, parse


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
        _insert_prelude(bodies, cells, prelude, newline)
    return [_restore(cell, body, newline) for cell, body in zip(cells, bodies, strict=True)]


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _insert_prelude(bodies: list[list[str]], cells: list[Cell], prelude: list[str], newline: str) -> None:
    """Put what the engine added at the top of the module into the cell with the `openai` import, after
    that import's block (or, without one, after the first code cell's leading magics). An added import
    that this cell or an earlier one already has is dropped: the engine only looks above the first
    statement, and here that is a cell marker."""
    candidates = [i for i, cell in enumerate(cells) if not cell.skipped]
    if not candidates:
        raise NotebookError("the rewrite added code but the notebook has no Python cell to hold it")
    for i in candidates:
        after = _after_openai_import("".join(bodies[i]))
        if after is not None:
            break
    else:
        i, after = candidates[0], 0
        while after < len(bodies[i]) and (not bodies[i][after].strip() or _placeholder(bodies[i][after], cells[i])):
            after += 1
    existing = _top_level_imports("".join(body) for body in bodies[: i + 1])
    chunk = _spaced(prelude, bodies[i][after:], existing, newline)
    if chunk and after > 0 and not bodies[i][after - 1].endswith("\n"):
        bodies[i][after - 1] += newline
    bodies[i][after:after] = chunk


def _spaced(prelude: list[str], following: list[str], existing: set[_Binding], newline: str) -> list[str]:
    """Added imports (less those in `existing`) go in as they are; added definitions get PEP 8's two
    blank lines around them."""
    try:
        body = parse("".join(prelude)).body
    except (SyntaxError, ValueError):
        body = []
    imports, end = [], 0
    for stmt in body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            break
        if not _bindings(stmt) <= existing:
            imports += prelude[stmt.lineno - 1 : stmt.end_lineno]
        end = stmt.end_lineno or end
    definitions = _trim_blank(prelude[end:])
    if not definitions:
        return imports
    blank = next((n for n, line in enumerate(following) if line.strip()), None)
    trailing = [] if blank is None else [newline] * max(0, 2 - blank)
    return [*imports, newline, newline, *definitions, *trailing]


_Binding = tuple[str | None, str, str | None]  # (from module or None, name, as-name)


def _bindings(stmt: ast.stmt) -> set[_Binding]:
    if isinstance(stmt, ast.Import):
        return {(None, alias.name, alias.asname) for alias in stmt.names}
    if isinstance(stmt, ast.ImportFrom) and stmt.level == 0:
        return {(stmt.module, alias.name, alias.asname) for alias in stmt.names}
    return set()


def _top_level_imports(sources: Iterable[str]) -> set[_Binding]:
    found: set[_Binding] = set()
    for source in sources:
        try:
            found.update(*(_bindings(stmt) for stmt in parse(source).body))
        except (SyntaxError, ValueError):
            continue
    return found


def _after_openai_import(source: str) -> int | None:
    """Line count up to the end of the import block holding the first top-level openai import."""
    try:
        body = parse(source).body
    except (SyntaxError, ValueError):
        return None
    for index, stmt in enumerate(body):
        if _imports_openai(stmt):
            while index + 1 < len(body) and isinstance(body[index + 1], (ast.Import, ast.ImportFrom)):
                index += 1
            return body[index].end_lineno
    return None


def _imports_openai(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.ImportFrom):
        return stmt.level == 0 and (stmt.module or "").split(".")[0] == "openai"
    return isinstance(stmt, ast.Import) and any(a.name.split(".")[0] == "openai" for a in stmt.names)


def _placeholder(line: str, cell: Cell) -> bool:
    return line.strip() in cell.placeholders


def _restore(cell: Cell, body: list[str], newline: str) -> str:
    if cell.skipped:
        return cell.text
    restored, seen = [], 0
    for line in body:
        original = cell.placeholders.get(line.strip())
        if original is not None:
            seen += 1
            line = original if original.endswith("\n") else original + line[len(line.rstrip("\n")) :]
        restored.append(line)
    if seen != len(cell.placeholders):
        raise NotebookError(f"the rewrite lost IPython lines of cell {cell.number}; the notebook was left unchanged")
    text = "".join(restored)
    if not cell.text.endswith("\n") and text.endswith(newline):
        text = text[: -len(newline)]  # the line break the join added
    return text
