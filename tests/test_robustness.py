"""Nothing is lost, whatever happens mid-run: atomic replace, files that cannot be migrated, races with other
writers, failing writes, and Ctrl-C. CI runs as root, so the tests that need real permission errors run the
tool with every capability dropped (tests/test_permissions.py); here they are simulated (monkeypatched reads).
Parser limits: tests/test_parse_limits.py; metadata and the last check before the rename: tests/test_writer.py;
SIGTERM, SIGKILL and temporary files of a killed run: tests/test_signals.py."""

from __future__ import annotations

import ast
import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from codemod.cli import main
from codemod.options import Options
from codemod.run import runner
from codemod.run.source import MAX_BYTES

AZURE = (
    "import os\n\nfrom openai import AzureOpenAI\n\n"
    'client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21")\n'
    'reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[])\n'
)
TEMP_GLOB = "*.aoai-tmp"


def migrate(*args: str) -> Result:
    return CliRunner().invoke(main, ["--jobs", "1", *args], catch_exceptions=False)


def temp_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.name.endswith(".aoai-tmp"))


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.py"
    path.write_text(AZURE)
    return path


def assert_migrated(path: Path) -> None:
    text = path.read_text()
    assert "OpenAI(base_url=" in text and "api_version" not in text, text


# ---- atomic replace ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o755, 0o444, 0o4755])
def test_replace_is_atomic_and_keeps_the_mode(good: Path, mode: int) -> None:
    os.chmod(good, mode)
    inode = good.stat().st_ino
    result = migrate(str(good))
    assert result.exit_code == 0, result.output
    assert_migrated(good)
    assert good.stat().st_ino != inode, "written in place: a crash mid-write could leave half a file"
    assert stat.S_IMODE(good.stat().st_mode) == mode
    assert temp_files(good.parent) == []


# ---- files that cannot be migrated ------------------------------------------------------------------------

OPENAI_LINE = b"from openai import AzureOpenAI\n"


PROBLEMS: dict[str, tuple[bytes, str]] = {  # name -> (content, a phrase the report must give as the reason)
    "undecodable": (b"# -*- coding: utf-8 -*-\n" + OPENAI_LINE + b'name = "caf\xe9"\n', "cannot decode"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + OPENAI_LINE + bytes(range(256)), "NUL bytes"),
    "python2": (OPENAI_LINE + b"\nprint \"hello\"\n", "cannot parse"),
    "large": (OPENAI_LINE + b"x = 1\n" * (MAX_BYTES // 6 + 1), "larger than"),
}


def _write_problem(directory: Path, name: str) -> Path:
    path = directory / f"{name}.py"
    path.write_bytes(PROBLEMS[name][0])
    return path


@pytest.mark.parametrize("name", [*PROBLEMS, "unreadable"])
def test_a_file_that_cannot_be_migrated_is_reported_and_skipped(
    tmp_path: Path, good: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name == "unreadable":
        bad = tmp_path / "unreadable.py"
        bad.write_text(AZURE)
        reason = "Permission denied"
        _deny_reading(monkeypatch, bad)
    else:
        bad, reason = _write_problem(tmp_path, name), PROBLEMS[name][1]
    before = AZURE.encode() if name == "unreadable" else bad.read_bytes()
    result = migrate(str(tmp_path))
    monkeypatch.undo()
    assert result.exit_code == 3, result.output
    report = [line for line in result.output.splitlines() if "AOAI000" in line]
    assert len(report) == 1 and bad.name in report[0] and reason in report[0], result.output
    assert_migrated(good)
    assert bad.read_bytes() == before


def _deny_reading(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == denied.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_all_problem_files_in_one_run(tmp_path: Path, good: Path) -> None:
    for name in PROBLEMS:
        _write_problem(tmp_path, name)
    result = migrate(str(tmp_path))
    assert result.exit_code == 3, result.output
    for name, (_, reason) in PROBLEMS.items():
        assert any(f"{name}.py" in line and reason in line for line in result.output.splitlines()), result.output
    assert_migrated(good)
    assert "4 files could not be migrated" in result.output


@pytest.mark.parametrize("cell", [
    {"cell_type": "code", "source": 5},
    {"cell_type": "code", "source": ["import openai\n", 3]},
    {"cell_type": "code", "source": {"text": "import openai"}},
    {"cell_type": "code", "source": None},
    "import openai",
], ids=["number", "list-with-a-number", "object", "null", "cell-not-an-object"])
def test_a_notebook_cell_that_breaks_the_format_is_a_format_error(tmp_path: Path, good: Path, cell) -> None:
    """Not "internal error": the report says which cell and what the format needs."""
    import json

    first = {"cell_type": "code", "source": AZURE, "metadata": {}, "outputs": [], "execution_count": None}
    notebook = tmp_path / "broken.ipynb"
    notebook.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [first, cell]}))
    before = notebook.read_bytes()
    result = migrate(str(tmp_path))
    assert result.exit_code == 3, result.output
    [report] = [line for line in result.output.splitlines() if "AOAI000" in line]
    assert "broken.ipynb:1:1" in report and "cell 2" in report and "internal error" not in report, report
    assert "as the notebook format needs" in report
    assert notebook.read_bytes() == before
    assert_migrated(good)


def test_empty_files_and_files_without_the_word_are_left_alone(tmp_path: Path, good: Path) -> None:
    """An empty module (`__init__.py`) is valid Python, not a failure; a binary or Python 2 file that cannot
    contain Azure code is skipped by the pre-filter before it is decoded or parsed."""
    (tmp_path / "__init__.py").write_bytes(b"")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "py2.py").write_bytes(b'print "no azure here"\n')
    before = {p: p.read_bytes() for p in tmp_path.iterdir() if p != good}
    result = migrate(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in before} == before
    assert_migrated(good)


