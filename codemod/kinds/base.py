"""The types every kind of file shares: what a kind is, what it returns, and what the run tells it."""

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
    - `migrate`: the engine with the run's options, `source -> result`; code CPython cannot parse
      comes back unchanged, LibCST's parse errors are raised.
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
    # The run's byte filter for the kind: a file whose bytes hold none of these words (any ASCII case) is one
    # the kind neither changes nor reports on, so the runner does not decode it. Empty: every file is read.
    words: tuple[bytes, ...] = ()
