"""Migrate Jupyter notebooks: all code cells together as one module, IPython magics untouched, and the
file's bytes kept outside the `source` values that changed.

Entry points: `migrate_notebook(data, migrate) -> NotebookResult` and `diff_notebook(path, changes)`.

How: each code cell's `%`/`%%`/`!` lines (and `x = !cmd`, `obj?`) are masked as placeholder statements,
the cells are joined behind marker statements into one module (so a client built in one cell is followed
into the next), `migrate` runs once, the result is split at the markers and unmasked. Whatever the engine
adds at the top of the module (imports, helper definitions) goes into the cell holding the `openai`
import. Only the `source` values of changed cells are re-written, in place in the JSON text.

Cell numbers (`Finding.cell`, `NotebookResult.cell_changes`) are 1-based and count every cell, markdown
included, as editors number them; a finding's line is counted from the top of its cell.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from codemod.engine import MigrationResult
from codemod.findings import Finding


class NotebookError(Exception):
    """A notebook that cannot be migrated as it is; the message says why, as a sentence."""


@dataclass
class NotebookResult:
    data: bytes  # the new file; the very same bytes object when nothing changed
    findings: list[Finding]  # `cell` set, lines relative to the cell, `path` left to the caller
    deployments: dict[str, str] = field(default_factory=dict)
    env_reads: set[str] = field(default_factory=set)
    cell_changes: list[tuple[int, str, str]] = field(default_factory=list)  # (cell number, before, after)


# Cell magics whose body is Python; any other cell magic (%%bash, %%writefile, ...) leaves its cell alone.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

_MAGIC = re.compile(r"\s*(?:[%!]|[A-Za-z_][\w., ]*=\s*[%!])")  # %line, %%cell, !shell, x = !shell
_HELP = re.compile(r"\s*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")  # obj?  obj??  ?obj
_CELL_MAGIC = re.compile(r"\s*%%(\w+)")


@dataclass
class _Cell:
    number: int  # 1-based, every cell counted
    text: str  # the source as one string
    masked: str = ""  # what the engine sees
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder line -> original line
    skipped: bool = False  # left exactly as it is (non-Python cell magic, or does not parse)


def migrate_notebook(data: bytes, migrate: Callable[[str], MigrationResult]) -> NotebookResult:
    """Migrate every code cell of an nbformat 4 notebook with `migrate` (source text -> result)."""
    text, bom = _decode(data)
    notebook = _load(text)
    if not _is_python(notebook):
        return NotebookResult(data, [])
    cells = [
        _Cell(number, _joined(cell.get("source", "")))
        for number, cell in enumerate(notebook["cells"], start=1)
        if cell.get("cell_type") == "code"
    ]
    if not cells:
        return NotebookResult(data, [])
    token = _unique_token(c.text for c in cells)
    findings = [_prepare(cell, f"{token}m{cell.number}_") for cell in cells]
    newline = _newline(cells)
    module, starts = _join(cells, token, newline)
    result = migrate(module)
    findings = [f for f in findings if f is not None] + [_relocate(f, cells, starts) for f in result.findings]
    new_texts = _split(result.source, cells, token, newline)
    changes = [(c.number, c.text, new) for c, new in zip(cells, new_texts, strict=True) if new != c.text]
    out = NotebookResult(data, findings, dict(result.deployments), set(result.env_reads), changes)
    if changes:
        new_text = _rewrite_sources(text, {number: new for number, _, new in changes}, notebook)
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


def _joined(source: str | list[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def _unique_token(texts: Iterable[str]) -> str:
    texts = list(texts)
    token = "_aoai_nb_"
    while any(token in t for t in texts):
        token += "x"
    return token


# --- masking -------------------------------------------------------------------------------------------


def _prepare(cell: _Cell, prefix: str) -> Finding | None:
    """Mask the cell's IPython lines; skip it whole when it is not Python. A skip that needs a person
    (the cell does not parse) is returned as a finding."""
    lines = _lines(cell.text)
    first = next((line for line in lines if line.strip()), "")
    magic = _CELL_MAGIC.match(first)
    if magic and magic.group(1) not in PYTHON_CELL_MAGICS:
        cell.skipped = True
        return None
    masked = _mask_lines(lines, prefix, cell.placeholders)
    try:
        _parse(masked)
    except (SyntaxError, ValueError) as exc:
        cell.skipped, cell.placeholders = True, {}
        line = getattr(exc, "lineno", None) or 1
        message = f"This cell does not parse as Python ({getattr(exc, 'msg', exc)}); it was left unchanged."
        return Finding(
            "AOAI000",
            message,
            line,
            max(getattr(exc, "offset", None) or 1, 1),
            level="error",
            cell=cell.number,
        )
    cell.masked = masked
    return None


def _parse(source: str) -> ast.Module:
    """Parse like IPython does: top-level `await` is allowed in a cell."""
    return compile(source, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def _mask_lines(lines: list[str], prefix: str, placeholders: dict[str, str]) -> str:
    """Replace each IPython line at the start of a logical line by `<indent><prefix><n>`."""
    out, depth, quote, continued, magic_indent = [], 0, "", False, None
    for line in lines:
        if magic_indent is not None or (depth == 0 and not quote and not continued and _is_ipython(line)):
            if magic_indent is None:
                magic_indent = line[: len(line) - len(line.lstrip(" \t"))]
            name = f"{prefix}{len(placeholders)}"
            placeholders[name] = line
            out.append(magic_indent + name + line[len(line.rstrip("\r\n")) :])
            if not line.rstrip("\r\n").endswith("\\"):  # a shell line continued with a backslash
                magic_indent = None
            continue
        depth, quote, continued = _scan(line, depth, quote)
        out.append(line)
    return "".join(out)


def _is_ipython(line: str) -> bool:
    return bool(_MAGIC.match(line) or _HELP.match(line))


def _scan(line: str, depth: int, quote: str) -> tuple[int, str, bool]:
    """Bracket depth, open string quote and backslash continuation after `line` (enough of Python's
    tokenizer to know whether the next line starts a logical line)."""
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i, quote = i + len(quote), ""
                continue
        elif ch == "#":
            return depth, quote, False
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(depth - 1, 0)
        elif ch in "'\"":
            quote = line[i : i + 3] if line.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        i += 1
    continued = line.rstrip("\r\n").endswith("\\")
    if len(quote) == 1 and not continued:
        quote = ""  # an unterminated one-line string: let the parser report it
    return depth, quote, continued and not quote


# --- one module for all cells ------------------------------------------------------------------------


def _newline(cells: list[_Cell]) -> str:
    """The line ending of the first cell with a line break, so lines the engine adds match it."""
    text = next((c.text for c in cells if "\n" in c.text), "")
    return "\r\n" if "\r\n" in text else "\n"


def _join(cells: list[_Cell], token: str, newline: str) -> tuple[str, list[int]]:
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


def _relocate(finding: Finding, cells: list[_Cell], starts: list[int]) -> Finding:
    index = max(bisect.bisect_right(starts, finding.line) - 1, 0)
    offset = starts[index] - 1
    end_line = finding.end_line - offset if finding.end_line is not None else None
    return dataclasses.replace(finding, line=finding.line - offset, end_line=end_line, cell=cells[index].number)


def _split(module: str, cells: list[_Cell], token: str, newline: str) -> list[str]:
    """Each cell's new text: cut at the markers, unmasked, with the module prelude moved into place."""
    lines = _lines(module)
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


