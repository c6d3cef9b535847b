"""AOAI105 one call deep across files (codemod/run/factories.py, codemod/rules/_factories.py): a factory whose
client has a client-level deployment moves when every use of it, in the run and beside it, is in sight; its
requests in every file get model=<deployment>. Otherwise the client stays, reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main

LLM = '''import os

from openai import AzureOpenAI


def get_client():
    return AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
        azure_deployment="gpt-4o-prod-01",
    )


def warm_up():
    get_client().chat.completions.create(model="gpt-4o", messages=[])
'''

MAIN = '''from app.llm import get_client


class Bot:
    def __init__(self):
        self.client = get_client()

    def ask(self, text):
        return self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])
'''

MAIN_AFTER = '''import os

from app.llm import get_client


class Bot:
    def __init__(self):
        self.client = get_client()

    def ask(self, text):
        return self.client.chat.completions.create(model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", \
"gpt-4o-prod-01"), messages=[{"role": "user", "content": text}])
'''


def _project(tmp_path: Path, main: str = MAIN) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "llm.py").write_text(LLM)
    (tmp_path / "app" / "main.py").write_text(main)
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_factory_used_in_sight_in_every_file_moves(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, output = _run(str(root / "app"))
    assert code == 0, output
    llm = (root / "app" / "llm.py").read_text()
    assert "return OpenAI(" in llm and "azure_deployment" not in llm and "api_version" not in llm
    assert 'create(model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01"), messages=[])' in llm
    assert (root / "app" / "main.py").read_text() == MAIN_AFTER
    again_code, again = _run("--check", str(root / "app"))
    assert again_code == 0, again  # a second run changes nothing


def test_a_factory_used_outside_the_run_stays(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, output = _run("--diff", str(root / "app" / "llm.py"))
    assert code == 1
    assert "+++" not in output
    assert "main.py (not part of this run) imports it" in output
    assert (root / "app" / "llm.py").read_text() == LLM


@pytest.mark.parametrize(
    ("importer", "why"),
    [
        ("from app.llm import get_client\n\nrun_agent(get_client())\n", "passed to run_agent()"),
        ("from app.llm import get_client\n\nc = get_client().with_options(timeout=5)\n", "makes a copy"),
        ("from app.llm import get_client\n\nname = get_client()._azure_deployment\n", "reads _azure_deployment"),
        ("from app.llm import get_client\n\nFACTORY = get_client\n", "other than by calling it"),
        ("from app import llm\n\nllm.get_client().chat.completions.create(model='x', messages=[])\n",
         "not imported here with from ... import get_client"),
    ],
)
def test_a_use_the_tool_cannot_follow_keeps_the_client(tmp_path: Path, importer: str, why: str) -> None:
    root = _project(tmp_path, importer)
    code, output = _run(str(root / "app"))
    assert code == 1
    assert (root / "app" / "llm.py").read_text() == LLM
    assert (root / "app" / "main.py").read_text() == importer
    assert why in output and "that client stays on the dated API" in output


def test_a_factory_used_only_in_its_own_file_moves(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "llm.py").write_text(LLM)
    code, output = _run(str(tmp_path / "llm.py"))
    assert code == 0, output
    assert "azure_deployment" not in (tmp_path / "llm.py").read_text()


def test_with_two_importers_one_that_cannot_follow_keeps_both_unchanged(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "app" / "agent.py").write_text("from app.llm import get_client\n\nrun_agent(get_client())\n")
    code, output = _run(str(root / "app"))
    assert code == 1
    assert (root / "app" / "llm.py").read_text() == LLM
    assert (root / "app" / "main.py").read_text() == MAIN  # followable, but the factory is not followed
    assert "passed to run_agent()" in output
