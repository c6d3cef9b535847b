"""Real permission errors: an unwritable directory, one that cannot be listed and a file that cannot be read
are each reported (exit 3) while every other file is migrated. CI runs as root, for whom permission bits do not
fail: the tool then runs with every capability dropped (`setpriv`), as an ordinary user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_robustness import AZURE, ROOT, assert_migrated, temp_files


def _unprivileged(*command: str) -> list[str]:
    if os.geteuid() != 0:
        return list(command)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permission bits would not fail")
    dropped = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]
    if subprocess.run([*dropped, "true"], capture_output=True).returncode != 0:
        pytest.skip("setpriv cannot drop capabilities here")
    return [*dropped, *command]


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    command = _unprivileged(sys.executable, "-m", "codemod", *args, str(root))
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def tree(tmp_path: Path):
    """Three folders with an Azure file each; the test takes a permission away from the middle one."""
    root = tmp_path / "repo"
    files = {}
    for name in ("alpha", "middle", "omega"):
        (root / name).mkdir(parents=True)
        files[name] = root / name / "app.py"
        files[name].write_text(AZURE)
    yield root, files
    for name in files:  # give the permission back so that pytest can clean up
        os.chmod(root / name, 0o755)
        os.chmod(files[name], 0o644)


def _errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stdout.splitlines() if "AOAI000" in line]


def test_an_unwritable_directory_is_reported_and_the_run_goes_on(tree) -> None:
    root, files = tree
    os.chmod(root / "middle", 0o555)
    done = _run(root, "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    [error] = _errors(done)
    assert "middle/app.py:1:1" in error and "cannot create a temporary file" in error, error
    assert "Permission denied" in error and "not overwritten" in error
    assert files["middle"].read_text() == AZURE
    assert_migrated(files["alpha"])
    assert_migrated(files["omega"])
    assert temp_files(root) == []


def test_a_directory_that_cannot_be_listed_is_reported(tree) -> None:
    root, files = tree
    os.chmod(root / "middle", 0o000)
    done = _run(root, "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    [error] = _errors(done)
    assert "middle:1:1" in error and "cannot list the directory (Permission denied)" in error, error
    assert "the files in it were not migrated" in error
    assert_migrated(files["alpha"])
    assert_migrated(files["omega"])
    os.chmod(root / "middle", 0o755)
    assert files["middle"].read_text() == AZURE


def test_a_file_that_cannot_be_read_is_reported(tree) -> None:
    root, files = tree
    os.chmod(files["middle"], 0o000)
    done = _run(root, "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    [error] = _errors(done)
    assert "middle/app.py:1:1" in error and "cannot read the file: Permission denied" in error, error
    assert_migrated(files["alpha"])
    assert_migrated(files["omega"])
