"""What a person at a terminal sees: coloured diffs, and the interactive review driven through a pty."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
from click.testing import CliRunner

from codemod.cli import main

AZURE = 'from openai import AzureOpenAI\nclient = AzureOpenAI(api_key="k", api_version="2024-02-01")\n'


def test_diff_is_coloured_with_force_color_and_plain_with_no_color(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(AZURE)
    coloured = CliRunner(env={"FORCE_COLOR": "1", "NO_COLOR": ""}).invoke(main, ["--diff", str(path)])
    assert "\x1b[32m+from openai import OpenAI" in coloured.output
    plain = CliRunner(env={"NO_COLOR": "1"}).invoke(main, ["--diff", str(path)])
    assert "\x1b[" not in plain.output and "+from openai import OpenAI" in plain.output


def test_interactive_apply_skip_quit(tmp_path: Path) -> None:
    names = ["a.py", "b.py", "c.py"]
    for name in names:
        (tmp_path / name).write_text(AZURE)
    child = pexpect.spawn(
        sys.executable, ["-m", "codemod", "--interactive", *names], cwd=str(tmp_path), encoding="utf-8",
        timeout=30, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    child.expect(r"Apply to a\.py\?")
    child.sendline("a")
    child.expect(r"Apply to b\.py\?")
    child.sendline("s")
    child.expect(r"Apply to c\.py\?")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert "OpenAI(" in (tmp_path / "a.py").read_text() and "AzureOpenAI" not in (tmp_path / "a.py").read_text()
    assert (tmp_path / "b.py").read_text() == AZURE
    assert (tmp_path / "c.py").read_text() == AZURE


def _many_files(root: Path, count: int) -> list[str]:
    names = []
    for index in range(count):
        name = f"m{index:03}.py"
        (root / name).write_text(AZURE if index % 50 == 0 else f"VALUE = {index}\n")
        names.append(name)
    return names


def _spawned_output(root: Path, env: dict[str, str]) -> str:
    child = pexpect.spawn(
        sys.executable, ["-m", "codemod", "--check", "."], cwd=str(root), encoding="utf-8", timeout=60,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **env},
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1  # changes pending
    return child.before or ""


def test_progress_bar_on_a_terminal_for_long_runs(tmp_path: Path) -> None:
    _many_files(tmp_path, 250)
    output = _spawned_output(tmp_path, {})
    assert "migrating" in output and "/250" in output
    assert "5 files would be migrated" in output


def test_no_progress_bar_under_ci_or_for_short_runs(tmp_path: Path) -> None:
    _many_files(tmp_path, 250)
    assert "migrating" not in _spawned_output(tmp_path, {"CI": "true"})
    short = tmp_path / "short"
    short.mkdir()
    _many_files(short, 20)
    assert "migrating" not in _spawned_output(short, {})
