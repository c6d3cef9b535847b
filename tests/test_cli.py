"""The migrate command: dry runs never write, writes are atomic, bad files don't stop the run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main

AZURE = (
    "import os\nfrom openai import AzureOpenAI\n\n"
    'client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-02-01")\n'
)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(AZURE)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "other.py").write_text(AZURE.replace("client", "other"))
    (tmp_path / "pkg" / "plain.py").write_text("print('no azure here')\n")
    return tmp_path


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*.py")}


@pytest.mark.parametrize("flag", ["--diff", "--check"])
def test_dry_runs_never_write(tree: Path, flag: str) -> None:
    os.utime(tree / "app.py", ns=(1_000_000_000, 1_000_000_000))
    before = _snapshot(tree)
    result = CliRunner().invoke(main, [flag, str(tree)])
    assert result.exit_code == 1, result.output
    assert _snapshot(tree) == before
    if flag == "--diff":
        assert "+from openai import OpenAI" in result.output
    else:
        assert "would migrate" in result.output


def test_write_mode_rewrites_and_keeps_the_file_mode(tree: Path) -> None:
    os.chmod(tree / "app.py", 0o640)
    result = CliRunner().invoke(main, [str(tree)])
    assert result.exit_code == 0, result.output
    text = (tree / "app.py").read_text()
    assert "OpenAI(base_url=" in text and "api_version" not in text
    assert (tree / "app.py").stat().st_mode & 0o777 == 0o640
    assert "2 files migrated" in result.output
    assert not list(tree.rglob("*.aoai-tmp"))


def test_failure_during_write_leaves_original_intact(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace = os.replace

    def failing_replace(src, dst):  # the disk fills up at the worst moment
        if str(dst).endswith("app.py"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = CliRunner().invoke(main, [str(tree)])
    assert result.exit_code == 3
    assert (tree / "app.py").read_text() == AZURE
    assert "No space left on device" in result.output
    assert "OpenAI(base_url=" in (tree / "pkg" / "other.py").read_text()  # the others still migrate
    assert not list(tree.rglob("*.aoai-tmp"))


def test_unparseable_file_is_reported_and_others_still_migrate(tree: Path) -> None:
    (tree / "broken.py").write_text("from openai import AzureOpenAI\ndef (:\n")
    result = CliRunner().invoke(main, [str(tree)])
    assert result.exit_code == 3
    assert "broken.py:1:1: AOAI000 cannot parse the file" in result.output
    assert "1 file could not be migrated" in result.output
    assert "a person" not in result.output.splitlines()[-1]  # the unparseable file is counted once, as a file
    assert (tree / "broken.py").read_text() == "from openai import AzureOpenAI\ndef (:\n"
    assert "OpenAI(base_url=" in (tree / "app.py").read_text()


def test_a_notebook_cell_that_does_not_parse_is_counted_in_the_summary(tmp_path: Path) -> None:
    import json

    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
             for s in ("from openai import AzureOpenAI\nc = AzureOpenAI(api_version='2024-06-01')", "def (:")]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = CliRunner().invoke(main, [str(path), "--check"])
    assert result.exit_code == 1
    assert "nb.ipynb:cell 2:1:" in result.output and "AOAI000 This cell does not parse" in result.output
    assert "1 file would be migrated, 0 unchanged, 1 finding needs a person." in result.output


def test_findings_that_need_a_person_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "kw.py"
    path.write_text("from openai import AzureOpenAI\nsettings = load()\nclient = AzureOpenAI(**settings)\n")
    result = CliRunner().invoke(main, [str(path)])
    assert result.exit_code == 1
    assert f"{path}:3:10: AOAI101" in result.output


def test_unknown_rule_code_is_a_usage_error(tree: Path) -> None:
    result = CliRunner().invoke(main, ["--select", "AOAI999", str(tree)])
    assert result.exit_code == 2
    assert "AOAI999" in result.output


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, [str(tmp_path / "nope.py")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_stdin_round_trip() -> None:
    result = CliRunner().invoke(main, ["-"], input=AZURE)
    assert result.exit_code == 0
    assert "OpenAI(base_url=" in result.stdout
    unchanged = "print('hello')\r\n"
    result = CliRunner().invoke(main, ["-"], input=unchanged.encode())
    assert result.stdout_bytes == unchanged.encode()


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "aoai-migrate" in result.output


def test_migrate_run_reports_dependency_pins_and_config_versions(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests\nopenai==1.40.0\n")
    (tmp_path / ".env").write_text("AZURE_OPENAI_ENDPOINT=https://x.openai.azure.com\nOPENAI_API_VERSION=2024-02-01\n")
    (tmp_path / "app.py").write_text(
        "from openai import AzureOpenAI\n"
        "def provider():\n    return 'token'\n"
        'client = AzureOpenAI(azure_ad_token_provider=provider, api_version="2024-02-01")\n'
    )
    result = CliRunner().invoke(main, ["--check", "--verbose", str(tmp_path)])
    assert result.exit_code == 1
    assert f"would migrate {tmp_path / 'requirements.txt'}" in result.output  # the pin is raised (a fix)
    assert f"{tmp_path / 'requirements.txt'}:2:1: AOAI306" in result.output
    assert "1.106.0" in result.output
    assert f"{tmp_path / '.env'}:2:" in result.output and "AOAI307" in result.output
    ignored = CliRunner().invoke(main, ["--check", "--verbose", "--ignore", "AOAI306,AOAI307", str(tmp_path)])
    assert "AOAI306" not in ignored.output and "AOAI307" not in ignored.output
    assert "would migrate" in ignored.output and f"would migrate {tmp_path / 'requirements.txt'}" not in ignored.output


def test_a_named_path_that_is_not_a_regular_file_is_a_read_error(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    (tmp_path / "app.py").write_text(AZURE)
    result = CliRunner().invoke(main, [str(fifo), str(tmp_path / "app.py")])
    assert result.exit_code == 3
    assert f"{fifo}:1:1: AOAI000 cannot read it: not a regular file" in result.output
    assert "OpenAI(base_url=" in (tmp_path / "app.py").read_text()


def test_an_engine_crash_is_reported_as_internal_error_not_as_a_parse_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import codemod.migration

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(codemod.migration, "migrate_source", broken)
    (tmp_path / "app.py").write_text(AZURE)
    result = CliRunner().invoke(main, [str(tmp_path / "app.py")])
    assert result.exit_code == 3
    assert "internal error in aoai-migrate (ValueError: boom)" in result.output
    assert "cannot parse" not in result.output
    assert (tmp_path / "app.py").read_text() == AZURE


def test_json_report_to_a_file_has_the_documented_fields(tree: Path) -> None:
    import json

    report = tree / "report.json"
    result = CliRunner().invoke(main, ["--check", "--output-format", "json", "--output", str(report), str(tree)])
    assert result.exit_code == 1
    findings = json.loads(report.read_text())
    assert findings and all(
        list(f) == ["path", "cell", "line", "column", "end_line", "end_column", "code", "message", "fixed", "level",
                   "applicability"]
        for f in findings
    )
    assert {f["code"] for f in findings if f["fixed"]} >= {"AOAI101", "AOAI102", "AOAI103", "AOAI104"}
    assert str(tree / "app.py") in {f["path"] for f in findings}


def test_verbose_lists_skipped_files_and_why(tree: Path) -> None:
    (tree / "build").mkdir()
    (tree / "build" / "gen.py").write_text(AZURE)
    result = CliRunner().invoke(main, ["--check", "--verbose", str(tree)])
    assert f"skipped {tree / 'build'}: excluded by 'build'" in result.output
    assert (tree / "build" / "gen.py").read_text() == AZURE


def test_diff_with_a_machine_readable_format_keeps_stdout_valid_json(tree: Path) -> None:
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "codemod", "--diff", "--output-format", "json", str(tree / "app.py")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert {f["code"] for f in json.loads(result.stdout)} >= {"AOAI101"}
    assert "+from openai import OpenAI" in result.stderr
