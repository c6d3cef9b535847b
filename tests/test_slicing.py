"""Slicing (codemod/slicing.py) changes how much LibCST parses, never the result: for every fixture, with
unrelated statements spliced in between its top-level statements, the sliced engine gives the same output,
findings, deployments and environment reads as the engine run over the whole module."""

from __future__ import annotations

import ast
import itertools
import os
import re
import warnings

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from codemod import migration as engine
from codemod.engine import slicing
from codemod.engine.slicing import slice_module
from codemod.migration import MigrationResult, migrate_source
from codemod.options import Options
from codemod.run.source import decode
from tests.fixture_cases import cases
from tests.test_fixtures import options_for

PY_CASES = [c for c in cases() if c.source.suffix == ".py"]
EXAMPLES = int(os.environ.get("AOAI_FUZZ_EXAMPLES", "100"))

# Statements that share no name with Azure OpenAI code: the slicer may replace them.
UNRELATED = [
    "def helper_{n}(items, limit=3):\n    kept = []\n    for item in items:\n        if item and len(kept) < limit:\n"
    "            kept.append(item)\n    return kept\n",
    "class Plain{n}:\n    '''Plain data.'''\n\n    def run(self):\n        return [x * 2 for x in range(3)]\n",
    "COUNT_{n} = 3; OTHER_{n} = 'x'\n",
    "@staticmethod\ndef decorated_{n}():\n    pass\n",
    "# a comment of its own\nvalue_{n} = {\n    'a': 1,\n    'b': 2,\n}\n",
    'TEXT_{n} = """\nmulti\nline\n"""\n',
    "def two_spaces_{n}():\n  if True:\n    return 1\n",
    "x_{n} = 1 \\\n    + 2\n",
    "if __name__ == '__main__':\n    print('hi')\n",
    "async def agen_{n}():\n    await something()\n",
    "for index_{n} in range(2): pass\n",
]
# Statements that bind or use names Azure OpenAI code in the fixtures uses: the slicer must keep them,
# or the scope analysis would see another program.
LINKED = [
    "def uses_client_{n}():\n    return client.models.list()\n",
    "client = None\n",
    "def rebinds_{n}():\n    global client\n    client = object()\n",
    "MODEL = 'other-model'\n",
    "def getenv(name, default=None):\n    return default\n",
    "def len(x):\n    return 0\n",
    "print(client)\n",
    "__all__ = ['client']\n",
    "match command_{n}:\n    case [client]:\n        pass\n",
    "with open('f') as endpoint:\n    pass\n",
    "token_provider = lambda: 'token'\n",
    "DEPLOYMENT = 'gpt-4o-prod-01'\n",
    "del settings\n",
    "def factory_{n}():\n    return make_client()\n",
    "settings = dict(api_version='2024-02-01')\n",
    "import os as operating_system\n",
    # a client held by an object is used through the attribute's name, wherever the object goes
    "def elsewhere_{n}(holder):\n    return holder.client.embeddings.create(input='x')\n",
    "def reflects_{n}(holder):\n    return getattr(holder, 'client')\n",
    "def version_of_{n}(c):\n    return c._api_version\n",
]


def _named(template: str, n: object) -> str:
    return template.replace("{n}", str(n))


