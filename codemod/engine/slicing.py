"""Parse with LibCST only the statements a rule can act on.

LibCST costs about 5 ms per kilobyte of source (parse, scopes, positions, transformation), and a real
module that uses Azure OpenAI usually spends most of its lines on other things. Before the engine runs,
every run of top-level statements that no rule can reach is replaced by a placeholder of the same number of lines
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
  an environment variable, a version constant), or a private attribute of AzureOpenAI (`_api_version`,
  `_azure_...`: a read of one keeps a client dated wherever it is);
- it mentions a module-level name that a kept statement mentions (a client variable, a constant, a
  function a client is passed to), to a fixed point, so every binding and every use of such a name is
  seen by the scope analysis;
- it reads an attribute (`holder.client`, or `getattr(holder, "client")`) whose name a kept statement stores,
  passes as a keyword or reads without calling it (`self.client = ...`, `Deps(client=...)`, `x.chat.completions`),
  to the same fixed point: a client held by an object is used through its attribute's name, and the analysis
  looks for every such use in the module (escapes, out-of-sight reads) before it moves the client;
- it belongs to the module's header (docstring, imports, the first other statement: where imports and
  definitions are added), is any top-level import, or holds the module's first indented line (LibCST takes
  the module's default indentation from it).
Module-level names come from the compiler's own symbol table. A module with `import *`, lone CR line
endings, or source that `ast` cannot parse is not sliced.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import secrets
import symtable
import unicodedata
import warnings
from dataclasses import dataclass

from codemod.engine.parsing import paused_gc

SEED = "openai"
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_LINE_END = re.compile(r"\r?\n")
_STAR_IMPORT = re.compile(r"\bimport\s*\*")
_PRIVATE_AZURE = re.compile(r"_api_version|_azure_")  # names.is_private_azure_attribute, in any statement
_ATTRIBUTE = re.compile(r"\.\s*([^\W\d]\w*)")
_ATTRIBUTE_VALUE = re.compile(r"\.\s*([^\W\d]\w*)(?!\w)(?!\s*\()")
_KEYWORD_OR_ANNOTATED = re.compile(r"([^\W\d]\w*)\s*(?:=(?!=)|:(?!=))")
_REFLECTION = re.compile(r"\b(?:getattr|setattr|hasattr|delattr|attrgetter|vars)\b|__dict__")
_HEADER_TYPES = (ast.Import, ast.ImportFrom, ast.Try, ast.If)
_STATEMENT_START = re.compile(r"^(?!(?:else|elif|except|finally)\b)[A-Za-z_@]", re.MULTILINE)
_BLOCK_CHARS = 1 << 16  # source parsed at a time by `ast` and `symtable` (grown when a block is cut wrong)
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
    header: bool  # every statement an import, `try` or `if` (what may precede the module's definitions)
    docstring: bool  # starts with a string constant (the module's docstring when it is the first chunk)
    imports: bool  # holds an import
    indented: bool  # holds a nested statement that starts its own line


def slice_module(source: str) -> Slice | None:
    """The module with unreachable top-level statements replaced by placeholders; None when slicing
    does not apply or would not save anything."""
    if "\r" in source and source.count("\r") != source.count("\r\n"):
        return None  # lone CR: the line numbering of ast and LibCST may differ
    if _STAR_IMPORT.search(source):
        return None  # any name may come from the star import
    lines = _LINE.findall(source)
    ends = list(itertools.accumulate(map(len, lines)))
    try:
        chunks, module_names = _top_level(source, ends, lines)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(chunks) < 2:
        return None
    texts = [source[(ends[c.start - 2] if c.start > 1 else 0) : ends[c.end - 1]] for c in chunks]
    kept = _reachable(chunks, texts, module_names)
    skipped = [i for i in range(len(chunks)) if i not in kept]
    if sum(chunks[i].end - chunks[i].start + 1 for i in skipped) < MIN_SKIPPED_SHARE * len(lines):
        return None
    tag = _fresh_tag(source)
    out: list[str] = []
    swaps: list[tuple[str, str]] = []
    line = 1
    for first, last in _runs(skipped):
        # One placeholder per run of skipped statements, the blank and comment lines between them included:
        # LibCST's cost grows with the number of statements it sees, not with the lines of a string.
        start, end = chunks[first].start, chunks[last].end
        out.append("".join(lines[line - 1 : start - 1]))
        original = "".join(lines[start - 1 : end])
        placeholder = _placeholder(original, f"{tag}:{first}")
        out.append(placeholder)
        swaps.append((placeholder, original))
        line = end + 1
    out.append("".join(lines[line - 1 :]))
    return Slice("".join(out), tuple(swaps), tag)


def _top_level(source: str, ends: list[int], lines: list[str]) -> tuple[list[_Chunk], set[str]]:
    """The module's top-level chunks and module-level names, from `ast` and `symtable` run on one block of
    source at a time: their trees take about 200 bytes of memory per byte of source, so a multi-megabyte
    module is never held whole. A block ends before a line that may start a statement at column 0; a block
    that does not parse alone (the line was inside a string or brackets after all) grows until it does,
    so the blocks are exactly runs of whole top-level statements. `ends[i]`: offset after line i."""
    chunks: list[_Chunk] = []
    names: set[str] = set()
    first, size, indent_found = 0, _BLOCK_CHARS, False  # `first`: where the block starts (a line start)
    while first < len(source):
        last = _statement_start(source, first + size)
        text = source[first:last]
        try:
            with warnings.catch_warnings(), paused_gc():
                warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like: not ours to print
                body = ast.parse(text).body
                names |= _module_names(symtable.symtable(text, "<module>", "exec"))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            if last == len(source):
                raise
            size *= 2  # doubling keeps the re-parsing linear overall
            continue
        offset = bisect.bisect_right(ends, first)  # lines before the block
        indent_found = _add_chunks(chunks, body, offset, lines, not indent_found)
        first, size = last, _BLOCK_CHARS
    return chunks, names


def _statement_start(source: str, position: int) -> int:
    """The start of the first line at or after `position` that may start a top-level statement: a name or
    decorator at column 0, not a clause that continues the statement before, not after a backslash
    continuation; the end of the source if there is none."""
    while (found := _STATEMENT_START.search(source, position)) is not None:
        start = found.start()
        before = source[max(0, start - 3) : start].rstrip("\r\n")
        if not before.endswith("\\"):
            return start
        position = start + 1
    return len(source)


def _add_chunks(chunks: list[_Chunk], body: list[ast.stmt], offset: int, lines: list[str], find_indent: bool) -> bool:
    """Top-level statements grouped so that no two groups share a line (`a = 1; b = 2` is one group);
    `offset` is the number of lines before the block `body` was parsed from. Only the first statement
    with an indented line is marked (when `find_indent`); returns whether one has been found."""
    for stmt in body:
        decorators = getattr(stmt, "decorator_list", [])
        start = min([stmt.lineno, *(d.lineno for d in decorators)]) + offset
        end = (stmt.end_lineno or stmt.lineno) + offset
        indented = find_indent and _has_indented_line(stmt, lines, offset)
        find_indent = find_indent and not indented
        header = isinstance(stmt, _HEADER_TYPES)
        imports = isinstance(stmt, (ast.Import, ast.ImportFrom))
        if chunks and start <= chunks[-1].end:
            last = chunks[-1]
            last.end, last.header = max(end, last.end), last.header and header
            last.imports, last.indented = last.imports or imports, last.indented or indented
        else:
            docstring = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            chunks.append(_Chunk(start, end, header, docstring, imports, indented))
    return not find_indent


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Sorted indexes grouped into runs of consecutive ones: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for index in indexes:
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _module_names(table: symtable.SymbolTable) -> set[str]:
    """Names bound in the module's namespace: assigned, imported, defined or declared `global` anywhere."""
    return {
        s.get_name()
        for s in _symbols(table)
        if s.is_assigned() or s.is_imported() or s.is_namespace() or s.is_declared_global()
    }


def _symbols(table: symtable.SymbolTable) -> list[symtable.Symbol]:
    """`table.get_symbols()` in linear time. The standard library's version scans every nested table for
    each symbol (to find its namespaces): 5 s for a module with 4,500 functions. The flags are read from the
    raw table once, and the nested tables' names collected once; the predicates stay symtable's own."""
    flags_by_name = getattr(getattr(table, "_table", None), "symbols", None)
    if not isinstance(flags_by_name, dict):  # another implementation: the public, quadratic way
        return table.get_symbols()
    nested = {child.get_name() for child in table.get_children()}
    return [symtable.Symbol(name, flags, (name,) if name in nested else None) for name, flags in flags_by_name.items()]


def _reachable(chunks: list[_Chunk], texts: list[str], module_names: set[str]) -> set[int]:
    mentions: list[set[str]] = []  # module-level names, and `.attr` keys for attribute names a chunk passes on
    by_name: dict[str, list[int]] = {}  # the same keys -> the chunks that read them
    for index, text in enumerate(texts):
        found = _IDENTIFIER.findall(text)
        words = set(found) if text.isascii() else {_normalized(t) for t in found}
        names = words & module_names
        attributes = _attribute_reads(text, words)
        mentions.append(names | {"." + name for name in _attributes_passed_on(text)})
        for name in names | {"." + name for name in attributes}:
            by_name.setdefault(name, []).append(index)
    kept = {i for i, text in enumerate(texts) if SEED in text.lower() or _PRIVATE_AZURE.search(text)}
    kept |= _always_kept(chunks)
    todo = list(kept)
    seen_names: set[str] = set()
    while todo:
        for name in mentions[todo.pop()] - seen_names:
            seen_names.add(name)
            for other in by_name.get(name, ()):
                if other not in kept:
                    kept.add(other)
                    todo.append(other)
    return kept


