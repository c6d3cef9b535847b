"""Re-write the `source` values of changed cells in place in the notebook's JSON text, keeping each value's
form (list of lines or one string) and layout, and every other byte of the file."""

from __future__ import annotations

import json
import re

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def rewrite_sources(text: str, new_sources: dict[int, str], notebook: dict) -> str:
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
    lines = [spelled.get(line) or json.dumps(line, ensure_ascii=ascii_only) for line in split_lines(new)]
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


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on "\\n" only (as notebooks and nbformat store them)."""
    return re.findall(r"[^\n]*\n|[^\n]+", text)