def _lines(text: str) -> list[str]:
    """Lines as the tokenizer counts them (str.splitlines would also split at form feeds)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+", text)


def _chunk_starts(text: str) -> list[int] | None:
    """Line numbers (0-based) where top-level statements start, after the first one."""
    try:
        body = ast.parse(text).body
    except SyntaxError:
        return None
    starts = []
    previous_end = 0
    for stmt in body:
        start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        if start > previous_end:
            starts.append(start - 1)
        previous_end = stmt.end_lineno or stmt.lineno
    return starts[1:] + [len(_lines(text))]


def _splice(text: str, insertions: dict[int, list[str]]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = _lines(text)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    for at in sorted(insertions, reverse=True):
        block = "".join("\n\n" + s for s in insertions[at]).replace("\n", newline)
        lines.insert(at, block + newline)
    return "".join(lines)


def _same(sliced: MigrationResult, whole: MigrationResult) -> None:
    assert sliced.source == whole.source
    assert sliced.findings == whole.findings
    assert sliced.record.deployments == whole.record.deployments
    assert sliced.record.env_reads == whole.record.env_reads
    assert sliced.record.sdk_needs == whole.record.sdk_needs


def _text(case) -> str:
    return decode(case.source.read_bytes()).text


@pytest.mark.parametrize("case", PY_CASES, ids=lambda c: c.id)
def test_fixture_with_unrelated_statements_everywhere(case) -> None:
    text = _text(case)
    starts = _chunk_starts(text)
    if starts is None:
        assert slice_module(text) is None  # what ast cannot parse is never sliced
        return
    fillers = {at: [_named(UNRELATED[(i + k) % len(UNRELATED)], f"{i}_{k}") for k in range(3)]
               for i, at in enumerate(starts)}
    source = _splice(text, fillers)
    sliced = slice_module(source)
    assert sliced is not None, "unrelated statements between every statement: the slicer must apply"
    assert sliced.text.count("\n") == source.count("\n")
    assert sliced.restore(sliced.text) == source
    options = options_for(case)
    _same(migrate_source(source, options, "m.py"), migrate_source(source, options, "m.py", whole_module=True))


@st.composite
def spliced_fixtures(draw: st.DrawFn) -> tuple[str, Options]:
    case = draw(st.sampled_from(PY_CASES))
    text = _text(case)
    starts = _chunk_starts(text) or []
    insertions: dict[int, list[str]] = {}
    pools = [UNRELATED] * 3 + [draw(st.sampled_from([UNRELATED, LINKED])) for _ in range(draw(st.integers(1, 6)))]
    for n, pool in enumerate(pools):  # a few unrelated statements always, so that most modules get sliced
        at = draw(st.sampled_from(starts)) if starts else len(_lines(text))
        insertions.setdefault(at, []).append(_named(draw(st.sampled_from(pool)), n))
    return _splice(text, insertions), options_for(case)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spliced_fixtures())
def test_sliced_engine_equals_whole_module_engine(spliced: tuple[str, Options]) -> None:
    source, options = spliced
    event("sliced" if slice_module(source) is not None else "whole module")
    _same(migrate_source(source, options, "m.py"), migrate_source(source, options, "m.py", whole_module=True))


def _kept_lines(source: str) -> list[str]:
    sliced = slice_module(source)
    assert sliced is not None
    return [line for line in sliced.text.splitlines() if "aoai-migrate-slice:" not in line and line.strip()]


AZURE = (
    "import os\n"
    "from openai import AzureOpenAI\n\n"
    "client = AzureOpenAI(api_version='2024-02-01')\n"
)
FILLER = "".join(_named(UNRELATED[0], n) + "\n" for n in range(6))


def test_statements_linked_by_module_names_are_kept_to_a_fixed_point() -> None:
    source = (
        AZURE
        + FILLER
        + "def ask(c):\n    return c.chat.completions.create(model=MODEL, messages=[])\n\n"
        + "def run():\n    return ask(client)\n\n"
        + "MODEL = 'gpt-4o'\n"
        + FILLER.replace("helper_", "other_")
    )
    kept = _kept_lines(source)
    assert "def ask(c):" in kept and "def run():" in kept and "MODEL = 'gpt-4o'" in kept
    # helper_0 holds the first indented line (kept for LibCST's indentation); no other helper is linked
    assert [line for line in kept if line.startswith(("def helper_", "def other_"))] == [
        "def helper_0(items, limit=3):"
    ]


def test_names_local_to_a_function_do_not_link_statements() -> None:
    source = AZURE + "def ask(items):\n    return client.models.list(items)\n\n" + FILLER
    assert "def ask(items):" in _kept_lines(source)
    assert not any(line.startswith("def helper_") for line in _kept_lines(source))  # `items` is local there


HELD = (
    "import os\n"
    "from openai import AzureOpenAI\n\n\n"
    "class Assistant:\n"
    "    def __init__(self):\n"
    "        self.client = AzureOpenAI(api_version='2024-06-01', azure_deployment='gpt-4o')\n\n\n"
)


@pytest.mark.parametrize(
    "reader",
    [
        "def elsewhere(holder):\n    return holder.client.embeddings.create(input='x')\n",
        "def elsewhere(holder):\n    return getattr(holder, 'client').embeddings.create(input='x')\n",
        "def elsewhere(c):\n    return c._api_version\n",
        "def elsewhere(c):\n    return c._azure_deployment\n",
    ],
    ids=["attribute", "getattr", "private-api-version", "private-azure"],
)
def test_a_statement_reading_a_held_client_is_kept(reader: str) -> None:
    """No name links `elsewhere` to the client at module level, yet the whole-module analysis sees it read the
    client's attribute (or an attribute only AzureOpenAI has) and keeps the client dated: the sliced engine must
    see it too, or it migrates a client the program still uses as Azure's."""
    source = HELD + FILLER + reader + "\n\n" + FILLER.replace("helper_", "other_")
    assert "def elsewhere(" in "".join(_kept_lines(source))
    _same(migrate_source(source), migrate_source(source, whole_module=True))


