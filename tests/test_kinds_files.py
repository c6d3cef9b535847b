"""Environment samples, `.http` files, infrastructure reports and the dispatch (codemod/kinds/): file names,
the "still read" judgement, and the edges the fixture pairs in fixtures/kinds/ do not show."""

from __future__ import annotations

import re
from pathlib import PurePath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codemod.kinds import RunFacts, all_kinds, kinds_for, rewrite_file
from codemod.kinds.env_samples import mentioned_names, still_read


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("requirements.txt", ["requirements"]),
        ("requirements/dev.in", ["requirements"]),
        ("pyproject.toml", ["pyproject", "infrastructure"]),
        ("setup.cfg", ["setup_cfg"]),
        ("Pipfile", ["pipfile"]),
        ("Pipfile.lock", ["lockfiles"]),
        ("uv.lock", ["lockfiles"]),
        ("README.md", ["docs"]),
        ("docs/index.rst", ["docs"]),
        ("notes.txt", ["docs"]),
        (".env.example", ["env_samples"]),
        (".env.sample", ["env_samples"]),
        (".env.template", ["env_samples"]),
        (".env.local.example", ["env_samples"]),
        (".env.EXAMPLE", ["env_samples"]),  # AzureCosmosDB/Azure-OpenAI-Python-Developer-Guide writes it so
        (".env", ["infrastructure"]),
        (".env.production", ["infrastructure"]),
        ("api.http", ["http_files"]),
        ("api.rest", ["http_files"]),
        ("main.bicep", ["infrastructure"]),
        ("azuredeploy.json", ["infrastructure"]),
        ("main.tf", ["infrastructure"]),
        (".github/workflows/ci.yml", ["infrastructure"]),
        ("Dockerfile", ["infrastructure"]),
        ("app.py", ["docstrings"]),  # after the engine
        ("notebook.ipynb", []),
        ("package-lock.json", ["infrastructure"]),  # read, and skipped whole by the configuration scan
    ],
)
def test_which_kinds_read_a_file(name: str, kinds: list[str]) -> None:
    assert [kind.name for kind in kinds_for(PurePath(name))] == kinds


def test_kinds_that_only_report_never_change_text() -> None:
    assert {k.name for k in all_kinds() if not k.edits} == {"lockfiles", "infrastructure"}
    assert {k.name for k in all_kinds() if not k.after_code} == {"docs", "docstrings", "http_files", "infrastructure"}


def test_mentioned_names_are_version_words_and_the_implicit_variable_of_dated_clients() -> None:
    code = 'API_VERSION = os.getenv("AOAI_API_VERSION")\n__version__ = "1.0"\nclient = OpenAI()\n'
    assert mentioned_names(code) == {"API_VERSION", "AOAI_API_VERSION", "__VERSION__"}
    assert "OPENAI_API_VERSION" in mentioned_names("client = AzureOpenAI()\n")
    assert "OPENAI_API_VERSION" in mentioned_names("llm = AzureChatOpenAI(azure_deployment='x')\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["version", "VerSion", "api_", "_", "3", "x9", " ", ".", "é", "ſ", "(", "\n"]))
       .map("".join))
def test_mentioned_names_are_the_words_that_hold_version(code: str) -> None:
    """The words of the code (runs of ASCII letters, digits and underscores, leading digits dropped) that hold
    `version` in any ASCII case, upper-cased: found from each `version` outwards, not by listing every word."""
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)
    assert mentioned_names(code) == {word.upper() for word in words if "version" in word.lower()}


@pytest.mark.parametrize(
    ("variable", "mentioned", "read"),
    [
        ("AZURE_OPENAI_API_VERSION", {"AZURE_OPENAI_API_VERSION"}, True),
        ("AZURE_OPENAI_API_VERSION", {"API_VERSION"}, True),  # pydantic-settings field under a prefix
        ("AZURE_OPENAI_API_VERSION", {"_API_VERSION"}, True),  # f"{prefix}_API_VERSION"
        ("AZURE_OPENAI_API_VERSION", {"__VERSION__"}, False),  # a package's own version says nothing
        ("AZURE_OPENAI_API_VERSION", {"MODEL_VERSION_NAME"}, False),
        ("OPENAI_API_VERSION", set(), False),
        ("azure_openai_version", {"AZURE_OPENAI_VERSION"}, True),
    ],
)
def test_still_read(variable: str, mentioned: set[str], read: bool) -> None:
    assert still_read(variable, mentioned) is read


def test_env_sample_keeps_values_that_are_not_plain_settings() -> None:
    text = "# AZURE_OPENAI_API_VERSION=2024-02-01\nAZURE_OPENAI_API_VERSION=2024-02-01-preveiw\n"
    result = rewrite_file(text, PurePath(".env.example"), RunFacts())
    assert result.text == text
    assert [(f.line, f.code) for f in result.findings] == [(2, "AOAI308")]


def test_env_sample_removes_only_its_line_inside_a_paragraph() -> None:
    text = "# Azure OpenAI\nAZURE_OPENAI_ENDPOINT=\nAZURE_OPENAI_API_VERSION=2024-02-01\nAZURE_OPENAI_API_KEY=\n"
    result = rewrite_file(text, PurePath(".env.example"), RunFacts(mentioned=frozenset()))
    assert result.text == "# Azure OpenAI\nAZURE_OPENAI_ENDPOINT=\nAZURE_OPENAI_API_KEY=\n"


def test_http_request_without_body_on_a_json_route_is_reported() -> None:
    text = "POST https://r.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-02-01\n"
    result = rewrite_file(text, PurePath("a.http"), RunFacts())
    assert result.text == text and [f.code for f in result.findings if f.needs_person] == ["AOAI102"]


def test_http_comments_and_variables_are_not_requests() -> None:
    text = "# POST {{e}}/openai/deployments/d/chat/completions?api-version=2024-02-01\n"
    text += "@v = 2024-02-01\nGET {{e}}?x={{v}}\n"
    assert rewrite_file(text, PurePath("a.http"), RunFacts()).text == text


def test_infrastructure_never_edits_and_skips_recordings() -> None:
    text = (
        "interactions:\n- request:\n    uri: https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions"
        "?api-version=2024-02-01\n  response:\n    status: {code: 200}\n"
    )
    result = rewrite_file(text, PurePath("tests/cassettes/chat.yaml"), RunFacts())
    assert result.text == text and result.findings == []


def test_env_sample_is_only_reported_when_the_run_did_not_say_what_its_code_reads() -> None:
    text = "AZURE_OPENAI_API_VERSION=2024-02-01\n"
    result = rewrite_file(text, PurePath(".env.example"), RunFacts())
    assert result.text == text and [(f.code, f.fixed, f.level) for f in result.findings] == [("AOAI307", False, "info")]


def test_each_kind_declares_the_codes_it_reports() -> None:
    engine_driven = {"docs", "docstrings"}
    for kind in all_kinds():
        assert bool(kind.codes) is (kind.name not in engine_driven), kind.name