def _insert_prelude(bodies: list[list[str]], cells: list[_Cell], prelude: list[str], newline: str) -> None:
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
        body = _parse("".join(prelude)).body
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
            found.update(*(_bindings(stmt) for stmt in _parse(source).body))
        except (SyntaxError, ValueError):
            continue
    return found


def _after_openai_import(source: str) -> int | None:
    """Line count up to the end of the import block holding the first top-level openai import."""
    try:
        body = _parse(source).body
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


def _placeholder(line: str, cell: _Cell) -> bool:
    return line.strip() in cell.placeholders


def _restore(cell: _Cell, body: list[str], newline: str) -> str:
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


# --- writing the JSON back ---------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _rewrite_sources(text: str, new_sources: dict[int, str], notebook: dict) -> str:
    """Replace, in the JSON text itself, the `source` values of the cells in `new_sources` (by number),
    keeping each value's form (list of lines or one string) and layout; every other byte stays."""
    ascii_only = _escapes_non_ascii(text)
    top = _members(text, _skip(text, 0))
    cells = _items(text, top["cells"][0])
    edits = []
    for number, new in new_sources.items():
        start, end = _members(text, cells[number - 1][0])["source"]
        if isinstance(notebook["cells"][number - 1]["source"], str):
            edits.append((start, end, json.dumps(new, ensure_ascii=ascii_only)))
        else:
            edits.append((start, end, _line_list(text, start, end, new, ascii_only)))
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    return text


