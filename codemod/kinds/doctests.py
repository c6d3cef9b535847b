"""Doctest sessions (`>>>` / `...` prompts) in a document, migrated as one program: doctest runs every example
of a file in one namespace, so a client built in one block is used in the next. The examples are joined
into one module the way a notebook's cells are (`codemod.notebook.cells`: markers between them, the imports
the engine adds put where they run before every use), migrated once, split back and given their prompts
again. Expected output lines are kept; an example that does not parse stays exactly as written."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from codemod.findings import Finding
from codemod.kinds.base import Migrate
from codemod.kinds.code_block import Block, could_hold_azure_openai, parses
from codemod.notebook.cells import NotebookError, join, relocate, split
from codemod.notebook.masking import Cell

_AWAIT = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


@dataclass(frozen=True)
class Example:
    block: Block
    first: int  # index in block.lines of its `>>>` line
    count: int  # its source lines (`>>>` and `...`)
    source: str  # prompts removed, line endings kept
    has_output: bool


def examples_of(block: Block) -> list[Example] | None:
    """The block's examples, or None when a prompt is malformed (`>>>x`): then it is not a doctest."""
    lines, found, index = block.code_lines, [], 0
    while index < len(lines):
        if not lines[index].startswith(">>>"):
            index += 1
            continue
        first, source = index, []
        while index < len(lines) and (index == first or lines[index].startswith("...")):
            text = _unprompted(lines[index])
            if text is None:
                return None
            source.append(text)
            index += 1
        output = index < len(lines) and lines[index].strip() != "" and not lines[index].startswith(">>>")
        found.append(Example(block, first, index - first, "".join(source), output))
    return found


def _unprompted(line: str) -> str | None:
    body = line.rstrip("\r\n")
    if len(body) > 3 and body[3] != " ":
        return None
    return body[4:] + line[len(body) :]


def migrate_session(blocks: Sequence[Block], migrate: Migrate) -> tuple[dict[int, list[str]], list[Finding]]:
    """New lines per changed block (by `Block.start`), and the findings on document lines (0-based `start`)."""
    examples: list[Example] = []
    for block in blocks:
        found = examples_of(block)
        examples += found or []
    if not examples or not could_hold_azure_openai("".join(e.source for e in examples)):
        return {}, []
    cells = [Cell(number, e.source, masked=e.source) for number, e in enumerate(examples, start=1)]
    for cell in cells:
        cell.skipped = cell.unparsed = not parses(cell.text)
    token = "_aoai_doctest_"
    while any(token in e.source for e in examples):
        token += "x"
    newline = "\r\n" if any("\r\n" in e.source for e in examples) else "\n"
    module, starts = join(cells, token, newline)
    import libcst as cst  # here, not at the top: a run that finds no session to migrate never loads LibCST

    try:
        result = migrate(module)
        new_sources = split(result.source, cells, token, newline)
    except (cst.ParserSyntaxError, NotebookError):
        return {}, []
    replaced = _prompted_blocks(examples, new_sources)
    if replaced is None:
        return {}, []
    findings = [_on_document(relocate(f, cells, starts), examples) for f in result.findings]
    return replaced, findings


def _prompted_blocks(examples: list[Example], new_sources: list[str]) -> dict[int, list[str]] | None:
    """Each block with a changed example, rebuilt: changed examples prompted again, all else as written."""
    changes: dict[Block, dict[int, Example | list[str]]] = {}
    for example, new in zip(examples, new_sources, strict=True):
        if new == example.source:
            continue
        if not new.strip() and example.has_output:
            return None  # the statement went away but doctest expects it to print something
        prompted = _prompts(new)
        if prompted is None:
            return None
        indent = example.block.indent
        changes.setdefault(example.block, {})[example.first] = [indent + line for line in prompted]
    rebuilt = {}
    for block, by_first in changes.items():
        lines, index = [], 0
        for first in sorted(by_first):
            example = next(e for e in examples if e.block is block and e.first == first)
            lines += block.lines[index:first] + tuple(by_first[first])
            index = first + example.count
        rebuilt[block.start] = lines + list(block.lines[index:])
    return rebuilt


def _prompts(source: str) -> list[str] | None:
    """`source` as doctest lines: `>>> ` where a statement starts, `... ` on the lines that continue it."""
    try:
        tree = compile(source, "<doctest>", "exec", _AWAIT, dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    starts = {1} | {min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))]) for s in tree.body}
    out = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        prompt = ">>>" if number in starts else "..."
        out.append(prompt + (" " + body if body else "") + line[len(body) :])
    return out


def _on_document(finding: Finding, examples: list[Example]) -> Finding:
    """A finding relocated to an example (`cell` = example number, line within it) moved to the document."""
    example = examples[(finding.cell or 1) - 1]
    offset = example.block.start + example.first  # 0-based document line of the example's first line
    shift = len(example.block.indent) + 4  # the prompt
    return dataclasses.replace(
        finding,
        line=finding.line + offset,
        column=finding.column + shift,
        end_line=finding.end_line + offset if finding.end_line is not None else None,
        end_column=finding.end_column + shift if finding.end_column is not None else None,
        cell=None,
        path="",
    )
