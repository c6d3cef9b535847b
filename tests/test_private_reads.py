"""A private Azure attribute read in one file of the run through a client another file stores on an object
(codemod/run/private_reads.py): the client stays on the dated API, reported with the reading place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from codemod.run.private_reads import reads_through

CHAT = '''import os

import openai
from quart import Blueprint

bp = Blueprint("chat", __name__)


@bp.before_app_serving
async def configure_openai():
    client_args = {"api_key": os.environ["AZURE_OPENAI_API_KEY"]}
    bp.openai_client = openai.AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_version="2024-10-21",
        **client_args,
    )


@bp.post("/chat")
async def chat():
    reply = await bp.openai_client.chat.completions.create(model="gpt-4o", messages=[])
    return reply.choices[0].message.content
'''

HOLDER = '''from openai import AzureOpenAI


class Assistant:
    def __init__(self) -> None:
        self.llm = AzureOpenAI(api_version="2024-10-21")


shared = AzureOpenAI(api_version="2024-10-21")
registry.default_client = shared
'''

# The readers never say "openai": the filters skip them, and the read must still be seen.
READS = {
    "attribute": 'def test_provider(app):\n    assert app.blueprints["chat"].openai_client._azure_ad_token_provider\n',
    "getattr": 'def test_endpoint(app):\n    assert getattr(app.blueprints["chat"].openai_client, "_azure_endpoint")\n',
    "hasattr": "def test_version(app):\n\n    assert hasattr(app.blueprints['chat'].openai_client, '_api_version')\n",
}


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _run(root: Path):
    return CliRunner().invoke(main, [str(root), "--output-format", "concise"])


@pytest.mark.parametrize("kind", sorted(READS))
def test_a_client_whose_private_attribute_another_file_reads_stays_and_is_reported(tmp_path: Path, kind: str) -> None:
    root = _project(tmp_path, {"src/chat.py": CHAT, "tests/test_app.py": READS[kind]})
    result = _run(root)
    assert result.exit_code == 1, result.output
    assert (root / "src/chat.py").read_text() == CHAT  # the client and its request stay as they were
    line = 3 if kind == "hasattr" else 2
    assert f"chat.py:12:24: AOAI101 {root / 'tests/test_app.py'}:{line} reads AzureOpenAI's private" in result.output
    assert "through .openai_client" in result.output


def test_a_read_through_another_attribute_name_moves_the_client(tmp_path: Path) -> None:
    other = READS["attribute"].replace(".openai_client.", ".search_client.")
    root = _project(tmp_path, {"src/chat.py": CHAT, "tests/test_app.py": other})
    result = _run(root)
    assert result.exit_code == 0, result.output
    migrated = (root / "src/chat.py").read_text()
    assert "bp.openai_client = openai.AsyncOpenAI(" in migrated and "api_version" not in migrated
    assert (root / "tests/test_app.py").read_text() == other


def test_a_read_in_the_same_file_through_an_unknown_object_keeps_the_client(tmp_path: Path) -> None:
    same = CHAT + '\n\ndef provider(app):\n    return app.blueprints["chat"].openai_client._azure_ad_token_provider\n'
    root = _project(tmp_path, {"src/chat.py": same})
    result = _run(root)
    assert result.exit_code == 1, result.output
    assert (root / "src/chat.py").read_text() == same
    assert "chat.py:12:24: AOAI101" in result.output  # the engine sees this read itself (an out-of-sight client)


def test_only_the_client_stored_under_the_read_name_stays(tmp_path: Path) -> None:
    reader = "def test_llm(assistant):\n    assert assistant.llm._azure_endpoint\n"
    root = _project(tmp_path, {"app/holder.py": HOLDER, "tests/test_holder.py": reader})
    result = _run(root)
    assert result.exit_code == 1, result.output
    text = (root / "app/holder.py").read_text()
    assert 'self.llm = AzureOpenAI(api_version="2024-10-21")' in text  # read as assistant.llm: stays
    assert "shared = OpenAI(" in text  # stored as registry.default_client, read nowhere: moves
    assert "holder.py:6:20: AOAI101" in result.output and "through .llm" in result.output


def test_a_client_stored_through_a_name_is_followed(tmp_path: Path) -> None:
    reader = "def test_registry(registry):\n    assert registry.default_client._api_version\n"
    root = _project(tmp_path, {"app/holder.py": HOLDER, "tests/test_registry.py": reader})
    result = _run(root)
    text = (root / "app/holder.py").read_text()
    assert 'shared = AzureOpenAI(api_version="2024-10-21")' in text
    assert "self.llm = OpenAI(" in text
    assert "through .default_client" in result.output


def test_reads_through_names_each_place_once_and_skips_files_without_a_private_name(tmp_path: Path) -> None:
    files = {
        "a.py": "x = a.client._azure_endpoint\ny = b.client._azure_endpoint\nz = c.other._api_version\n",
        "b.py": "x = a.client.azure_endpoint\n",  # public: not a private attribute
        "c.ipynb": '{"cells": [{"source": ["print(getattr(s.client, \\"_azure_deployment\\"))"]}]}',
        "d.txt": "a.client._azure_endpoint\n",  # not Python
        # modules whose dotted names hold `.client._azure_...`: imported, not read from a client
        "e.py": "from pkg.client._azure_utils import x\n  import pkg.client._azure_auth as auth\n",
    }
    _project(tmp_path, files)
    listed = [(tmp_path / name, name) for name in files]
    assert reads_through({"client"}, listed) == {
        "client": (("a.py:1", "_azure_endpoint"), ("a.py:2", "_azure_endpoint"), ("c.ipynb", "_azure_deployment"))
    }
    assert reads_through(set(), listed) == {}
