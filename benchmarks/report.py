"""The benchmark's Markdown report: set-up, the same-corpus table, the growth table and the phase table."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from corpus import Corpus
from measure import Timing


@dataclass
class Row:
    factor: int
    files: int
    aoai: Timing
    grep: Timing
    libcst: Timing | None = None


def render(built: Corpus, rows: list[Row], startup: Timing, python: Timing, phases: dict[str, float],
           args, limit: int | None, load_before: float) -> str:
    sections = [
        header(built, args, limit, load_before),
        same_corpus(rows[0]),
        growth(rows),
        phase_table(phases, rows[-1].factor),
        summary(rows, startup, python),
    ]
    return "\n\n".join(sections) + "\n"


def header(built: Corpus, args, limit: int | None, load_before: float) -> str:
    sample = f"a seeded sample of {limit} files of " if limit else ""
    return "\n".join([
        "# aoai-migrate benchmark",
        "",
        f"Command: `{' '.join(['python benchmarks/run.py', *sys.argv[1:]])}`",
        "",
        machine_line(load_before),
        f"Corpus: {sample}the standard library's `.py` files plus {built.azure_files} generated Azure OpenAI files"
        f" ({built.azure_files / built.base_files:.1%} of {built.base_files} files, {built.base_bytes / 1e6:.1f} MB"
        f" per copy). Both codemods use `--jobs {args.jobs}`; times are the median of {_runs(args.repeats)}"
        f" ({_runs(args.libcst_repeats)} for LibCST) on a warm page cache; peak memory is the largest single process"
        " (wait4 rusage of the command and the workers it reaped).",
    ])


def machine_line(load_before: float) -> str:
    return (f"Machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python "
            f"{platform.python_version()}, 1-minute load average {load_before:.2f} before the benchmark started;"
            f" {time.strftime('%Y-%m-%d')}, aoai-migrate at commit {_commit()}.")


def same_corpus(row: Row) -> str:
    lines = [
        f"## Same corpus ({row.files} files)",
        "",
        "| command | wall s | CPU s | files/s | peak MiB | wall time / aoai-migrate |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for timing in [row.aoai, row.libcst, row.grep]:
        if timing is not None:
            lines.append(
                f"| `{timing.label}` | {timing.wall:.2f} | {timing.cpu:.2f} | {row.files / timing.wall:,.0f} |"
                f" {timing.peak_mib:.0f} | {timing.wall / row.aoai.wall:.2f}x |"
            )
    return "\n".join(lines)


def growth(rows: list[Row]) -> str:
    lines = [
        "## Growth with corpus size (the corpus copied 1, 2, 4 times)",
        "",
        "| size | files | aoai-migrate s | files/s | grep -rli s | aoai-migrate / grep |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.factor}x | {row.files} | {row.aoai.wall:.2f} | {row.files / row.aoai.wall:,.0f} |"
            f" {row.grep.wall:.3f} | {row.aoai.wall / row.grep.wall:.1f}x |"
        )
    return "\n".join(lines)


def phase_table(phases: dict[str, float], factor: int) -> str:
    candidates = int(phases["candidates"])
    rows = [
        ("import the CLI modules", phases["import_cli_modules"]),
        (f"discover {int(phases['files'])} files", phases["discover"]),
        (f"read {phases['megabytes']:.0f} MB", phases["read"]),
        (f"pre-filter them ({candidates} pass)", phases["prefilter"]),
        ("import the engine (LibCST)", phases["import_engine"]),
        ("engine, per file that passes (median)", phases["engine_per_candidate"]),
        ("- of which slicing: ast, symbol table, placeholders", phases["slice_per_candidate"]),
        ("- of which LibCST's parse of the sliced module", phases["parse_per_candidate"]),
        ("the same engine over the whole module (no slicing)", phases["whole_per_candidate"]),
    ]
    lines = [
        f"## Where aoai-migrate's time goes ({factor}x, one process, one core)",
        "",
        "| phase | seconds |",
        "|---|---:|",
        *[f"| {name} | {seconds:.3f} |" for name, seconds in rows],
    ]
    return "\n".join(lines)


def summary(rows: list[Row], startup: Timing, python: Timing) -> str:
    first, last = rows[0], rows[-1]
    lines = [f"Start-up: `aoai-migrate --version` {startup.wall * 1000:.0f} ms (median of 10;"
             f" `python -c pass` {python.wall * 1000:.0f} ms)."]
    if first.libcst is not None:
        lines.append(f"LibCST no-op / aoai-migrate at 1x: {first.libcst.wall / first.aoai.wall:.1f}x.")
    lines.append(f"aoai-migrate / grep -rli at {last.factor}x: {last.aoai.wall / last.grep.wall:.1f}x.")
    return "\n".join(lines)


def _runs(count: int) -> str:
    return f"{count} run{'' if count == 1 else 's'}"


def _commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "codemod"], cwd=root, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' with uncommitted changes in codemod/' if dirty else ''}"
