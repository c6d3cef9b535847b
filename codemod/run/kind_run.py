"""Runs the file kinds (codemod/kinds/) inside a migrate run, so that their files go the way Python files go:
the byte filter first (a kind's `words`), then decoding, then the pure rewrite, then the same outcomes, writer,
diffs, reports and exit codes.

- Kinds that need nothing from the rest of the run (documentation, `.http` files, infrastructure) run where
  Python files run, in the process pool on large runs: `migrate_other`. Documentation's code goes through the
  engine with the run's options (`engine`).
- Kinds with `after_code` (dependency pins, lock files, environment samples) run in the parent once every
  Python file is done, with the facts merged from every file's record: `after_code`, `facts_of`.
- Doctest examples in a module's docstrings are migrated after the engine: `docstrings`.
- A kind is off when `--select` / `--ignore` turn off every code it reports; an edit that comes with a
  finding whose code is off is not made (its reports stay).
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path, PurePath

from codemod.advisor.pin_files import is_dependency_file, read_pins
from codemod.findings import Finding
from codemod.kinds import Kind, KindResult, RunFacts, kinds_for
from codemod.kinds.env_samples import mentioned_names
from codemod.kinds.names import is_env_sample, is_lock_file
from codemod.options import Options
from codemod.record import MigrationResult
from codemod.run.outcome import FileOutcome, error_outcome, original_text
from codemod.run.source import MAX_BYTES, SourceError

_VERSION_WORD = re.compile(rb"version", re.IGNORECASE)


def enabled_kinds(path: PurePath, options: Options) -> tuple[Kind, ...]:
    return _enabled(tuple(kinds_for(path)), options.select, options.ignore)


@lru_cache(maxsize=256)  # asked once per file: the answer depends only on the kinds and the codes chosen
def _enabled(kinds: tuple[Kind, ...], select: frozenset[str] | None, ignore: frozenset[str]) -> tuple[Kind, ...]:
    options = Options(select=select, ignore=ignore)
    return tuple(k for k in kinds if not k.codes or any(options.enabled(code) for code in k.codes))


def runs_after_code(path: PurePath, options: Options) -> bool:
    return any(kind.after_code for kind in enabled_kinds(path, options))


def worth_reading(data: bytes, kinds: Sequence[Kind]) -> bool:
    """The kinds' byte filter: a kind without words reads every file; the others, files that hold a word."""
    lowered = data.lower()
    return any(not kind.words or any(word in lowered for word in kind.words) for kind in kinds)


def decode_text(data: bytes) -> tuple[str, bool]:
    """(text, whether it started with a byte-order mark): documents and settings files are UTF-8."""
    if len(data) > MAX_BYTES:
        raise SourceError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; skipped")
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes (binary data, not text); skipped")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8-sig" if bom else "utf-8"), bom
    except UnicodeDecodeError as exc:
        raise SourceError(f"cannot decode the file as UTF-8 ({exc.reason} at byte {exc.start}); it was left "
                          "unchanged: save it as UTF-8 to have it migrated") from exc


def engine(options: Options, shown: str) -> Callable[[str], MigrationResult]:
    """The engine for a piece of code in another file: the run's options, the run's syntax filter in front."""
    from codemod.engine.syntax import read_facts, read_text_facts
    from codemod.run.filters import filters_for

    need = filters_for(options)[1]

    def migrate(code: str) -> MigrationResult:
        # A piece of a document is a fragment when CPython cannot parse it: left alone, without a finding. One
        # parse at most, and none when the text's words show nothing a rule needs.
        if not need.maybe(read_text_facts(code)):
            return MigrationResult(code, [])
        facts = read_facts(code)
        if facts is None or not need.met(facts):
            return MigrationResult(code, [])
        from codemod.migration import migrate_source

        return migrate_source(code, options, shown)

    return migrate


def engine_facts(options: Options, shown: str) -> RunFacts:
    """The facts of a file read on its own: the engine, nothing from the rest of the run."""
    return RunFacts(migrate=engine(options, shown))


