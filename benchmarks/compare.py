"""Times `aoai-migrate --check`, `grep -rli openai` and `ruff check --select UP --isolated` on one tree, in the same
run, and counts the files LibCST parses (runner.py appends one line per file to $AOAI_MIGRATE_PARSE_LOG)."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import tools
from measure import Timing, measure, warm_cache

# Targets of issue 14, printed next to the measured ratios.
TARGET_GREP = 15.0  # aoai-migrate wall time at most 15x grep -rli
TARGET_RUFF = 4.0  # and at most 4x ruff check --select UP
TARGET_MIB = 150.0  # peak memory of the process tree
PARSE_LOG = "AOAI_MIGRATE_PARSE_LOG"  # codemod/runner.py PARSE_LOG


@dataclass
class Comparison:
    label: str  # "1x", "haystack", ...
    directory: Path
    files: int  # files aoai-migrate processed (changed + unchanged + failed)
    changed: int
    failed: int
    parsed: int  # distinct files handed to LibCST in a run
    grep_hits: int
    ruff_files: int
    aoai: Timing
    grep: Timing
    ruff: Timing
    parsed_files: tuple[str, ...] = ()  # the files handed to LibCST, as the run shows them

    @property
    def per_grep(self) -> float:
        return self.aoai.wall / self.grep.wall

    @property
    def per_ruff(self) -> float:
        return self.aoai.wall / self.ruff.wall


def excludes() -> tuple[str, ...]:
    """aoai-migrate's default excludes (so grep reads the same files)."""
    from codemod.run.discovery import DEFAULT_EXCLUDES

    return DEFAULT_EXCLUDES


def compare(label: str, directory: Path, repeats: int, jobs: int) -> Comparison:
    """Measure the three commands `repeats` times each, in turns (so a change of load hits all three)."""
    warm_cache(directory)
    runs: dict[str, list[Timing]] = {"aoai": [], "grep": [], "ruff": []}
    parsed: list[int] = []
    names: set[str] = set()
    with tempfile.TemporaryDirectory() as scratch:
        for attempt in range(repeats):
            log = Path(scratch, f"parsed-{attempt}")
            print(f"{label}: run {attempt + 1} of {repeats}", file=sys.stderr)
            # Exit 1: changes pending or findings; 3: also files it could not read or parse.
            runs["aoai"].append(measure("aoai-migrate --check", tools.aoai_migrate(jobs), directory, 1, {0, 1, 3},
                                        env={PARSE_LOG: str(log)}, tree=True))
            names = set(log.read_text().splitlines()) if log.exists() else set()
            parsed.append(len(names))  # a re-run parses again
            runs["grep"].append(measure("grep -rli", tools.grep_tree(excludes()), directory, 1, {0, 1}, tree=True))
            runs["ruff"].append(measure("ruff check --select UP", tools.ruff_up(), directory, 1, {0, 1}, tree=True))
    aoai, grep, ruff = (Timing(t[0].label, [s for timing in t for s in timing.samples]) for t in runs.values())
    changed, unchanged, failed = tools.aoai_counts(aoai.samples[0].stdout)
    if len(set(parsed)) != 1:
        raise RuntimeError(f"{label}: LibCST parsed a different number of files in each run: {parsed}")
    return Comparison(label, directory, changed + unchanged + failed, changed, failed, parsed[0],
                      tools.grep_count(grep.samples[0].stdout), tools.ruff_files(directory), aoai, grep, ruff,
                      tuple(sorted(names)))


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"
