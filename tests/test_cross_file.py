"""AOAI105 across files: a module-level client whose client-level deployment would move to its requests'
`model=` is left alone and reported when another file of the run imports it (requests made there would
keep their own `model=` and reach another deployment)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from codemod.run.importers import imports_name, module_name

LLM = '''import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment="gpt-4o-prod-01",
)


def ask(question: str) -> str:
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content or ""
'''

# The importer never says "openai": the pre-filter skips it, and it must still be seen.
IMPORTERS = {
    "from_import": "from app.llm import client\n\nclient.chat.completions.create(model='gpt-4o', messages=[])\n",
    "parenthesized": "from .llm import (\n    ask,\n    client as chat_client,\n)\n",
    "star": "from app.llm import *\n",
    "module_attribute": "from app import llm\n\nllm.client.chat.completions.create(model='gpt-4o', messages=[])\n",
}


def _run(root: Path, *args: str):
    return CliRunner().invoke(main, [str(root), *args])


def _project(tmp_path: Path, importer: str | None) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "llm.py").write_text(LLM)
    if importer is not None:
        (app / "views.py").write_text(importer)
    return app


@pytest.mark.parametrize("kind", sorted(IMPORTERS))
def test_a_client_imported_by_another_file_is_left_alone_and_reported(tmp_path: Path, kind: str) -> None:
    app = _project(tmp_path, IMPORTERS[kind])
    result = _run(tmp_path, "--output-format", "concise")
    assert result.exit_code == 1, result.output
    assert (app / "llm.py").read_text() == LLM
    assert "AOAI105" in result.output and "views.py imports it" in result.output


def test_without_an_importer_the_client_is_migrated(tmp_path: Path) -> None:
    app = _project(tmp_path, "from app.llm import ask\n\nprint(ask('hi'))\n")
    result = _run(tmp_path)
    assert result.exit_code == 0, result.output
    migrated = (app / "llm.py").read_text()
    assert "azure_deployment" not in migrated
    assert 'model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01")' in migrated


def test_other_clients_of_the_importing_run_are_still_migrated(tmp_path: Path) -> None:
    app = _project(tmp_path, IMPORTERS["from_import"])
    other = 'from openai import AzureOpenAI\n\nc = AzureOpenAI(api_version="2024-10-21")\n'
    (app / "other.py").write_text(other)
    _run(tmp_path)
    assert "OpenAI(" in (app / "other.py").read_text() and "AzureOpenAI" not in (app / "other.py").read_text()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from app.llm import client\n", True),
        ("from llm import other, client as c\n", True),
        ("from ..llm import (\n  a,\n  client,\n)\n", True),
        ("from app.llm import *\n", True),
        ("import app.llm\napp.llm.client.models.list()\n", True),
        ("from app.llm import clients\n", False),
        ("from app.llmx import client\n", False),
        ("from app.llm import ask  # client\n", False),
        ("llm.client  # nothing imported\n", False),
    ],
)
def test_imports_name(text: str, expected: bool) -> None:
    assert imports_name(text, "llm", "client") is expected


def test_module_name_of_a_package() -> None:
    assert module_name(Path("app/llm/__init__.py")) == "llm"
    assert module_name(Path("app/llm.py")) == "llm"


ASSISTANT = '''import os

from openai import AzureOpenAI


class Assistant:
    def __init__(self):
        self.client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
            azure_deployment="gpt-4o-prod-01",
        )

    def ask(self, question):
        return self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
'''


def test_a_class_holding_a_deployment_client_imported_by_another_file_is_left_alone(tmp_path: Path) -> None:
    """Another file can reach `self.client` through an instance or a subclass of the class it imports."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "assistant.py").write_text(ASSISTANT)
    (app / "views.py").write_text("from app.assistant import Assistant\n\nprint(Assistant().client.models.list())\n")
    result = _run(tmp_path, "--output-format", "concise")
    assert result.exit_code == 1, result.output
    assert (app / "assistant.py").read_text() == ASSISTANT
    assert "views.py imports the class Assistant that holds it" in result.output


def test_a_class_holding_a_deployment_client_that_no_file_imports_is_migrated(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "assistant.py").write_text(ASSISTANT)
    (app / "views.py").write_text("print('no import of the assistant here')\n")
    result = _run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "azure_deployment" not in (app / "assistant.py").read_text()
