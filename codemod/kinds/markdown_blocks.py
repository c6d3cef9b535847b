"""Python code blocks in Markdown: fenced blocks (```` ``` ```` or `~~~`, CommonMark) whose info string names
Python (`python`, `py`, `python3`, `{python}`, `python title="x.py"`), and `pycon` sessions. A block whose
first line starts with `>>>` is a doctest session. Fences nested inside another fence (a Markdown example in
a ```` ```markdown ```` block) are text, not blocks; an unclosed fence is left alone."""

from __future__ import annotations

import re

from codemod.kinds.code_block import Block

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\r\n]*?)[ \t]*\r?\n?$")
_PYTHON = frozenset({"python", "py", "python3", "py3"})
_SESSION = frozenset({"pycon", "python-console", "pycon3"})


def markdown_blocks(lines: list[str]) -> list[Block]:
    """The Python blocks among `lines` (line endings included)."""
    # Every fence, opening or closing, holds three backticks or tildes: only those lines are looked at.
    fences = [i for i, line in enumerate(lines) if "```" in line or "~~~" in line]
    blocks, at = [], 0
    while at < len(fences):
        index = fences[at]
        opening = _OPEN.match(lines[index])
        if opening is None or (opening["fence"][0] == "`" and "`" in opening["info"]):
            at += 1
            continue
        closing = re.compile(rf"^[ \t]*{re.escape(opening['fence'][0])}{{{len(opening['fence'])},}}[ \t]*\r?\n?$")
        at = next((j for j in range(at + 1, len(fences)) if closing.match(lines[fences[j]])), None)
        if at is None:
            break  # unclosed: CommonMark runs it to the end of the document, but nothing after it is ours
        close = fences[at]
        language = _language(opening["info"])
        content = tuple(lines[index + 1 : close])
        if content and (language in _PYTHON or language in _SESSION):
            session = language in _SESSION or _starts_with_prompt(content)
            blocks.append(Block(index + 1, content, doctest=session))
        at += 1
    return blocks


def _language(info: str) -> str:
    word = info.split(maxsplit=1)[0] if info.split() else ""
    return word.strip("{}.").split(",", 1)[0].lower()


def _starts_with_prompt(content: tuple[str, ...]) -> bool:
    first = next((line for line in content if line.strip()), "")
    return first.lstrip().startswith(">>>")
