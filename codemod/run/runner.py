"""Runs the engine over files: pre-filter, decode, migrate (in parallel when worth it), and write.

Nothing here prints; the CLI turns a `RunResult` into output."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Literal

from codemod.engine import parsing
from codemod.findings import Finding
from codemod.options import Options
from codemod.record import FileRecord, MigrationResult
from codemod.run import private_reads
from codemod.run.filters import could_match, filters_for, may_act
from codemod.run.kind_files import is_kind_file as is_other  # documentation, dependency, settings files
from codemod.run.outcome import FileOutcome as FileOutcome
from codemod.run.outcome import RunResult as RunResult
from codemod.run.outcome import Status as Status
from codemod.run.outcome import error_outcome as _error
from codemod.run.outcome import unreadable as unreadable
from codemod.run.source import Decoded, SourceError, decode, encode
from codemod.run.writer import WriteError, write_atomic

Mode = Literal["write", "diff", "check"]

# Below this many files that pass the byte filter a process pool costs more than it saves (importing the engine
# before forking, handing each file over and back). The pool starts as soon as this many are found, so its workers
# run while the rest of the tree is read and filtered. Measured on the standard-library benchmark at 4x (median of
# 7-9 runs, `--jobs 2`): the 1,212-file sample with 12 candidates 0.87 s in one process, 0.78 s with the pool; the
# 7,224-file corpus with 76 candidates 1.96 s when the pool waited for 64 candidates and the end of reading,
# 1.68 s now.
POOL_THRESHOLD = 4
PARSE_LOG = "AOAI_MIGRATE_PARSE_LOG"  # benchmarks/: a file that gets one line per file handed to LibCST


def migrate_file(path: Path, options: Options, display: str | None = None) -> FileOutcome:
    """Read and migrate one file; never writes. Problems become an "error" outcome with an AOAI000 finding."""
    shown = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _error(path, shown, f"cannot read the file: {exc.strerror or exc}")
    if not _passes_filter(path, data, options, shown):
        return FileOutcome(path, "skipped", original=data)
    return migrate_bytes(path, data, options, shown)


def migrate_bytes(path: Path, data: bytes, options: Options, shown: str) -> FileOutcome:
    """Migrate the bytes read from `path` (which passed the pre-filter). The engine runs under
    `parsing.guarded`; a file whose nesting cannot be measured is parsed in a child process."""
    if path.suffix == ".ipynb":
        return _migrate_notebook(path, shown, data, options)
    if is_other(path):
        from codemod.run.kind_run import migrate_other

        return migrate_other(path, data, options, shown)
    text = None
    try:
        text = decode(data).text
        if not may_act(text, filters_for(options)[1]) and shown not in options.factory_imports:
            result = MigrationResult(text, [])
        else:
            from codemod.migration import migrate_source  # loads LibCST: only for files a rule may act on

            _log_parse(shown)
            result = parsing.guarded(migrate_source, text, options, shown)
        if ">>>" in result.source:
            from codemod.run.kind_run import docstrings

            result = parsing.guarded(docstrings, result, options, shown)
    except (SourceError, parsing.TooDeep) as exc:
        return _error(path, shown, str(exc))
    except parsing.NeedsIsolation:
        return _in_child(path, data, options, shown)
    except Exception as exc:  # noqa: BLE001 - reported per file; the run goes on
        return _error(path, shown, parsing.failure_message(exc, text))
    return _outcome(path, data, decode(data), result)


def _passes_filter(path: Path, data: bytes, options: Options, shown: str, other: bool | None = None) -> bool:
    """The byte filter: the enabled rules' words for Python files, the kinds' words for the others. A file that
    imports a factory of the run (codemod/run/factories.py) always passes: its requests need not mention openai."""
    if other if other is not None else is_other(path):
        from codemod.run.kind_run import enabled_kinds, worth_reading

        return worth_reading(data, enabled_kinds(path, options))
    return shown in options.factory_imports or could_match(data, filters_for(options)[0])


def _outcome(path: Path, data: bytes, decoded: Decoded, result: MigrationResult) -> FileOutcome:
    if not result.changed(decoded.text):
        return FileOutcome(path, "unchanged", result.findings, original=data, old_text=decoded.text,
                           record=result.record)
    return FileOutcome(
        path,
        "changed",
        result.findings,
        original=data,
        new=encode(result.source, decoded),
        old_text=decoded.text,
        new_text=result.source,
        record=result.record,
    )


def _log_parse(shown: str) -> None:
    if log := os.environ.get(PARSE_LOG):  # appends of one short line: whole lines even from several workers
        with open(log, "a", encoding="utf-8") as out:
            out.write(shown + "\n")


def _migrate_notebook(path: Path, shown: str, data: bytes, options: Options) -> FileOutcome:
    from codemod import notebook

    def migrate(text: str, hidden: str) -> MigrationResult:
        if not may_act(text, filters_for(options)[1]):
            return MigrationResult(text, [])
        from codemod.migration import migrate_source  # loads LibCST: only for notebooks a rule may act on

        _log_parse(shown)
        return migrate_source(text, options, shown, hidden=hidden)

    def wanted(code: str) -> bool:
        return may_act(code, filters_for(options)[1], parse=False)

    try:
        result = parsing.guarded(notebook.migrate_notebook, data, migrate, wanted)
    except (notebook.NotebookError, parsing.TooDeep) as exc:
        return _error(path, shown, str(exc))
    except parsing.NeedsIsolation:
        return _in_child(path, data, options, shown)
    except Exception as exc:  # noqa: BLE001 - reported per file; the run goes on
        return _error(path, shown, parsing.failure_message(exc))
    findings = [f.with_path(shown) for f in result.findings]
    if result.data == data:
        names = None
        if result.code is not None:  # the cells as read: no second parse of the notebook for their names
            from codemod.kinds.env_samples import mentioned_names

            names = frozenset(mentioned_names(result.code))
        return FileOutcome(path, "unchanged", findings, original=data, record=result.record, version_names=names)
    return FileOutcome(
        path, "changed", findings, original=data, new=result.data, old_text=data.decode("utf-8"),
        new_text=result.data.decode("utf-8"), record=result.record, cells=result.cell_changes,
    )


def _work(args: tuple[Path, bytes, Options, str]) -> FileOutcome:
    path, data, options, shown = args
    return _light(migrate_bytes(path, data, options, shown))


def _light(outcome: FileOutcome) -> FileOutcome:
    """The outcome as it goes back to the parent: the api-version names its code still reads (for environment
    samples), and, for a Python file or notebook left unchanged without findings, neither its bytes nor its text
    (the parent holds the bytes: `_with_bytes`)."""
    if outcome.status in ("unchanged", "changed") and not is_other(outcome.path):
        if outcome.version_names is None:
            from codemod.run.kind_run import code_names

            outcome.version_names = code_names(outcome)
        if outcome.status == "unchanged" and not outcome.findings:
            outcome.original = outcome.old_text = None
    return outcome


def _with_bytes(outcome: FileOutcome, data: bytes) -> FileOutcome:
    if outcome.original is None and outcome.status == "unchanged" and outcome.version_names is not None:
        outcome.original = data
    return outcome


def _crashed(args: tuple[Path, bytes, Options, str], why: str) -> FileOutcome:
    path, _, _, shown = args
    return _error(path, shown, f"the parser crashed on this file ({why}); it was left unchanged. It is most "
                  "likely nested too deeply: please report it with the shape of its code.")


def _in_child(path: Path, data: bytes, options: Options, shown: str) -> FileOutcome:
    """Migrate one file in a process of its own: CPython rejects its text, so LibCST must judge it without
    a measure of its depth, and a crash must cost only this file."""
    from codemod.run import pool

    return next(pool.run(_work, [(0, (path, data, options, shown))], 1, _crashed))[1]


def migrate_files(
    files: Sequence[tuple[Path, str]],
    options: Options,
    jobs: int | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
    env_names: dict[Path, frozenset[str]] | None = None,
    keep_bytes: bool = True,
) -> list[FileOutcome]:
    """Migrate files, outcomes in input order. Reading and the pre-filter happen here first (they run at grep's
    speed); only the files that can match are parsed, by a process pool when there are many of them. `env_names`
    (when given) gets, for each Python file the filter skipped, the api-version variables it may read (for
    environment samples). `keep_bytes=False`: a file left unchanged without findings keeps no bytes in its outcome
    (a migrate run shows and writes nothing of it; `env` and `doctor` read every file's code)."""
    outcomes: list[FileOutcome | None] = [None] * len(files)
    handed: set[int] = set()  # the candidates, handed to the engine
    # A document with the very bytes of one handed over already (versioned documentation keeps a copy of every page
    # per release) waits for that one's outcome: when it has nothing to say, neither has this one (`_twin`).
    firsts: dict[tuple[object, str, bytes], int] = {}
    twins: dict[int, tuple[int, tuple[Path, bytes, Options, str]]] = {}
    sent: dict[int, bytes] = {}  # the bytes of each candidate, until its outcome comes back

    def candidates() -> Iterator[tuple[int, tuple[Path, bytes, Options, str]]]:
        for index, (path, shown) in enumerate(files):
            try:
                data = path.read_bytes()
            except OSError as exc:
                outcomes[index] = _error(path, shown, f"cannot read the file: {exc.strerror or exc}")
                continue
            other = is_other(path)
            if _passes_filter(path, data, options, shown, other):
                if other:
                    key = (_kinds_of(path, options), path.name, data)  # what a kind reads of a file
                    first = firsts.setdefault(key, index)
                    if first != index:
                        twins[index] = first, (path, data, options, shown)
                        continue
                handed.add(index)
                if keep_bytes:
                    sent[index] = data
                yield index, (path, data, options, shown)
                continue
            outcomes[index] = FileOutcome(path, "skipped")
            if env_names is not None and not other:
                from codemod.run.kind_run import names_in_bytes

                if (names := names_in_bytes(data)) is not None:
                    env_names[path] = names

    jobs = jobs or os.cpu_count() or 1
    tasks = candidates()
    first = list(itertools.islice(tasks, POOL_THRESHOLD if jobs > 1 else 0))
    if len(first) < POOL_THRESHOLD:  # one job, or the whole run has fewer candidates: no pool
        results: Iterable[tuple[int, FileOutcome]] = (
            (index, _work(args)) for index, args in itertools.chain(first, tasks)
        )
    else:
        from codemod.run import pool

        pool.preload("codemod.migration")  # LibCST and the rules, imported once for every worker
        # The workers start on these while the rest of the files are still being read and filtered here.
        results = pool.run(_work, itertools.chain(first, tasks), jobs, _crashed)  # a crash costs its file only
    try:
        for index, outcome in results:
            outcomes[index] = _with_bytes(outcome, sent.pop(index)) if keep_bytes else outcome
            if on_done:
                on_done(outcome)
    finally:  # an interrupt between two results: the pool stops its workers now, not when collected
        getattr(results, "close", lambda: None)()
    for index, (first, args) in twins.items():
        outcomes[index] = _twin(outcomes[first], args)
        handed.add(index)
        if on_done:
            on_done(outcomes[index])
    if on_done:
        for index, outcome in enumerate(outcomes):
            if outcome is not None and index not in handed:
                on_done(outcome)
    return [o for o in outcomes if o is not None]


def _kinds_of(path: Path, options: Options) -> object:
    from codemod.run.kind_run import enabled_kinds

    return enabled_kinds(path, options)


def _twin(first: FileOutcome | None, args: tuple[Path, bytes, Options, str]) -> FileOutcome:
    """The outcome of a file of the kinds whose bytes are those of `first`'s file: `first`'s when it says nothing
    (unchanged, no finding, nothing recorded: a kind reads the file's text and its name's kind, not its place),
    else its own."""
    if first is not None and first.status == "unchanged" and not first.findings and first.record == FileRecord():
        return FileOutcome(args[0], "unchanged")
    return _work(args)  # a document: no bytes to put back (`_with_bytes` is for Python files and notebooks)


def resolve_name_collisions(outcomes: list[FileOutcome], options: Options) -> Options | None:
    """Two different literals must never share an environment variable name across a run. When derived
    names collide, the first literal (sorted) keeps the name and the others get `_2`, `_3`, ...; returns
    the options to re-run with, or None when there is no collision."""
    by_name: dict[str, set[str]] = {}
    for outcome in outcomes:
        for literal, name in outcome.record.deployments.items():
            by_name.setdefault(name, set()).add(literal)
    overrides = dict(options.deployments)
    taken = set(by_name)
    collided = False
    for name, literals in sorted(by_name.items()):
        if len(literals) < 2:
            continue
        collided = True
        for index, literal in enumerate(sorted(literals)[1:], start=2):
            candidate = f"{name}_{index}"
            while candidate in taken:
                candidate += "_"
            taken.add(candidate)
            overrides[literal] = candidate
    return replace(options, deployments=overrides) if collided else None


def run(
    files: Sequence[tuple[Path, str]],
    options: Options,
    mode: Mode,
    jobs: int | None = None,
    on_done: Callable[[FileOutcome], None] | None = None,
    kind_files: Sequence[tuple[Path, str]] = (),
    keep_bytes: bool = True,
) -> RunResult:
    """Migrate `files` (Python modules, notebooks, and named files no kind reads) and `kind_files` (the files
    the kinds read: codemod/run/kind_run.py), then write, in `write` mode, every file that changed. `keep_bytes`:
    as for `migrate_files`."""
    after, first = [], list(files)
    if kind_files:
        from codemod.run import kind_run

        after = [(p, s) for p, s in kind_files if kind_run.runs_after_code(p, options)]
        later = set(after)
        first += [item for item in kind_files if item not in later]
    env_names: dict[Path, frozenset[str]] | None = {} if after and kind_run.has_env_samples(after) else None
    outcomes = migrate_files(first, options, jobs, on_done, env_names, keep_bytes)
    fixed_options = resolve_name_collisions(outcomes, options)
    if fixed_options is not None:
        again = {o.path for o in outcomes if o.record.deployments}
        outcomes = _redo(outcomes, files, again, fixed_options, jobs)
        options = fixed_options
    if any(o.record.factories for o in outcomes):  # AOAI105 one call deep, across the files of the run
        from codemod.run.factories import follow_factories

        outcomes, options = follow_factories(outcomes, files, options, lambda again, o: _redone(files, again, o, jobs))
    if private := private_reads.reads_through(private_reads.stored_names(o.record for o in outcomes), files):
        options = replace(options, private_reads=private)  # codemod/run/private_reads.py; kept for later passes
        outcomes = _redo(outcomes, files, {o.path for o in outcomes if o.record.client_attributes & private.keys()},
                         options, jobs)
    if checks := _foreign_class_checks(outcomes, files):  # a client another file reaches stays: see its blocker
        again = {o.path for o in outcomes if o.record.reachable_clients & checks.keys()}
        options = replace(options, foreign_class_checks=checks)
        outcomes = _redo(outcomes, files, again, options, jobs) if again else outcomes
    imported = _imported_clients(outcomes, files)
    if imported:
        shown_of = dict(files)
        again = {o.path for o in outcomes if shown_of.get(o.path) in imported}
        outcomes = _redo(outcomes, files, again, replace(options, imported_elsewhere=imported), jobs)
    if after:
        python = [o for o in outcomes if not is_other(o.path)]
        facts = kind_run.facts_of(python, options, env_names or {})
        outcomes += kind_run.after_code(after, facts, options, on_done, kind_run.needs_by_file(python),
                                        kind_run.deployments_by_file(python))
    if mode == "write":
        for outcome in outcomes:
            if outcome.status == "changed":
                _write(outcome)
    return RunResult(outcomes)


def _redo(
    outcomes: list[FileOutcome], files: Sequence[tuple[Path, str]], again: set[Path], options: Options, jobs
) -> list[FileOutcome]:
    redone = _redone(files, again, options, jobs)
    return [redone.get(o.path, o) for o in outcomes]


def _redone(files: Sequence[tuple[Path, str]], again: set[Path], options: Options, jobs) -> dict[Path, FileOutcome]:
    return {o.path: o for o in migrate_files([(p, s) for p, s in files if p in again], options, jobs)}


def _foreign_class_checks(outcomes: list[FileOutcome], files: Sequence[tuple[Path, str]]) -> dict[str, tuple[str, ...]]:
    """Azure class -> the places ("path:line", in file order) where a file of the run checks for it a value it cannot
    follow (Options.foreign_class_checks)."""
    shown = dict(files)
    found: dict[str, list[str]] = {}
    for outcome in outcomes:
        for qualified, line in outcome.record.class_checks.items():
            found.setdefault(qualified, []).append(f"{shown.get(outcome.path, str(outcome.path))}:{line}")
    return {qualified: tuple(places) for qualified, places in found.items()}


def _imported_clients(outcomes: list[FileOutcome], files: Sequence[tuple[Path, str]]) -> dict[str, dict[str, str]]:
    """Module-level clients whose deployment moved, imported by another file of the run (codemod/importers.py)."""
    exporting = {o.path: frozenset(o.record.exported_clients) for o in outcomes if o.record.exported_clients}
    if not exporting:
        return {}
    from codemod.run.importers import importers_of

    return importers_of([(p, s, exporting[p]) for p, s in files if p in exporting], files)


def _write(outcome: FileOutcome) -> None:
    assert outcome.original is not None and outcome.new is not None
    try:
        write_atomic(outcome.path, outcome.original, outcome.new)
    except WriteError as exc:
        shown = outcome.findings[0].path if outcome.findings else str(outcome.path)
        outcome.status = "error"
        outcome.error = str(exc)
        outcome.findings.insert(0, Finding("AOAI000", str(exc), 1, 1, level="error", path=shown))
