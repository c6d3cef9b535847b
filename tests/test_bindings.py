"""codemod/engine/bindings.py lists every binding CPython's compiler sees: checked against `symtable` on generated
modules (each binding form, nested in every kind of scope, with global and nonlocal declarations) and on every
fixture and end-to-end program, and by hand for the scope each form changes."""

from __future__ import annotations

import os
import symtable
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

from codemod.engine.bindings import ANY_NAME, WALRUS, Bindings, bindings_of

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("AOAI_PROPERTY_EXAMPLES", "150"))
_TABLE_NAMES = {cst.ListComp: "listcomp", cst.SetComp: "setcomp", cst.DictComp: "dictcomp", cst.GeneratorExp: "genexpr"}


def _key(node: cst.CSTNode, positions) -> tuple[str, int]:
    """The (name, line) symtable gives the scope `node` opens."""
    if isinstance(node, cst.Module):
        return ("top", 0)
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        return (node.name.value, positions[node.name].start.line)
    if isinstance(node, cst.Lambda):
        return ("lambda", positions[node].start.line)
    return (_TABLE_NAMES[type(node)], positions[node].start.line)


def ours(source: str) -> tuple[dict[tuple[str, int], set[str]], list[tuple[tuple[str, int], str, str]]]:
    """Names written in each scope, and (written scope, name, "local" | "global" | "nonlocal") per binding."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    positions = wrapper.resolve(PositionProvider)
    found: Bindings = bindings_of(wrapper.module)
    written: dict[tuple[str, int], set[str]] = {_key(s, positions): set() for s in found.scopes}
    where = []
    for binding in found.all():
        if binding.name == ANY_NAME:
            continue
        key = _key(binding.written, positions)
        written[key].add(binding.name)
        if binding.kind == WALRUS and binding.written is not binding.scope:
            outer = found.parents[binding.written]
            while type(outer) in _TABLE_NAMES:
                outer = found.parents[outer]
            if isinstance(outer, (cst.FunctionDef, cst.Lambda)):  # symtable marks it assigned there too
                written[_key(outer, positions)].add(binding.name)
        if binding.scope is binding.written:
            how = "local"
        else:
            how = "global" if isinstance(binding.scope, cst.Module) else "nonlocal"
        where.append((key, binding.name, how))
    return written, where


def theirs(source: str) -> dict[tuple[str, int], symtable.SymbolTable]:
    tables: dict[tuple[str, int], symtable.SymbolTable] = {}
    todo = [symtable.symtable(source, "<generated>", "exec")]
    while todo:
        table = todo.pop()
        key = ("top", 0) if table.get_type() == "module" else (table.get_name(), table.get_lineno())
        assert key not in tables, f"two scopes named {key}: make the generated code put them on separate lines"
        tables[key] = table
        todo.extend(table.get_children())
    return tables


def assert_same_as_symtable(source: str) -> None:
    written, where = ours(source)
    tables = theirs(source)
    assert written.keys() == tables.keys(), source
    for key, table in tables.items():
        bound = {
            s.get_name()
            for s in table.get_symbols()
            if (s.is_assigned() or s.is_imported() or s.is_parameter()) and not s.get_name().startswith(".")
        }
        assert written[key] == bound, f"scope {key}\n{source}"
    for key, name, how in where:
        symbol = tables[key].lookup(name)
        if how == "global":
            assert symbol.is_global() or key == ("top", 0), f"{name} in {key}\n{source}"
        elif how == "nonlocal":
            assert symbol.is_nonlocal(), f"{name} in {key}\n{source}"
        else:
            assert not symbol.is_nonlocal() and (key == ("top", 0) or not symbol.is_global()), f"{name} in {key}"


# Generated modules: every binding form, nested in functions, classes, lambdas and comprehensions.

_SIMPLE = (
    "{n} = 1",
    "{n}, *{m} = 1, 2",
    "[{n}, ({m}, q)] = [1, (2, 3)]",
    "x.{n} = {m}[0] = 1",
    "{n} += 1",
    "{n}: int = 1",
    "{n}: int",
    "print({n} := 1)",
    "print([({n} := v) for v in range(2)])",
    "print([[({n} := w) for w in range(v)] for v in range(2)])",
    "print([({n}{n} := v) for v in range(2)])",  # a name that only the := binds
    "print({{{m}: 1 for {m} in range(2)}})",
    "print(list({m} for {m} in range(2)))",
    "print((lambda {m}=1, *{n}: {m}))",
    "import {n}",
    "import {n}.sub as {m}",
    "import {n}.sub",
    "from os import path as {n}",
    "from os import {n}, {m}",
    "del {n}",
    "del ({n}, {m})",
    "print({n})",
)
_BLOCKS = (
    "for {n} in range(2):",
    "for ({n}, [{m}]) in []:",
    "with open('f') as {n}:",
    "with open('f') as ({n}, x.attr), open('g') as {m}:",
    "try:\n    pass\nexcept E as {n}:",
    "try:\n    pass\nexcept* E as {n}:",
    "match v:\n    case [{n}, *{m}] if {n}:",
    "match v:\n    case {{'k': {n}, **{m}}}:",
    "match v:\n    case P(x={n}) | P(y={n}) as {m}:",
    "match v:\n    case ({n} as {m}):",
    "match v:\n    case {n}:",
    "def {n}({m}, /, p=({n} := 1), *args, k=1, **kw):",
    "class {n}(Base, metaclass=M):",
    "if {n}:",
    "while {m}:",
)
_DECLARATIONS = ("global {n}", "nonlocal {n}", "global {n}{n}")
_NAMES = st.sampled_from(["a", "b", "c"])


@st.composite
def _statements(draw: st.DrawFn, depth: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        n, m = draw(_NAMES), draw(_NAMES)
        if depth > 0 and draw(st.booleans()):
            header = draw(st.sampled_from(_BLOCKS)).format(n=n, m=m)
            body = draw(_statements(depth - 1))
            if header.startswith(("def ", "class ")) and draw(st.booleans()):
                body = [draw(st.sampled_from(_DECLARATIONS)).format(n=draw(_NAMES)), *body]
            last = header.splitlines()[-1]
            indent = " " * (len(last) - len(last.lstrip()) + 4)
            lines += [*header.splitlines(), *(indent + line for line in body)]
        else:
            lines.append(draw(st.sampled_from(_SIMPLE)).format(n=n, m=m))
    return lines


def _one_scope_per_line(lines: list[str]) -> bool:
    """symtable names a scope by its line: two comprehensions on one line could not be told apart."""
    return all(sum(line.count(word) for word in (" for ", "lambda")) <= 1 for line in lines)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(_statements(3))
def test_every_binding_symtable_sees_is_listed_in_its_scope(lines: list[str]) -> None:
    source = "\n".join(lines) + "\n"
    if not _one_scope_per_line(lines):
        reject()
    try:
        compile(source, "<generated>", "exec")
    except SyntaxError:
        reject()  # nonlocal without an enclosing binding, a name used before its global declaration, ...
    assert_same_as_symtable(source)


def _real_programs() -> list[Path]:
    return sorted([*(ROOT / "fixtures").rglob("*.in.py"), *(ROOT / "tests" / "e2e" / "programs").glob("*.py")])


def test_every_fixture_and_end_to_end_program() -> None:
    checked = 0
    for path in _real_programs():
        try:
            source = path.read_text(encoding="utf-8")
            theirs(source)
        except (UnicodeDecodeError, SyntaxError, AssertionError):
            continue  # does not compile, or two scopes on one line
        assert_same_as_symtable(source)
        checked += 1
    assert checked > 100


# The scope each form changes, by hand.


def _where(source: str, name: str) -> list[tuple[str, str]]:
    """(kind, scope the binding changes) of every binding of `name`, in source order."""
    found = bindings_of(cst.parse_module(textwrap.dedent(source)))
    kinds = []
    for binding in found.all():
        if binding.name in (name, ANY_NAME):
            scope = binding.scope
            label = scope.name.value if isinstance(scope, (cst.FunctionDef, cst.ClassDef)) else type(scope).__name__
            kinds.append((binding.kind, label))
    return kinds


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[(d := v) for v in range(2)]", [("an assignment expression (:=)", "Module")]),
        ("def f():\n    [[(d := w) for w in v] for v in x]\n", [("an assignment expression (:=)", "f")]),
        ("match s:\n    case d:\n        pass\n", [("a match pattern", "Module")]),
        ("match s:\n    case [*d]:\n        pass\n", [("a match pattern", "Module")]),
        ("match s:\n    case {**d}:\n        pass\n", [("a match pattern", "Module")]),
        ("match s:\n    case P() as d:\n        pass\n", [("a match pattern", "Module")]),
        ("match s:\n    case P(d=1):\n        pass\n", []),
        ("def f():\n    global d\n    d = 1\n", [("an assignment", "Module")]),
        ("def f():\n    d = 1\n    def g():\n        nonlocal d\n        d += 1\n",
         [("an assignment", "f"), ("an augmented assignment", "f")]),
        ("def f():\n    def g():\n        nonlocal d\n        d = 2\n    d = 1\n",
         [("a definition", "Module")][:0] + [("an assignment", "f"), ("an assignment", "f")]),
        ("class C:\n    d = 1\n", [("an assignment", "C")]),
        ("from m import *\n", [("a star import", "Module")]),
        ("globals()['d'] = 1\n", [("a globals() assignment", "Module")]),
        ("def f():\n    globals()[key] = 1\n", [("a globals() assignment", "Module")]),
        ("import d.sub\n", [("an import", "Module")]),
        ("with a as (d, x.y):\n    pass\n", [("a with statement", "Module")]),
        ("try:\n    pass\nexcept* E as d:\n    pass\n", [("an except clause", "Module")]),
        ("del d\n", [("a del statement", "Module")]),
        ("x.d = 1\ny[d] = 2\n", []),
        ("d: str\n", [("an annotation without a value", "Module")]),
        ("async def f():\n    async for d in g():\n        pass\n", [("a for loop", "f")]),
        ("type d = int\n", [("a type alias", "Module")]),
        ("def f[d](): pass\n", [("a definition", "Module")][:0] + [("a type parameter", "TypeParameters")]),
    ],
)
def test_the_scope_each_form_binds_in(source: str, expected: list[tuple[str, str]]) -> None:
    assert _where(source, "d") == expected
