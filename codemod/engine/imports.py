"""Adding the imports a rewrite needs, where an import sorter would put them.

`import os` goes into the standard-library group of the top import block (plain imports before
`from` imports, alphabetical), so migrated code stays clean under ruff's / isort's import order; other
imports are left to LibCST's AddImportsVisitor, which merges them into an existing `from openai import`."""

from __future__ import annotations

import re
import sys

import libcst as cst

Needed = tuple[str, str | None, str | None]  # (module, obj, asname)

_PARSER_INDENT = re.compile(r"[ \t]+")  # what libcst.PartialParserConfig takes as default_indent


def add_imports(module: cst.Module, imports: set[Needed]) -> cst.Module:
    rest = set(imports)
    for needed in sorted(imports, key=lambda i: (i[0], i[1] or "", i[2] or "")):
        module_name, obj, asname = needed
        if obj is None and asname is None and module_name in sys.stdlib_module_names:
            placed = _add_stdlib_import(module, module_name)
            if placed is not None:
                module = placed
                rest.discard(needed)
    if not rest:
        return module
    from libcst.codemod import CodemodContext  # slow to import (about 0.4 s): only when needed
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for module_name, obj, asname in sorted(rest, key=lambda i: (i[0], i[1] or "", i[2] or "")):
        AddImportsVisitor.add_needed_import(context, module_name, obj, asname)
    indent = module.default_indent
    if not _PARSER_INDENT.fullmatch(indent):
        # A form feed in the first indentation is valid Python but not a parser setting LibCST accepts
        # when it parses the new import with the module's config; the module's own indent is put back.
        module = module.with_changes(default_indent="    ")
    return AddImportsVisitor(context).transform_module(module).with_changes(default_indent=indent)


def _add_stdlib_import(module: cst.Module, name: str) -> cst.Module | None:
    """`import name` in the standard-library group; the module unchanged if it is already imported;
    None when there is no top import block to place it in (the caller falls back to AddImportsVisitor)."""
    body = list(module.body)
    block = _import_block(body)
    if any(_imports_plainly(body[i], name) for i in block):
        return module
    if not block:
        return None
    new = cst.parse_statement(f"import {name}")
    stdlib = [i for i in block if _is_stdlib(body[i])]
    if stdlib:
        after_os = [i for i in stdlib if _sort_key(body[i]) > (0, name)]
        if after_os:
            index = after_os[0]
            body.insert(index, new)
        else:
            body.insert(stdlib[-1] + 1, new)
        return module.with_changes(body=body)
    first = block[0]
    lead = body[first].leading_lines
    body[first] = body[first].with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(first, new.with_changes(leading_lines=lead))
    return module.with_changes(body=body)


def _import_block(body: list[cst.BaseStatement]) -> list[int]:
    """Indexes of the import statements at the top of the module (after a docstring and __future__)."""
    out: list[int] = []
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            if out or index > 0:
                break
            continue
        small = stmt.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString) and index == 0:
            continue  # docstring
        if isinstance(small, cst.ImportFrom) and _root(small) == "__future__":
            continue
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            out.append(index)
            continue
        break
    return out


def _root(small: cst.Import | cst.ImportFrom) -> str:
    if isinstance(small, cst.Import):
        return cst.Module(body=[]).code_for_node(small.names[0].name).split(".")[0]
    if small.relative or small.module is None:
        return ""
    return cst.Module(body=[]).code_for_node(small.module).split(".")[0]


def _is_stdlib(stmt: cst.BaseStatement) -> bool:
    assert isinstance(stmt, cst.SimpleStatementLine)
    small = stmt.body[0]
    assert isinstance(small, (cst.Import, cst.ImportFrom))
    return _root(small) in sys.stdlib_module_names


def _sort_key(stmt: cst.BaseStatement) -> tuple[int, str]:
    """isort's default order inside a section: `import x` lines first, then `from x import y`."""
    assert isinstance(stmt, cst.SimpleStatementLine)
    small = stmt.body[0]
    kind = 0 if isinstance(small, cst.Import) else 1
    name = (
        cst.Module(body=[]).code_for_node(small.names[0].name)
        if isinstance(small, cst.Import)
        else cst.Module(body=[]).code_for_node(small.module) if small.module else ""
    )
    return kind, name.lower()


def _imports_plainly(stmt: cst.BaseStatement, name: str) -> bool:
    """`import name`, or `import name.sub`, which binds `name` to the same module (`import os.path`)."""
    if not isinstance(stmt, cst.SimpleStatementLine):
        return False
    small = stmt.body[0]
    return isinstance(small, cst.Import) and any(
        a.asname is None and cst.Module(body=[]).code_for_node(a.name).split(".")[0] == name for a in small.names
    )
