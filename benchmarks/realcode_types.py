"""The checks of the real-code check that compare what the run did to types: isinstance/issubclass checks,
annotations and type aliases of clients that stay on the dated API, and imports the run added (notebook order)."""

from __future__ import annotations

import ast

from realcode_checks import Failure, failure_at, place
from realcode_python import AZURE, V1, Module, Names


def _type_checks(mod: Module) -> dict[str, list[ast.Call]]:
    """isinstance/issubclass calls by the source text of their first argument, in file order."""
    out: dict[str, list[ast.Call]] = {}
    calls = [n for n in ast.walk(mod.tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
             and n.func.id in ("isinstance", "issubclass") and len(n.args) == 2]
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        out.setdefault(f"{call.func.id}:{ast.unparse(call.args[0])}", []).append(call)
    return out


def type_checks_changed(path: str, old: Module, new: Module) -> list[Failure]:
    """An isinstance/issubclass check naming an Azure class must come out unchanged: rewritten to the v1
    class it holds for every OpenAI client (widened); with the Azure class dropped it misses Azure clients."""
    old_names, new_names = Names(old.tree), Names(new.tree)
    after = _type_checks(new)
    failures = []
    for key, calls in _type_checks(old).items():
        for index, call in enumerate(calls):
            classes = {old_names.qualify(n) for n in ast.walk(call.args[1])}
            if not classes & AZURE:
                continue
            twin = after.get(key, [])[index] if index < len(after.get(key, [])) else None
            if twin is None:
                failures.append(failure_at("isinstance", path, old, call.lineno,
                                         f"{ast.unparse(call)} is gone from the output"))
                continue
            if ast.unparse(twin.args[1]) == ast.unparse(call.args[1]):
                continue
            now = {new_names.qualify(n) for n in ast.walk(twin.args[1])}
            how = "widened" if now & V1 and not now & AZURE else "changed"
            failures.append(failure_at("isinstance", path, new, twin.lineno,
                                     f"{how}: {ast.unparse(call)} became {ast.unparse(twin)}"))
    return failures


def azure_constructors(mod: Module) -> list[int]:
    """Module lines of AzureOpenAI(...) / AsyncAzureOpenAI(...) calls."""
    names = Names(mod.tree)
    return [n.lineno for n in ast.walk(mod.tree) if isinstance(n, ast.Call) and names.qualify(n.func) in AZURE]


def _annotations(tree: ast.Module, any_alias: bool = False) -> dict[str, list[ast.expr]]:
    """Annotations by where they stand: `scope.f(arg)`, `scope.f->` (return), `scope:target` (variable),
    `scope=target` (a type alias such as `Clients = A | B`)."""
    out: dict[str, list[ast.expr]] = {}

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name, a = f"{scope}.{child.name}", child.args
                for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                    if arg is not None and arg.annotation is not None:
                        out.setdefault(f"{name}({arg.arg})", []).append(arg.annotation)
                if child.returns is not None:
                    out.setdefault(f"{name}->", []).append(child.returns)
                visit(child, name)
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{scope}.{child.name}")
            elif isinstance(child, ast.AnnAssign):
                out.setdefault(f"{scope}:{ast.unparse(child.target)}", []).append(child.annotation)
            elif isinstance(child, ast.Assign) and (any_alias or _type_expression(child.value)):  # `X = A | B`
                out.setdefault(f"{scope}={ast.unparse(child.targets[0])}", []).append(child.value)
            else:
                visit(child, scope)

    visit(tree, "")
    return out


def _mentions(node: ast.expr, names: Names, classes: frozenset[str]) -> bool:
    """Whether an annotation names one of `classes`, also inside a string (forward reference)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            try:
                if _mentions(ast.parse(inner.value, mode="eval").body, names, classes):
                    return True
            except SyntaxError:
                continue
        elif isinstance(inner, (ast.Name, ast.Attribute)) and names.qualify(inner) in classes:
            return True
    return False


def _type_expression(node: ast.expr) -> bool:
    """`A | B` or `Union[...]` / `Optional[...]`: the right-hand side of a type alias."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)) and (
        ast.unparse(node.value).rsplit(".", 1)[-1] in ("Union", "Optional"))


def annotations_changed(path: str, old: Module, new: Module, staying: str | None) -> list[Failure]:
    """An annotation naming an Azure class rewritten while an Azure client stays on the dated API (`staying`
    says where: this file first, else elsewhere in the repository): the annotation now denies a client the
    program still builds, and SPEC guarantee 1 says such annotations are reported, not rewritten."""
    if staying is None:
        return []
    old_names, after = Names(old.tree), _annotations(new.tree, any_alias=True)  # `A | Azure` may become `A`
    failures = []
    for key, notes in _annotations(old.tree).items():
        for index, note in enumerate(notes):
            if not _mentions(note, old_names, AZURE):
                continue
            twins = after.get(key, [])
            twin = twins[index] if index < len(twins) else None
            if twin is not None and ast.unparse(twin) != ast.unparse(note):
                message = f"{ast.unparse(note)} became {ast.unparse(twin)} while {staying} stays on the dated API"
                failures.append(failure_at("annotation", path, new, twin.lineno, message))
    return failures


def _imported_names(tree: ast.Module) -> dict[str, int]:
    """Names bound by module-level imports (a notebook's cells are module level), with their first line."""
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                if name != "*":
                    out.setdefault(name, node.lineno)
    return out


def _first_load_at_module_level(tree: ast.Module, name: str) -> int | None:
    """The first line where module-level code reads `name` (function bodies run later, so they do not count)."""
    lines = []
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(getattr(node, "decorator_list", []))
            continue
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            lines.append(node.lineno)
        stack.extend(ast.iter_child_nodes(node))
    return min(lines, default=None)


def imports_after_use(path: str, old: Module, new: Module) -> list[Failure]:
    """An import the run added must come before the first module-level use of its name: a notebook runs its
    cells top to bottom, so `import os` added to cell 8 does not serve `os.getenv(...)` in cell 1 (NameError)."""
    before = _imported_names(old.tree)
    failures = []
    for name, line in _imported_names(new.tree).items():
        if name in before:
            continue
        use = _first_load_at_module_level(new.tree, name)
        if use is not None and use < line:
            cell, at = place(new, line)
            where = f"line {at}" + (f" of cell {cell}" if cell else "")
            failures.append(failure_at("import-order", path, new, use, f"{name} is used here but imported at {where}"))
    return failures
