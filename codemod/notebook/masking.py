"""Mask a code cell's `%`/`%%`/`!` lines (and `x = !cmd`, `obj?`, and the commands of a cell typed without `%`,
IPython's automagic) as placeholder statements so the engine sees Python; a cell under a non-Python cell magic,
of another language, or that does not parse, is skipped whole."""

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

# IPython's automagic: a line magic (or shell alias) called without `%`, e.g. `pip install -U "pkg[extra]"`.
# IPython 7+ applies it only to a cell that is that one line; here it is accepted in a cell whose every line
# of code is such a command (older IPython ran those too), so a cell with Python in it still fails to parse.
# A name followed by `=` or `,` is an assignment, never a magic.
_AUTOMAGIC = re.compile(r"(?P<indent>\s*)(?P<name>[A-Za-z_]\w*)(?:[ \t]+(?P<rest>[^=,\s].*?))?\s*$")
# Commands that act on the shell, the file system or the kernel's settings: they reach no Python name
# unless the line expands one (`$name`, `{expr}`), so a client cannot be used there.
_SHELL_MAGICS = frozenset({
    "alias", "autoawait", "autocall", "automagic", "autosave", "bookmark", "cat", "cd", "clear", "colors", "cp",
    "dhist", "dirs", "doctest_mode", "gui", "killbgscripts", "ldir", "less", "lf", "lk", "ll", "load_ext",
    "logoff", "logon", "logstart", "logstate", "logstop", "ls", "lsmagic", "lx", "magic", "man", "matplotlib",
    "mkdir", "more", "mv", "popd", "precision", "pushd", "pwd", "pylab", "quickref", "rehashx", "reload_ext",
    "rm", "rmdir", "set_env", "unalias", "unload_ext", "xmode",
})
# Package installers: shell commands too, but their pins (`openai==0.28`) tell which openai the kernel has.
_INSTALL_MAGICS = frozenset({"conda", "mamba", "micromamba", "pip", "uv"})
# Line magics that evaluate Python (`time client.chat...`, `run script.py`) or inspect the namespace.
_PYTHON_MAGICS = frozenset({
    "autoreload", "aimport", "config", "debug", "edit", "env", "hist", "history", "load", "loadpy", "macro",
    "pdb", "pdef", "pdoc", "pfile", "pinfo", "pinfo2", "pprint", "prun", "psearch", "psource", "pycat", "recall",
    "rerun", "reset", "reset_selective", "run", "save", "store", "sx", "system", "tb", "time", "timeit", "who",
    "who_ls", "whos", "xdel",
})
_AUTOMAGIC_NAMES = _SHELL_MAGICS | _INSTALL_MAGICS | _PYTHON_MAGICS


@dataclass
class Cell:
    number: int  # 1-based, every cell counted
    text: str  # the source as one string
    masked: str = ""  # what the engine sees
    placeholders: dict[str, str] = field(default_factory=dict)  # placeholder line -> original line
    skipped: bool = False  # left exactly as it is (non-Python cell magic, or does not parse)
    unparsed: bool = False  # skipped because it does not parse: Python the engine cannot see
    shell_only: set[str] = field(default_factory=set)  # placeholders of automagic lines that reach no Python name
    other_language: bool = False  # the cell's own metadata names another kernel (a polyglot notebook's C# cell)

    def hidden_lines(self) -> list[str]:
        """The masked lines that run in the kernel and may use Python names (a client, a class)."""
        return [line for name, line in self.placeholders.items() if name not in self.shell_only]