def migrate_other(path: Path, data: bytes, options: Options, shown: str, facts: RunFacts | None = None) -> FileOutcome:
    """One file for its kinds (`facts`: none but the engine, unless the run's facts are known)."""
    kinds = enabled_kinds(path, options)
    if not kinds or not worth_reading(data, kinds):
        return FileOutcome(path, "skipped")
    try:
        text, bom = decode_text(data)
    except SourceError as exc:
        return error_outcome(path, shown, str(exc))
    facts = facts if facts is not None else engine_facts(options, shown)
    new, findings = text, []
    try:
        for kind in kinds:
            new, found = _apply(kind, new, path, facts, options)
            findings += found
    except Exception as exc:  # noqa: BLE001 - a kind's failure costs its file only; the run goes on
        return error_outcome(path, shown, f"aoai-migrate could not process this file ({type(exc).__name__}: "
                             f"{exc}); it was left unchanged. Please report it.")
    findings = sorted((f.with_path(shown) for f in findings), key=Finding.sort_key)
    if new == text:  # the text only serves to show a finding's line: a run over many documents keeps none
        if not findings:
            return FileOutcome(path, "unchanged")
        return FileOutcome(path, "unchanged", findings, original=data, old_text=text)
    encoded = new.encode("utf-8-sig" if bom else "utf-8")
    return FileOutcome(path, "changed", findings, original=data, new=encoded, old_text=text, new_text=new)


def _apply(kind: Kind, text: str, path: PurePath, facts: RunFacts, options: Options) -> tuple[str, list[Finding]]:
    result: KindResult = kind.rewrite(text, path, facts)
    if any(f.fixed and not options.enabled(f.code) for f in result.findings):
        # the user turned off a code this edit carries: no edit, and so nothing fixed to tell
        return text, [f for f in result.findings if not f.fixed and options.enabled(f.code)]
    return result.text, [f for f in result.findings if options.enabled(f.code)]


def docstrings(result: MigrationResult, options: Options, shown: str) -> MigrationResult:
    """The engine's result for a module with its docstrings' doctest examples migrated too."""
    from codemod.kinds import docstrings as kind

    source = result.source
    if ">>>" not in source or "openai" not in source.lower():
        return result
    done = kind.rewrite(source, PurePath(shown), engine_facts(options, shown))
    found = [f.with_path(shown) for f in done.findings]
    return MigrationResult(done.text, sorted([*result.findings, *found], key=Finding.sort_key), result.record)


def names_in_bytes(data: bytes) -> frozenset[str] | None:
    """For a Python file the byte filter skipped: the api-version variables it may read (environment samples
    keep those), None when it mentions no version at all."""
    if _VERSION_WORD.search(data) is None:
        return None
    return frozenset(mentioned_names(data.decode("utf-8", errors="replace")))


def facts_of(outcomes: Iterable[FileOutcome], options: Options, env_names: dict[Path, frozenset[str]]) -> RunFacts:
    """What the Python files of the run tell the kinds that run after them."""
    needs: dict[str, str] = {}
    deployments: dict[str, str] = {}
    mentioned: set[str] | None = set()
    seen = 0
    for outcome in outcomes:
        seen += 1
        needs.update(outcome.record.sdk_needs)
        deployments.update({name: literal for literal, name in outcome.record.deployments.items()})
        names = _names_of(outcome, env_names)
        if names is None or mentioned is None:
            mentioned = None  # a file whose code cannot be read: what it reads is not known
        else:
            mentioned |= names
    return RunFacts(
        needs=needs,
        mentioned=frozenset(mentioned) if mentioned is not None and seen else None,  # no code seen: not known
        deployments=deployments,
        migrate=None,
        unsafe_fixes=options.unsafe_fixes,
    )


def _names_of(outcome: FileOutcome, env_names: dict[Path, frozenset[str]]) -> set[str] | None:
    if outcome.status == "error":
        return None
    if outcome.status == "skipped":
        return set(env_names.get(outcome.path, frozenset()))
    if outcome.version_names is not None:  # read by the worker that migrated the file
        return set(outcome.version_names)
    names = code_names(outcome)
    return set(names) if names is not None else None


def code_names(outcome: FileOutcome) -> frozenset[str] | None:
    """The api-version names the code of a Python file or notebook reads as the run leaves it (None: unknown)."""
    if outcome.path.suffix == ".ipynb":
        from codemod.notebook import code_cells

        data = outcome.new if outcome.status == "changed" else outcome.original
        return frozenset(mentioned_names("\n".join(code_cells(data).values()))) if data is not None else None
    text = outcome.new_text if outcome.status == "changed" else original_text(outcome)
    return frozenset(mentioned_names(text)) if text is not None else None


FileNeeds = Sequence[tuple[Path, Mapping[str, str]]]  # a Python file of the run, what its code needs (AOAI306)


def needs_by_file(outcomes: Iterable[FileOutcome]) -> FileNeeds:
    """Each Python file of the run with what its migrated code needs of the openai package (AOAI306)."""
    return [(o.path, o.record.sdk_needs) for o in outcomes if o.record.sdk_needs]


