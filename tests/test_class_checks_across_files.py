"""An isinstance/issubclass check in one file of the run, on a value that file cannot follow to a client of its own
(what a factory of another file returned), for an Azure class: a client of that class another file can reach would
turn the check false once moved (guarantee 1), so it stays on the dated API, reported; the check has its own
finding, as in one file (codemod/rules/client_class.py, Options.foreign_class_checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main

FACTORY = '''import os

from openai import AzureOpenAI

_client = None


def get_client():
    global _client
    if _client is None:
        _client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-10-21",
        )
    return _client
'''

HOLDER = '''import os

from openai import AzureOpenAI


class Chat:
    def __init__(self) -> None:
        self.client = AzureOpenAI(api_version="2024-10-21")
'''

LOCAL = '''import os

from openai import AzureOpenAI

helper = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21")
'''

CHECKS = {
    # stream_options went only to the OpenAI platform: after a move, Azure would get it too
    "isinstance": '''from openai import AzureOpenAI

from app.factory import get_client


def ask(messages):
    client = get_client()
    params = {"model": "gpt-4o-prod-01", "messages": messages, "stream": True}
    if not isinstance(client, AzureOpenAI):
        params["stream_options"] = {"include_usage": False}
    return client.chat.completions.create(**params)
''',
    "issubclass": '''import openai

from app.factory import get_client


def is_azure() -> bool:
    return issubclass(type(get_client()), openai.AzureOpenAI)
''',
}


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    for name, text in files.items():
        (app / name).write_text(text)
    return app


def _run(root: Path):
    return CliRunner().invoke(main, [str(root), "--output-format", "concise"])


@pytest.mark.parametrize("kind", sorted(CHECKS))
def test_a_client_another_file_checks_for_its_class_stays_and_is_reported(tmp_path: Path, kind: str) -> None:
    app = _project(tmp_path, {"factory.py": FACTORY, "consumer.py": CHECKS[kind], "holder.py": HOLDER})
    result = _run(tmp_path)
    assert result.exit_code == 1, result.output
    assert (app / "factory.py").read_text() == FACTORY  # returned by the factory: the check may test it
    assert (app / "holder.py").read_text() == HOLDER  # held by instances another module can use
    assert "factory.py:11:19: AOAI101 the client goes out of sight" in result.output
    assert "consumer.py:" in result.output and "checks a value the tool cannot follow there for AzureOpenAI" in (
        result.output
    )


def test_a_client_no_other_file_can_reach_still_moves(tmp_path: Path) -> None:
    """A module-level client is importable, so it stays; one built and used inside a function moves."""
    inner = ("import os\n\nfrom openai import AzureOpenAI\n\n\ndef ask():\n"
             "    c = AzureOpenAI(api_version='2024-10-21')\n"
             "    return c.chat.completions.create(model='gpt-4o-prod-01', messages=[])\n")
    app = _project(tmp_path, {"consumer.py": CHECKS["isinstance"], "factory.py": FACTORY, "inner.py": inner,
                              "local.py": LOCAL})
    _run(tmp_path)
    assert "OpenAI(" in (app / "inner.py").read_text() and "AzureOpenAI" not in (app / "inner.py").read_text()
    assert (app / "local.py").read_text() == LOCAL


def test_without_such_a_check_the_clients_move(tmp_path: Path) -> None:
    consumer = "from app.factory import get_client\n\n\ndef ask(messages):\n    return get_client()\n"
    app = _project(tmp_path, {"factory.py": FACTORY, "consumer.py": consumer, "holder.py": HOLDER})
    result = _run(tmp_path)
    assert result.exit_code == 0, result.output
    assert "AzureOpenAI" not in (app / "factory.py").read_text() + (app / "holder.py").read_text()


def test_a_check_of_a_client_in_sight_or_of_another_class_does_not_hold_other_files(tmp_path: Path) -> None:
    """The check tests the file's own client (that client stays, as in one file), or tests for AsyncAzureOpenAI,
    which the sync clients of the other files never were."""
    own = LOCAL + "\nassert isinstance(helper, AzureOpenAI)\n"
    other_class = "from openai import AsyncAzureOpenAI\n\n\ndef is_async_azure(c):\n" \
                  "    return isinstance(c, AsyncAzureOpenAI)\n"
    app = _project(tmp_path, {"factory.py": FACTORY, "own.py": own, "other.py": other_class})
    _run(tmp_path)
    assert "AzureOpenAI(" not in (app / "factory.py").read_text()
    assert (app / "own.py").read_text() == own