def prepare(cell: Cell, prefix: str) -> Finding | None:
    """Mask the cell's IPython lines; skip it whole when it is not Python. A skip that needs a person
    (the cell does not parse) is returned as a finding."""
    if cell.other_language:
        cell.skipped = True  # run by another kernel: neither Python to migrate nor code hidden from the engine
        return None
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
    error = _parse_error(masked)
    if error is not None and _only_commands(split_lines(masked), cell.placeholders):
        cell.placeholders.clear()
        masked = _mask_lines(lines, prefix, cell.placeholders, cell.shell_only)
        error = _parse_error(masked)
    if error is not None:
        cell.skipped, cell.unparsed, cell.placeholders, cell.shell_only = True, True, {}, set()
        line = getattr(error, "lineno", None) or 1
        message = f"This cell does not parse as Python ({getattr(error, 'msg', error)}); it was left unchanged."
        command = _automagic(lines[line - 1]) if line <= len(lines) else None
        if command is not None:
            message += (
                f" Line {line} is the IPython command `{command.group('name')} ...` written without `%`, which "
                f"IPython runs only in a cell of its own: write it as `%{lines[line - 1].strip()}`."
            )
        return Finding("AOAI000", message, line, max(getattr(error, "offset", None) or 1, 1), level="error",
                       cell=cell.number)
    cell.masked = masked
    return None


def _parse_error(source: str) -> SyntaxError | ValueError | None:
    try:
        parse(source)
    except (SyntaxError, ValueError) as exc:
        return exc
    return None


def _only_commands(masked_lines: list[str], placeholders: dict[str, str]) -> bool:
    """True when every line of code left after masking is an IPython command written without `%`."""
    code = [line for line in masked_lines if line.strip() and not line.lstrip().startswith("#")]
    code = [line for line in code if line.strip() not in placeholders]
    return bool(code) and all(_automagic(line) is not None for line in code)


def _automagic(line: str) -> re.Match[str] | None:
    match = _AUTOMAGIC.fullmatch(line.rstrip("\r\n"))
    return match if match is not None and match.group("name") in _AUTOMAGIC_NAMES else None


def is_python_cell(metadata: object) -> bool:
    """False for a code cell whose own metadata gives it another language: polyglot notebooks (.NET
    Interactive, VS Code) mix C#, F#, SQL or PowerShell cells into a notebook whose kernel is Python."""
    if not isinstance(metadata, dict):
        return True
    named = [
        _get(metadata, "dotnet_interactive", "language"),
        _get(metadata, "polyglot_notebook", "kernelName"),
        _get(metadata, "vscode", "languageId"),
    ]
    languages = [n.lower() for n in named if isinstance(n, str) and n.lower() != "polyglot-notebook"]
    return all("python" in language for language in languages)


def _get(metadata: dict, section: str, key: str) -> object:
    inner = metadata.get(section)
    return inner.get(key) if isinstance(inner, dict) else None


def parse(source: str) -> ast.Module:
    """Parse like IPython does: top-level `await` is allowed in a cell."""
    return compile(source, "<cell>", "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def _mask_lines(lines: list[str], prefix: str, placeholders: dict[str, str], shell_only: set[str] | None = None) -> str:
    """Replace each IPython line at the start of a logical line by `<indent><prefix><n>`. With `shell_only`
    (a set to fill), lines that are automagic commands are masked too."""
    out, depth, quote, continued, magic_indent = [], 0, "", False, None
    for line in lines:
        command = _automagic(line) if shell_only is not None and not line.lstrip().startswith("#") else None
        at_start = depth == 0 and not quote and not continued
        if magic_indent is not None or (at_start and (_is_ipython(line) or command is not None)):
            if magic_indent is None:  # a cell of commands only is dedented, as IPython does
                magic_indent = "" if shell_only is not None else line[: len(line) - len(line.lstrip(" \t"))]
            name = f"{prefix}{len(placeholders)}"
            placeholders[name] = line
            if shell_only is not None and command is not None and _reaches_no_name(command):
                shell_only.add(name)
            out.append(magic_indent + name + line[len(line.rstrip("\r\n")) :])
            if not line.rstrip("\r\n").endswith("\\"):  # a shell line continued with a backslash
                magic_indent = None
            continue
        depth, quote, continued = _scan(line, depth, quote)
        out.append(line)
    return "".join(out)


def _reaches_no_name(command: re.Match[str]) -> bool:
    text = command.group(0)
    return command.group("name") in _SHELL_MAGICS and "$" not in text and "{" not in text


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