def _line_list(text: str, start: int, end: int, new: str, ascii_only: bool) -> str:
    """`new` as a JSON list of lines laid out like the list at text[start:end]; unchanged lines keep
    their original JSON spelling."""
    items = _items(text, start)
    if not new:
        return "[]"
    if items:
        opening, closing = text[start + 1 : items[0][0]], text[items[-1][1] : end - 1]
    else:
        indent = _line_indent(text, start)
        opening, closing = "\n" + indent + _indent_unit(text), "\n" + indent
    if len(items) > 1:
        separator = text[items[0][1] : items[1][0]]
    else:
        separator = "," + opening if "\n" in opening else ", "
    spelled = {json.loads(text[a:b]): text[a:b] for a, b in items}
    lines = [spelled.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in _lines(new)]
    return "[" + opening + separator.join(lines) + closing + "]"


def _escapes_non_ascii(text: str) -> bool:
    """Whether the file was written with `ensure_ascii` (non-ASCII as \\u escapes, never raw)."""
    if not text.isascii():
        return False
    return any(int(code, 16) > 127 for code in re.findall(r"(?<!\\)(?:\\\\)*\\u([0-9a-fA-F]{4})", text))


def _line_indent(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    line = text[line_start:position]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _indent_unit(text: str) -> str:
    """The file's indent step: the indentation of its first key (nbformat writes 1 space)."""
    match = re.match(r"\s*\{[ \t]*\r?\n([ \t]+)", text)
    return match.group(1) if match else " "


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _members(text: str, i: int) -> dict[str, tuple[int, int]]:
    """Spans of the values of the JSON object that starts at text[i] (last key wins, as in json.loads)."""
    spans: dict[str, tuple[int, int]] = {}
    i = _skip(text, i + 1)
    while text[i] != "}":
        key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
        start = _skip(text, _skip(text, i) + 1)
        end = _DECODER.raw_decode(text, start)[1]
        spans[key] = (start, end)
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return spans


def _items(text: str, i: int) -> list[tuple[int, int]]:
    """Spans of the items of the JSON array that starts at text[i]."""
    spans = []
    i = _skip(text, i + 1)
    while text[i] != "]":
        end = _DECODER.raw_decode(text, i)[1]
        spans.append((i, end))
        i = _skip(text, end)
        if text[i] == ",":
            i = _skip(text, i + 1)
    return spans


def _lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as notebooks and nbformat store them)."""
    return re.findall(r"[^\n]*\n|[^\n]+", text)


# --- showing the change ------------------------------------------------------------------------------


def diff_notebook(path: str, changes: Sequence[tuple[int, str, str]]) -> str:
    """A unified diff of the changed cells; file headers and hunk headers name the cell."""
    out = []
    for number, before, after in changes:
        label = f"(cell {number})"
        diff = difflib.unified_diff(_lines(before), _lines(after), f"a/{path} {label}", f"b/{path} {label}")
        for line in diff:
            if line.startswith("@@"):
                line = line.rstrip("\n") + f" {label}\n"
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def code_cells(data: bytes) -> dict[int, str]:
    """The source of each code cell by cell number (for showing findings with their source line)."""
    notebook = _load(_decode(data)[0])
    return {
        number: _joined(cell.get("source", ""))
        for number, cell in enumerate(notebook["cells"], start=1)
        if cell.get("cell_type") == "code"
    }
