"""Parse with LibCST only the statements a rule can act on.

LibCST costs about 5 ms per kilobyte of source (parse, scopes, positions, transformation), and a real
module that uses Azure OpenAI usually spends most of its lines on other things. Before the engine runs,
every top-level statement that no rule can reach is replaced by a placeholder of the same number of lines
that carries a tag: `()#aoai-migrate-slice:9f3c...:4` for one line, else a string of blank lines

    '''aoai-migrate-slice:9f3c...:4
    <blank lines>
    '''   (with double quotes)

so the engine sees the same lines and columns (findings need no mapping) and parses a node or two per
skipped statement. Afterwards each placeholder, which no rule touches, is swapped back for the original
text. The placeholders are found by their exact text; if any is missing, changed or out of order, the
caller runs the engine on the whole module instead.

A statement is reachable (kept) when:
- its text mentions `openai` in any case (every rule starts from such a place: an import, a class name,
  an environment variable, a version constant);
- it mentions a module-level name that a kept statement mentions (a client variable, a constant, a
  function a client is passed to), to a fixed point, so every binding and every use of such a name is
  seen by the scope analysis;
- it belongs to the module's header (docstring, imports, the first other statement: where imports and
  definitions are added), is any top-level import, or holds the module's first indented line (LibCST takes
  the module's default indentation from it).
Module-level names come from the compiler's own symbol table. A module with `import *`, lone CR line
endings, or source that `ast` cannot parse is not sliced.
"""

from __future__ import annotations

import ast
import re
import secrets
import symtable
import unicodedata
import warnings
from dataclasses import dataclass

SEED = "openai"
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_STAR_IMPORT = re.compile(r"\bimport\s*\*")
_HEADER_TYPES = (ast.Import, ast.ImportFrom, ast.Try, ast.If)
# Below this share of skippable lines the placeholders save less than they cost.
MIN_SKIPPED_SHARE = 0.2


@dataclass(frozen=True)
class Slice:
    text: str  # the module with placeholders
    swaps: tuple[tuple[str, str], ...]  # (placeholder, original text), in source order
    tag: str

    def restore(self, migrated: str) -> str | None:
        """The migrated module with the original statements back; None if a placeholder did not survive."""
        out: list[str] = []
        position = 0
        for placeholder, original in self.swaps:
            found = migrated.find(placeholder, position)
            if found < 0:
                return None
            out += [migrated[position:found], original]
            position = found + len(placeholder)
        out.append(migrated[position:])
        restored = "".join(out)
        return None if self.tag in restored else restored


@dataclass
class _Chunk:
    start: int  # first line (1-based), decorators included
    end: int  # last line
    statements: list[ast.stmt]


