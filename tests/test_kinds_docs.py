"""Documentation code blocks (codemod/kinds/docs, markdown_blocks, rest_blocks, doctests): which blocks are
found, which are left alone, and where findings point. The fixture pairs in fixtures/kinds/docs/ cover whole
documents; these cases pin down the edges."""

from __future__ import annotations

from pathlib import PurePath

import libcst as cst
import pytest

from codemod.kinds import RunFacts, rewrite_file
from codemod.kinds.code_block import Block
from codemod.kinds.doctests import examples_of
from codemod.kinds.markdown_blocks import markdown_blocks
from codemod.kinds.names import is_document
from codemod.kinds.rest_blocks import rest_blocks
from codemod.migration import migrate_source
from tests.test_kinds import ROOT, read

CLIENT = (
    "from openai import AzureOpenAI\n"
    'client = AzureOpenAI(azure_endpoint="https://r.openai.azure.com", api_key="k", api_version="2024-02-01")\n'
)
MIGRATED = 'from openai import OpenAI\nclient = OpenAI(base_url="https://r.openai.azure.com/openai/v1/", api_key="k")\n'
FACTS = RunFacts(migrate=migrate_source)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def md(text: str) -> str:
    return rewrite_file(text, PurePath("README.md"), FACTS).text


@pytest.mark.parametrize("info", ["python", "py", "python3", "{python}", 'python title="chat.py"', "PYTHON"])
def test_markdown_python_info_strings(info: str) -> None:
    assert md(f"```{info}\n{CLIENT}```\n") == f"```{info}\n{MIGRATED}```\n"


@pytest.mark.parametrize("info", ["", "bash", "json", "ipython", "text", "pythonx"])
def test_markdown_other_blocks_are_text(info: str) -> None:
    text = f"```{info}\n{CLIENT}```\n"
    assert md(text) == text


def test_markdown_unclosed_fence_is_left_alone() -> None:
    text = f"```python\n{CLIENT}"
    assert md(text) == text


def test_markdown_pycon_is_a_session_and_python_with_prompts_too() -> None:
    (session,) = markdown_blocks(lines("```pycon\n>>> import openai\n```\n"))
    (prompted,) = markdown_blocks(lines("```python\n\n>>> import openai\n```\n"))
    assert session.doctest and prompted.doctest


def test_block_indentation_is_the_common_prefix_and_blank_lines_stay_empty() -> None:
    block = Block(0, ("   a = 1\n", "\n", "     b = 2\n"))
    assert block.indent == "   " and block.code == "a = 1\n\n  b = 2\n"


def test_rest_blocks_found_and_skipped() -> None:
    text = (
        ".. code-block::\n\n   x = 1\n\n"  # no language: Sphinx highlights Python
        ".. code-block:: json\n\n   {}\n\n"  # another language: skipped
        ".. testcode::\n\n   y = 2\n\n"
        ".. code:: python\n   :number-lines:\n\n   z = 3\n\n"
        ".. raw:: html\n\n   <p>::</p>\n\n"
        "Not a literal block::\n   no blank line before it\n\n"
        "..\n   .. code-block:: python\n\n      hidden = 1\n"
    )
    found = [(b.start, b.code) for b in rest_blocks(lines(text))]
    assert found == [(2, "x = 1\n"), (10, "y = 2\n"), (15, "z = 3\n")]


def test_rest_doctest_block_ends_at_a_blank_line() -> None:
    (block,) = rest_blocks(lines("Text.\n\n>>> 1 + 1\n2\n\nMore text.\n"))
    assert block.doctest and block.lines == (">>> 1 + 1\n", "2\n")


def test_a_block_that_does_not_parse_is_left_alone_without_findings() -> None:
    text = "```python\nclient = AzureOpenAI(api_version='2024-02-01', ...\nfrom openai import AzureOpenAI\n```\n"
    result = rewrite_file(text, PurePath("a.md"), FACTS)
    assert result.text == text and result.findings == []


def test_libcst_refusing_a_block_leaves_it_alone() -> None:
    def refusing(code: str):
        cst.parse_module("(")  # raises ParserSyntaxError, as LibCST does on syntax Python accepts and it does not
        raise AssertionError("unreachable")

    text = f"```python\n{CLIENT}```\n"
    result = rewrite_file(text, PurePath("a.md"), RunFacts(migrate=refusing))
    assert result.text == text and result.findings == []


def test_blocks_without_openai_are_not_parsed() -> None:
    calls = []

    def counting(code: str):
        calls.append(code)
        return migrate_source(code)

    text = "```python\nimport json\n```\n\nopenai is mentioned here.\n\n```python\nimport openai\n```\n"
    rewrite_file(text, PurePath("a.md"), RunFacts(migrate=counting))
    assert calls == ["import openai\n"]


