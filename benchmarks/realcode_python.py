"""Python text of a file for the real-code check: a `.py` module, or a notebook's code cells joined into one
module (IPython lines masked) with a map back to cell and line; and name resolution through imports."""

from __future__ import annotations

import ast
import importlib.util
import json
from dataclasses import dataclass, field

# openai's Azure client classes and the v1 classes the tool turns them into, by qualified name
# (`openai.lib.azure` is where the Azure classes are defined; `openai` re-exports them).
AZURE = frozenset({"openai.AzureOpenAI", "openai.AsyncAzureOpenAI"})
V1 = frozenset({"openai.OpenAI", "openai.AsyncOpenAI"})
_ALIASES = {"openai.lib.azure.": "openai.", "openai._client.": "openai."}
_STAR_NAMES = ("AzureOpenAI", "AsyncAzureOpenAI", "OpenAI", "AsyncOpenAI")


@dataclass
class Piece:
    """One unit that Python compiles on its own: a module, or a notebook code cell (number counts every cell,
    from 1, as the tool's findings do)."""

    cell: int | None
    text: str


@dataclass
class Module:
    """The pieces of a file that parse, joined; `origin[i]` is (cell, line in cell) of module line i + 1."""

    tree: ast.Module
    origin: list[tuple[int | None, int]] = field(default_factory=list)

    def module_line(self, cell: int | None, line: int) -> int | None:
        try:
            return self.origin.index((cell, line)) + 1
        except ValueError:
            return None


def pieces(path: str, data: bytes) -> list[Piece]:
    """The file's Python pieces; ValueError when a notebook is not JSON with cells."""
    if not path.endswith(".ipynb"):
        return [Piece(None, importlib.util.decode_source(data))]
    notebook = json.loads(data.decode("utf-8-sig"))
    out = []
    for number, cell in enumerate(notebook["cells"], start=1):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            out.append(Piece(number, _mask("".join(source) if isinstance(source, list) else source)))
    return out


def _mask(text: str) -> str:
    """IPython lines (`%magic`, `!shell`, `x?`) become `pass` at their indentation; a `%%` cell magic makes the
    whole cell something other than Python, so it becomes empty."""
    if text.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines) + "\n"


def compile_error(piece: Piece, path: str) -> SyntaxError | None:
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if piece.cell is not None else 0  # notebooks may await at top level
    try:
        compile(piece.text, path, "exec", flags=flags, dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        return error if isinstance(error, SyntaxError) else SyntaxError(str(error))
    return None


def module(path: str, parts: list[Piece]) -> Module | None:
    """The pieces that compile, as one module (None when nothing does)."""
    texts, origin = [], []
    for piece in parts:
        if compile_error(piece, path) is not None:
            continue
        lines = piece.text.splitlines() or [""]
        texts.append("\n".join(lines))
        origin.extend((piece.cell, n) for n in range(1, len(lines) + 1))
    if not texts:
        return None
    try:
        return Module(ast.parse("\n".join(texts) + "\n"), origin)
    except SyntaxError:
        return None


class Names:
    """Qualified names through the file's imports (anywhere in the file: clients are often imported inside a
    function). A name bound by an import of `openai` counts as that import everywhere in the file."""

    def __init__(self, tree: ast.Module) -> None:
        self.bound: dict[str, str] = {}
        self.azure_imports: list[ast.stmt] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                self._import(node)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                self._import_from(node)

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.bound[top] = top

    def _import_from(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                if node.module in ("openai", "openai.lib.azure"):
                    self.bound.update({n: f"openai.{n}" for n in _STAR_NAMES})
                continue
            qualified = normalise(f"{node.module}.{alias.name}")
            self.bound[alias.asname or alias.name] = qualified
            if qualified in AZURE and node not in self.azure_imports:
                self.azure_imports.append(node)

    def qualify(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            found = self.bound.get(node.id)
            return normalise(found) if found else None
        if isinstance(node, ast.Attribute):
            base = self.qualify(node.value)
            return normalise(f"{base}.{node.attr}") if base else None
        return None


def normalise(name: str) -> str:
    for prefix, replacement in _ALIASES.items():
        if name.startswith(prefix):
            return replacement + name[len(prefix) :]
    return name
