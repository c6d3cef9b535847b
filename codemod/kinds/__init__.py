"""The rest of a migration: the files beyond Python modules and notebooks, one module per kind of file.

Every kind is a pure core: text in, new text and findings out, no file I/O and no printing. The runner
owns discovery, reading, `--diff`, writing and exit codes; a kind only says which file names it reads
(`handles`) and what becomes of one file's text (`rewrite`).

    result = kind.rewrite(text, PurePath("requirements.txt"), facts)   # -> KindResult
    result.text        # the new text; `text` itself (equal) when nothing changed
    result.findings    # lines and columns in that file's text; `path` left empty for the runner to set

`RunFacts` carries what the Python files of the run found out, because several kinds depend on it: the
`openai` version the migrated code needs (dependency pins), the environment variables it still mentions
(environment samples), the deployment variables it reads, and the engine itself (code in documentation).
Kinds with `after_code=True` must run once every Python file of the run has been migrated.

Kinds, in the order `kinds_for` applies them to one file (each gets the text the previous one returned):

- `requirements`: `requirements*.txt`, `requirements*.in`, `requirements/*.txt|in`: raises the `openai`
  pin (fix); a file with hashes is reported with the command that regenerates it.
- `pyproject`: PEP 621 dependencies, optional dependencies, dependency groups, Poetry (fix).
- `setup_cfg`: `install_requires`, `extras_require` (fix).
- `pipfile`: `[packages]`, `[dev-packages]` (fix).
- `lockfiles`: `poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile.lock`: the locked `openai` release, with the
  command that updates it (report).
- `docs`: `.md`, `.markdown`, `.rst`, `.txt`: Python code blocks and doctests, migrated by the engine (fix).
- `docstrings`: `.py`, after the engine: doctest examples in docstrings, migrated by the engine (fix).
- `env_samples`: `.env.example`, `.env.sample`, `.env.template` (never `.env`): a dated api-version line
  that no code reads any more removed (fix), else reported.
- `http_files`: `.http`, `.rest`: dated deployment-route requests moved to `/openai/v1/` (fix), the rest
  reported.
- `infrastructure`: Bicep, ARM JSON, Terraform, YAML (Compose, GitHub Actions, Azure DevOps), `.env`, TOML,
  Dockerfile: api-version settings and endpoints built on the dated route, with the v1 form (report).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Protocol

from codemod.findings import Finding


@dataclass(frozen=True)
class KindResult:
    """One file's new text and what there is to say about it (lines and columns in that file)."""

    text: str
    findings: list[Finding] = field(default_factory=list)


class Migrated(Protocol):
    """What the engine returns for a piece of Python (`codemod.migration.MigrationResult` is one)."""

    source: str
    findings: list[Finding]


Migrate = Callable[[str], Migrated]


@dataclass(frozen=True)
class RunFacts:
    """What the Python files of a run tell the other kinds.

    - `needs`: reason -> minimum `openai` version, the union of the records' `sdk_needs` over the run.
    - `mentioned`: upper-case names the run's migrated code may still read from the environment: the union
      of `env_samples.mentioned_names(text)` over every migrated module and notebook. None (the default):
      not known, so environment samples are only reported on, never edited.
    - `deployments`: environment variable -> the deployment literal it defaults to (AOAI201), over the run.
    - `migrate`: the engine with the run's options, `source -> result`; raises on code that does not parse.
    - `unsafe_fixes`: the user passed `--unsafe-fixes` (fixes that may change behaviour are applied).
    """

    needs: Mapping[str, str] = field(default_factory=dict)
    mentioned: frozenset[str] | None = None
    deployments: Mapping[str, str] = field(default_factory=dict)
    migrate: Migrate | None = None
    unsafe_fixes: bool = False


@dataclass(frozen=True)
class Kind:
    """A kind of file: its name (the module's), which paths it reads, and its pure rewrite."""

    name: str
    handles: Callable[[PurePath], bool]
    rewrite: Callable[[str, PurePath, RunFacts], KindResult]
    after_code: bool  # needs RunFacts from every Python file of the run
    edits: bool  # False: it only reports
    # The codes its findings carry, so `--select` / `--ignore` can turn the kind off: skip it when none is
    # enabled. Empty for the kinds that run the engine: `RunFacts.migrate` applies the run's options itself.
    codes: frozenset[str] = frozenset()


def all_kinds() -> tuple[Kind, ...]:
    """Every kind, in the order they apply to one file. Imported on demand: a run without such files pays
    nothing for them."""
    from codemod.kinds import (
        docs,
        docstrings,
        env_samples,
        http_files,
        infrastructure,
        lockfiles,
        pipfile,
        pyproject,
        requirements,
        setup_cfg,
    )

    modules = (requirements, pyproject, setup_cfg, pipfile, lockfiles)  # dependency files first
    modules += (docs, docstrings, env_samples, http_files, infrastructure)
    return tuple(module.KIND for module in modules)


def kinds_for(path: PurePath) -> list[Kind]:
    """The kinds that read `path`, in order (usually one; `pyproject.toml` gets its pins and its settings)."""
    return [kind for kind in all_kinds() if kind.handles(path)]


def rewrite_file(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    """Every kind that reads `path`, one after the other: the whole treatment of one non-Python file."""
    findings: list[Finding] = []
    for kind in kinds_for(path):
        result = kind.rewrite(text, path, facts)
        text = result.text
        findings += result.findings
    return KindResult(text, sorted(findings, key=Finding.sort_key))
