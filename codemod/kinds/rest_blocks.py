"""Python code blocks in reStructuredText: `.. code-block:: python` (also `code`, `sourcecode`, `py`,
`python3`, no language: Sphinx's default is Python), Sphinx's `testcode` / `testsetup` / `testcleanup`,
`doctest` and `pycon` sessions, literal blocks after `::`, and doctest blocks (a paragraph of `>>>` lines).

A directive's body is the lines indented more than the directive; options (`:caption: ...`) come first.
The bodies of containers (`note`, `tab`, unknown directives) are rST and are scanned for blocks in turn;
the bodies of other languages' code, comments and raw text are skipped whole."""

from __future__ import annotations

import re

from codemod.kinds.code_block import Block

_DIRECTIVE = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:\|[^|]+\|[ \t]+)?(?P<name>[\w:.+-]+)::(?:[ \t]+(?P<arg>[^\r\n]*?))?[ \t]*\r?\n?$"
)
_COMMENT = re.compile(r"^[ \t]*\.\.(?:[ \t]|\r?\n?$)")
_OPTION = re.compile(r"^[ \t]*:[\w -]+:")
_CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode"})
_PYTHON = frozenset({"", "python", "py", "python3", "py3"})
_SESSION = frozenset({"pycon", "python-console", "pycon3"})
_PYTHON_DIRECTIVES = frozenset({"testcode", "testsetup", "testcleanup"})
# Directives whose body is not rST: skipped whole (a `::` or `>>>` in there is not a block of ours).
_OPAQUE = frozenset({
    "raw", "math", "ipython", "jupyter-execute", "code-cell", "testoutput", "parsed-literal", "literalinclude",
    "productionlist", "graphviz", "graph", "digraph", "mermaid", "uml", "plantuml", "csv-table", "include",
})


def rest_blocks(lines: list[str]) -> list[Block]:
    """The Python blocks among `lines` (line endings included)."""
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        if directive is not None:
            index = _directive(lines, index, directive, blocks)
        elif _COMMENT.match(line):
            index = _body_end(lines, index)  # a comment, a link target, a footnote: not rendered code
        elif line.strip().endswith("::"):
            index = _literal_block(lines, index, blocks)
        elif line.lstrip().startswith(">>>") and (index == 0 or not lines[index - 1].strip()):
            end = next((i for i in range(index, len(lines)) if not lines[i].strip()), len(lines))
            blocks.append(Block(index, tuple(lines[index:end]), doctest=True))
            index = end
        else:
            index += 1
    return blocks


def _directive(lines: list[str], index: int, directive: re.Match[str], blocks: list[Block]) -> int:
    """Record the directive's block if it holds Python; the index to scan next."""
    name = directive["name"].lower()
    language = (directive["arg"] or "").strip().lower()
    if name in _CODE_DIRECTIVES:
        kind = "python" if language in _PYTHON else "session" if language in _SESSION else "other"
    elif name in _PYTHON_DIRECTIVES:
        kind = "python"
    elif name == "doctest":
        kind = "session"
    elif name in _OPAQUE:
        kind = "other"
    else:
        return index + 1  # a container: its body is rST, scanned line by line
    end = _body_end(lines, index)
    if kind != "other":
        start = index + 1
        while start < end and _OPTION.match(lines[start]):
            start += 1
        while start < end and not lines[start].strip():
            start += 1
        if start < end:
            blocks.append(Block(start, tuple(lines[start:end]), doctest=kind == "session" or _prompted(lines[start])))
    return end


def _literal_block(lines: list[str], index: int, blocks: list[Block]) -> int:
    """`Paragraph::` followed by a blank line and an indented block (rST's literal block)."""
    start = index + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == index + 1 or start == len(lines) or _width(lines[start]) <= _width(lines[index]):
        return index + 1
    end = _body_end(lines, index)
    blocks.append(Block(start, tuple(lines[start:end]), doctest=_prompted(lines[start])))
    return end


def _body_end(lines: list[str], index: int) -> int:
    """Just past the last line indented more than line `index` (blank lines inside count, trailing do not)."""
    width, last = _width(lines[index]), index
    for position in range(index + 1, len(lines)):
        line = lines[position]
        if not line.strip():
            continue
        if _width(line) <= width:
            break
        last = position
    return last + 1


def _width(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _prompted(line: str) -> bool:
    return line.lstrip().startswith(">>>")