def slice_module(source: str) -> Slice | None:
    """The module with unreachable top-level statements replaced by placeholders; None when slicing
    does not apply or would not save anything."""
    if "\r" in source and source.count("\r") != source.count("\r\n"):
        return None  # lone CR: the line numbering of ast and LibCST may differ
    if _STAR_IMPORT.search(source):
        return None  # any name may come from the star import
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like: not ours to print
            tree = ast.parse(source)
            table = symtable.symtable(source, "<module>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    chunks = _chunks(tree.body)
    if len(chunks) < 2:
        return None
    lines = _LINE.findall(source)
    texts = ["".join(lines[c.start - 1 : c.end]) for c in chunks]
    kept = _reachable(chunks, texts, _module_names(table), lines)
    skipped = [i for i in range(len(chunks)) if i not in kept]
    if sum(chunks[i].end - chunks[i].start + 1 for i in skipped) < MIN_SKIPPED_SHARE * len(lines):
        return None
    tag = _fresh_tag(source)
    out: list[str] = []
    swaps: list[tuple[str, str]] = []
    line = 1
    for index in skipped:
        chunk = chunks[index]
        out.append("".join(lines[line - 1 : chunk.start - 1]))
        placeholder = _placeholder(lines[chunk.start - 1 : chunk.end], f"{tag}:{index}")
        out.append(placeholder)
        swaps.append((placeholder, texts[index]))
        line = chunk.end + 1
    out.append("".join(lines[line - 1 :]))
    return Slice("".join(out), tuple(swaps), tag)


def _chunks(body: list[ast.stmt]) -> list[_Chunk]:
    """Top-level statements grouped so that no two groups share a line (`a = 1; b = 2` is one group)."""
    chunks: list[_Chunk] = []
    for stmt in body:
        decorators = getattr(stmt, "decorator_list", [])
        start = min([stmt.lineno, *(d.lineno for d in decorators)])
        end = stmt.end_lineno or stmt.lineno
        if chunks and start <= chunks[-1].end:
            chunks[-1].end = max(end, chunks[-1].end)
            chunks[-1].statements.append(stmt)
        else:
            chunks.append(_Chunk(start, end, [stmt]))
    return chunks


def _module_names(table: symtable.SymbolTable) -> set[str]:
    """Names bound in the module's namespace: assigned, imported, defined or declared `global` anywhere."""
    return {
        s.get_name()
        for s in table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace() or s.is_declared_global()
    }


def _reachable(chunks: list[_Chunk], texts: list[str], module_names: set[str], lines: list[str]) -> set[int]:
    mentions: list[set[str]] = []
    by_name: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        names = {_normalized(t) for t in _IDENTIFIER.findall(text)} & module_names
        mentions.append(names)
        for name in names:
            by_name.setdefault(name, []).append(index)
    kept = {i for i, text in enumerate(texts) if SEED in text.lower()}
    kept |= _always_kept(chunks, lines)
    todo = list(kept)
    seen_names: set[str] = set()
    while todo:
        for name in mentions[todo.pop()] - seen_names:
            seen_names.add(name)
            for other in by_name[name]:
                if other not in kept:
                    kept.add(other)
                    todo.append(other)
    return kept


def _always_kept(chunks: list[_Chunk], lines: list[str]) -> set[int]:
    """The header up to and including the first other statement, every top-level import, and the
    statement holding the module's first indented line."""
    kept: set[int] = set()
    for index, chunk in enumerate(chunks):
        kept.add(index)
        first = chunk.statements[0]
        docstring = index == 0 and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if not (docstring or all(isinstance(s, _HEADER_TYPES) for s in chunk.statements)):
            break
    kept |= {i for i, c in enumerate(chunks) if any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in c.statements)}
    for index, chunk in enumerate(chunks):
        if any(_has_indented_line(s, lines) for s in chunk.statements):
            kept.add(index)
            break
    return kept


def _has_indented_line(stmt: ast.AST, lines: list[str]) -> bool:
    """Whether a nested statement of `stmt` starts its own line (the tokenizer's INDENT)."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(stmt, field, None) or []:
            if isinstance(child, ast.stmt):
                line = lines[child.lineno - 1].encode("utf-8")
                if not line[: child.col_offset].strip():
                    return True
            if _has_indented_line(child, lines):
                return True
    return False


def _normalized(identifier: str) -> str:
    """Identifiers are compared as the compiler does: NFKC-normalized."""
    return identifier if identifier.isascii() else unicodedata.normalize("NFKC", identifier)


def _placeholder(lines: list[str], tag: str) -> str:
    """One statement spanning as many lines as the one it stands for, each line with its own ending: an
    empty tuple for one line, else a string of blank lines (one LibCST node however many lines)."""
    endings = [line[len(line.rstrip("\r\n")) :] for line in lines]
    if len(lines) == 1:
        return f"()#{tag}{endings[0]}"
    return f'"""{tag}{endings[0]}' + "".join(endings[1:-1]) + f'"""{endings[-1]}'


def _fresh_tag(source: str) -> str:
    while True:
        tag = f"aoai-migrate-slice:{secrets.token_hex(6)}"
        if tag not in source:
            return tag
