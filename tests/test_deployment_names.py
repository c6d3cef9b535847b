"""AOAI201 across a run, the configuration that feeds it, and `aoai-migrate env`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from dotenv import dotenv_values

from codemod.cli import main
from codemod.migration import Options
from codemod.rules._deployment_vars import derived_name
from codemod.run.runner import run
from tests.fixture_cases import FIXTURES

CHAT = (
    'from openai import AzureOpenAI\nc = AzureOpenAI(api_version="2024-10-21")\n'
    'c.chat.completions.create(model="{}", messages=[])\n'
)


@pytest.mark.parametrize(
    ("literal", "name"),
    [
        ("gpt-4o-prod-01", "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01"),
        ("gpt-3.5-turbo", "AZURE_OPENAI_DEPLOYMENT_GPT_3_5_TURBO"),
        ("--Odd  name--", "AZURE_OPENAI_DEPLOYMENT_ODD_NAME"),
    ],
)
def test_derived_name(literal: str, name: str) -> None:
    assert derived_name(literal, "AZURE_OPENAI_DEPLOYMENT_") == name


def _files(root: Path) -> list[tuple[Path, str]]:
    return [(p, p.name) for p in sorted(root.glob("*.py"))]


def test_same_literal_gets_same_name_in_every_file(tmp_path: Path) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(CHAT.format("gpt-4o-prod-01"))
    run(_files(tmp_path), Options(), "write")
    texts = {p.read_text() for p in tmp_path.glob("*.py")}
    assert len(texts) == 1
    assert 'os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01")' in texts.pop()


def test_different_literals_never_share_a_name(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CHAT.format("gpt-4o"))
    (tmp_path / "b.py").write_text(CHAT.format("gpt_4o"))
    (tmp_path / "c.py").write_text(CHAT.format("GPT-4o"))
    result = run(_files(tmp_path), Options(), "write")
    used = {lit: name for o in result.outcomes for lit, name in o.record.deployments.items()}
    assert sorted(used) == ["GPT-4o", "gpt-4o", "gpt_4o"]
    assert len(set(used.values())) == 3
    assert used["GPT-4o"] == "AZURE_OPENAI_DEPLOYMENT_GPT_4O"  # the first literal, sorted, keeps the name
    for path in tmp_path.glob("*.py"):
        literal = next(lit for lit in used if f'"{lit}"' in path.read_text())
        assert f'os.getenv("{used[literal]}", "{literal}")' in path.read_text()


def test_configured_prefix(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CHAT.format("chat"))
    run(_files(tmp_path), Options(deployment_prefix="MYAPP_"), "write")
    assert 'os.getenv("MYAPP_CHAT", "chat")' in (tmp_path / "a.py").read_text()


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('unknown-key = 1', ["unknown key 'unknown-key'", "pyproject.toml"]),
        ('require-env = "yes"', ["require-env", "boolean", "pyproject.toml"]),
        ('select = "AOAI201"', ["select", "list of strings", "pyproject.toml"]),
        ('deployments = { "gpt-4o" = "1ABC" }', ["'1ABC'", "not a valid environment variable name", "pyproject.toml"]),
        ('deployments = { "gpt-4o" = 5 }', ["deployments", "must be a string", "pyproject.toml"]),
    ],
)
def test_configuration_errors_exit_2_naming_key_and_file(tmp_path: Path, table: str, words: list[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.aoai-migrate]\n{table}\n")
    (tmp_path / "a.py").write_text(CHAT.format("chat"))
    before = (tmp_path / "a.py").read_bytes()
    result = CliRunner().invoke(main, [str(tmp_path / "a.py")])
    assert result.exit_code == 2
    for word in words:
        assert word in result.output
    assert (tmp_path / "a.py").read_bytes() == before


def test_cli_flag_wins_over_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.aoai-migrate]\nrequire-env = false\n")
    (tmp_path / "a.py").write_text(CHAT.format("chat"))
    result = CliRunner().invoke(main, ["--require-env", str(tmp_path / "a.py")])
    assert result.exit_code == 0, result.output
    assert 'model=os.environ["AZURE_OPENAI_DEPLOYMENT_CHAT"]' in (tmp_path / "a.py").read_text()


def test_config_mapping_is_used(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.aoai-migrate.deployments]\n"chat" = "CHAT_DEPLOYMENT"\n')
    (tmp_path / "a.py").write_text(CHAT.format("chat"))
    result = CliRunner().invoke(main, [str(tmp_path / "a.py")])
    assert result.exit_code == 0, result.output
    assert 'os.getenv("CHAT_DEPLOYMENT", "chat")' in (tmp_path / "a.py").read_text()


@pytest.fixture
def env_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "env_repo", repo)
    monkeypatch.chdir(repo)
    return repo


def test_env_output_matches_expected(env_repo: Path) -> None:
    result = CliRunner().invoke(main, ["env", "."])
    assert result.exit_code == 0, result.output
    assert result.output == (FIXTURES / "env_repo.expected.env").read_text()
    assert not list(env_repo.rglob("*.aoai-tmp")) and "AzureOpenAI" in (env_repo / "app/chat.py").read_text()


def test_env_output_file_parses_as_dotenv_and_is_not_overwritten(env_repo: Path) -> None:
    first = CliRunner().invoke(main, ["env", ".", "--output", ".env.example"])
    assert first.exit_code == 0, first.output
    values = dotenv_values(env_repo / ".env.example")
    assert values["AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01"] == "gpt-4o-prod-01"
    assert values["AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_LARGE"] == "text-embedding-3-large"
    assert set(values) == {
        "AZURE_OPENAI_API_KEY",
        "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01",
        "AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_LARGE",
        "AZURE_OPENAI_ENDPOINT",
    }
    (env_repo / ".env.example").write_text("KEEP=1\n")
    second = CliRunner().invoke(main, ["env", ".", "--output", ".env.example"])
    assert second.exit_code == 2 and "--force" in second.output
    assert (env_repo / ".env.example").read_text() == "KEEP=1\n"
    forced = CliRunner().invoke(main, ["env", ".", "--output", ".env.example", "--force"])
    assert forced.exit_code == 0
    assert "AZURE_OPENAI_ENDPOINT" in dotenv_values(env_repo / ".env.example")


def test_env_lists_no_variable_for_what_aoai201_leaves_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Placeholders, a model= that a deployment URL overrides, and the requests of a client left on the dated
    API read no variable, so `env` must not ask for one; a real name beside them still gets its variable."""
    for case in ("placeholders_left_alone", "deployment_url_model_ignored", "dated_client_requests_left_alone"):
        shutil.copy(FIXTURES / "deployment_names" / f"{case}.in.py", tmp_path / f"{case}.py")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["env", "."])
    deployments = {line.split("=")[0] for line in result.output.splitlines() if "_DEPLOYMENT_" in line.split("=")[0]}
    assert deployments == {
        "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01",  # placeholders_left_alone's real name, responses.create
        "AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_LARGE",  # and its constant
    }, result.output
    assert "Read in: placeholders_left_alone.py" in result.output
    assert "dated_client_requests_left_alone.py" not in result.output  # it reads no variable at all