def test_a_called_method_passes_no_name_on() -> None:
    """`kept.append(...)` in a kept statement does not keep every other statement that appends."""
    source = AZURE + "def ask(kept):\n    kept.append(client)\n    return kept\n\n" + FILLER
    assert not any(line.startswith("def helper_") and line != "def helper_0(items, limit=3):"
                   for line in _kept_lines(source))


def test_a_shadowed_builtin_is_linked() -> None:
    plain = "".join(_named(UNRELATED[1], n) + "\n" for n in range(6))
    source = AZURE + plain + "models = len(client.models.list())\n\n" + "def len(x):\n    return 0\n\n" + plain
    kept = _kept_lines(source)
    assert "def len(x):" in kept
    assert "class Plain1:" not in kept  # nothing links the classes (Plain0 holds the first indented line)


def test_the_statement_with_the_first_indented_line_is_kept() -> None:
    """LibCST takes the default indentation from the module's first indented line; inserted blocks use it."""
    source = "def first():\n  return 1\n\n" + AZURE.replace("AzureOpenAI(", "AsyncAzureOpenAI(").replace(
        "import AzureOpenAI", "import AsyncAzureOpenAI"
    ).replace("api_version='2024-02-01'", "api_version='2024-02-01', azure_ad_token_provider=lambda: 't'") + FILLER
    assert "def first():" in _kept_lines(source)
    sliced = migrate_source(source)
    assert "\n  async def token() -> str:" in sliced.source  # the adapter took the module's two-space indent
    _same(sliced, migrate_source(source, whole_module=True))


@pytest.mark.parametrize(
    "source",
    [
        AZURE + "from helpers import *\n" + FILLER,  # any name may come from the star import
        AZURE.replace("\n", "\r") + FILLER.replace("\n", "\r"),  # lone CR line endings
        AZURE + 'print "python 2"\n' + FILLER,  # ast cannot parse it
        AZURE,  # nothing to leave out
        AZURE + "\n\nx = 1\n",  # too little to leave out
    ],
    ids=["star-import", "lone-cr", "syntax-error", "all-kept", "too-little"],
)
def test_modules_that_are_not_sliced(source: str) -> None:
    assert slice_module(source) is None


def test_placeholders_keep_every_line_and_column() -> None:
    source = AZURE + FILLER.replace("\n", "\r\n") + "y = client.models.list()  # aoai-migrate: ignore\n"
    sliced = slice_module(source)
    assert sliced is not None
    assert sliced.text.splitlines()[-1] == source.splitlines()[-1]
    assert len(sliced.text.splitlines()) == len(source.splitlines())
    assert all(p.count("\n") == o.count("\n") and p.count("\r\n") == o.count("\r\n") for p, o in sliced.swaps)
    assert sliced.restore(sliced.text) == source


def test_a_placeholder_that_does_not_come_back_means_the_whole_module_is_migrated(monkeypatch) -> None:
    source = AZURE + FILLER
    calls: list[str] = []
    real = engine._migrate

    def spy(text: str, options: Options, path: str, hidden: str = "", *rules: object) -> MigrationResult:
        calls.append(text)
        result = real(text, options, path, hidden, *rules)
        if len(calls) == 1:  # as if an edit had swallowed a placeholder
            result.source = result.source.replace("aoai-migrate-slice:", "aoai-migrate-slice-gone:")
        return result

    monkeypatch.setattr(engine, "_migrate", spy)
    result = migrate_source(source)
    assert len(calls) == 2 and calls[0] != source and calls[1] == source
    monkeypatch.undo()
    _same(result, migrate_source(source, whole_module=True))


def test_restore_refuses_a_changed_placeholder() -> None:
    sliced = slice_module(AZURE + FILLER)
    assert sliced is not None
    placeholder = sliced.swaps[0][0]
    assert sliced.restore(sliced.text.replace(placeholder, placeholder.replace('"""', "'''"), 1)) is None


def test_slicing_skips_most_of_a_large_module() -> None:
    source = AZURE + "".join(_named(UNRELATED[0], n) + "\n" for n in range(200))
    sliced = slice_module(source)
    assert sliced is not None
    # helper_0 holds the first indented line; helper_1 to helper_199 become one placeholder, the blank lines
    # between them included: LibCST sees one statement, not 199
    assert len(sliced.swaps) == 1
    assert sliced.swaps[0][1].startswith("def helper_1(") and sliced.swaps[0][1].endswith("    return kept\n")
    assert len(sliced.text) < len(source) / 2
    assert slicing.MIN_SKIPPED_SHARE < 1


