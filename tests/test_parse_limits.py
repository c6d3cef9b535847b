"""A file that LibCST cannot follow costs only itself (codemod/parsing.py, codemod/pool.py): nesting within
reach is migrated, deeper nesting is a clear error, and a process that dies while parsing is that one file's
error while every other file is migrated, in a pool run and in a serial one."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from codemod.engine import parsing
from codemod.options import Options
from codemod.run import runner
from tests.test_robustness import AZURE, ROOT, assert_migrated, migrate

DEEP_LIST = "VALUES = " + "[" * 150 + "]" * 150 + "\n"  # CPython's tokenizer allows 200 brackets
LONG_SUM = "TOTAL = " + " + ".join(["1"] * 500) + "\n"
LONG_CONDITION = "READY = " + " and ".join(["flag"] * 2000) + "\n"  # flat for CPython, nested for LibCST
TOO_DEEP = {  # name -> (module, what the report says)
    "parentheses": ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n", "too many nested parentheses"),
    "sum": ("x = " + "+".join(["1"] * 20000) + "\n", "more than 1000 levels at line 7"),
    "condition": ("x = " + " and ".join(["a"] * 20000) + "\n", "more than 1000 levels at line 7"),
    "attributes": ("x = a" + ".b" * 1200 + "\n", "more than 1000 levels at line 7"),
}


@pytest.mark.parametrize("tail", [DEEP_LIST, LONG_SUM, LONG_CONDITION], ids=["list-150-deep", "sum-of-500",
                                                                             "and-chain-of-2000"])
def test_deep_valid_python_is_migrated(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "deep.py"
    path.write_text(AZURE + tail)
    limit = sys.getrecursionlimit()
    outcome = runner.migrate_file(path, Options())
    assert outcome.status == "changed", outcome.error
    assert outcome.new is not None and outcome.new.decode().endswith(tail)
    assert sys.getrecursionlimit() == limit, "the raised recursion limit must not outlive the parse"


@pytest.mark.parametrize("name", TOO_DEEP)
def test_deeper_nesting_is_a_clear_error_and_the_run_goes_on(tmp_path: Path, good: Path, name: str) -> None:
    module, detail = TOO_DEEP[name]
    bad = tmp_path / "deep.py"
    bad.write_text(AZURE + module)
    result = migrate(str(tmp_path))  # fewer than 64 files: the main process parses, no pool to fall back on
    assert result.exit_code == 3, result.output
    report = [line for line in result.output.splitlines() if "AOAI000" in line]
    assert len(report) == 1 and "deep.py:1:1" in report[0], result.output
    assert "too deeply nested for the parser" in report[0] and detail in report[0], report[0]
    assert bad.read_text() == AZURE + module
    assert_migrated(good)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.py"
    path.write_text(AZURE)
    return path


# Valid Python that LibCST's tokenizer rejects: the report says so instead of "Syntax Error @ 1:1".
LIBCST_ONLY = {
    "backslash-line-before-a-block": (AZURE + "if client:\n\\\r\n    x = 1\n", "line 8 holds only a backslash"),
    "backslash-at-the-end": (AZURE + "x = 1\\\r\n", "line 7 ends the file with a backslash"),
}


@pytest.mark.parametrize("name", LIBCST_ONLY)
def test_valid_python_libcst_cannot_read_is_reported_as_such(tmp_path: Path, name: str) -> None:
    source, hint = LIBCST_ONLY[name]
    compile(source, "valid.py", "exec")  # Python accepts it
    path = tmp_path / "valid.py"
    path.write_bytes(source.encode())
    outcome = runner.migrate_file(path, Options())
    assert outcome.status == "error"
    assert outcome.error is not None and "Python accepts it, but LibCST" in outcome.error and hint in outcome.error


# Kills the process that parses a module containing the marker, as a stack overflow in LibCST's native parser
# would; every process of the run loads it (sitecustomize), whatever multiprocessing's start method.
CRASHER = """
import os, signal
import libcst

_parse_module = libcst.parse_module

def parse_module(source, *args, **kwargs):
    if "CRASH_THE_PARSER" in source:
        os.kill(os.getpid(), signal.SIGSEGV)
    return _parse_module(source, *args, **kwargs)

libcst.parse_module = parse_module
"""


def _run_with_crasher(tmp_path: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CRASHER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "codemod", *args, str(root)], env=env, capture_output=True,
                          text=True, timeout=240, cwd=tmp_path, preexec_fn=_no_core_dumps)


def _no_core_dumps() -> None:
    """The crashes these tests cause on purpose write no core file."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _good_files(root: Path, count: int) -> list[Path]:
    files = []
    for n in range(count):
        path = root / f"pkg{n % 4}" / f"app_{n:02d}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(AZURE.replace("gpt-4o-prod-01", f"deployment-{n}"))
        files.append(path)
    return files


