"""The project a command works on, as data: its configuration, the options the flags and the configuration give,
and the files found under the paths. Nothing here prints; each command (migrate, env, doctor, advise) says what
it found its own way. Errors a user can fix are `ProjectError` (exit 2), with a sentence that says what to do."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from codemod.options import Options
from codemod.rule_index import summaries
from codemod.run import config as config_mod
from codemod.run.discovery import Skipped, discover, display_path
from codemod.run.kind_files import Includes, is_kind_file


class ProjectError(Exception):
    """A usage or configuration error; the message is a sentence that says what to fix."""


@dataclass
class Project:
    config: config_mod.Config
    options: Options
    files: list[tuple[Path, str]] = field(default_factory=list)  # .py/.ipynb and named files, as shown
    # the files the kinds read (codemod/kinds/: dependency, documentation, environment, infrastructure), as shown
    kind_files: list[tuple[Path, str]] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # named non-files, folders not listed: why
    skipped: list[Skipped] = field(default_factory=list)  # what the walk left out (for --verbose)
    temp_files: list[Path] = field(default_factory=list)  # temporary files an interrupted earlier run left


def load_config(explicit: str | None, paths: Sequence[str]) -> config_mod.Config:
    """`--config FILE`, else the nearest pyproject.toml above the first path (or the current directory)."""
    try:
        if explicit:
            return config_mod.load(Path(explicit), explicit=True)
        start = Path(paths[0]) if paths and paths[0] != "-" else Path.cwd()
        if not start.exists():
            start = Path.cwd()
        return config_mod.load(config_mod.find_pyproject(start))
    except config_mod.ConfigError as exc:
        raise ProjectError(str(exc)) from exc


def build_options(
    select: str | None, ignore: str | None, require_env: bool | None, cfg: config_mod.Config,
    unsafe_fixes: bool | None = None,
) -> Options:
    """The flags win over the configuration; a code no rule has is an error."""
    selected = _codes(select, cfg.select, "--select")
    ignored = _codes(ignore, cfg.ignore, "--ignore") or []
    if selected is not None and "ALL" in selected:
        selected = None
    return Options(
        select=frozenset(selected) if selected is not None else None,
        ignore=frozenset(ignored),
        require_env=cfg.require_env if require_env is None else require_env,
        unsafe_fixes=cfg.unsafe_fixes if unsafe_fixes is None else unsafe_fixes,
        deployment_prefix=cfg.deployment_prefix,
        deployments=dict(cfg.deployments),
    )


def _codes(raw: str | None, fallback: list[str] | None, flag: str) -> list[str] | None:
    values = [c.strip().upper() for c in raw.split(",") if c.strip()] if raw else fallback
    if values is None:
        return None
    known = summaries()
    for code in values:
        if code != "ALL" and not any(c.startswith(code) for c in known):
            raise ProjectError(f"{flag} {code}: no rule code starts with {code!r} (see `aoai-migrate rules`).")
    return values


def load_project(
    paths: Sequence[str],
    *,
    config: str | None = None,
    select: str | None = None,
    ignore: str | None = None,
    require_env: bool | None = None,
    unsafe_fixes: bool | None = None,
    exclude: Sequence[str] = (),
    extend_exclude: Sequence[str] = (),
    extend_include: Sequence[str] = (),
    other_files: bool = True,
) -> Project:
    """Configuration, options and files. A named path that does not exist is a ProjectError; `exclude` replaces
    the configured or default excludes, `extend_exclude` adds to them; `other_files` also collects the files
    the kinds read (codemod/run/kind_files.py; `extend_include` adds to them), in the same walk."""
    cfg = load_config(config, paths)
    project = Project(cfg, build_options(select, ignore, require_env, cfg, unsafe_fixes))
    includes = Includes([*cfg.extend_include, *extend_include])
    found = discover([Path(p) for p in paths], exclude=list(exclude) or cfg.exclude,
                     extend_exclude=[*cfg.extend_exclude, *extend_exclude],
                     **({"include": includes.walk_filter()} if other_files else {}))
    if found.missing:
        raise ProjectError(" ".join(f"{path}: no such file or directory." for path in found.missing))
    named = {str(Path(p)) for p in paths}
    project.unreadable += [(d.path, f"{d.reason}; the files in it were not migrated") for d in found.unlisted]
    project.temp_files += found.temp_files
    for skipped in found.skipped:
        if str(skipped.path) in named:  # named, yet not a file that can be read
            project.unreadable.append((skipped.path, f"cannot read it: {skipped.reason}"))
        else:
            project.skipped.append(skipped)
    for file in found.files:
        if other_files and (includes.wanted(file.path) if not file.explicit else is_kind_file(file.path)):
            project.kind_files.append((file.path, display_path(file.path)))
        elif file.path.suffix in (".py", ".ipynb") or file.explicit:
            project.files.append((file.path, display_path(file.path)))
    if other_files:
        seen = {os.path.realpath(path) for path, _ in project.kind_files if path.name.startswith(".env")}
        for path in env_files(paths):  # usually gitignored, so the walk did not keep them
            if os.path.realpath(path) not in seen:
                seen.add(os.path.realpath(path))
                project.kind_files.append((path, display_path(path)))
        project.kind_files.sort(key=lambda item: item[0].parts)
        kind_paths = [path for path, _ in project.kind_files]
        project.options = replace(project.options, openai_0x_pin=_openai_0x_pin(kind_paths),
                                  langchain_openai_pin=_langchain_openai_pin(kind_paths))
    return project


def _openai_0x_pin(files: list[Path]) -> str:
    from codemod.advisor.pins import openai_0x_pin  # needs `packaging`, only when dependency files were collected

    return openai_0x_pin(files)


def _langchain_openai_pin(files: list[Path]) -> str:
    from codemod.advisor.pins import langchain_openai_pin

    return langchain_openai_pin(files)


def env_files(paths: Sequence[str]) -> list[Path]:
    """`.env*` files in the named folders and one level below: usually gitignored, yet where a deployment's
    api-version lives (AOAI307). Not a full walk, so large trees stay fast."""
    found: list[Path] = []
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            continue
        for folder in [root, *_subdirs(root)]:
            found.extend(p for p in _subdirs(folder, files=True) if p.name == ".env" or p.name.startswith(".env."))
    return found


def _subdirs(folder: Path, files: bool = False) -> list[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    return [Path(e.path) for e in entries if (e.is_file(follow_symlinks=False) if files else
                                              e.is_dir(follow_symlinks=False) and e.name not in (".git", ".venv"))]
