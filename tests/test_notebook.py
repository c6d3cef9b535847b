"""Notebooks: cells migrated together with the real engine, magics untouched, bytes kept outside the
changed `source` values, and the diff names its cells."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from codemod.migration import MigrationResult, migrate_source
from codemod.notebook import NotebookError, code_cells, diff_notebook, migrate_notebook
from tests.azure_server import AzureServer

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "notebooks"
NOTEBOOK_KEY = "notebook-key-0123456789"
NOTEBOOK_TOKEN = "notebook-entra-token-0123456789"

AZURE_CELL = (
    "import os\n"
    "from openai import AzureOpenAI\n"
    "client = AzureOpenAI(azure_endpoint=os.environ['AZURE_OPENAI_ENDPOINT'], api_version='2024-02-01')"
)
CALL_CELL = "client.chat.completions.create(model='gpt-4o-prod-01', messages=[])"
GETENV = "os.getenv(\"AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01\", 'gpt-4o-prod-01')"

# A `source` value: a JSON list of strings or one JSON string. Defined independently of the module.
SOURCE_VALUE = re.compile(r'"source": (?:\[(?:\s*"(?:[^"\\]|\\.)*",?)*\s*\]|"(?:[^"\\]|\\.)*")')


def written_by_nbformat(*sources: str, markdown: bool = True) -> bytes:
    nb = new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    cells = [new_markdown_cell("# Title")] if markdown else []
    nb.cells = cells + [new_code_cell(s, id=f"cell{i}") for i, s in enumerate(sources)]
    return nbformat.writes(nb).encode("utf-8")


def written_by_hand(*sources: str | list[str], newline: str = "\n", trailing: str = "") -> bytes:
    cells = [
        {
            "id": f"h{i}",
            "cell_type": "code",
            "source": s,
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
        for i, s in enumerate(sources)
    ]
    nb = {
        "metadata": {"language_info": {"name": "python"}},
        "nbformat_minor": 5,
        "nbformat": 4,
        "cells": cells,
    }
    return (json.dumps(nb, indent=2).replace("\n", newline) + trailing).encode("utf-8")


def migrate(data: bytes):
    return migrate_notebook(data, lambda text, hidden: migrate_source(text, hidden=hidden))


def sources(data: bytes) -> list[str]:
    return list(code_cells(data).values())


def outside_sources(data: bytes) -> str:
    return SOURCE_VALUE.sub('"source": ...', data.decode("utf-8"))


def assert_valid(data: bytes) -> None:
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=nbformat.NO_CONVERT))


def test_magics_pip_outputs_and_images_survive_and_the_client_is_migrated() -> None:
    before = (FIXTURES / "magics_and_outputs.in.ipynb").read_bytes()
    result = migrate(before)
    after = result.data
    assert after == (FIXTURES / "magics_and_outputs.out.ipynb").read_bytes()
    assert_valid(after)
    assert outside_sources(after) == outside_sources(before)  # outputs, image, ids, metadata: same bytes
    assert '"image/png": "iVBORw0KGgo' in after.decode()
    old, new = code_cells(before), code_cells(after)
    magic = re.compile(r"\s*(?:[%!]|files = !)|^response\?$")
    for number, text in old.items():
        kept = [line for line in text.splitlines() if magic.match(line)]
        assert [line for line in new[number].splitlines() if magic.match(line)] == kept
    assert "    !echo done" in new[4] and '      != "length")' in new[4]
    assert new[6] == old[6]  # a %%bash cell is not Python: left alone although it names AzureOpenAI
    assert "from openai import OpenAI" in new[3] and "api_version" not in new[3]
    assert 'os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01")' in new[4]
    assert [c for c, _, _ in result.cell_changes] == [3, 4]
    assert {(f.cell, f.line, f.code) for f in result.findings} >= {(3, 6, "AOAI101"), (4, 3, "AOAI201")}


def test_client_built_in_one_cell_is_followed_into_later_cells() -> None:
    before = (FIXTURES / "client_across_cells.in.ipynb").read_bytes()
    result = migrate(before)
    after = result.data
    assert after == (FIXTURES / "client_across_cells.out.ipynb").read_bytes()
    assert_valid(after)
    cells = code_cells(after)
    assert 'model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01")' in cells[4]
    assert 'os.getenv("AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_LARGE_PROD"' in cells[5]
    # the import the rewrite needs is added once, in the cell of the openai import
    assert [n for n, text in cells.items() if "import os" in text] == [2]
    assert cells[2] == "from openai import OpenAI\nimport json\nimport os"
    # the hand-written layout is kept: 2-space indent, key order, a string source stays a string,
    # non-ASCII stays raw, no newline at the end of the file
    text = after.decode("utf-8")
    assert text.startswith('{\n  "nbformat": 4,') and not text.endswith("\n")
    assert isinstance(json.loads(text)["cells"][3]["source"], str)
    assert "ça va" in text and outside_sources(after) == outside_sources(before)
    by_code = {(f.code, f.cell, f.line) for f in result.findings}
    assert ("AOAI201", 4, 2) in by_code and ("AOAI201", 5, 1) in by_code and ("AOAI101", 3, 1) in by_code
    assert result.record.deployments == {
        "gpt-4o-prod-01": "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01",
        "text-embedding-3-large-prod": "AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_LARGE_PROD",
    }


@pytest.mark.parametrize(
    "data",
    [
        (FIXTURES / "unchanged.in.ipynb").read_bytes(),
        written_by_nbformat("%pip install openai", "from openai import OpenAI\nclient = OpenAI()"),
        written_by_hand(["from openai import OpenAI\r\n", "OpenAI()"], newline="\r\n", trailing="\r\n"),
        written_by_hand("!pip install openai\nimport openai  # caf\u00e9", trailing="\n"),
        written_by_hand(["%%bash\n", "echo AzureOpenAI"], ["def broken(:\n", "  AzureOpenAI()"]),
    ],
    ids=["fixture", "nbformat", "crlf", "ascii-escapes", "not-python"],
)
def test_unchanged_notebooks_come_out_byte_identical(data: bytes) -> None:
    result = migrate(data)
    assert result.data is data
    assert result.cell_changes == []


def test_changed_cells_keep_their_form_and_the_file_its_newlines() -> None:
    data = written_by_hand(
        AZURE_CELL,  # one string
        [CALL_CELL + "\n", "print('d\u00e9j\u00e0 vu')"],  # a list of lines, ensure_ascii escapes
        newline="\r\n",
    )
    assert b"\\u00e9" in data and b"\r\n" in data
    result = migrate(data)
    after = result.data.decode("utf-8")
    assert after.count("\r\n") >= data.count(b"\r\n") and "\n" not in after.replace("\r\n", "")
    cells = json.loads(after)["cells"]
    assert isinstance(cells[0]["source"], str) and "OpenAI(base_url=" in cells[0]["source"]
    assert cells[1]["source"] == [
        f"client.chat.completions.create(model={GETENV}, messages=[])\n",
        "print('d\u00e9j\u00e0 vu')",
    ]
    assert "\\u00e9" in after and "\u00e9" not in after  # the file's ensure_ascii style is kept
    assert_valid(result.data)
    assert migrate(result.data).data == result.data  # a second run changes nothing


def test_lines_added_to_crlf_cells_end_in_crlf() -> None:
    cell = [
        "%pip install openai\r\n",
        "from openai import AzureOpenAI\r\n",
        "client = AzureOpenAI(azure_endpoint='https://r.openai.azure.com', api_version='2024-02-01')\r\n",
        CALL_CELL,
    ]
    result = migrate(written_by_hand(cell))
    source = json.loads(result.data)["cells"][0]["source"]
    assert source[:3] == ["%pip install openai\r\n", "from openai import OpenAI\r\n", "import os\r\n"]
    assert all(line.endswith("\r\n") for line in source[:-1]) and not source[-1].endswith("\n")
    assert migrate(result.data).data is result.data


def test_a_crlf_cell_of_magic_lines_alone_is_left_as_it_was() -> None:
    """The last magic line of a CRLF cell without a final line break: the placeholder the engine saw ends in the
    join's CRLF, which its restoring must take off whole (it used to leave a lone LF: the cell changed)."""
    magics = ["!ls\r\n", "!pwd"]
    client = ["from openai import AzureOpenAI\n", "c = AzureOpenAI(azure_endpoint='https://r.openai.azure.com', "
              "api_version='2024-10-21', api_key=KEY)"]
    result = migrate(written_by_hand(magics, client))
    cells = json.loads(result.data)["cells"]
    assert cells[0]["source"] == magics
    assert "OpenAI(" in "".join(cells[1]["source"])


