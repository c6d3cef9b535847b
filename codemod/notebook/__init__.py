"""Migrate Jupyter notebooks: all code cells together as one module, IPython magics untouched, and the
file's bytes kept outside the `source` values that changed.

Entry points: `migrate_notebook(data, migrate) -> NotebookResult` and `diff_notebook(path, changes)`.

How: each code cell's `%`/`%%`/`!` lines (and `x = !cmd`, `obj?`) are masked as placeholder statements
(`masking`), the cells are joined behind marker statements into one module (so a client built in one cell is
followed into the next), `migrate` runs once, the result is split at the markers and unmasked (`cells`).
Only the `source` values of changed cells are re-written, in place in the JSON text (`json_text`).

Cell numbers (`Finding.cell`, `NotebookResult.cell_changes`) are 1-based and count every cell, markdown
included, as editors number them; a finding's line is counted from the top of its cell.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from codemod.findings import Finding
from codemod.notebook.cells import NotebookError, join, relocate, split
from codemod.notebook.json_text import rewrite_sources, split_lines
from codemod.notebook.masking import PYTHON_CELL_MAGICS, Cell, is_python_cell, prepare
from codemod.record import FileRecord, MigrationResult

__all__ = ["PYTHON_CELL_MAGICS", "NotebookError", "NotebookResult", "code_cells", "diff_notebook", "migrate_notebook"]


@dataclass
class NotebookResult:
    data: bytes  # the new file; the very same bytes object when nothing changed
    findings: list[Finding]  # `cell` set, lines relative to the cell, `path` left to the caller
    record: FileRecord = field(default_factory=FileRecord)  # what the cells' code needs from the rest of the run
    cell_changes: list[tuple[int, str, str]] = field(default_factory=list)  # (cell number, before, after)
    code: str | None = None  # an unchanged notebook's code cells, joined by new lines, as `code_cells` reads them


def migrate_notebook(
    data: bytes, migrate: Callable[[str, str], MigrationResult], wanted: Callable[[str], bool] = lambda _: True
) -> NotebookResult:
    """Migrate every code cell of an nbformat 4 notebook with `migrate` (source text, hidden code -> result).
    The hidden code is what runs in the kernel but the engine cannot see: the masked magic lines and the
    cells that do not parse, so that a client or class used only there counts as out of sight.

    `wanted` sees the code cells' text as written (and the marker the cells will be joined with): when it says
    no, the notebook is left as it is before its cells are masked and parsed (the syntax filter's look at the
    words: a notebook that shows nothing a rule needs costs no parse, and a cell of it that is not Python is
    not reported, as a module that shows nothing a rule needs is not)."""
    text, bom = _decode(data)
    notebook = _load(text)
    if not _is_python(notebook):
        return NotebookResult(data, [])
    cells = [
        Cell(number, text, other_language=not is_python_cell(metadata))
        for number, text, metadata in _code_sources(notebook)
    ]
    if not cells:
        return NotebookResult(data, [])
    token = _unique_token(c.text for c in cells)
    code = "\n".join(c.text for c in cells)
    if not wanted("\n".join([token, *(c.text for c in cells if not c.other_language)])):
        return NotebookResult(data, [], code=code)
    findings = [prepare(cell, f"{token}m{cell.number}_") for cell in cells]
    newline = _newline(cells)
    module, starts = join(cells, token, newline)
    hidden = "".join([c.text for c in cells if c.unparsed] + [line for c in cells for line in c.hidden_lines()])
    result = migrate(module, hidden)
    findings = [f for f in findings if f is not None] + [relocate(f, cells, starts) for f in result.findings]
    new_texts = split(result.source, cells, token, newline)
    changes = [(c.number, c.text, new) for c, new in zip(cells, new_texts, strict=True) if new != c.text]
    out = NotebookResult(data, findings, result.record, changes, code=None if changes else code)
    if changes:
        new_text = rewrite_sources(text, {number: new for number, _, new in changes}, notebook)
        out.data = bom + new_text.encode("utf-8")
    return out


def _decode(data: bytes) -> tuple[str, bytes]:
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        return data[len(bom) :].decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        raise NotebookError(f"the notebook is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _load(text: str) -> dict:
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(f"the notebook is not valid JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        version = notebook.get("nbformat") if isinstance(notebook, dict) else None
        hint = "; open and save it in Jupyter to upgrade it to nbformat 4" if version in (1, 2, 3) else ""
        raise NotebookError(f"the file has no list of cells (nbformat {version}){hint}")
    return notebook


def _is_python(notebook: dict) -> bool:
    meta = notebook.get("metadata") or {}
    language = (meta.get("language_info") or {}).get("name") or (meta.get("kernelspec") or {}).get("language")
    return not isinstance(language, str) or language.lower() in ("python", "python3", "ipython")


def _code_sources(notebook: dict) -> list[tuple[int, str, object]]:
    """(cell number, source, metadata) of each code cell; a cell that breaks the notebook format is a NotebookError."""
    found = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {number} is not a JSON object, as the notebook format needs; open and "
                                "save the notebook in Jupyter to repair it")
        if cell.get("cell_type") == "code":
            found.append((number, _joined(cell.get("source", ""), number), cell.get("metadata")))
    return found


def _joined(source: object, number: int) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError(f"the source of cell {number} is neither a string nor a list of strings, as the notebook "
                        "format needs; open and save the notebook in Jupyter to repair it")


def _unique_token(texts: Iterable[str]) -> str:
    texts = list(texts)
    token = "_aoai_nb_"
    while any(token in t for t in texts):
        token += "x"
    return token


def _newline(cells: list[Cell]) -> str:
    """The line ending of the first cell with a line break, so lines the engine adds match it."""
    text = next((c.text for c in cells if "\n" in c.text), "")
    return "\r\n" if "\r\n" in text else "\n"


# --- showing the change ------------------------------------------------------------------------------


def diff_notebook(path: str, changes: Sequence[tuple[int, str, str]]) -> str:
    """A unified diff of the changed cells; file headers and hunk headers name the cell."""
    out = []
    for number, before, after in changes:
        label = f"(cell {number})"
        diff = difflib.unified_diff(split_lines(before), split_lines(after), f"a/{path} {label}", f"b/{path} {label}")
        for line in diff:
            if line.startswith("@@"):
                line = line.rstrip("\n") + f" {label}\n"
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def code_cells(data: bytes) -> dict[int, str]:
    """The source of each code cell by cell number (for showing findings with their source line)."""
    return {number: text for number, text, _ in _code_sources(_load(_decode(data)[0]))}
