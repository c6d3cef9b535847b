"""Timing one command: wall time, CPU time and peak memory of the command and every process it waited for."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20
TREE_POLL = 0.02  # seconds between two samples of the process tree's memory


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the command and its waited-for children (pool workers)
    peak_mib: float  # largest resident set of any single process in the tree
    returncode: int
    stdout: str
    tree_mib: float = 0.0  # largest sum of resident sets over the process tree at one moment (0: not sampled)
    tree_pss_mib: float = 0.0  # the same with proportional set sizes: a page shared by n processes counts 1/n


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

    @property
    def tree_mib(self) -> float:
        return max(s.tree_mib for s in self.samples)

    @property
    def tree_pss_mib(self) -> float:
        return max(s.tree_pss_mib for s in self.samples)


def run_once(command: list[str], cwd: Path, env: dict[str, str] | None = None, tree: bool = False) -> Sample:
    """Run `command` (stdout and stderr captured together). The rusage comes from wait4 on this one child:
    what getrusage(RUSAGE_CHILDREN) would add for it, i.e. the child plus the descendants it reaped (its pool
    workers); ru_maxrss is the largest single process among them. With `tree`, a thread also samples the
    resident sets of the whole process tree every TREE_POLL seconds and keeps the largest sum."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, **env} if env else None)
    sampler = TreeSampler(proc.pid) if tree else None
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    if sampler is not None:
        sampler.stop()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keeps Popen from waiting again
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        peak_mib=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=proc.returncode,
        stdout=out.decode("utf-8", "replace"),
        tree_mib=sampler.peak if sampler is not None else 0.0,
        tree_pss_mib=sampler.peak_pss if sampler is not None else 0.0,
    )


class TreeSampler(threading.Thread):
    """Largest sum of RSS over a process and its descendants (found through /proc/PID/task/TID/children): an
    upper bound of what the tree holds, as pages a forked worker shares with its parent count twice; and the
    largest sum of their proportional set sizes (a shared page counts once over the tree), what the tree holds."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_pss, self._done = pid, 0.0, 0.0, threading.Event()
        self.start()

    def run(self) -> None:
        while not self._done.wait(TREE_POLL):
            pids = _tree(self.pid)
            self.peak = max(self.peak, sum(_rss_mib(pid) for pid in pids))
            self.peak_pss = max(self.peak_pss, sum(_pss_mib(pid) for pid in pids))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(child) for child in children.read().split()]
        except OSError:  # the process ended meanwhile
            continue
    return found


def _pss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def _rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_MIB
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(label: str, command: list[str], cwd: Path, repeats: int, expect: set[int],
            env: dict[str, str] | None = None, tree: bool = False) -> Timing:
    samples = []
    for _ in range(repeats):
        sample = run_once(command, cwd, env, tree)
        if sample.returncode not in expect:
            raise RuntimeError(f"{label}: exit code {sample.returncode}, expected one of {sorted(expect)}:\n"
                               f"{sample.stdout[-2000:]}")
        samples.append(sample)
    return Timing(label, samples)


def warm_cache(directory: Path) -> None:
    """Read every file once so that all tools start from the same (warm) page cache."""
    for path in directory.rglob("*.py"):
        path.read_bytes()