def test_magic_lines_are_masked_for_the_engine_and_python_is_not() -> None:
    seen: list[str] = []

    def spy(source: str, hidden: str) -> MigrationResult:
        seen.append(source)
        return migrate_source(source, hidden=hidden)

    cell = (
        "%load_ext autoreload\n"
        "!pip install openai \\\n"
        "    azure-identity\n"
        "x = (1\n"
        "     % 2\n"
        "     != 3)\n"
        "text = '''\n"
        "!not a shell line\n"
        "'''\n"
        "for f in range(2):\n"
        "    %time f\n"
        "out = !ls\n"
        "len?"
    )
    migrate_notebook(written_by_hand(cell, "%%timeit\nsum(range(9))", "%%bash\nls"), spy)
    (module,) = seen
    body = [line for line in module.splitlines() if not re.fullmatch(r"_aoai_nb_c\d+", line)]
    masked = [line for line in body if "_aoai_nb_m" in line]
    assert len(masked) == 7  # %load_ext, the two lines of !pip, %time, out = !ls, len?, %%timeit
    assert "     % 2" in body and "     != 3)" in body and "!not a shell line" in body
    assert "    _aoai_nb_m1_3" in body  # indentation kept so the for-loop still has a body
    assert "sum(range(9))" in body and "ls" not in body  # %%timeit's body is Python, %%bash's is not


