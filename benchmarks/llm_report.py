"""Markdown for the LLM-repository benchmark (run.py --llm / --corpus): one table for the generated corpus and
one for checkouts, with issue 14's targets next to the ratios; and a section writer for RESULTS.md."""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from pathlib import Path

from compare import TARGET_GREP, TARGET_MIB, TARGET_RUFF, Comparison
from report import _commit


def render(title: str, generated: list[Comparison], checkouts: list[Comparison], notes: list[str],
           loads: list[str], args) -> str:
    parts = [f"## {title}", "", header(args, loads), *notes]
    if generated:
        parts += ["", "### Generated LLM-application corpus", "", table(generated)]
    if checkouts:
        parts += ["", "### Checkouts", "", table(checkouts)]
    parts += ["", legend()]
    return "\n".join(parts) + "\n"


def header(args, loads: list[str]) -> str:
    return (
        f"Command: `{' '.join(['python benchmarks/run.py', *sys.argv[1:]])}`; {time.strftime('%Y-%m-%d')},"
        f" aoai-migrate at commit {_commit()}. Machine: {os.cpu_count()} CPUs, {platform.system()}"
        f" {platform.release()}, Python {platform.python_version()}. `--jobs {args.jobs}`; every time is the median"
        f" of {args.repeats} runs, the three commands taking turns, on a warm page cache. Load average (1 / 5 / 15"
        f" minutes) before each corpus: {'; '.join(loads)}."
    )


def table(rows: list[Comparison]) -> str:
    lines = [
        "| corpus | files | mention openai | parsed by LibCST | would change | aoai-migrate s (CPU s) | grep -rli s"
        " (CPU) | ruff UP s (CPU) | wall / grep | wall / ruff UP | CPU / grep | CPU / ruff UP | peak MiB (tree, PSS) |"
        " peak MiB (tree, RSS) | peak MiB (one process) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        aoai, grep, ruff = row.aoai, row.grep, row.ruff
        lines.append(
            f"| {row.label} | {row.files:,} | {row.grep_hits:,} | {row.parsed:,} | {row.changed} |"
            f" {aoai.wall:.2f} ({aoai.cpu:.1f}) | {grep.wall:.3f} ({grep.cpu:.3f}) | {ruff.wall:.2f} ({ruff.cpu:.2f}) |"
            f" {_mark(row.per_grep, TARGET_GREP)} | {_mark(row.per_ruff, TARGET_RUFF)} |"
            f" {_mark(aoai.cpu / grep.cpu, TARGET_GREP)} | {_mark(aoai.cpu / ruff.cpu, TARGET_RUFF)} |"
            f" {_mark(aoai.tree_pss_mib, TARGET_MIB, '.0f', '')} | {aoai.tree_mib:.0f} | {aoai.peak_mib:.0f} |"
        )
    return "\n".join(lines)


def _mark(value: float, target: float, fmt: str = ".1f", unit: str = "x") -> str:
    """The value, bold when it misses the target (targets: at most `target`)."""
    text = f"{value:{fmt}}{unit}"
    return text if value <= target else f"**{text}**"


def legend() -> str:
    return (
        f"Targets (issue 14): aoai-migrate at most {TARGET_GREP:.0f}x `grep -rli` and at most {TARGET_RUFF:.0f}x"
        f" `ruff check --select UP --isolated`; peak memory under {TARGET_MIB:.0f} MiB. Values that miss a target"
        " are in bold. The targets are for wall time; the CPU-time ratios (user + system time of each command and"
        " the processes it waited for; ruff's threads included) are shown because they depend less on the load of"
        " this shared machine. *mention openai*: files `grep -rli openai` lists (the byte pre-filter's survivors,"
        " any ASCII case; `.py` and `.ipynb`, aoai-migrate's default excludes pruned). *parsed by LibCST*: files"
        " handed to the engine (codemod/runner.py writes one line per file to `$AOAI_MIGRATE_PARSE_LOG`). ruff runs"
        " with `--no-cache --output-format concise`. *peak MiB (tree, PSS)*: the largest sum of proportional set sizes"
        " over the command's process tree, sampled every 20 ms (a page the forked workers share with their parent"
        " counts once; the target is checked on it); *(tree, RSS)*: the same with resident sets (an upper bound:"
        " shared pages count in every process); *(one process)*: the largest single process (wait4 rusage)."
    )


def write_section(path: Path, name: str, text: str) -> None:
    """Replace the part of `path` between `<!-- begin NAME -->` and `<!-- end NAME -->`, or append it."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    old = path.read_text() if path.exists() else ""
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    new = pattern.sub(lambda _: block, old, count=1) if pattern.search(old) else old.rstrip() + "\n\n" + block
    path.write_text(new.lstrip())
