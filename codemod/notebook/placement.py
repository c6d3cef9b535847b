"""Where the lines the engine adds at the top of the module (imports, helper definitions) go in a notebook.

A notebook runs cell by cell, top to bottom, so an added `import os` must sit in a cell that runs before
every line that uses it: a deployment constant rewritten to `os.getenv(...)` in cell 1 needs it there even
when the `openai` import is in cell 8. The usual place is the cell with the `openai` import, after its import
block; when a use comes earlier, the first cell with imports before that use takes them (or the using cell
itself, above its first statement). An added import that the notebook already has before its first use is
not repeated."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from codemod.notebook.masking import Cell, parse

Position = tuple[int, int]  # (index into the cells, 0-based line in that cell's body)
Binding = tuple[str | None, str, str | None]  # (from module or None, name, as-name)


class PlacementError(Exception):
    """Added code with no Python cell to hold it."""


@dataclass
class _Prelude:
    imports: list[tuple[list[str], set[Binding]]] = field(default_factory=list)  # (lines, bindings) per statement
    definitions: list[str] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)  # names the definitions bind
    used_by_definitions: set[str] = field(default_factory=set)


@dataclass
class _Notebook:
    """The user's code as it will run: the first use of every name, and where each import binding appears."""

    uses: dict[str, Position] = field(default_factory=dict)
    imports: dict[Binding, Position] = field(default_factory=dict)  # position just past the import


def insert_prelude(bodies: list[list[str]], cells: list[Cell], prelude: list[str], newline: str) -> None:
    """Put `prelude` (what the engine added at the top of the module) into `bodies`, in place."""
    candidates = [i for i, cell in enumerate(cells) if not cell.skipped]
    if not candidates:
        raise PlacementError("the rewrite added code but the notebook has no Python cell to hold it")
    added = _read_prelude(prelude)
    seen = _read_notebook(bodies, candidates)
    place = _usual_place(bodies, cells, candidates)
    first_needed = min(
        (seen.uses[name] for name in _names(added, seen, place) if name in seen.uses), default=None
    )
    if first_needed is not None and place > first_needed:
        place = _place_before(bodies, cells, candidates, first_needed)
    imports = [lines for lines, bindings in added.imports if any(_needed(b, added, seen, place) for b in bindings)]
    index, after = place
    chunk = _spaced([line for lines in imports for line in lines], added.definitions, bodies[index][:after],
                    bodies[index][after:], newline)
    if chunk and after > 0 and not bodies[index][after - 1].endswith("\n"):
        bodies[index][after - 1] += newline
    bodies[index][after:after] = chunk


def _names(added: _Prelude, seen: _Notebook, place: Position) -> set[str]:
    """The names the added code binds that the notebook needs from it (used before any import of its own)."""
    needed = set(added.defined)
    for _, bindings in added.imports:
        needed.update(_local(b) for b in bindings if _needed(b, added, seen, place))
    return needed


def _needed(binding: Binding, added: _Prelude, seen: _Notebook, place: Position) -> bool:
    """False when the notebook already has this import before the first place that uses it."""
    provided = seen.imports.get(binding)
    if provided is None:
        return True
    name = _local(binding)
    first_use = seen.uses.get(name)
    if name in added.used_by_definitions:
        first_use = min(first_use, place) if first_use is not None else place
    return first_use is not None and provided > first_use


def _local(binding: Binding) -> str:
    module, name, alias = binding
    return alias or (name if module is not None else name.split(".")[0])


def _read_prelude(prelude: list[str]) -> _Prelude:
    """The added imports (statement by statement) and the definitions after them."""
    out = _Prelude()
    try:
        body = parse("".join(prelude)).body
    except (SyntaxError, ValueError):
        return _Prelude(definitions=_trim_blank(prelude))
    end = 0
    for stmt in body:
        if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            break
        out.imports.append((prelude[stmt.lineno - 1 : stmt.end_lineno], _bindings(stmt)))
        end = stmt.end_lineno or end
    out.definitions = _trim_blank(prelude[end:])
    for stmt in body[len(out.imports) :]:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.defined.add(stmt.name)
        out.used_by_definitions.update(n.id for n in ast.walk(stmt) if isinstance(n, ast.Name))
    return out


