"""The README's first screen is what a newcomer runs: prove both commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quick_start() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block, "README has no bash block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_quick_start_is_on_the_first_screen() -> None:
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:25])
    for command in _quick_start():
        assert command in head


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(c for c in _quick_start() if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_command in ci


def test_example_command_shows_the_diff_and_writes_nothing() -> None:
    example = next(c for c in _quick_start() if "aoai-migrate" in c)
    tool_part = example.split("&&")[-1].strip().split()
    assert tool_part[:2] == ["aoai-migrate", "--diff"]
    target = ROOT / tool_part[2]
    before = target.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "codemod", *tool_part[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1, result.stderr  # changes pending
    assert "+from openai import OpenAI" in result.stdout
    assert '/openai/v1/"' in result.stdout
    assert "-    api_version=" in result.stdout
    assert target.read_bytes() == before
