"""Documentation: the Python code blocks of Markdown (`.md`, `.markdown`) and reStructuredText (`.rst`, `.txt`)
files migrated by the engine, with the text around them, their indentation and every unchanged line kept
byte for byte (as blacken-docs does for formatting).

- Each code block is migrated on its own, as a reader copies it: it keeps its own imports.
- Doctest sessions (`>>>`) are migrated together, as doctest runs a file's examples in one namespace
  (`doctests`), prompts and expected output kept.
- A block that does not parse is left alone without a finding: documentation holds fragments.
- A block that builds `AzureOpenAI(...)` without importing it (a snippet that leaves its imports to the reader)
  cannot be resolved to the openai package: it is reported (AOAI101) with the v1 form, not passed by.
- Findings point at the document's lines and columns.
- `<!-- aoai-migrate: off -->` / `<!-- aoai-migrate: on -->` (Markdown) and `.. aoai-migrate: off` /
  `.. aoai-migrate: on` (reST) leave the blocks between them alone, like blacken-docs' switches: a guide
  that shows the dated API on purpose keeps it.

Fixtures: fixtures/kinds/docs/."""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath

from codemod.findings import Finding
from codemod.kinds.base import KindResult, Migrate, RunFacts
from codemod.kinds.code_block import Block, could_hold_azure_openai, parses, reindented
from codemod.kinds.doctests import migrate_session
from codemod.kinds.markdown_blocks import markdown_blocks
from codemod.kinds.rest_blocks import rest_blocks

_MARKDOWN = (".md", ".markdown")
_SWITCH_TEXT = "aoai-migrate:"
_SWITCH = re.compile(r"^\s*(?:<!--|\.\.)\s*aoai-migrate:\s*(off|on)\b", re.IGNORECASE)


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if facts.migrate is None or not could_hold_azure_openai(text):
        return KindResult(text)
    lines = text.splitlines(keepends=True)
    blocks = markdown_blocks(lines) if path.suffix.lower() in _MARKDOWN else rest_blocks(lines)
    if _SWITCH_TEXT in text.lower():
        off = _switched_off(lines)
        blocks = [block for block in blocks if not off[block.start]]
    replaced: dict[int, list[str]] = {}
    findings: list[Finding] = []
    # a page that imports an AzureOpenAI of another library (LlamaIndex's, LangChain's) in one block may use it bare
    # in another: bare constructors are then not reported
    others = _OTHER_IMPORT.search(text) is not None
    for block in blocks:
        if not block.doctest:
            new_lines, found = _migrate_block(block, facts.migrate, others)
            findings += found
            if new_lines is not None:
                replaced[block.start] = new_lines
    session, found = migrate_session([b for b in blocks if b.doctest], facts.migrate)
    replaced.update(session)
    findings += found
    lengths = {block.start: len(block.lines) for block in blocks}
    for start in sorted(replaced, reverse=True):
        lines[start : start + lengths[start]] = replaced[start]
    return KindResult("".join(lines), sorted(findings, key=Finding.sort_key))


def _switched_off(lines: list[str]) -> list[bool]:
    """For each line, whether the last switch above it is `aoai-migrate: off` (a "before" example, a guide that
    shows the dated API on purpose): `<!-- aoai-migrate: off -->` in Markdown, `.. aoai-migrate: off` in rST."""
    off, state = [], False
    for line in lines:
        off.append(state)
        switch = _SWITCH.search(line)
        if switch is not None:
            state = switch.group(1).lower() == "off"
    return off


def _migrate_block(block: Block, migrate: Migrate, others: bool = False) -> tuple[list[str] | None, list[Finding]]:
    """The block's new lines (None: unchanged) and its findings on document lines."""
    if not could_hold_azure_openai("".join(block.lines)):  # the lines as written: a word is never cut by indentation
        return None, []  # the engine leaves a block CPython cannot parse alone, and parses only what may hold a rule
    code = block.code
    import libcst as cst  # here, not at the top: a run that finds no document to migrate never loads LibCST

    try:
        result = migrate(code)
    except cst.ParserSyntaxError:
        return None, []  # Python's parser accepts it, LibCST's does not: a fragment all the same
    findings = [_on_document(f, block) for f in result.findings]
    if result.source == code and not findings and not others:
        findings = [_on_document(f, block) for f in _unimported_clients(code)]
    return (reindented(block, result.source) if result.source != code else None), findings


# `AzureOpenAI(` called in a block that imports no such name: a snippet that leaves its imports to the reader
_BARE_CLIENT = re.compile(r"(?<![\w.])(Async)?AzureOpenAI\s*\(")
_IMPORTED = re.compile(r"^\s*(?:from\s+\S+\s+)?import\b[^\n]*\bAzureOpenAI\b", re.MULTILINE)
_OTHER_IMPORT = re.compile(r"from\s+(?!openai\b)[\w.]+\s+import\b[^\n]*\bAzureOpenAI\b")


def _unimported_clients(code: str) -> list[Finding]:
    """A client built from `AzureOpenAI(...)` in a block that does not import it: the tool cannot tell it is the
    openai package's (a reader's copy imports it from there, usually), so it says so instead of passing it by."""
    if _IMPORTED.search(code) or not parses(code):
        return []  # a fragment that does not parse is left without a finding, as the engine leaves it
    found = []
    for match in _BARE_CLIENT.finditer(code):
        line = code.count("\n", 0, match.start()) + 1
        column = match.start() - (code.rfind("\n", 0, match.start()) + 1) + 1
        cls = f"{match.group(1) or ''}AzureOpenAI"
        found.append(Finding(
            "AOAI101", f"{cls}(...) is built in this code block without an import, so the tool cannot tell it is the "
            f"openai package's and leaves it as it is. If it is, show the v1 form: {cls.replace('Azure', '', 1)}"
            f"(base_url=<endpoint>/openai/v1/, api_key=<key or token provider>) without api_version, and the "
            "deployment as model= (or import it in the block and run the tool again).", line, column))
    return found


def _on_document(finding: Finding, block: Block) -> Finding:
    shift = len(block.indent)
    return dataclasses.replace(
        finding,
        line=finding.line + block.start,
        column=finding.column + shift,
        end_line=finding.end_line + block.start if finding.end_line is not None else None,
        end_column=finding.end_column + shift if finding.end_column is not None else None,
        path="",
    )