def _read_notebook(bodies: list[list[str]], candidates: list[int]) -> _Notebook:
    seen = _Notebook()
    for index in candidates:
        try:
            tree = parse("".join(bodies[index]))
        except (SyntaxError, ValueError):
            continue
        for stmt in tree.body:
            for binding in _bindings(stmt):
                seen.imports.setdefault(binding, (index, (stmt.end_lineno or stmt.lineno) - 1))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in seen.uses:
                seen.uses[node.id] = (index, node.lineno - 1)
            elif isinstance(node, ast.Name):
                seen.uses[node.id] = min(seen.uses[node.id], (index, node.lineno - 1))
    return seen


def _usual_place(bodies: list[list[str]], cells: list[Cell], candidates: list[int]) -> Position:
    """After the import block of the first top-level `openai` import; without one, after the first code
    cell's leading magics."""
    for index in candidates:
        after = _after_import_block(bodies[index], _imports_openai)
        if after is not None:
            return index, after
    # a cell of IPython commands alone (`%pip install ...`) is setup, not where code goes
    first = next((i for i in candidates if _after_leading_magics(bodies[i], cells[i]) < len(bodies[i])), candidates[0])
    return first, _after_leading_magics(bodies[first], cells[first])


def _place_before(bodies: list[list[str]], cells: list[Cell], candidates: list[int], use: Position) -> Position:
    """A place that runs before `use`: after the first import block of the first cell up to the using one
    that has imports, else at the top of the using cell."""
    for index in (i for i in candidates if i <= use[0]):
        after = _after_import_block(bodies[index], lambda stmt: isinstance(stmt, (ast.Import, ast.ImportFrom)))
        if after is not None and (index, after) <= use:
            return index, after
    return use[0], min(_after_leading_magics(bodies[use[0]], cells[use[0]]), use[1])


def _after_import_block(body: list[str], starts: object) -> int | None:
    """Line count up to the end of the top-level import block whose first statement satisfies `starts`."""
    try:
        statements = parse("".join(body)).body
    except (SyntaxError, ValueError):
        return None
    for index, stmt in enumerate(statements):
        if starts(stmt):  # type: ignore[operator]
            while index + 1 < len(statements) and isinstance(statements[index + 1], (ast.Import, ast.ImportFrom)):
                index += 1
            return statements[index].end_lineno
    return None


def _after_leading_magics(body: list[str], cell: Cell) -> int:
    after = 0
    while after < len(body) and (not body[after].strip() or body[after].strip() in cell.placeholders):
        after += 1
    return after


def _imports_openai(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.ImportFrom):
        return stmt.level == 0 and (stmt.module or "").split(".")[0] == "openai"
    return isinstance(stmt, ast.Import) and any(a.name.split(".")[0] == "openai" for a in stmt.names)


def _bindings(stmt: ast.stmt) -> set[Binding]:
    if isinstance(stmt, ast.Import):
        return {(None, alias.name, alias.asname) for alias in stmt.names}
    if isinstance(stmt, ast.ImportFrom) and stmt.level == 0:
        return {(stmt.module, alias.name, alias.asname) for alias in stmt.names}
    return set()


def _spaced(imports: list[str], definitions: list[str], preceding: list[str], following: list[str],
            newline: str) -> list[str]:
    """Added imports go in as they are; added definitions get PEP 8's two blank lines around them (none
    above them at the top of a cell)."""
    if not definitions:
        return imports
    blank = next((n for n, line in enumerate(following) if line.strip()), None)
    trailing = [] if blank is None else [newline] * max(0, 2 - blank)
    leading = [newline, newline] if imports or any(line.strip() for line in preceding) else []
    return [*imports, *leading, *definitions, *trailing]


def _trim_blank(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines
