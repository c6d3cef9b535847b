"""Timing one command: wall time, CPU time and peak memory of the command and every process it waited for."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the command and its waited-for children (pool workers)
    peak_mib: float  # largest resident set of any single process in the tree
    returncode: int
    stdout: str


@dataclass(frozen=True)
class Timing:
    label: str
    samples: list[Sample]

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_mib for s in self.samples)


def run_once(command: list[str], cwd: Path) -> Sample:
    """Run `command` (stdout and stderr captured together). The rusage comes from wait4 on this one child:
    what getrusage(RUSAGE_CHILDREN) would add for it, i.e. the child plus the descendants it reaped (its pool
    workers); ru_maxrss is the largest single process among them."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keeps Popen from waiting again
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=proc.returncode,
        stdout=out.decode("utf-8", "replace"),
    )


def measure(label: str, command: list[str], cwd: Path, repeats: int, expect: set[int]) -> Timing:
    samples = []
    for _ in range(repeats):
        sample = run_once(command, cwd)
        if sample.returncode not in expect:
            raise RuntimeError(f"{label}: exit code {sample.returncode}, expected one of {sorted(expect)}:\n"
                               f"{sample.stdout[-2000:]}")
        samples.append(sample)
    return Timing(label, samples)


def warm_cache(directory: Path) -> None:
    """Read every file once so that all tools start from the same (warm) page cache."""
    for path in directory.rglob("*.py"):
        path.read_bytes()