def test_top_level_await_in_a_snippet_is_migrated() -> None:
    code = (
        "from openai import AsyncAzureOpenAI\n"
        'client = AsyncAzureOpenAI(azure_endpoint="https://r.openai.azure.com", api_key="k",'
        ' api_version="2024-02-01")\n'
        "reply = await client.embeddings.create(model=client_model, input='hi')\n"
    )
    assert "AsyncOpenAI(base_url=" in md(f"```python\n{code}```\n")


def test_no_engine_no_change() -> None:
    text = f"```python\n{CLIENT}```\n"
    assert rewrite_file(text, PurePath("a.md"), RunFacts()).text == text


def test_findings_point_at_the_document() -> None:
    source = read(ROOT / "docs" / "mixed_blocks.in.md").splitlines()
    result = rewrite_file("\n".join(source) + "\n", PurePath("a.md"), FACTS)
    (person,) = [f for f in result.findings if f.needs_person]
    assert source[person.line - 1][person.column - 1 :].startswith("AzureOpenAI(**settings)")
    for finding in result.findings:
        assert finding.path == "" and finding.cell is None
    doctest_fix = next(f for f in result.findings if f.code == "AOAI201")
    assert source[doctest_fix.line - 1][doctest_fix.column - 1 :].startswith('model="gpt-4o-prod-01"')


def test_doctest_examples_and_malformed_prompts() -> None:
    block = Block(0, tuple(lines(">>> x = (\n...     1,\n... )\n>>> x\n1\n")), doctest=True)
    examples = examples_of(block)
    assert examples is not None
    assert [(e.first, e.count, e.has_output) for e in examples] == [(0, 3, False), (3, 1, True)]
    assert examples[0].source == "x = (\n    1,\n)\n"
    assert examples_of(Block(0, (">>>x = 1\n",), doctest=True)) is None


def test_doctest_example_with_output_is_not_deleted() -> None:
    text = (
        "```pycon\n>>> import openai\n>>> openai.api_type = 'azure'\n"
        ">>> openai.api_version = '2024-02-01'\nshown\n```\n"
    )
    assert md(text) == text


def test_doctest_session_spans_blocks() -> None:
    text = (
        "```pycon\n>>> from openai import AzureOpenAI\n```\n\nLater:\n\n"
        '```pycon\n>>> c = AzureOpenAI(azure_endpoint="https://r.openai.azure.com", api_key="k", '
        'api_version="2024-02-01")\n```\n'
    )
    assert md(text) == (
        "```pycon\n>>> from openai import OpenAI\n```\n\nLater:\n\n"
        '```pycon\n>>> c = OpenAI(base_url="https://r.openai.azure.com/openai/v1/", api_key="k")\n```\n'
    )


def test_requirements_text_files_are_not_documents() -> None:

    assert not is_document(PurePath("requirements.txt")) and is_document(PurePath("notes.txt"))


def test_docstring_examples_in_a_crlf_module_keep_their_line_endings() -> None:
    module = (
        'def f():\r\n    """Example.\r\n\r\n    >>> from openai import AzureOpenAI\r\n'
        '    >>> c = AzureOpenAI(azure_endpoint="https://r.openai.azure.com", api_key="k", '
        'api_version="2024-02-01")\r\n'
        '    """\r\n'
    )
    result = rewrite_file(module, PurePath("m.py"), FACTS)
    assert result.text == module.replace("AzureOpenAI", "OpenAI").replace(
        'azure_endpoint="https://r.openai.azure.com", api_key="k", api_version="2024-02-01"',
        'base_url="https://r.openai.azure.com/openai/v1/", api_key="k"',
    )
    assert {f.line for f in result.findings} == {5}


def test_docstrings_that_are_not_the_first_statement_are_strings() -> None:
    module = 'x = 1\n"""\n>>> from openai import AzureOpenAI\n"""\n'
    assert rewrite_file(module, PurePath("m.py"), FACTS).text == module


def test_blocks_between_off_and_on_switches_are_left_alone() -> None:
    block = f"```python\n{CLIENT}```\n"
    text = f"<!-- aoai-migrate: off -->\nBefore:\n\n{block}<!-- aoai-migrate: on -->\n\n{block}"
    assert md(text) == f"<!-- aoai-migrate: off -->\nBefore:\n\n{block}<!-- aoai-migrate: on -->\n\n" + block.replace(
        CLIENT, MIGRATED
    )
    rst = f".. aoai-migrate: off\n\n.. code-block:: python\n\n   {CLIENT.replace(chr(10), chr(10) + '   ', 1)}\n"
    assert rewrite_file(rst, PurePath("a.rst"), FACTS).text == rst
