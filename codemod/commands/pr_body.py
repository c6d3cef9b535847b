"""What a pull-request body says about a migration run (`--output-format markdown`; `markdown_report` renders
it): the changes per file and rule, the environment variables the migrated code reads (what `aoai-migrate env`
computes), the findings that need a person, the advisor's verdict on each dated api-version found, and the
command. Paths are relative to the repository root: the nearest folder above the current directory that
holds `.git`, else the current directory. After an in-place run, line numbers point into the rewritten files
(the version the pull request shows); after --check or --diff, into the files as they are."""

from __future__ import annotations

import difflib
import os
import re
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from codemod import __version__
from codemod.findings import Finding

if TYPE_CHECKING:
    from codemod.cli import MigrateArgs
    from codemod.run.runner import FileOutcome, RunResult

# (cell or None, line in the file as read) -> line in the file as written
LineMover = Callable[[int | None, int], int]

VERSION_CODES = ("AOAI301", "AOAI307", "AOAI308")  # the advisor's findings that name a dated api-version
_KNOWN_VERSION = re.compile(r"api-version (\d{4}-\S+?) \(")  # AOAI301 / AOAI307 messages
_UNKNOWN_VERSION = re.compile(r"`([^`]+)` is not ")  # AOAI308 messages


@dataclass(frozen=True)
class Place:
    path: str  # relative to the repository root, with forward slashes
    line: int
    cell: int | None = None


@dataclass(frozen=True)
class Setting:
    """An environment variable the migrated code reads."""

    name: str
    advice: str | None  # what to set it to; None: the code read it before the migration too
    default: str | None  # the default in the code, credential-looking values redacted
    files: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    version: str
    text: str  # the advisor's one-line verdict: "GA, superseded; ..." or "is not a valid api-version ..."
    places: tuple[Place, ...]
    known: bool = True


@dataclass(frozen=True)
class PullRequestBody:
    mode: str  # write, diff or check
    changes: Mapping[str, Mapping[str, int]]  # file -> rule code -> places fixed
    settings: tuple[Setting, ...]
    person: tuple[Finding, ...]  # findings that need a person, paths relative to the root
    verdicts: tuple[Verdict, ...]
    failed: int  # files that could not be read, decoded or parsed
    command: str
    version: str = __version__
    # --link-base: GitHub resolves a relative link in a pull-request description against the pull request's
    # own address (github.com/OWNER/REPO/pull/N/...), so such links only work below an absolute base
    link_base: str = ""
    unsafe: tuple[Finding, ...] = ()  # unsafe fixes applied (--unsafe-fixes): a reviewer confirms each


def build(result: RunResult, mode: str, command: str, root: Path | None = None,
          link_base: str | None = None) -> PullRequestBody:
    from codemod.commands.env import collect
    from codemod.run.kind_files import is_kind_file

    root = root if root is not None else repository_root(Path.cwd())
    relative = _relativiser(root)
    changes: dict[str, Counter[str]] = {}
    texts: dict[str, str] = {}
    deployments: dict[str, dict[str, str]] = {}
    implicit: dict[str, set[str]] = {}
    for outcome in result.outcomes:
        if outcome.status != "changed":
            continue
        path = relative(str(outcome.path))
        changes[path] = Counter(f.code for f in outcome.findings if f.fixed)
        if is_kind_file(outcome.path):
            continue  # a document's examples, a settings file: not what the program reads
        texts[path] = outcome.new_text or ""
        deployments[path], implicit[path] = outcome.record.deployments, outcome.record.env_reads
    located = [f.with_path(relative(f.path)) for f in result.project_findings]
    for outcome in result.outcomes:
        move = _line_mover(outcome) if mode == "write" and outcome.status == "changed" else None
        located += [_located(f, relative(f.path), move) for f in outcome.findings]
    return PullRequestBody(
        mode=mode,
        changes=changes,
        settings=_settings(collect(texts, deployments, implicit)),
        person=tuple(sorted((f for f in located if f.needs_person), key=Finding.sort_key)),
        verdicts=_verdicts(located),
        failed=result.count("error"),
        command=command,
        link_base=link_base or "",
        unsafe=_outermost(f for f in located if f.unsafe and f.fixed),
    )


