"""Mask a code cell's `%`/`%%`/`!` lines (and `x = !cmd`, `obj?`) as placeholder statements so the engine sees
Python; a cell under a non-Python cell magic, or one that does not parse, is skipped whole."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from codemod.findings import Finding
from codemod.notebook.json_text import split_lines

# Cell magics whose body is Python; any other cell magic (%%bash, %%writefile, ...) leaves its cell alone.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

_MAGIC = re.compile(r"\s*(?:[%!]|[A-Za-z_][\w., ]*=\s*[%!])")  # %line, %%cell, !shell, x = !shell
_HELP = re.compile(r"\s*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})\s*$")  # obj?  obj??  ?obj
_CELL_MAGIC = re.compile(r"\s*%%(\w+)")


@dataclass
class Cell:
    number: int  # 1-based, every cell counted
    text: str  # the source as one string
    masked: str = ""  # what the engine sees
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder line -> original line
    skipped: bool = False  # left exactly as it is (non-Python cell magic, or does not parse)
    unparsed: bool = False  # skipped because it does not parse: Python the engine cannot see


def prepare(cell: Cell, prefix: str) -> Finding | None:
    """Mask the cell's IPython lines; skip it whole when it is not Python. A skip that needs a person
    (the cell does not parse) is returned as a finding."""
    lines = split_lines(cell.text)
    first = next((line for line in lines if line.strip()), "")
    magic = _CELL_MAGIC.match(first)
    if magic and magic.group(1) not in PYTHON_CELL_MAGICS:
        cell.skipped = True
        if magic.group(1) in ("writefile", "file") and "openai" in cell.text.lower():
            return Finding(
                "AOAI101",
                f"this cell writes its Python to a file (%%{magic.group(1)}) instead of running it, so the tool "
                "leaves it as it is; run aoai-migrate on the written file, or migrate the cell by hand.",
                1,
                1,
                cell=cell.number,
            )
        return None
    masked = _mask_lines(lines, prefix, cell.placeholders)
    try:
        parse(masked)
    except (SyntaxError, ValueError) as exc:
        cell.skipped, cell.unparsed, cell.placeholders = True, True, {}
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


def parse(source: str) -> ast.Module:
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
