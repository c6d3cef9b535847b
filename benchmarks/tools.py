"""The commands the benchmark compares, and the checks that each one saw the whole corpus."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

WORD = "openai"  # codemod/runner.py PREFILTER: the same bytes, in any ASCII case (grep -i)


def byte_compile() -> None:
    """Write the package's .pyc files, as `pip install` does: in an editable checkout under PYTHONDONTWRITEBYTECODE
    (set on this machine) every run would otherwise compile all of `codemod/` again, about 0.2 s per run."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parent.parent / "codemod", quiet=1)


def _aoai() -> list[str]:
    """The installed console script next to this interpreter (what users run), else `python -m codemod`."""
    script = Path(sys.executable).with_name("aoai-migrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "codemod"]


def aoai_migrate(jobs: int) -> list[str]:
    return [*_aoai(), "--check", "--jobs", str(jobs), "."]


def aoai_version() -> list[str]:
    return [*_aoai(), "--version"]


def libcst_noop(jobs: int) -> list[str]:
    # The config file written by corpus._mark_repository names libcst.codemod.commands, where noop lives.
    # The command name must come first: libcst.tool finds it in a first pass that does not know the options.
    return [sys.executable, "-m", "libcst.tool", "codemod", "noop.NOOPCommand", "--jobs", str(jobs), "--no-format",
            "--hide-progress", "--include-generated", "."]


def grep() -> list[str]:
    exe = shutil.which("grep") or "grep"
    return [exe, "-rli", "--include=*.py", "--exclude-dir=.git", WORD, "."]


def grep_tree(excludes: tuple[str, ...]) -> list[str]:
    """`grep -rli` over the files aoai-migrate walks by default: `.py` and `.ipynb`, its excluded folders pruned."""
    exe = shutil.which("grep") or "grep"
    return [exe, "-rli", "--include=*.py", "--include=*.ipynb", *[f"--exclude-dir={d}" for d in excludes], WORD, "."]


def ruff_up() -> list[str]:
    """`ruff check --select UP --isolated`, without its cache (aoai-migrate has none, and a warm cache would
    time nothing) and with one line per violation (printing code frames is not the work being compared)."""
    script = Path(sys.executable).with_name("ruff")
    exe = str(script) if script.exists() else (shutil.which("ruff") or "ruff")
    return [exe, "check", "--select", "UP", "--isolated", "--no-cache", "--output-format", "concise", "."]


def ruff_files(directory: Path) -> int:
    """How many files ruff checks in `directory` (not timed)."""
    listed = subprocess.run([*ruff_up()[:-1], "--show-files", "."], cwd=directory, capture_output=True, text=True)
    return len([line for line in listed.stdout.splitlines() if line.strip()])


def python_startup() -> list[str]:
    return [sys.executable, "-c", "pass"]


def aoai_counts(output: str) -> tuple[int, int, int]:
    """(files that would change, files unchanged, files that could not be migrated) from the run summary.
    The standard library has files aoai-migrate reports (test/tokenizedata/bad_coding.py declares the
    unknown codec `uft-8`, so it cannot be ruled out by its bytes); they count as processed."""
    found = re.search(r"(\d+) files? would be migrated, (\d+) unchanged", output)
    if not found:
        raise RuntimeError(f"no summary in aoai-migrate output:\n{output[-2000:]}")
    failed = re.search(r"(\d+) files? could not be migrated", output)
    return int(found.group(1)), int(found.group(2)), int(failed.group(1)) if failed else 0


def libcst_counts(output: str) -> tuple[int, int]:
    """(files processed, files that failed to parse) from LibCST's closing report."""
    total = re.search(r"Finished codemodding (\d+) files", output)
    failed = re.search(r"Failed to codemod (\d+) files", output)
    if not total or not failed:
        raise RuntimeError(f"no summary in LibCST output:\n{output[-2000:]}")
    return int(total.group(1)), int(failed.group(1))


def grep_count(output: str) -> int:
    return len([line for line in output.splitlines() if line.strip()])
