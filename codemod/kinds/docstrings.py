"""Doctest examples (`>>>`) in the docstrings of a Python module, migrated like those of a document
(`doctests`): one session per docstring, as doctest runs each docstring on its own; prompts, expected output
and every other byte of the module kept. Meant to run on the engine's output for a `.py` file: the engine
rewrites code, this pass the code shown in docstrings.

Only docstrings whose source text is their value are edited (no backslash escapes, or a raw string), and
only when the new text needs no escaping either (no backslash, no closing quotes): anything else is left
as written. Fixtures: fixtures/kinds/docstrings/."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import PurePath

from codemod.findings import Finding
from codemod.kinds.base import KindResult, RunFacts
from codemod.kinds.code_block import could_hold_azure_openai
from codemod.kinds.doctests import migrate_session
from codemod.kinds.rest_blocks import rest_blocks

_NEWLINE = re.compile(r"\r\n|\r|\n")
_DEFINITIONS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if facts.migrate is None or ">>>" not in text or not could_hold_azure_openai(text):
        return KindResult(text)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return KindResult(text)  # the engine reports modules that do not parse
    starts = _line_starts(text)
    edits: list[tuple[int, int, str]] = []
    findings: list[Finding] = []
    for node in _docstrings(tree):
        start = starts[node.lineno - 1] + _chars(text, starts[node.lineno - 1], node.col_offset)
        end = starts[node.end_lineno - 1] + _chars(text, starts[node.end_lineno - 1], node.end_col_offset)
        body = _body(text[start:end], node.value)
        if body is None:
            continue
        offset, content, quote = body
        new_content, found = _migrated(content, facts)
        findings += [dataclasses.replace(f, line=f.line + node.lineno - 1) for f in found]
        if new_content != content and _writable(new_content, quote):
            edits.append((start + offset, start + offset + len(content), new_content))
    for begin, finish, new in sorted(edits, reverse=True):
        text = text[:begin] + new + text[finish:]
    return KindResult(text, sorted(findings, key=Finding.sort_key))


def _docstrings(tree: ast.Module) -> list[ast.Constant]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, _DEFINITIONS) and node.body and isinstance(node.body[0], ast.Expr):
            value = node.body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str) and ">>>" in value.value:
                found.append(value)
    return found


def _body(literal: str, value: str) -> tuple[int, str, str] | None:
    """(offset of the content in the literal, the content, the quotes) when the content is the value as
    written: no escapes, no implicit concatenation."""
    prefix = len(literal) - len(literal.lstrip("rRuU"))
    quote = literal[prefix : prefix + 3] if literal[prefix : prefix + 3] in ('"""', "'''") else literal[prefix]
    content = literal[prefix + len(quote) : len(literal) - len(quote)]
    if _universal(content) != value or ("\\" in content and literal[:prefix].lower() != "r"):
        return None
    return prefix + len(quote), content, quote


def _universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _migrated(content: str, facts: RunFacts) -> tuple[str, list[Finding]]:
    assert facts.migrate is not None
    lines = content.splitlines(keepends=True)
    blocks = [b for b in rest_blocks(lines) if b.doctest]
    replaced, findings = migrate_session(blocks, facts.migrate)
    lengths = {block.start: len(block.lines) for block in blocks}
    for start in sorted(replaced, reverse=True):
        lines[start : start + lengths[start]] = replaced[start]
    return "".join(lines), findings


def _writable(content: str, quote: str) -> bool:
    """The new content means what it says inside the same quotes."""
    return "\\" not in content and quote not in content and not content.endswith(quote[0])


def _line_starts(text: str) -> list[int]:
    """Where each line starts, counting lines as Python's tokenizer does (`\\n`, `\\r\\n`, `\\r`)."""
    return [0] + [match.end() for match in _NEWLINE.finditer(text)]


def _chars(text: str, line_start: int, byte_offset: int) -> int:
    """ast's column (UTF-8 bytes) as characters from the line's start."""
    line = text[line_start : line_start + byte_offset]  # at least as many characters as needed
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