FileDeployments = Sequence[tuple[Path, Mapping[str, str]]]  # a file of the run, the deployment variables it reads


def deployments_by_file(outcomes: Iterable[FileOutcome]) -> FileDeployments:
    """Each Python file or notebook of the run with the deployment variables its migrated code reads (AOAI201):
    variable -> the literal it defaults to."""
    return [(o.path, {name: literal for literal, name in o.record.deployments.items()})
            for o in outcomes if o.record.deployments]


def after_code(
    files: Sequence[tuple[Path, str]], facts: RunFacts, options: Options,
    on_done: Callable[[FileOutcome], None] | None = None,
    file_needs: FileNeeds = (),
    file_deployments: FileDeployments | None = None,
) -> list[FileOutcome]:
    """The files whose kinds need the whole run's facts, in the parent process, in order. A dependency file gets
    the needs of the code it describes (`file_needs`, see `_needs_of`), an environment sample the deployment
    variables of the code it describes when `file_deployments` is given (`_deployments_of`), the other kinds the
    whole run's facts."""
    loaded: list[tuple[Path, str, bytes | OSError]] = []
    for path, shown in files:
        try:
            loaded.append((path, shown, path.read_bytes()))
        except OSError as exc:
            loaded.append((path, shown, exc))
    roots = {_project_root(path) for path, _, data in loaded if file_needs and _requires_openai(path, data)}
    sample_folders = {os.path.dirname(os.path.abspath(path)) for path, _, _ in loaded if is_env_sample(path)}
    outcomes = []
    for path, shown, data in loaded:
        if isinstance(data, OSError):
            outcome = error_outcome(path, shown, f"cannot read the file: {data.strerror or data}")
        else:
            with_engine = dataclasses.replace(facts, migrate=engine(options, shown))
            if file_needs and (is_dependency_file(path) or is_lock_file(path)):
                with_engine = dataclasses.replace(with_engine, needs=_needs_of(path, roots, file_needs))
            if file_deployments is not None and is_env_sample(path):
                scoped = _deployments_of(path, sample_folders, file_deployments)
                with_engine = dataclasses.replace(with_engine, deployments=scoped)
            outcome = migrate_other(path, data, options, shown, with_engine)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    return outcomes


def _requires_openai(path: Path, data: bytes | OSError) -> bool:
    """A dependency file that names the openai package itself (a lock file or one that only includes another,
    like `-r src/requirements.txt`, does not decide where the code's openai comes from)."""
    if isinstance(data, OSError) or not is_dependency_file(path):
        return False
    return bool(read_pins(path, data.decode("utf-8", "replace")))


def _project_root(path: Path) -> str:
    """The folder whose code a dependency file describes: its own, or the one above a `requirements/` folder."""
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.dirname(folder) if os.path.basename(folder) == "requirements" else folder


def _needs_of(dependency_file: Path, roots: set[str], file_needs: FileNeeds) -> dict[str, str]:
    """What the code a dependency file describes needs: the files whose nearest folder holding a dependency file
    that requires openai (themselves or up the tree) is this file's, and the files with none above them, which any
    dependency file of the run may install. In a repository of several packages, a package whose own code needs
    nothing new keeps its pins."""
    own = _project_root(dependency_file)
    merged: dict[str, str] = {}
    for path, needs in file_needs:
        if _nearest_above(path, roots) in (None, own):
            merged.update(needs)
    return merged


def _deployments_of(sample: Path, folders: set[str], file_deployments: FileDeployments) -> dict[str, str]:
    """The deployment variables of the code an environment sample describes: the files whose nearest folder
    holding a sample of the run (their own or one up the tree) is this sample's. In a repository of many examples,
    each with its own `.env.example`, a sample is not told about variables that only another example reads; code
    with no sample above it is told to none."""
    own = os.path.dirname(os.path.abspath(sample))
    merged: dict[str, str] = {}
    for path, deployments in file_deployments:
        if _nearest_above(path, folders) == own:
            merged.update(deployments)
    return merged


def _nearest_above(path: Path, folders: set[str]) -> str | None:
    """The deepest of `folders` (absolute) that holds `path`, at any depth; None when none does."""
    where = os.path.abspath(path)
    above = [folder for folder in folders if where.startswith(folder.rstrip(os.sep) + os.sep)]
    return max(above, key=len) if above else None


def has_env_samples(files: Iterable[tuple[Path, str]]) -> bool:
    return any(is_env_sample(path) for path, _ in files)