def test_a_cell_that_does_not_parse_is_reported_and_the_others_still_migrate() -> None:
    data = written_by_nbformat(AZURE_CELL, "def broken(:\n    pass", CALL_CELL)
    result = migrate(data)
    cells = code_cells(result.data)
    assert cells[3] == "def broken(:\n    pass"
    assert f"model={GETENV}" in cells[4]
    (error,) = [f for f in result.findings if f.code == "AOAI000"]
    assert (error.cell, error.line, error.level, error.needs_person) == (3, 1, "error", True)
    assert "does not parse" in error.message


def test_a_notebook_that_shows_nothing_a_rule_needs_is_left_before_its_cells_are_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The syntax filter's look at the words comes before the cells are masked and parsed (in LLM repositories
    that was most of a run's notebook time, for notebooks no rule acts on). A cell of prose in such a notebook is
    not reported, as a module that shows nothing a rule needs is not; in a notebook the engine migrates it is."""
    import codemod.notebook as notebook_module
    from codemod.options import Options
    from codemod.run import runner

    prepared: list[int] = []
    real = notebook_module.prepare

    def prepare(cell, prefix):  # noqa: ANN001, ANN202 - the real one's signature
        prepared.append(cell.number)
        return real(cell, prefix)

    monkeypatch.setattr(notebook_module, "prepare", prepare)
    prose = "Response from the agent:\n it's done"
    path = tmp_path / "n.ipynb"
    quiet = written_by_nbformat("from openai import OpenAI\nclient = OpenAI(api_key=key)", prose)
    outcome = runner.migrate_bytes(path, quiet, Options(), "n.ipynb")
    assert (outcome.status, outcome.findings, prepared) == ("unchanged", [], [])
    azure = written_by_nbformat(AZURE_CELL, prose, CALL_CELL)
    outcome = runner.migrate_bytes(path, azure, Options(), "n.ipynb")
    assert outcome.status == "changed" and prepared == [2, 3, 4]
    assert [(f.code, f.cell) for f in outcome.findings if f.level == "error"] == [("AOAI000", 3)]


def test_added_helper_goes_after_the_imports_of_the_openai_cell() -> None:
    imports = (
        "%pip install azure-identity\n"
        "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
        "from openai import AsyncAzureOpenAI\n"
        "import asyncio\n"
        "\n"
        "scope = 'https://cognitiveservices.azure.com/.default'"
    )
    client = (
        "provider = get_bearer_token_provider(DefaultAzureCredential(), scope)\n"
        "client = AsyncAzureOpenAI(azure_endpoint='https://r.openai.azure.com',\n"
        "                          azure_ad_token_provider=provider, api_version='2024-06-01')"
    )
    result = migrate(written_by_nbformat("print('first')", imports, client))
    cells = code_cells(result.data)
    assert cells[2] == "print('first')"
    new_imports = cells[3].splitlines()
    assert new_imports[:6] == [
        "%pip install azure-identity",
        "from azure.identity import DefaultAzureCredential, get_bearer_token_provider",
        "from openai import AsyncOpenAI",
        "import asyncio",
        "import inspect",  # what the helper uses, with the cell's other imports
        "import typing",
    ]
    assert new_imports[6:9] == ["", "", "def _aoai_awaitable_token_provider("]
    assert new_imports[-3:] == ["", "", "scope = 'https://cognitiveservices.azure.com/.default'"]
    assert "api_key=_aoai_awaitable_token_provider(provider)" in cells[4]
    assert_valid(result.data)
    assert migrate(result.data).data == result.data


def test_notebooks_of_other_languages_are_left_alone() -> None:
    nb = json.loads(written_by_hand(AZURE_CELL))
    nb["metadata"] = {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}}
    data = json.dumps(nb).encode()
    assert migrate(data).data is data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"nbformat": 3, "worksheets": []}', "upgrade it to nbformat 4"),
        ('{"cells": [], "x": "caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    ],
)
def test_unusable_files_raise_a_notebook_error(data: bytes, message: str) -> None:
    with pytest.raises(NotebookError, match=message):
        migrate(data)


def test_diff_says_which_cell_each_hunk_belongs_to() -> None:
    result = migrate(written_by_nbformat("x = 1", AZURE_CELL, CALL_CELL, markdown=False))
    diff = diff_notebook("demo.ipynb", result.cell_changes)
    headers = [line for line in diff.splitlines() if line.startswith(("---", "+++", "@@"))]
    assert headers[:2] == ["--- a/demo.ipynb (cell 2)", "+++ b/demo.ipynb (cell 2)"]
    assert headers[2].startswith("@@ -1,3 +1,3 @@") and headers[2].endswith("(cell 2)")
    assert headers[3:5] == ["--- a/demo.ipynb (cell 3)", "+++ b/demo.ipynb (cell 3)"]
    assert headers[5].endswith("(cell 3)")
    assert "-client.chat.completions.create(model='gpt-4o-prod-01', messages=[])" in diff.splitlines()
    assert "\\ No newline at end of file" in diff


def test_the_marker_names_never_collide_with_the_code() -> None:
    cell = "_aoai_nb_c1 = 'user code that looks like a marker'\n" + CALL_CELL
    result = migrate(written_by_hand(AZURE_CELL, cell))
    assert code_cells(result.data)[2].startswith("_aoai_nb_c1 = 'user code")
    assert "os.getenv(" in code_cells(result.data)[2]


# Code the engine cannot see still runs in the kernel: a magic line (`%time ...`) or a cell that does not
# parse. A client or class used only there is out of sight, so the rewrite must not depend on it.
DEPLOYMENT_CLIENT = (
    "from openai import AzureOpenAI\n"
    "client = AzureOpenAI(azure_endpoint='https://res.openai.azure.com', api_key=KEY, api_version='2024-06-01',\n"
    "                     azure_deployment='chat-prod')"
)
UNPARSED = " try:\n    x = 1\nexcept E:\n    pass\n"  # an indented first line: not Python


@pytest.mark.parametrize(
    "hidden_cell",
    [
        "r = %time client.chat.completions.create(model='gpt-4o', messages=[])",
        "for q in ['a', 'b']:\n    %time client.chat.completions.create(model='gpt-4o', messages=[])",
        UNPARSED.replace("x = 1", "client.chat.completions.create(model='gpt-4o', messages=[])"),
    ],
    ids=["magic", "indented_magic", "unparsed_cell"],
)
def test_a_client_deployment_used_out_of_sight_in_a_notebook_is_left_alone(hidden_cell: str) -> None:
    data = written_by_hand(DEPLOYMENT_CLIENT, hidden_cell)
    result = migrate(data)
    assert result.data == data
    assert [(f.code, f.cell) for f in result.findings if f.code == "AOAI105"] == [("AOAI105", 1)]
    assert "cannot see" in next(f.message for f in result.findings if f.code == "AOAI105")


def test_the_same_client_used_in_plain_cells_is_migrated() -> None:
    result = migrate(written_by_hand(DEPLOYMENT_CLIENT, "client.chat.completions.create(model='gpt-4o', messages=[])"))
    assert "azure_deployment" not in "".join(sources(result.data))


def test_api_version_in_a_hidden_request_keeps_the_client() -> None:
    client = AZURE_CELL.replace("os.environ['AZURE_OPENAI_ENDPOINT']", "'https://res.openai.azure.com'")
    hidden = "%time client.chat.completions.create(model='m', messages=[], extra_query={'api-version': '2024-02-01'})"
    data = written_by_hand(client, hidden)
    result = migrate(data)
    assert result.data == data and any(f.code == "AOAI103" and not f.fixed for f in result.findings)


@pytest.mark.parametrize(
    "hidden_cell", ["%time other = AzureOpenAI(api_version='2024-06-01')", UNPARSED + "AzureOpenAI"]
)
def test_a_class_name_used_out_of_sight_keeps_its_import(hidden_cell: str) -> None:
    result = migrate(written_by_hand(AZURE_CELL, hidden_cell))
    first = sources(result.data)[0]
    assert "from openai import AzureOpenAI, OpenAI" in first and "client = OpenAI(" in first
    assert any(f.code == "AOAI101" and "cannot see" in f.message for f in result.findings)


@pytest.mark.parametrize(
    "hidden_cell",
    ["emb = %time openai.Embedding.create(engine='emb-prod', input='x')", "!pip install openai==0.28.1"],
)
def test_openai_0x_code_out_of_sight_keeps_the_module_settings(hidden_cell: str) -> None:
    settings = "import openai\nopenai.api_type = 'azure'\nopenai.api_base = 'https://res.openai.azure.com/'\n"
    data = written_by_hand(settings + "openai.api_version = '2023-05-15'", hidden_cell)
    result = migrate(data)
    assert result.data == data
    assert any(f.code == "AOAI107" and f.cell == 1 for f in result.findings)


def test_a_writefile_cell_with_azure_code_is_reported_not_rewritten() -> None:
    cell = "%%writefile app.py\nfrom openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-06-01')\n"
    data = written_by_hand(cell, "%%writefile notes.txt\nnothing to see")
    result = migrate(data)
    assert result.data == data
    assert [(f.code, f.cell, f.needs_person) for f in result.findings] == [("AOAI101", 1, True)]


# --- added imports run before every use (a notebook runs top to bottom) ---------------------------------------

# Runs a notebook's code cells in order in one namespace, as "Run All" does; IPython lines are left out.
RUN_ALL = """
import json, sys
notebook = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
for number, cell in enumerate(notebook["cells"], start=1):
    if cell["cell_type"] == "code":
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        code = "".join(line for line in source.splitlines(True) if not line.lstrip().startswith(("%", "!")))
        exec(compile(code, f"<cell {number}>", "exec"), namespace)
