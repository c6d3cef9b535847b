"""SIGTERM stops a run as Ctrl-C does (exit 143, every file old or new, no temporary file); SIGKILL leaves no
worker behind holding the caller's pipes; the temporary files a SIGKILL during a write leaves are reported by
the next run and removed with --clean-temp."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from click.testing import CliRunner

from codemod.cli import main
from codemod.run.writer import TEMP_NAME
from tests.test_robustness import (
    ROOT,
    SLOW_WRITES,
    _check_old_or_new,
    _children,
    _finish_and_check,
    _start,
    _tree,
    _wait_until,
    temp_files,
)

# Every fsync of a temporary file takes a while: a kill lands while temporary files exist.
SLOW_FSYNC = SLOW_WRITES.replace("real_replace = os.replace", "real_fsync = os.fsync").replace(
    "def slow_replace(src, dst):\n    time.sleep(0.02)\n    real_replace(src, dst)\nos.replace = slow_replace",
    "def slow_fsync(fd):\n    time.sleep(0.3)\n    real_fsync(fd)\nos.fsync = slow_fsync",
)


def _gone(pid: int) -> bool:
    """Ended (a zombie waiting for a parent that is gone counts: it holds no file and runs no code)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _log(root: Path) -> str:
    return (root.parent / "run.log").read_text()


def _repo(tmp_path: Path) -> tuple[Path, dict[Path, tuple[str, str]]]:
    root = tmp_path / "repo"
    root.mkdir()
    return root, _tree(root)


def test_sigterm_while_files_are_analysed(tmp_path: Path) -> None:
    root, expected = _repo(tmp_path)
    proc = _start([sys.executable, "-m", "codemod", "--jobs", "2", "."], root)
    _wait_until(lambda: bool(_children(proc.pid)) or proc.poll() is not None, 60, "the process pool to start")
    workers = _children(proc.pid)
    assert proc.poll() is None, "the run finished before it could be stopped"
    os.kill(proc.pid, signal.SIGTERM)  # the main process only, as `kill` or a CI runner sends it
    assert proc.wait(timeout=20) == 143, _log(root)
    assert "Terminated: every file is either unchanged or completely migrated." in _log(root)
    _wait_until(lambda: all(_gone(pid) for pid in workers), 10, "the pool workers to exit")
    _check_old_or_new(expected)


def test_sigterm_while_files_are_written(tmp_path: Path) -> None:
    root, expected = _repo(tmp_path)
    first = min((p for p, (a, b) in expected.items() if a != b), key=lambda p: p.parts)
    proc = _start([sys.executable, "-c", SLOW_WRITES, "--jobs", "2", "."], root)
    _wait_until(lambda: first.read_text() != expected[first][0] or proc.poll() is not None, 120,
                "the first file to be written")
    assert proc.poll() is None, "the run finished before it could be stopped"
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(timeout=20) == 143, _log(root)
    new, old = _check_old_or_new(expected)  # and no temporary file
    assert new >= 1 and old >= 1, "the signal did not land in the middle of the writes"
    _finish_and_check(root, expected)


def test_sigkill_leaves_no_worker_holding_the_callers_pipes(tmp_path: Path) -> None:
    """The workers die with the main process (PR_SET_PDEATHSIG): a caller reading the run's output, as
    pre-commit or a CI step does, sees its end at once."""
    root, _ = _repo(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "codemod", "--jobs", "2", "."], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _wait_until(lambda: len(_children(proc.pid)) >= 2 or proc.poll() is not None, 60, "the process pool to start")
    workers = _children(proc.pid)
    assert proc.poll() is None and workers, "the run finished before it could be killed"
    proc.kill()
    proc.wait()
    ended = threading.Event()
    assert proc.stdout is not None
    threading.Thread(target=lambda: (proc.stdout.read(), ended.set()), daemon=True).start()
    assert ended.wait(10), "a worker still holds the output pipe ten seconds after the run was killed"
    _wait_until(lambda: all(_gone(pid) for pid in workers), 10, "the pool workers to exit")


def test_temporary_files_of_a_killed_run_are_reported_then_removed(tmp_path: Path) -> None:
    root, expected = _repo(tmp_path)
    proc = _start([sys.executable, "-c", SLOW_FSYNC, "--jobs", "2", "."], root)
    _wait_until(lambda: bool(temp_files(root)) or proc.poll() is not None, 120, "a temporary file")
    os.killpg(proc.pid, signal.SIGKILL)  # mid-write: nothing can clean up
    proc.wait()
    left = temp_files(root)
    assert left, "the kill did not land during a write"
    for path, (before, after) in expected.items():  # the files themselves: old or new, never partial
        assert path.read_text() in (before, after)
        ast.parse(path.read_text())

    again = CliRunner().invoke(main, ["--jobs", "2", str(root)], catch_exceptions=False)
    assert again.exit_code == 0, again.output  # the run itself completes; the leftovers are reported
    warning = f"warning: {len(left)} temporary file{'s' if len(left) > 1 else ''} left by an interrupted earlier run"
    assert warning in again.output and all(p.name in again.output for p in left), again.output
    assert "--clean-temp" in again.output
    assert temp_files(root) == left, "removed without being asked"
    for path, (_, after) in expected.items():
        assert path.read_text() == after

    named = left[0].parent / TEMP_NAME.match(left[0].name).group("name")  # pre-commit names files: found too
    hook = CliRunner().invoke(main, [str(named)], catch_exceptions=False)
    assert left[0].name in hook.output, hook.output

    cleaned = CliRunner().invoke(main, ["--clean-temp", str(root)], catch_exceptions=False)
    assert cleaned.exit_code == 0, cleaned.output
    assert f"Removed {len(left)} temporary file" in cleaned.output
    assert temp_files(root) == []
