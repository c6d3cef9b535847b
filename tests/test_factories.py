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


@pytest.mark.parametrize(
    ("where", "text", "why"),
    [
        ("app/cli.py", "from app.main import Bot\n\nBot().client.chat.completions.create(model='x', messages=[])\n",
         "app/cli.py imports Bot from app/main.py, which holds that client"),
        ("app/loud.py", "from app.main import Bot\n\n\nclass Loud(Bot):\n    pass\n",
         "app/loud.py imports Bot from app/main.py, which holds that client"),
        ("tools/ping.py", "from app.main import Bot\n", "imports Bot from app/main.py"),  # beside the run
    ],
)
def test_a_class_holding_the_client_imported_elsewhere_keeps_it(tmp_path: Path, where: str, text: str, why: str):
    """`self.client = get_client()` in Bot: another file that imports Bot reaches the client through an instance or
    a subclass (as for a constructor held by self, engine/escapes.holder_class), where its requests keep their own
    model=: the factory is not followed, nothing is rewritten."""
    root = _project(tmp_path)
    (root / where).parent.mkdir(exist_ok=True)
    (root / where).write_text(text)
    code, output = _run(str(root / "app"))
    assert code == 1, output
    assert (root / "app" / "llm.py").read_text() == LLM
    assert (root / "app" / "main.py").read_text() == MAIN
    assert why in output.replace(str(root) + "/", "")


def test_a_module_level_client_from_the_factory_imported_elsewhere_keeps_it(tmp_path: Path) -> None:
    root = _project(tmp_path, "from app.llm import get_client\n\nclient = get_client()\n")
    (root / "app" / "ask.py").write_text(
        "from app.main import client\n\nclient.chat.completions.create(model='gpt-4o', messages=[])\n")
    code, output = _run(str(root / "app"))
    assert code == 1, output
    assert (root / "app" / "llm.py").read_text() == LLM
    assert "imports client from" in output


def test_a_client_another_rule_keeps_is_no_factory_to_follow(tmp_path: Path) -> None:
    """The factory's client stays for another reason (a private attribute read): the importers' requests keep
    their model= (on the dated route the deployment is still the client's; the payload must not change)."""
    llm = LLM.replace("    return AzureOpenAI(", "    client = AzureOpenAI(").replace(
        '        azure_deployment="gpt-4o-prod-01",\n    )\n',
        '        azure_deployment="gpt-4o-prod-01",\n    )\n    print(client._api_version)\n    return client\n')
    root = _project(tmp_path)
    (root / "app" / "llm.py").write_text(llm)
    code, output = _run(str(root / "app"))
    assert code == 1 and "_api_version" in output, output
    assert (root / "app" / "llm.py").read_text() == llm
    assert (root / "app" / "main.py").read_text() == MAIN


AZURE = ('AzureOpenAI(\n        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_key="k",\n'
         '        api_version="2024-10-21", azure_deployment="gpt-4o-prod-01",\n    )')


@pytest.mark.parametrize(
    "factory",
    [
        f"def get_client(prod):\n    if not prod:\n        return FALLBACK\n    return {AZURE}\n",
        f"def get_client(prod):\n    client = {AZURE}\n    if not prod:\n        client = FALLBACK\n"
        "    return client\n",
    ],
)
def test_a_factory_that_may_return_another_client_is_not_followed(tmp_path: Path, factory: str) -> None:
    """A path that returns another client would get model=<deployment> on its requests too."""
    head = 'import os\n\nfrom openai import AzureOpenAI\n\nFALLBACK = AzureOpenAI(api_version="2024-10-21")\n\n\n'
    llm = head + factory
    root = _project(tmp_path, "from app.llm import get_client\n\nget_client(True).chat.completions.create("
                              "model='gpt-4o', messages=[])\n")
    (root / "app" / "llm.py").write_text(llm)
    _run(str(root / "app"))
    assert "azure_deployment" in (root / "app" / "llm.py").read_text()
    assert "model='gpt-4o'" in (root / "app" / "main.py").read_text()
