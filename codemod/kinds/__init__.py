"""The rest of a migration: the files beyond Python modules and notebooks, one module per kind of file.

Every kind is a pure core: text in, new text and findings out, no file I/O and no printing. The runner
owns discovery, reading, `--diff`, writing and exit codes; a kind only says which file names it reads
(`handles`, in codemod/kinds/names.py) and what becomes of one file's text (`rewrite`, in the kind's module,
imported when a file of that kind is first rewritten). The table below declares each kind: names, codes, words.

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

import importlib
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import PurePath

from codemod.findings import Finding
from codemod.kinds import names
from codemod.kinds.base import Kind, KindResult, Migrate, Migrated, RunFacts

__all__ = ["Kind", "KindResult", "Migrate", "Migrated", "RunFacts", "all_kinds", "kinds_for", "rewrite_file"]


def _rewrite_of(module: str) -> Callable[[str, PurePath, RunFacts], KindResult]:
    """The kind module's `rewrite`, imported when a file of that kind is first rewritten: a walk asks every name
    which kinds read it (codemod/kinds/names.py), and most runs rewrite no such file."""

    def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
        return importlib.import_module(f"codemod.kinds.{module}").rewrite(text, path, facts)

    return rewrite


_PIN = frozenset({"AOAI306"})
_OPENAI = (b"openai",)

# Every kind, in the order they apply to one file: dependency files first.
_KINDS = (
    Kind("requirements", names.is_requirements_file, _rewrite_of("requirements"), after_code=True, edits=True,
         codes=_PIN, words=_OPENAI),
    Kind("pyproject", names.is_pyproject, _rewrite_of("pyproject"), after_code=True, edits=True, codes=_PIN,
         words=_OPENAI),
    Kind("setup_cfg", names.is_setup_cfg, _rewrite_of("setup_cfg"), after_code=True, edits=True, codes=_PIN,
         words=_OPENAI),
    Kind("pipfile", names.is_pipfile, _rewrite_of("pipfile"), after_code=True, edits=True, codes=_PIN,
         words=_OPENAI),
    Kind("lockfiles", names.is_lock_file, _rewrite_of("lockfiles"), after_code=True, edits=False, codes=_PIN,
         words=_OPENAI),
    Kind("docs", names.is_document, _rewrite_of("docs"), after_code=False, edits=True, words=_OPENAI),
    Kind("docstrings", names.is_python, _rewrite_of("docstrings"), after_code=False, edits=True, words=(b">>>",)),
    Kind("env_samples", names.is_env_sample, _rewrite_of("env_samples"), after_code=True, edits=True,
         codes=frozenset({"AOAI307", "AOAI308", "AOAI201"})),
    Kind("http_files", names.is_http_file, _rewrite_of("http_files"), after_code=False, edits=True,
         codes=frozenset({"AOAI102", "AOAI307"}), words=_OPENAI),
    Kind("infrastructure", names.is_infrastructure, _rewrite_of("infrastructure"), after_code=False, edits=False,
         codes=frozenset({"AOAI307", "AOAI308", "AOAI102"}), words=(b"version", b"openai/deployments/")),
)


def all_kinds() -> tuple[Kind, ...]:
    """Every kind, in the order they apply to one file."""
    return _KINDS


def kinds_for(path: PurePath) -> list[Kind]:
    """The kinds that read `path`, in order (usually one; `pyproject.toml` gets its pins and its settings).
    Every kind decides by the file's name and its folder's name (`requirements/dev.txt`), so a run's many
    paths cost one look per name."""
    folder, _, name = str(path).rpartition(os.sep)  # str() is kept by pathlib: cheaper than .parent.name
    return list(_kinds_named(folder.rpartition(os.sep)[2], name))


@lru_cache(maxsize=8192)
def _kinds_named(folder: str, name: str) -> tuple[Kind, ...]:
    path = PurePath(folder, name)
    return tuple(kind for kind in all_kinds() if kind.handles(path))


def rewrite_file(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    """Every kind that reads `path`, one after the other: the whole treatment of one non-Python file."""
    findings: list[Finding] = []
    for kind in kinds_for(path):
        result = kind.rewrite(text, path, facts)
        text = result.text
        findings += result.findings
    return KindResult(text, sorted(findings, key=Finding.sort_key))
