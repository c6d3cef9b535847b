"""Worker processes for large runs, in which one file can only ever cost itself.

A worker that dies (LibCST's native parser overflowing its stack on a file that nothing screened out, the
kernel's out-of-memory killer) breaks a `ProcessPoolExecutor`: every unfinished file fails with it. Each
worker therefore records the file it starts on; after a break the files that had started run again one per
process, so the one that kills its process again is reported as crashed, and the files that had not started
go to a fresh pool. Workers die with the process that started them (a killed run leaves no worker behind
holding the caller's output pipes), and an interrupted run stops its workers at once.

A run that walks directories starts a fork server first (`warm_up`): it imports the engine on another core while
the run walks the tree, and the workers are its children. It ends when the run's process does, which waits for it.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from codemod.engine import parsing

Task = TypeVar("Task")
Result = TypeVar("Result")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
IN_FLIGHT = 8  # tasks per worker handed over and not yet done


def run(
    work: Callable[[Task], Result],
    tasks: Iterable[tuple[int, Task]],
    jobs: int,
    crashed: Callable[[Task, str], Result],
) -> Iterator[tuple[int, Result]]:
    """`(position, work(task))` for each `(position, task)`, in order of position within each pass; a task
    whose process dies twice, the second time alone, gives `(position, crashed(task, why))` instead."""
    failed, started = yield from _one_pass(work, tasks, jobs)
    suspects = [(p, t) for p, t in failed if p in started]
    for position, task in suspects:  # alone, so that a second death names the guilty file
        again, _ = yield from _one_pass(work, [(position, task)], 1)
        if again:
            yield position, crashed(task, "the process parsing it died")
    rest = [(p, t) for p, t in failed if p not in started]
    if rest and not suspects:  # died before starting anything: a second pool would too
        for position, task in rest:
            yield position, crashed(task, "a worker process died before it could start")
    elif rest:
        yield from run(work, rest, jobs, crashed)


def _one_pass(
    work: Callable[[Task], Result], tasks: Iterable[tuple[int, Task]], jobs: int
) -> Iterator[tuple[int, Result]]:
    """One pool over `tasks`; returns the (position, task) pairs lost to a broken pool, and the positions
    the workers were on. Each worker writes the position it starts on into its own slot of shared memory:
    no lock per task that a dying worker could leave held."""
    server = _server_pid()
    context = multiprocessing.get_context("forkserver" if server is not None else None)
    current = context.Array("q", [-1] * jobs, lock=False)
    slots = context.Value("i", 0)
    failed: list[tuple[int, Task]] = []
    initargs = (current, slots, server if server is not None else os.getpid())
    window: collections.deque[list[Any]] = collections.deque()  # [position, task or None once done, future], in order

    def finished() -> Iterator[tuple[int, Result]]:
        """The results at the head of the window that are done, in order."""
        while window and window[0][2].done():
            position, task, future = window.popleft()
            try:
                yield position, future.result()
            except BrokenProcessPool:
                failed.append((position, task))

    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker, initargs=initargs) as pool:
        try:
            remaining = iter(tasks)
            for position, task in remaining:  # workers start on the first tasks while the rest are still read
                # At most `IN_FLIGHT` tasks per worker wait or run: the tasks hold the files' bytes, and reading is
                # faster than migrating (camel: 24 MB of candidates were all held at once).
                while (busy := [entry for entry in window if not entry[2].done()]) and len(busy) >= IN_FLIGHT * jobs:
                    wait([entry[2] for entry in busy], return_when=FIRST_COMPLETED)
                for entry in window:  # a task done well is not needed again; its bytes can go
                    if entry[2].done() and entry[2].exception() is None:
                        entry[1] = None
                yield from finished()
                try:
                    window.append([position, task, pool.submit(_run_one, work, position, task)])
                except BrokenProcessPool:
                    failed += [(position, task), *remaining]
            while window:
                wait([window[0][2]])
                yield from finished()
        except BaseException:  # Ctrl-C, SIGTERM, or the caller stopped: no worker may outlive this
            stop(pool)
            raise
    return failed, set(current) - {-1}


_warm = False  # `warm_up` started a fork server: the workers are its children


def warm_up(module: str) -> None:
    """Start the workers' parent now, before the run looks for its files: a fork server (another process, so
    another core) that imports `module` (LibCST and the rules: 0.2-0.3 s that this process spent before its first
    worker started) while this process walks the tree and reads the files. Workers are forked from it and share
    its pages; this process never imports the engine for them. At exit this process stops the server and waits
    for it (its CPU time, and its workers', count as this run's). Elsewhere `preload` does the work later, here."""
    global _warm
    # Only where processes are forked anyway (Linux): where the default is to spawn them (macOS, Windows), they
    # start as before.
    if _warm or multiprocessing.get_start_method(allow_none=False) not in ("fork", "forkserver"):
        return
    from multiprocessing import forkserver

    try:
        multiprocessing.get_context("forkserver").set_forkserver_preload([module])
        forkserver.ensure_running()
    except OSError:
        return
    _warm = True
    atexit.register(_stop_server)


_served = False  # a pool of this run has had workers forked by the server


def _server_pid() -> int | None:
    """The fork server's process id (started again if it died), None when the workers are this process's own."""
    global _served
    if not _warm:
        return None
    from multiprocessing import forkserver

    forkserver.ensure_running()
    _served = True
    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)


def _stop_server() -> None:
    """End the server and wait for it. A server no pool used (a small tree: no file to parse, or too few for a
    pool) may still be importing the engine, which it would finish before it noticed: it is killed instead."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if not _served and pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        server._stop()  # noqa: SLF001 - the only way to end it and wait for it


def preload(module: str) -> None:
    """Import `module` here when the workers are forked from this process: they start with it (about 0.4 s of
    imports each for the engine) and share its pages instead of each holding a copy. Other start methods import it
    in each worker, as before; a fork server (`warm_up`) has imported it already."""
    if not _warm and multiprocessing.get_start_method(allow_none=False) == "fork":
        import importlib

        importlib.import_module(module)


def stop(pool: ProcessPoolExecutor) -> None:
    """Kill the workers, which may be in the middle of a long parse, and cancel what has not started."""
    processes = getattr(pool, "_processes", None) or {}  # the executor has no public way to reach them
    for process in list(processes.values()):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


_slot: tuple[Any, int] | None = None  # in a worker: the shared array and this worker's index in it


def _run_one(work: Callable[[Task], Result], position: int, task: Task) -> Result:
    if _slot is not None and _slot[1] < len(_slot[0]):
        _slot[0][_slot[1]] = position
    return work(task)


def _init_worker(current: Any, slots: Any, parent: int) -> None:
    global _slot
    with slots.get_lock():
        _slot, slots.value = (current, slots.value), slots.value + 1
    # A forked worker inherits the CLI's handlers: Ctrl-C reaches it as KeyboardInterrupt, as before, and a
    # SIGTERM sent to it alone ends it (its file is retried) instead of stopping the run from inside it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parsing.mark_isolated()
    die_with_parent(parent)


def die_with_parent(parent: int) -> None:
    """End this process when `parent` ends, however it ends (even SIGKILL): on Linux the kernel sends SIGKILL
    (prctl PR_SET_PDEATHSIG); elsewhere a thread polls the parent's id once a second."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request was made
                    os._exit(1)
                return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