def _outermost(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """One finding per unsafe fix: those inside another's span (the parts of a client's rewrite) are left out."""
    found = sorted(findings, key=Finding.sort_key)

    def span(f: Finding) -> tuple[tuple[int, int], tuple[int, int]]:
        return (f.line, f.column), (f.end_line or f.line, f.end_column or f.column)

    def within(inner: Finding, outer: Finding) -> bool:
        (a, b), (c, d) = span(inner), span(outer)
        return inner is not outer and (inner.path, inner.cell) == (outer.path, outer.cell) and c <= a and b <= d
    return tuple(f for f in found if not any(within(f, other) and span(f) != span(other) for other in found))


def repository_root(start: Path) -> Path:
    """The git top level above `start` (the folder holding `.git`, a directory or a worktree's file)."""
    start = start.resolve()
    return next((folder for folder in (start, *start.parents) if (folder / ".git").exists()), start)


def _relativiser(root: Path) -> Callable[[str], str]:
    resolved_root = root.resolve()

    def relative(shown: str) -> str:
        for absolute in (Path(os.path.abspath(shown)), Path(shown).resolve()):
            for base in (root, resolved_root):
                try:
                    return absolute.relative_to(base).as_posix()
                except ValueError:
                    continue
        return Path(shown).as_posix()  # outside the repository: as it was given

    return relative


def _located(finding: Finding, path: str, move: LineMover | None) -> Finding:
    if move is None:
        return replace(finding, path=path)
    return replace(finding, path=path, line=move(finding.cell, finding.line), end_line=None, end_column=None)


def _line_mover(outcome: FileOutcome) -> LineMover | None:
    """Where each line of a rewritten file went: findings point into the text as read."""
    if outcome.cells is not None:  # a notebook: lines are counted within each cell
        by_cell = {number: _line_map(old, new) for number, old, new in outcome.cells}
        return lambda cell, line: by_cell[cell](line) if cell in by_cell else line
    if outcome.old_text is None or outcome.new_text is None:
        return None
    lines = _line_map(outcome.old_text, outcome.new_text)
    return lambda cell, line: lines(line)


def _line_map(old: str, new: str) -> Callable[[int], int]:
    opcodes = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False).get_opcodes()

    def moved(line: int) -> int:
        index = line - 1
        for tag, i1, i2, j1, j2 in opcodes:
            if i1 <= index < i2:  # unchanged lines move by the block's offset; rewritten ones to its start
                return j1 + (index - i1 if tag == "equal" else min(index - i1, max(j2 - j1 - 1, 0))) + 1
        return line

    return moved


def _settings(variables: Mapping) -> tuple[Setting, ...]:
    from codemod.advisor.credentials import looks_like_secret, redact
    from codemod.commands.env import describe

    settings = []
    for name in sorted(variables):
        var = variables[name]
        default = redact(var.default) if var.default is not None and looks_like_secret(var.default) else var.default
        settings.append(Setting(name, describe(var), default, tuple(sorted(var.files))))
    return tuple(settings)


def _verdicts(findings: Iterable[Finding]) -> tuple[Verdict, ...]:
    from codemod.advisor.versions import known_version, unknown_version_message

    places: dict[str, set[Place]] = {}
    for finding in findings:
        version = version_named(finding)
        if version is not None:
            places.setdefault(version, set()).add(Place(finding.path, finding.line, finding.cell))
    verdicts = []
    for version in sorted(places):
        info = known_version(version)
        text = f"{info.label}; {info.status_note}" if info else unknown_version_message(version)
        ordered = sorted(places[version], key=lambda p: (p.path, p.cell or 0, p.line))
        verdicts.append(Verdict(version, text.removeprefix(f"`{version}` "), tuple(ordered), info is not None))
    return tuple(verdicts)


def version_named(finding: Finding) -> str | None:
    """The api-version an AOAI301/307/308 finding is about (None for other findings)."""
    if finding.code not in VERSION_CODES:
        return None
    pattern = _UNKNOWN_VERSION if finding.code == "AOAI308" else _KNOWN_VERSION
    match = pattern.search(finding.message)
    return match.group(1) if match else None


def command_line(args: MigrateArgs) -> str:
    """The command that wrote the report, in a form that can be run again."""
    parts = ["aoai-migrate"] + ([f"--{args.mode}"] if args.mode in ("diff", "check") else [])
    options = (("--select", args.select), ("--ignore", args.ignore), ("--config", args.config),
               ("--link-base", args.link_base))
    parts += [item for flag, value in options if value for item in (flag, value)]
    parts += [flag for flag, on in (("--require-env", args.require_env), ("--unsafe-fixes", args.unsafe_fixes),
                                    ("--exit-zero", args.exit_zero),
                                    ("--exit-non-zero-on-fix", args.exit_non_zero_on_fix)) if on]
    parts += [item for glob in args.exclude for item in ("--exclude", glob)]
    parts += [item for glob in args.extend_exclude for item in ("--extend-exclude", glob)]
    return shlex.join([*parts, "--output-format", "markdown", *args.paths])