# Lines at column 0 that do not start a statement of their own: the block parser must not cut there.
TRICKY = [
    'TEXT = """\nnot_a_statement = 1\n@not_a_decorator\n"""\n',
    "CALL = dict(\na=1,\nb=2)\n",
    "if __name__ == '__main__':\n    x = 1\nelif False:\n    x = 2\nelse:\n    x = 3\n",
    "try:\n    import json\nexcept ImportError:\n    json = None\nfinally:\n    pass\n",
    "@staticmethod\n@property\ndef decorated():\n    pass\n",
    "total = 1 + \\\nvalue_of_something\n",
    "match command:\n    case [first]:\n        pass\n",
    "a = 1; b = 2\n",
    "class Outer:\n    def inner(self):\n        return '''\nlambda_like: 1\n'''\n",
]


@pytest.mark.parametrize("block_chars", [1, 200, 1 << 16])
def test_block_parsing_finds_the_same_statements_as_one_parse(monkeypatch, block_chars: int) -> None:
    """`ast` and `symtable` run on blocks of lines (a multi-megabyte module is never held whole); a cut at a
    line that only looks like a statement start is grown past, so the chunks are those of one parse."""
    source = AZURE + "".join(TRICKY) + FILLER + "".join(TRICKY[::-1]) + "print(client)\n"
    monkeypatch.setattr(slicing, "_BLOCK_CHARS", block_chars)
    lines = _lines(source)
    chunks, names = slicing._top_level(source, list(itertools.accumulate(map(len, lines))), lines)
    expected: list[list[int]] = []  # [start, end] of each top-level statement, those sharing a line merged
    for stmt in ast.parse(source).body:
        start = min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))])
        if expected and start <= expected[-1][1]:
            expected[-1][1] = max(expected[-1][1], stmt.end_lineno or stmt.lineno)
        else:
            expected.append([start, stmt.end_lineno or stmt.lineno])
    assert [[c.start, c.end] for c in chunks] == expected
    assert {"client", "TEXT", "CALL", "x", "json", "decorated", "total", "a", "b", "Outer"} <= names
    assert "not_a_statement" not in names and "lambda_like" not in names
    _same(migrate_source(source), migrate_source(source, whole_module=True))


def test_symbols_are_read_as_the_standard_library_reads_them() -> None:
    """slicing._symbols reads the raw flags (symtable's get_symbols is quadratic in the number of functions);
    every predicate must answer as symtable.Symbol's own."""
    import symtable

    source = AZURE + "".join(TRICKY) + "".join(LINKED).replace("{n}", "0") + "global late\nK = [w := 1 for _ in []]\n"
    table = symtable.symtable(source, "<module>", "exec")
    predicates = ("is_assigned", "is_imported", "is_namespace", "is_declared_global", "is_referenced", "is_annotated")

    def described(symbols) -> list[tuple]:
        return sorted((s.get_name(), *(getattr(s, p)() for p in predicates)) for s in symbols)

    assert described(slicing._symbols(table)) == described(table.get_symbols())


def test_a_syntax_error_after_many_blocks_means_no_slicing(monkeypatch) -> None:
    monkeypatch.setattr(slicing, "_BLOCK_CHARS", 1)
    assert slice_module(AZURE + FILLER * 3 + "print 'python 2'\n" + FILLER) is None


def test_slicing_prints_no_compiler_warnings() -> None:
    """ast.parse warns about invalid escapes such as "\\d" (a SyntaxWarning on Python 3.12+): the user's
    code is not ours to lint, and the warning would land in the middle of the tool's output."""
    source = AZURE + "".join(f'def f{n}():\n    return "\\d"\n\n' for n in range(6))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sliced = slice_module(source)
    assert sliced is not None
    assert caught == []


def test_an_adapter_from_an_earlier_run_is_seen_by_the_next_migration() -> None:
    """The rule reuses an `_aoai_awaitable_token_provider` already in the module instead of adding another:
    the slicer keeps it even when nothing refers to it any more."""
    from codemod.rules.credentials import _ADAPTER_SOURCE

    source = (
        "from openai import AsyncAzureOpenAI\n\n"
        + "".join(_named(UNRELATED[0], n) + "\n" for n in range(4))
        + _ADAPTER_SOURCE
        + "\n\naclient = AsyncAzureOpenAI(api_version='2024-02-01', azure_ad_token_provider=lambda: 't')\n"
        + "".join(_named(UNRELATED[1], n) + "\n" for n in range(4))
    )
    assert slice_module(source) is not None
    result = migrate_source(source)
    assert result.source.count("def _aoai_awaitable_token_provider(") == 1
    _same(result, migrate_source(source, whole_module=True))
