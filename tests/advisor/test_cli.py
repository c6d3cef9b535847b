"""`aoai-migrate advise` and `aoai-migrate versions` through the real command line group.

Snapshots live in tests/advisor/snapshots/; run with UPDATE_SNAPSHOTS=1 to rewrite them after a
deliberate change of the report."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from tests.advisor.helpers import FIXTURES, sidecar

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing snapshot {name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("version", ["2024-02-01", "2024-08-01-preview"])
def test_advise_version_report_snapshot(version: str) -> None:
    code, out, _ = run("advise", version)
    assert code == 0
    assert_snapshot(f"advise_{version}.txt", out)


def test_advise_unknown_versions_snapshot_and_exit_2() -> None:
    code, out, _ = run("advise", "2024-13-01", "2024-02-01-preveiw")
    assert code == 2
    assert_snapshot("advise_unknown.txt", out)


def test_versions_table_snapshot() -> None:
    code, out, _ = run("versions")
    assert code == 0
    assert_snapshot("versions.txt", out)
    assert len(out.splitlines()) == 1 + 28


def test_report_contents() -> None:
    _, out, _ = run("advise", "2024-02-01")
    assert out.startswith("2024-02-01  GA, superseded\n")
    assert "chat: max_completion_tokens: first in 2024-10-21 (GA) and 2024-09-01-preview" in out
    assert "Responses API: documented as first in 2025-03-01-preview" in out
    assert "Moving to the v1 API (GA since 2025-08)" in out
    _, preview, _ = run("advise", "2024-08-01-preview")
    assert "chat: response_format json_schema" in preview.split("Lacks")[0]
    assert "Preview support: Docs dated 2024-07-09" in preview


def test_one_unknown_among_known_versions_still_exits_2() -> None:
    code, out, _ = run("advise", "2024-10-21", "2024-05-13")
    assert code == 2
    assert "2024-10-21  GA, the latest dated GA" in out
    assert "AOAI308 `2024-05-13` is not an Azure OpenAI api-version that was ever documented" in out


def test_v1_value_is_not_an_error() -> None:
    code, out, _ = run("advise", "preview")
    assert code == 0 and "not a dated api-version" in out


def test_version_reports_as_json() -> None:
    code, out, _ = run("advise", "--output-format", "json", "2024-10-21", "2024-13-01")
    assert code == 2
    known, unknown = json.loads(out)
    assert known["known"] and known["info"]["channel"] == "ga" and known["info"]["date"] == "2024-10-21"
    assert any("reasoning_effort" in item["name"] for item in known["lacks"])
    assert unknown["code"] == "AOAI308" and unknown["closest"][0] == "2024-10-21"


def test_versions_as_json() -> None:
    code, out, _ = run("versions", "--output-format", "json")
    records = json.loads(out)
    assert code == 0 and len(records) == 28
    latest = {"version": "2024-10-21", "channel": "ga", "status": "latest-ga"}
    latest["label"] = "GA, the latest dated GA"
    assert latest in records


def test_rich_output_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("codemod.advisor.cli._on_terminal", lambda: True)
    _, out, _ = run("advise", "2024-02-01")
    assert "╭" in out and "2024-02-01  GA, superseded" in out and "Lacks (first version that has it)" in out
    _, table, _ = run("versions")
    assert "Azure OpenAI dated api-versions" in table and "2025-04-01-preview" in table


def test_fixture_repository_reports_pin_and_env_with_lines() -> None:
    """Acceptance 3: requirements.txt pins openai==1.40.0, .env sets OPENAI_API_VERSION=2024-02-01, and
    the code uses a token provider."""
    repo = FIXTURES / "repo"
    code, out, _ = run("advise", str(repo))
    assert code == 1
    lines = out.splitlines()
    assert f"{repo / 'requirements.txt'}:2:1: AOAI306" in "\n".join(lines)
    assert f"{repo / '.env'}:2:20: AOAI307" in "\n".join(lines)
    pin = next(line for line in lines if "AOAI306" in line)
    assert "openai==1.40.0" in pin and ">=1.106.0" in pin and "token provider" in pin
    assert len(lines) == 2


def test_fixture_repository_as_json() -> None:
    code, out, _ = run("advise", "--output-format", "json", str(FIXTURES / "repo"))
    records = {(Path(r["path"]).name, r["line"], r["code"]) for r in json.loads(out)}
    assert code == 1
    assert records == {("requirements.txt", 2, "AOAI306"), (".env", 2, "AOAI307")}


def test_gitignored_env_file_is_still_read(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "repo", tmp_path / "repo")
    (tmp_path / "repo" / ".gitignore").write_text(".env\n")
    code, out, _ = run("advise", str(tmp_path / "repo"))
    assert code == 1 and ".env:2:20: AOAI307" in out


def test_paths_and_versions_together() -> None:
    code, out, _ = run("advise", "2024-06-01", str(FIXTURES / "python" / "request_ok.py"))
    assert code == 0
    assert out.startswith("2024-06-01  GA, superseded") and "request_ok.py:4:" in out


def test_only_information_exits_0_and_quiet_hides_it() -> None:
    path = str(FIXTURES / "python" / "request_ok.py")
    code, out, _ = run("advise", path)
    assert code == 0 and out.count("AOAI301") == 4
    code, out, _ = run("advise", "--quiet", path)
    assert code == 0 and out == ""


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("advise", str(tmp_path / "nope" / "src"))
    assert code == 2 and "no such file or directory" in err


def test_unparseable_python_exits_3(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("import openai\nclient = (\n")
    ok = 'from openai import AzureOpenAI\nc = AzureOpenAI(api_version="2024-02-01")\n'
    (tmp_path / "ok.py").write_text(ok)
    code, out, _ = run("advise", str(tmp_path))
    assert code == 3
    assert "broken.py:1:1: AOAI000" in out and "ok.py:2:" in out


def test_notebook_cells_are_advised(tmp_path: Path) -> None:
    def code_cell(*lines: str) -> dict:
        cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
        return {**cell, "source": list(lines)}

    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# demo"]},
        code_cell("from openai import AzureOpenAI\n", "c = AzureOpenAI(api_version='2024-06-01')\n"),
        code_cell("%pip install openai\n", "c.chat.completions.create(model='m', reasoning_effort='low')"),
    ]
    metadata = {"language_info": {"name": "python"}}
    notebook = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "demo.ipynb").write_text(json.dumps(notebook))
    code, out, _ = run("advise", "--output-format", "json", str(tmp_path / "demo.ipynb"))
    found = {(r["cell"], r["line"], r["code"]) for r in json.loads(out)}
    assert code == 1
    assert found == {(2, 2, "AOAI301"), (3, 2, "AOAI302")}


@pytest.mark.parametrize("folder", ["config_other_azure_services", "config_recorded_cassettes"])
@pytest.mark.parametrize("command", [("--check",), ("advise",)], ids=["migrate", "advise"])
def test_other_azure_services_and_recorded_cassettes_never_fail_a_run(folder: str, command: tuple[str, ...]) -> None:
    """Their api-versions are not Azure OpenAI's: the run exits 0 and reports only the Azure OpenAI settings
    mixed in among them (AOAI307, information)."""
    root = FIXTURES / folder
    code, out, _ = run(*command, str(root))
    assert code == 0
    reported = [
        (Path(path).absolute().relative_to(root).as_posix(), line, finding)  # migrate shows paths as Python files
        for path, line, finding in re.findall(r"^(.+?):(\d+):\d+: (AOAI30[678]) ", out, re.MULTILINE)
    ]
    assert sorted(reported) == sorted(sidecar(root / "expected.findings"))
