"""A code block found in a document: its lines as written, the code they hold (indentation removed), and
the document's lines for new code (indentation put back, every unchanged line kept byte for byte)."""

from __future__ import annotations

import ast
import difflib
import os.path
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Block:
    """`lines` (line endings included) start at line index `start` of the document. `doctest`: the block is
    an interactive session (`>>>` prompts), not a module."""

    start: int
    lines: tuple[str, ...]
    doctest: bool = False

    @cached_property
    def indent(self) -> str:
        """The whitespace every non-blank line starts with (a list item's, a directive's, a fence's)."""
        written = [line.rstrip("\r\n") for line in self.lines if line.strip()]
        prefix = os.path.commonprefix([line[: len(line) - len(line.lstrip(" \t"))] for line in written])
        return prefix

    @cached_property
    def code_lines(self) -> list[str]:
        cut = len(self.indent)
        return [line[cut:] if line.strip() else _ending(line) for line in self.lines]

    @property
    def code(self) -> str:
        return "".join(self.code_lines)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def parses(code: str) -> bool:
    """Whether `code` is a Python module (top-level `await` allowed: documentation shows async calls so)."""
    try:
        compile(code, "<block>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def reindented(block: Block, new_code: str) -> list[str]:
    """The block's lines for `new_code`: the lines whose code did not change are the original lines, the
    others get the block's indentation back (blank lines stay empty)."""
    old = block.code_lines
    new = new_code.splitlines(keepends=True)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(block.lines[a1:a2])
        else:
            out.extend(block.indent + line if line.strip() else line for line in new[b1:b2])
    return out


def could_hold_azure_openai(text: str) -> bool:
    """The run's pre-filter, per block: code that never says `openai` (any ASCII case) has nothing to migrate."""
    return "openai" in text.lower()