def test_a_parser_crash_among_80_good_files_in_a_pool(tmp_path: Path) -> None:
    """A worker parsing a crasher dies and the pool breaks; the files that had started run again one per
    process, the rest in a new pool: only the crashers are errors. One crasher is valid Python 3, the other
    only Python 2 (a pool worker is isolated already: LibCST parses it there directly)."""
    root = tmp_path / "repo"
    root.mkdir()
    files = _good_files(root, 80)
    crashers = {root / "pkg1" / "crash.py": "x = 'CRASH_THE_PARSER'\n",
                root / "pkg3" / "crash2.py": "print 'CRASH_THE_PARSER'\n"}
    for path, tail in crashers.items():
        path.write_text(AZURE + tail)
    for n, extra in enumerate(TOO_DEEP.values()):  # and files too deep to parse, screened before LibCST
        (root / f"deep_{n}.py").write_text(AZURE + extra[0])
    done = _run_with_crasher(tmp_path, root, "--jobs", "2")
    assert done.returncode == 3, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if "AOAI000" in line]
    assert len(errors) == len(crashers) + len(TOO_DEEP), done.stdout
    for path, tail in crashers.items():
        assert any(f"{path.name}:1:1" in e and "the parser crashed on this file" in e for e in errors), errors
        assert path.read_text() == AZURE + tail
    for path in files:
        assert_migrated(path)
    assert "80 files migrated" in done.stdout + done.stderr


def test_a_parser_crash_in_a_serial_run(tmp_path: Path) -> None:
    """Fewer than 64 files run in the main process, except text CPython rejects: its depth is unknown, so
    LibCST parses it in a child process, and the crash costs that file only."""
    root = tmp_path / "repo"
    root.mkdir()
    files = _good_files(root, 5)
    (root / "crash.py").write_text(AZURE + "print 'CRASH_THE_PARSER'\n")
    (root / "python2.py").write_text(AZURE + "print 'only Python 2'\n")  # an ordinary parse error, in a child
    done = _run_with_crasher(tmp_path, root, "--jobs", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    errors = sorted(line for line in done.stdout.splitlines() if "AOAI000" in line)
    assert len(errors) == 2, done.stdout
    assert "crash.py:1:1" in errors[0] and "the parser crashed on this file" in errors[0]
    assert "python2.py:1:1" in errors[1] and "cannot parse the file" in errors[1]
    for path in files:
        assert_migrated(path)


def test_newer_syntax_that_cpython_rejects_is_still_judged_by_libcst(tmp_path: Path) -> None:
    """What this interpreter cannot parse may be valid for LibCST (syntax of a newer Python): parsed in a
    child process, migrated like any file."""
    source = AZURE + "print(f'{'nested quotes'}')\n"  # PEP 701: valid from Python 3.12
    if parsing.python_accepts(source) is not None:
        pytest.skip("this interpreter parses PEP 701 f-strings")
    path = tmp_path / "newer.py"
    path.write_text(source)
    outcome = runner.migrate_file(path, Options())
    assert outcome.status == "changed", outcome.error
    assert outcome.new is not None and outcome.new.decode().endswith("print(f'{'nested quotes'}')\n")


def test_the_guard_restores_the_interpreter_limits_when_the_work_fails() -> None:
    limit = sys.getrecursionlimit()

    def recurse(n: int) -> int:
        return recurse(n + 1)

    with pytest.raises(parsing.TooDeep, match="recursion limit"):
        parsing.deep_stack(recurse, 0)
    with pytest.raises(ValueError, match="boom"):
        parsing.deep_stack(lambda: (_ for _ in ()).throw(ValueError("boom")))
    assert sys.getrecursionlimit() == limit


def test_the_native_parser_gets_a_stack_deep_enough(tmp_path: Path) -> None:
    """An `and` chain of 10,000 operands (1,000 levels by parsing.MAX_DEPTH's count) overflows the default
    8 MiB stack in LibCST's native parser: a segmentation fault. In the guard's thread it parses."""
    code = textwrap.dedent("""
        import sys, threading
        import libcst
        from codemod.engine import parsing
        source = "x = " + " and ".join(["a"] * 10000) + "\\n"
        if sys.argv[1] == "guarded":
            parsing.deep_stack(libcst.parse_module, source)
            assert threading.stack_size() == 0  # the setting is back for other threads
        else:
            libcst.parse_module(source)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = functools.partial(subprocess.run, env=env, capture_output=True, timeout=120, cwd=tmp_path,
                            preexec_fn=_no_core_dumps)
    guarded = run([sys.executable, "-c", code, "guarded"])
    assert guarded.returncode == 0, guarded.stderr.decode()
    import resource

    soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
    if soft != resource.RLIM_INFINITY and soft <= 8 * 1024 * 1024:  # the usual default: show it is too small
        bare = run([sys.executable, "-c", code, "bare"])
        assert bare.returncode == -11, "the default stack sufficed: the guard's stack size is not what is tested"