"""
BEFORE_FIRST_USE = sorted(FIXTURES.glob("import_before_first_use_*.in.ipynb"))


def run_all_cells(path: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], list[tuple]]:
    script = tmp_path / "run_all.py"
    script.write_text(RUN_ALL, encoding="utf-8")
    deployments = {"triage-gpt-4o", "triage-embeddings", "notes-gpt-4o", "chat-prod"}
    with AzureServer(deployments=deployments, api_keys={NOTEBOOK_KEY}, tokens={NOTEBOOK_TOKEN}) as server:
        env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
        env.update(AZURE_OPENAI_ENDPOINT=server.endpoint + "/", AZURE_OPENAI_API_KEY=NOTEBOOK_KEY,
                   NOTEBOOK_TOKEN=NOTEBOOK_TOKEN)
        done = subprocess.run([sys.executable, str(script), str(path)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
        return done, [(r.api, r.operation, r.deployment) for r in server.requests]


@pytest.mark.parametrize("source", BEFORE_FIRST_USE, ids=[p.name.split(".")[0] for p in BEFORE_FIRST_USE])
def test_migrated_notebook_runs_top_to_bottom_and_sends_the_same_requests(source: Path, tmp_path: Path) -> None:
    migrated = source.with_name(source.name.replace(".in.", ".out."))
    assert migrate(source.read_bytes()).data == migrated.read_bytes()
    before, dated = run_all_cells(source, tmp_path)
    after, v1 = run_all_cells(migrated, tmp_path)
    assert before.returncode == 0, before.stderr
    assert after.returncode == 0, after.stderr  # no NameError: `import os` runs before its first use
    assert dated and {api for api, _, _ in dated} == {"dated"} and {api for api, _, _ in v1} == {"v1"}
    assert [request[1:] for request in v1] == [request[1:] for request in dated]


def test_added_import_stays_in_the_openai_cell_when_that_runs_first() -> None:
    cells = ("from openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-06-01')",
             "DEPLOYMENT = 'gpt-4o-prod-01'\nclient.chat.completions.create(model=DEPLOYMENT, messages=[])")
    new = sources(migrate(written_by_hand(*cells)).data)
    assert new[0].startswith("from openai import OpenAI\nimport os\n") and "import os" not in new[1]


def test_an_import_the_notebook_has_before_the_first_use_is_not_added_again() -> None:
    cells = ("import os\nDEPLOYMENT = 'gpt-4o-prod-01'", "x = 1",
             "from openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-06-01')",
             "client.chat.completions.create(model=DEPLOYMENT, messages=[])")
    new = sources(migrate(written_by_hand(*cells)).data)
    assert sum(text.count("import os") for text in new) == 1 and new[0].startswith("import os\nDEPLOYMENT = os.getenv(")


def test_an_import_the_notebook_has_only_after_the_first_use_is_added_before_it() -> None:
    cells = ("DEPLOYMENT = 'gpt-4o-prod-01'",
             "import os\nfrom openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-06-01')",
             "client.chat.completions.create(model=DEPLOYMENT, messages=[])")
    new = sources(migrate(written_by_hand(*cells)).data)
    assert new[0] == "import os\nDEPLOYMENT = os.getenv(\"AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01\", 'gpt-4o-prod-01')"


def test_added_helper_definition_goes_before_a_function_that_uses_it(tmp_path: Path) -> None:
    """The client is built inside a function defined above the cell with the openai import: the async token
    adapter the migration adds must be defined before that function runs."""
    cells = (
        "import asyncio, os\n\ndef provider():\n    return os.environ['NOTEBOOK_TOKEN']",
        "def make_client():\n    return AsyncAzureOpenAI(azure_ad_token_provider=provider, api_version='2024-06-01')",
        "from openai import AsyncAzureOpenAI\nclient = make_client()",
        "reply = asyncio.run(client.chat.completions.create(model='chat-prod', messages=[]))\nprint(reply.id)",
    )
    data = written_by_hand(*cells)
    new = sources(migrate(data).data)
    assert "def _aoai_awaitable_token_provider" in new[0] and "_aoai_awaitable_token_provider" not in new[2]
    (tmp_path / "before.ipynb").write_bytes(data)
    (tmp_path / "after.ipynb").write_bytes(migrate(data).data)
    before, dated = run_all_cells(tmp_path / "before.ipynb", tmp_path)
    after, v1 = run_all_cells(tmp_path / "after.ipynb", tmp_path)
    assert before.returncode == 0 and after.returncode == 0, before.stderr + after.stderr
    assert dated == [("dated", "chat/completions", "chat-prod")] and v1 == [("v1", "chat/completions", "chat-prod")]


# --- IPython automagic: a line magic written without `%` --------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        'pip install -U "openai[datalib]" azure-identity',
        "conda install -y -c conda-forge numpy",
        "ls\ncd data\n# and back\ncd ..",
        "  uv pip install openai  ",
        "%load_ext dotenv\ndotenv",  # `dotenv` alone parses as Python: an expression
    ],
    ids=["pip_with_extras", "conda", "navigation", "indented_uv", "magic_and_name"],
)
def test_an_automagic_cell_is_not_reported_and_stays_as_it_is(cell: str) -> None:
    data = written_by_hand(cell, AZURE_CELL, CALL_CELL)
    result = migrate(data)
    assert [f for f in result.findings if f.code == "AOAI000"] == []
    assert sources(result.data)[0] == cell
    assert "OpenAI(base_url=" in sources(result.data)[1]


def test_an_automagic_pin_of_openai_0x_still_keeps_the_module_settings() -> None:
    settings = "import openai\nopenai.api_type = 'azure'\nopenai.api_base = 'https://res.openai.azure.com/'\n"
    data = written_by_hand("pip install openai==0.28.1", settings + "openai.api_version = '2023-05-15'")
    result = migrate(data)
    assert result.data == data and any(f.code == "AOAI107" for f in result.findings)


def test_a_shell_automagic_line_does_not_hide_a_client_of_the_same_name() -> None:
    """`cd client` names a folder, not the Python variable: the client is still followed and migrated."""
    data = written_by_hand(DEPLOYMENT_CLIENT, "cd client", "client.chat.completions.create(model='x', messages=[])")
    new = sources(migrate(data).data)
    assert new[1] == "cd client"
    assert "azure_deployment" not in new[0] and "'chat-prod'" in new[2]


def test_a_python_automagic_line_counts_as_out_of_sight() -> None:
    """`time client.chat...` in a cell of its own runs the request in the kernel (automagic `%time`)."""
    hidden = "time client.chat.completions.create(model='gpt-4o', messages=[])"
    data = written_by_hand(DEPLOYMENT_CLIENT, hidden)
    result = migrate(data)
    assert result.data == data and any(f.code == "AOAI105" and "cannot see" in f.message for f in result.findings)


def test_a_cell_mixing_python_and_an_automagic_line_is_reported_with_the_fix() -> None:
    result = migrate(written_by_hand("import json\npip install openai\nprint(json)", AZURE_CELL))
    (error,) = [f for f in result.findings if f.code == "AOAI000"]
    assert (error.cell, error.line) == (1, 2)
    assert "written without `%`" in error.message and "`%pip install openai`" in error.message


def test_added_helper_skips_setup_cells_and_starts_its_cell_without_blank_lines() -> None:
    """No `openai` import at the top level: the helper goes into the first cell with code, not a cell of
    install commands, and opens it without the blank lines that separate it from code above."""
    client = ("def make(provider):\n    from openai import AsyncAzureOpenAI\n"
              "    return AsyncAzureOpenAI(azure_endpoint='https://r.openai.azure.com',\n"
              "                            azure_ad_token_provider=provider, api_version='2024-06-01')")
    new = sources(migrate(written_by_hand("%pip install openai", "pip install azure-identity", client)).data)
    assert new[:2] == ["%pip install openai", "pip install azure-identity"]
    assert new[2].startswith("import asyncio\nimport inspect\nimport typing\n\n\ndef _aoai_awaitable_token_provider(\n")
    assert "\n\n\ndef make(provider):\n" in new[2]


def test_cells_of_another_language_in_a_polyglot_notebook_are_left_alone_and_not_reported() -> None:
    """.NET Interactive / VS Code notebooks give single cells another kernel in their own metadata."""
    nb = json.loads(written_by_hand(
        '#r "nuget: Azure.AI.OpenAI, 1.0.0-beta.14"\nvar client = new OpenAIClient(new Uri(endpoint), key);',
        "SELECT TOP 5 * FROM tickets",
        AZURE_CELL,
        CALL_CELL,
    ))
    nb["cells"][0]["metadata"] = {"dotnet_interactive": {"language": "csharp"},
                                  "polyglot_notebook": {"kernelName": "csharp"},
                                  "vscode": {"languageId": "polyglot-notebook"}}
    nb["cells"][1]["metadata"] = {"vscode": {"languageId": "sql"}}
    nb["cells"][2]["metadata"] = {"vscode": {"languageId": "python"}}
    data = json.dumps(nb, indent=1).encode()
    result = migrate(data)
    new = sources(result.data)
    assert new[:2] == [nb["cells"][0]["source"], nb["cells"][1]["source"]]
    assert "OpenAI(base_url=" in new[2] and "os.getenv(" in new[3]
    assert [f for f in result.findings if f.code == "AOAI000"] == []
