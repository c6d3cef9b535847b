"""Lazy start-up: which modules a command imports, checked in-process (click's CliRunner) inside a fresh
interpreter, so that sys.modules holds exactly what the command needed. `openai` costs about a second to
import and only `aoai-migrate doctor` may use it; LibCST costs about a second here and is only needed
once a file passes the pre-filter."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.run.runner import POOL_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent
AZURE = (
    "import os\n\nfrom openai import AzureOpenAI\n\n"
    'client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21")\n'
)
# Top-level packages that cost tens of milliseconds or more to import.
HEAVY = {"openai", "httpx", "pydantic", "anyio", "libcst", "rich", "yaml", "azure", "jsonschema", "nbformat"}
PROBE = """
import json, sys
from click.testing import CliRunner
from codemod.cli import main
result = CliRunner().invoke(main, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output,
                  "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def imported_by(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    """Run `aoai-migrate ARGS` in a fresh interpreter; (exit code, top-level packages it imported)."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["exit"], set(report["modules"])


def make_tree(root: Path, plain: int, azure: bool) -> Path:
    for n in range(plain):
        (root / f"module_{n}.py").write_text(f"import os\n\nVALUE = os.getenv('X{n}')\n")
    if azure:
        (root / "app.py").write_text(AZURE)
    return root


@pytest.fixture
def plain_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path, POOL_THRESHOLD + 4, azure=False)


@pytest.fixture
def azure_tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path, POOL_THRESHOLD + 4, azure=True)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["rules"], ["migrate", "--help"]])
def test_help_and_version_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    code, modules = imported_by(args, tmp_path)
    assert code == 0
    assert modules & HEAVY == set()


@pytest.mark.parametrize("mode", [["--check"], []])
def test_a_run_on_files_without_azure_code_imports_neither_openai_nor_libcst(
    mode: list[str], plain_tree: Path
) -> None:
    code, modules = imported_by([*mode, "."], plain_tree)
    assert code == 0
    assert "openai" not in modules
    # Every file is skipped by the pre-filter, so nothing needs the parser (about a second to import).
    assert modules & HEAVY == set(), f"imported without need: {sorted(modules & HEAVY)}"


@pytest.mark.parametrize("mode", [["--check"], ["--diff"], []])
@pytest.mark.parametrize("plain", [2, POOL_THRESHOLD + 4], ids=["in-process", "process-pool"])
def test_a_migrate_run_on_azure_code_never_imports_openai(mode: list[str], plain: int, tmp_path: Path) -> None:
    tree = make_tree(tmp_path, plain, azure=True)
    code, modules = imported_by([*mode, "."], tree)
    assert code == (0 if not mode else 1)  # 1: app.py would change
    assert "openai" not in modules
    assert modules & HEAVY <= {"libcst"}, f"also imported: {sorted(modules & HEAVY - {'libcst'})}"
    if plain + 1 < POOL_THRESHOLD:  # no pool: this process parsed app.py itself
        assert "libcst" in modules
    if not mode:
        assert "OpenAI(" in (tree / "app.py").read_text()


@pytest.mark.skipif(multiprocessing.get_start_method() not in ("fork", "forkserver"), reason="processes are spawned")
@pytest.mark.parametrize("jobs", ["2", "1"])
def test_the_workers_of_a_walk_get_the_engine_from_a_fork_server(jobs: str, tmp_path: Path) -> None:
    """A walked tree may hold many files to parse: a fork server imports LibCST and the rules on another core
    while this process walks the tree and reads the files, and forks the workers; this process never imports
    them. With one job this process parses the files itself."""
    for n in range(POOL_THRESHOLD + 2):
        (tmp_path / f"app_{n}.py").write_text(AZURE)
    code, modules = imported_by(["--jobs", jobs, "."], tmp_path)
    assert code == 0
    assert ("libcst" in modules) == (jobs == "1")
    for n in range(POOL_THRESHOLD + 2):
        migrated = (tmp_path / f"app_{n}.py").read_text()
        assert "OpenAI(" in migrated and "AzureOpenAI" not in migrated


@pytest.mark.parametrize("args", [["versions"], ["advise", "2024-10-21"], ["env", "."]])
def test_only_doctor_imports_openai(args: list[str], azure_tree: Path) -> None:
    _, modules = imported_by(args, azure_tree)
    assert "openai" not in modules


def test_reading_notebooks_does_not_load_the_engine() -> None:
    """Diffs and project scans read notebook cells through codemod.notebook; only migrating needs LibCST."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, codemod.notebook; print(sorted(m for m in sys.modules if m == 'libcst'))"],
        capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
