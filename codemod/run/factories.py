"""AOAI105 one call deep, across the files of a run: a factory (`def get_client(): return AzureOpenAI(...,
azure_deployment="D")`) whose client is used in other files (`client = get_client()`, then requests).

The first pass records, per file, the factories whose uses in that file are in sight (codemod/rules/_factories.py).
Each file of the run that imports one is then migrated again knowing it (its requests through the factory get
`model="D"`, or it says why they can't). A factory whose every importer follows, and that no Python file beside the
run imports (the project around the factory's file, up to the folder holding pyproject.toml, setup.py or .git), is
followed: its own file is migrated again and the client moves. So is it only when no other Python file imports
what holds the factory's client in those files (a module-level `client = get_client()`, a class whose
`self.client = get_client()`): requests made there can't be given model=D either. Anything less leaves the client
on the dated API, reported, as before."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from codemod.findings import Finding
from codemod.options import Options
from codemod.run.importers import imports_name, module_name

PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
SKIPPED_FOLDERS = frozenset({".git", ".venv", "venv", "env", "node_modules", "__pycache__", "build", "dist",
                             ".tox", ".nox", "site-packages", ".mypy_cache", ".ruff_cache", ".pytest_cache"})
MAX_SCANNED = 20_000  # Python files read beside the run; beyond this the tool cannot tell, and does not follow

Redo = Callable[[set[Path], Options], dict[Path, Any]]


def follow_factories(
    outcomes: list, files: Sequence[tuple[Path, str]], options: Options, redo: Redo
) -> tuple[list, Options]:
    """The outcomes with followed factories migrated (and their importers' requests given model=), and the options
    the rest of the run uses (they carry what was followed)."""
    shown_of = dict(files)
    candidates = [(o.path, name, dep, line) for o in outcomes if o.path.suffix == ".py"
                  for name, (dep, line) in sorted(o.record.factories.items())]
    if not candidates:
        return outcomes, options
    importers: dict[tuple[Path, str], list[Path]] = {}
    for path, name, _, _ in candidates:
        importers[(path, name)] = [p for p, _ in files if p != path and p.suffix == ".py"
                                   and _imports(p, module_name(path), name)]
    outside = _importers_beside_the_run([(p, n) for p, n, _, _ in candidates], {p.resolve() for p, _ in files})
    tried = _factory_imports(candidates, importers, outside, shown_of)
    by_path = {o.path: o for o in outcomes}
    if tried:
        by_path.update(redo({p for p, _ in files if shown_of[p] in tried}, replace(options, factory_imports=tried)))
    outside.update(_holders_imported(candidates, importers, by_path, files))
    followed: dict[str, frozenset[str]] = {}
    for path, name, _, _ in candidates:
        key = f"{module_name(path)}:{name}"
        if (path, name) not in outside and all(
            by_path[b].record.factory_uses.get(key) == "" for b in importers[(path, name)]
        ):
            followed[shown_of[path]] = followed.get(shown_of[path], frozenset()) | {name}
    final = _kept_imports(tried, followed, by_path, shown_of)
    options = replace(options, factory_imports=final, followed_factories=followed)
    again = {p for p, s in files if s in followed or (s in tried and tried[s] != final.get(s))}
    if again:
        by_path.update(redo(again, options))
    for (path, name), where in outside.items() if options.enabled("AOAI105") else ():
        _note_outside(by_path[path], shown_of[path], name, where, candidates)
    return [by_path[o.path] for o in outcomes], options


def _factory_imports(candidates, importers, outside, shown_of) -> dict[str, dict[str, tuple[str, str]]]:
    tried: dict[str, dict[str, tuple[str, str]]] = {}
    for path, name, deployment, _ in candidates:
        if (path, name) in outside:
            continue
        for importer in importers[(path, name)]:
            tried.setdefault(shown_of[importer], {})[name] = (module_name(path), deployment)
    return tried


def _kept_imports(tried, followed, by_path, shown_of) -> dict[str, dict[str, tuple[str, str]]]:
    """What each importer is migrated with in the end: the factories that are followed (their requests get model=),
    and those its own uses keep from being followed (so that it keeps saying why)."""
    path_of = {shown: path for path, shown in shown_of.items()}
    followed_names = {(module, name) for shown, names in followed.items() for name in names
                      for module in [module_name(path_of[shown])]}
    final: dict[str, dict[str, tuple[str, str]]] = {}
    for shown, imported in tried.items():
        uses = by_path[path_of[shown]].record.factory_uses
        kept = {name: (module, dep) for name, (module, dep) in imported.items()
                if (module, name) in followed_names or uses.get(f"{module}:{name}")}
        if kept:
            final[shown] = kept
    return final


def _holders_imported(candidates, importers, by_path, files) -> dict[tuple[Path, str], str]:
    """For each factory, the first Python file (of the run, or beside it) that imports a name or a class holding the
    factory's client in the factory's file or in one of its importers, in words."""
    shown_of = dict(files)
    found: dict[tuple[Path, str], str] = {}
    for path, name, _, _ in candidates:
        key = f"{module_name(path)}:{name}"
        holding = [(path, by_path[path].record.factory_exports.get(name, ()))]
        holding += [(b, by_path[b].record.factory_exports.get(key, ())) for b in importers[(path, name)]]
        for holder, exported in holding:
            if not exported:
                continue
            beside = _python_files(_project_root(holder.resolve()), {p.resolve() for p, _ in files})
            if beside is None:
                found[(path, name)] = (f"the tool cannot tell whether a file outside this run (over {MAX_SCANNED} "
                                       f"files) imports what holds its client in {shown_of[holder]}")
                break
            others = [p for p, _ in files if p != holder and p.suffix in (".py", ".ipynb")] + beside
            where = next(((p, n) for p in others for n in exported if _imports(p, module_name(holder), n)), None)
            if where is not None:
                shown = shown_of.get(where[0], str(where[0]))
                found[(path, name)] = f"{shown} imports {where[1]} from {shown_of[holder]}, which holds that client"
                break
    return found


def _imports(path: Path, module: str, name: str) -> bool:
    try:
        return imports_name(path.read_bytes().decode("utf-8", errors="replace"), module, name)
    except OSError:
        return True  # unreadable: it may import the factory


def _importers_beside_the_run(
    factories: list[tuple[Path, str]], run_paths: set[Path]
) -> dict[tuple[Path, str], str]:
    """For each factory imported by a Python file outside the run, in the project around the factory's file, that
    file (or why the tool cannot tell), in words. Each project is walked once."""
    by_root: dict[Path, list[tuple[Path, str]]] = {}
    for path, name in factories:
        by_root.setdefault(_project_root(path.resolve()), []).append((path, name))
    found: dict[tuple[Path, str], str] = {}
    for root, wanted in by_root.items():
        beside = _python_files(root, run_paths)
        if beside is None:
            why = f"the tool cannot tell whether a file outside this run uses it (over {MAX_SCANNED} files)"
            found.update({key: why for key in wanted})
            continue
        for candidate in beside:
            for key in [k for k in wanted if k not in found and _imports(candidate, module_name(k[0]), k[1])]:
                found[key] = f"{candidate} (not part of this run) imports it"
    return found


def _python_files(root: Path, run_paths: set[Path]) -> list[Path] | None:
    """The Python files under `root` that are not part of the run; None when there are too many to read."""
    out: list[Path] = []
    for folder, dirs, filenames in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        for filename in sorted(filenames):
            candidate = Path(folder, filename)
            if filename.endswith(".py") and candidate.resolve() not in run_paths:
                out.append(candidate)
                if len(out) > MAX_SCANNED:
                    return None
    return out


def _project_root(path: Path) -> Path:
    for folder in path.parents:
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return path.parent


def _note_outside(outcome, shown: str, name: str, where: str, candidates) -> None:
    if outcome.status == "error":
        return
    line = next(line for p, n, _, line in candidates if n == name and p == outcome.path)
    outcome.findings.append(Finding(
        "AOAI105",
        f"{name}() returns a client with a client-level deployment, and {where}, where its requests can't be given "
        "model=<deployment>; so the client stays on the dated API. Run aoai-migrate on the files that use it "
        "together, or migrate by hand.",
        line, 1, path=shown,
    ))