def _attribute_reads(text: str, words: set[str]) -> set[str]:
    """The attribute names `text` may read: after a dot, and every word when it reaches attributes by name
    (`getattr(x, "client")`, `vars(x)`, `x.__dict__`)."""
    found = {_normalized(name) for name in _ATTRIBUTE.findall(text)}
    return found | words if _REFLECTION.search(text) else found


def _attributes_passed_on(text: str) -> set[str]:
    """The names through which a kept statement may hand a value to code elsewhere: attributes it stores or reads
    without calling them (`self.client = ...`, `x.chat.completions`), keywords and annotated names
    (`Deps(client=c)`, `client: AzureOpenAI`). A method called by name (`items.append(...)`) passes nothing on."""
    stored = {_normalized(name) for name in _ATTRIBUTE_VALUE.findall(text)}
    return stored | {_normalized(name) for name in _KEYWORD_OR_ANNOTATED.findall(text)}


def _always_kept(chunks: list[_Chunk]) -> set[int]:
    """The header up to and including the first other statement, every top-level import, and the
    statement holding the module's first indented line."""
    kept: set[int] = set()
    for index, chunk in enumerate(chunks):
        kept.add(index)
        if not ((index == 0 and chunk.docstring) or chunk.header):
            break
    kept |= {i for i, c in enumerate(chunks) if c.imports}
    kept |= {i for i, c in enumerate(chunks) if c.indented}  # at most one: the first
    return kept


def _has_indented_line(stmt: ast.AST, lines: list[str], offset: int) -> bool:
    """Whether a nested statement of `stmt` starts its own line (the tokenizer's INDENT)."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        for child in getattr(stmt, field, None) or []:
            if isinstance(child, ast.stmt):
                line = lines[child.lineno + offset - 1].encode("utf-8")
                if not line[: child.col_offset].strip():
                    return True
            if _has_indented_line(child, lines, offset):
                return True
    return False


def _normalized(identifier: str) -> str:
    """Identifiers are compared as the compiler does: NFKC-normalized."""
    return identifier if identifier.isascii() else unicodedata.normalize("NFKC", identifier)


def _placeholder(text: str, tag: str) -> str:
    """One statement spanning as many lines as `text`, each line with its own ending (`\\n` or `\\r\\n`: a
    module with lone CRs is not sliced): an empty tuple for one line, else a string of blank lines (one
    LibCST node however many lines)."""
    endings = _LINE_END.findall(text) + ([] if text.endswith("\n") else [""])
    if len(endings) == 1:
        return f"()#{tag}{endings[0]}"
    return f'"""{tag}{endings[0]}' + "".join(endings[1:-1]) + f'"""{endings[-1]}'


def _fresh_tag(source: str) -> str:
    while True:
        tag = f"aoai-migrate-slice:{secrets.token_hex(6)}"
        if tag not in source:
            return tag