def test_special_files_do_not_hang_the_run(tmp_path: Path, good: Path) -> None:
    """A FIFO named like a module (walked or named on the command line) and a directory named `x.py`:
    opening the FIFO would block forever."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "inner.py").write_text(AZURE)
    walked = migrate(str(tmp_path))  # met by the walk: not a regular file, passed over
    assert walked.exit_code == 0, walked.output
    assert_migrated(good)
    assert_migrated(tmp_path / "pkg.py" / "inner.py")
    named = migrate(str(tmp_path), str(tmp_path / "pipe.py"))  # named: reported as a file it cannot read
    assert named.exit_code == 3, named.output
    assert f"{tmp_path / 'pipe.py'}:1:1: AOAI000" in named.output
    assert_migrated(tmp_path / "pkg.py" / "inner.py")


# ---- races with other writers -----------------------------------------------------------------------------


def _engine_then(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run `action(path)` right after the engine migrated a file: another program edits it meanwhile."""
    import codemod.migration

    real = codemod.migration.migrate_source

    def migrate_source(text: str, options: Options | None = None, path: str = "<string>"):
        result = real(text, options, path)
        action(path)
        return result

    monkeypatch.setattr(codemod.migration, "migrate_source", migrate_source)  # the runner imports it lazily


def test_a_file_changed_after_it_was_read_is_not_overwritten(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "edited.py"
    edited.write_text(AZURE)
    theirs = AZURE + "# saved by the editor while the migration ran\n"
    _engine_then(monkeypatch, lambda shown: Path(shown).name == "edited.py" and edited.write_text(theirs))
    result = migrate(str(tmp_path))
    assert result.exit_code == 3, result.output
    assert edited.read_text() == theirs
    assert any("edited.py" in line and "changed on disk" in line for line in result.output.splitlines())
    assert_migrated(good)
    assert temp_files(tmp_path) == []


def test_a_file_deleted_after_it_was_read_is_not_recreated(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone.py"
    gone.write_text(AZURE)
    _engine_then(monkeypatch, lambda shown: Path(shown).name == "gone.py" and gone.unlink())
    result = migrate(str(tmp_path))
    assert result.exit_code == 3, result.output
    assert not gone.exists()
    assert any("gone.py" in line and "disappeared" in line for line in result.output.splitlines())
    assert_migrated(good)
    assert temp_files(tmp_path) == []


# ---- failing writes ---------------------------------------------------------------------------------------


class _FullDisk:
    """A file object whose writes fail like a full disk."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str):
        return getattr(self.handle, name)


def _fail(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _FullDisk(real_fdopen(fd, *a, **k)))
        return

    def failing(*args: object, **kwargs: object) -> None:
        raise error

    if where == "mkstemp":
        import tempfile

        monkeypatch.setattr(tempfile, where, failing)
        return
    monkeypatch.setattr(os, where, failing)


@pytest.mark.parametrize("where", ["write", "fsync", "fchmod", "replace", "mkstemp"])
def test_a_failing_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, good: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.py"
    other.write_text(AZURE)
    _fail(monkeypatch, where)
    result = migrate(str(tmp_path))
    monkeypatch.undo()
    assert result.exit_code == 3, result.output
    assert good.read_text() == AZURE and other.read_text() == AZURE
    assert "No space left on device" in result.output
    assert temp_files(tmp_path) == []


def test_an_interrupt_during_a_write_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        runner.run([(good, "good.py")], Options(), "write", jobs=1)
    monkeypatch.undo()
    assert good.read_text() == AZURE
    assert temp_files(tmp_path) == []


# ---- Ctrl-C -----------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    AZURE,
    AZURE.replace("gpt-4o-prod-01", "gpt-4o-mini-eu").replace("2024-10-21", "2024-02-01"),
    "import openai\n\nopenai.api_type = \"azure\"\nopenai.api_version = \"2023-05-15\"\n",
    "from openai import AsyncAzureOpenAI\n\n"
    'aclient = AsyncAzureOpenAI(api_version="2024-06-01", azure_deployment="embed-large")\n',
    "from openai import AzureOpenAI as Client\n\n"
    'client = Client(azure_endpoint="https://contoso.openai.azure.com/", api_key="k", api_version="2024-10-21")\n',
]
COPIES = 14  # 5 templates x 14: 70 Azure files (enough for the process pool), and 4 plain files for each: 350
# Runs the CLI with every os.replace slowed down, so that an interrupt lands in the middle of the writes.
SLOW_WRITES = """
import os, sys, time
real_replace = os.replace
def slow_replace(src, dst):
    time.sleep(0.02)
    real_replace(src, dst)
os.replace = slow_replace
from codemod.cli import main
sys.argv[0] = "aoai-migrate"
main()
"""


def _tree(root: Path) -> dict[Path, tuple[str, str]]:
    """A few hundred files; path -> (original text, migrated text)."""
    from codemod.migration import migrate_source

    migrated = {t: migrate_source(t).source for t in TEMPLATES}
    expected = {}
    for n in range(COPIES * len(TEMPLATES)):
        folder = root / f"pkg{n % 10}"
        folder.mkdir(exist_ok=True)
        template = TEMPLATES[n % len(TEMPLATES)]
        azure = folder / f"azure_{n:03d}.py"
        azure.write_text(template)
        expected[azure] = (template, migrated[template])
        for plain in (folder / f"plain_{n:03d}_{k}.py" for k in range(4)):
            plain.write_text(f"VALUE = {n}\n")
            expected[plain] = (plain.read_text(), plain.read_text())
    return expected


def _start(command: list[str], root: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    with open(root.parent / "run.log", "wb") as log:  # a file, not a pipe: a full pipe would stall the run
        # A new session, so that SIGINT goes to the whole process group as a terminal's Ctrl-C does.
        return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=log, start_new_session=True)


def _children(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _interrupt(proc: subprocess.Popen) -> float:
    """Ctrl-C; returns how long the run took to stop. Every process of the group must be gone."""
    os.killpg(proc.pid, signal.SIGINT)
    start = time.monotonic()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise AssertionError("the run did not stop within 20 s of Ctrl-C") from None
    stopped = time.monotonic() - start
    _wait_until(lambda: not _group_alive(proc.pid), 10, "the pool workers to exit")
    return stopped


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _check_old_or_new(expected: dict[Path, tuple[str, str]]) -> tuple[int, int]:
    """Every file parses and is exactly its original or its migrated form; returns (new, old) counts."""
    new = old = 0
    for path, (before, after) in expected.items():
        text = path.read_text()
        ast.parse(text, str(path))
        assert text in (before, after), f"{path} is neither its original nor its migrated form:\n{text}"
        if before != after:
            new, old = (new + 1, old) if text == after else (new, old + 1)
    assert temp_files(next(iter(expected)).parent.parent) == []
    return new, old


def _finish_and_check(root: Path, expected: dict[Path, tuple[str, str]]) -> None:
    """Running again completes the migration: every file now has its migrated form."""
    result = CliRunner().invoke(main, ["--jobs", "2", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for path, (_, after) in expected.items():
        assert path.read_text() == after, path


def test_ctrl_c_while_files_are_analysed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    expected = _tree(root)
    proc = _start([sys.executable, "-m", "codemod", "--jobs", "2", "."], root)
    _wait_until(lambda: bool(_children(proc.pid)) or proc.poll() is not None, 60, "the process pool to start")
    time.sleep(0.1)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    stopped = _interrupt(proc)
    assert proc.returncode == 130  # interrupted (1 would mean "changes pending")
    assert stopped < 10
    _check_old_or_new(expected)


def test_ctrl_c_while_files_are_written(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    expected = _tree(root)
    first = min((p for p, (a, b) in expected.items() if a != b), key=lambda p: p.parts)
    proc = _start([sys.executable, "-c", SLOW_WRITES, "--jobs", "2", "."], root)
    _wait_until(lambda: first.read_text() != expected[first][0] or proc.poll() is not None, 120,
                "the first file to be written")
    assert proc.poll() is None, "the run finished before it could be interrupted"
    stopped = _interrupt(proc)
    assert proc.returncode == 130  # interrupted (1 would mean "changes pending")
    assert stopped < 10
    new, old = _check_old_or_new(expected)
    assert new >= 1 and old >= 1, "the interrupt did not land in the middle of the writes"
    _finish_and_check(root, expected)


def test_the_pool_reads_ahead_of_its_workers_only_so_far() -> None:
    """Each task holds a file's bytes, and reading is faster than migrating: the pool takes a new task only while
    fewer than IN_FLIGHT per worker wait or run (camel's parent held all 24 MB of its candidates at once)."""
    from codemod.run import pool

    pulled = 0
    seen_at_first_result: int | None = None

    def tasks():  # noqa: ANN202 - a generator of (position, task)
        nonlocal pulled
        for position in range(pool.IN_FLIGHT * 2 * 4):
            pulled += 1
            yield position, 0.02

    positions = []
    for position, _ in pool.run(time.sleep, tasks(), 2, lambda task, why: None):
        if seen_at_first_result is None:
            seen_at_first_result = pulled
        positions.append(position)
    assert positions == list(range(pool.IN_FLIGHT * 2 * 4))  # every task, in order
    assert seen_at_first_result is not None and seen_at_first_result <= pool.IN_FLIGHT * 2 + 1


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is used where processes are forked")
def test_a_fork_server_no_pool_used_is_killed_not_waited_for(tmp_path: Path) -> None:
    """A walk of a small tree needs no pool, and ends while the fork server may still be importing the engine:
    waiting for it made `aoai-migrate --check .` on two files take 0.9 s instead of 0.3 s. A server no pool used is
    killed at exit (here one whose preload would take a minute)."""
    (tmp_path / "slow_engine.py").write_text("import time\ntime.sleep(60)\n")
    probe = (
        "import time\n"
        "from codemod.run import pool\n"
        "pool.warm_up('slow_engine')\n"
        "start = time.monotonic()\n"
        "pool._stop_server()\n"
        "print(time.monotonic() - start)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=50,
                          env={**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{tmp_path}"})
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.strip()) < 10
