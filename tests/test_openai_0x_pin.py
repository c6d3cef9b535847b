"""A project whose dependency files pin openai<1.0 runs openai 0.x, which reads none of the 1.x module settings'
names: its module-level settings are reported as openai<1.0 code (AOAI107) and left as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.advisor.pins import openai_0x_pin
from codemod.cli import main

SETTINGS = (
    "import os\n\nimport openai\n\n"
    'openai.api_type = "azure"\n'
    'openai.azure_endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]\n'
    'openai.api_version = "2024-02-01"\n'
)
PYPROJECT_POETRY = '[tool.poetry.dependencies]\npython = "^3.10"\nopenai = "^0.28"\n'


def _run(root: Path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["--output-format", "json", str(root)])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("requirements.txt", "requests\nopenai==0.28.1\n"),
        ("requirements-dev.txt", "openai<1\n"),
        ("pyproject.toml", PYPROJECT_POETRY),
    ],
)
def test_settings_of_a_project_pinned_to_openai_0x_stay_and_are_reported(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "settings.py").write_text(SETTINGS, encoding="utf-8")
    code, findings = _run(tmp_path)
    assert (tmp_path / "settings.py").read_text(encoding="utf-8") == SETTINGS
    (legacy,) = [f for f in findings if f["code"] == "AOAI107"]
    assert legacy["line"] == 5 and name in legacy["message"] and "openai<1.0" in legacy["message"]
    assert code == 1


def test_a_pin_that_allows_1x_does_not_hold_the_settings_back(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai>=0.27\n", encoding="utf-8")
    (tmp_path / "settings.py").write_text(SETTINGS, encoding="utf-8")
    _run(tmp_path)
    assert 'openai.api_type = "openai"' in (tmp_path / "settings.py").read_text(encoding="utf-8")


def test_the_pin_is_found_only_where_no_1x_release_is_allowed(tmp_path: Path) -> None:
    files = []
    for number, text in enumerate(["openai>=1.0\n", "openai\n", "openai~=0.28.0\n"]):
        path = tmp_path / f"requirements-{number}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    assert openai_0x_pin(files[:2]) == ""
    assert openai_0x_pin(files) == f"openai~=0.28.0 ({files[2]}:1)"
