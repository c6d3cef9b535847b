"""Find the files a run works on: walk directories honouring `.gitignore` files and exclude globs.

Entry point: `discover(paths, ...) -> Discovery`. Rules, in the order they apply to a walked entry:

- Files named on the command line are always returned (pre-commit passes names), whatever their suffix
  and whatever the excludes say; a named directory is walked even if it is itself excluded.
- Excluded and gitignored directories are pruned, never entered (trees can hold tens of thousands of files).
- `exclude` globs replace `DEFAULT_EXCLUDES` (like ruff's `exclude`); `extend_exclude` adds to them. A glob
  without `/` matches an entry's name at any depth (`build`, `*_pb2.py`); a glob with `/` matches the path
  relative to `root` (`src/generated/*.py`, `docs/**/*.py`); `*` stops at `/`, `**` crosses it.
- `.gitignore` files (root and nested, with `!` negation, git's precedence: deeper files win) are honoured,
  read from the top of the git work tree (or `root` outside a repository) down to each walked directory,
  plus `.git/info/exclude`.
- Symbolic links met during a walk are not followed: a target inside the tree is walked on its own, one
  outside it is not ours to rewrite, and a link loop cannot hang the walk.
- The result is sorted and has no duplicates, however the named paths overlap.
- A directory that cannot be listed is returned in `unlisted` (the run reports it: its files were not seen),
  and temporary files an interrupted earlier run left behind (`.NAME.XXXXXXXX.aoai-tmp`) in `temp_files`.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pathspec import GitIgnoreSpec

from codemod.run.writer import TEMP_NAME, TEMP_SUFFIX

DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "build",
    "dist",
    "__pycache__",
    ".tox",
    ".nox",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".eggs",
    "__pypackages__",
    ".ipynb_checkpoints",
)

_VCS_DIRS = frozenset({".git", ".hg", ".svn"})

NameFilter = Callable[[str], bool]


def is_python_or_notebook(name: str) -> bool:
    """Default `include` filter: the files the migration rewrites."""
    return name.endswith((".py", ".ipynb"))


def suffix_filter(*suffixes: str) -> NameFilter:
    """An `include` filter accepting names that end with any of `suffixes` (e.g. ".yaml", ".toml")."""
    return lambda name: name.endswith(suffixes)


@dataclass(frozen=True)
class DiscoveredFile:
    path: Path  # as the user would write it: relative when the named path was relative
    explicit: bool = False  # named on the command line, not found by a walk

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # a short phrase for `--verbose`: "excluded by 'build'", "ignored by .gitignore", ...


@dataclass
class Discovery:
    files: list[DiscoveredFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # pruned directories and skipped entries, sorted
    missing: list[Path] = field(default_factory=list)  # named paths that do not exist
    unlisted: list[Skipped] = field(default_factory=list)  # directories that could not be listed: an error
    temp_files: list[Path] = field(default_factory=list)  # left by an interrupted earlier run (codemod/writer.py)


def discover(
    paths: Sequence[Path | str],
    *,
    exclude: Sequence[str] | None = None,
    extend_exclude: Sequence[str] = (),
    root: Path | None = None,
    include: NameFilter = is_python_or_notebook,
    respect_gitignore: bool = True,
) -> Discovery:
    """Expand `paths` (files and directories) into the sorted, de-duplicated files to process.

    `exclude=None` keeps `DEFAULT_EXCLUDES`; a sequence (even empty) replaces them. `root` anchors globs
    containing `/` (default: the current directory). `include` decides, by file name, which walked files
    are wanted; it does not apply to named files.
    """
    root_abs = os.path.abspath(root if root is not None else os.getcwd())
    globs = _Globs([*(DEFAULT_EXCLUDES if exclude is None else exclude), *extend_exclude], root_abs)
    walker = _Walker(globs, include, _GitIgnores(root_abs) if respect_gitignore else None)
    for raw in paths:
        walker.add_named(Path(raw))
    return walker.result()


class _Globs:
    """Exclude globs: name globs (no `/`) and globs on the path relative to the root."""

    def __init__(self, patterns: Iterable[str], root_abs: str) -> None:
        names, anchored = [], []
        for pattern in patterns:
            pattern = pattern.strip().removeprefix("./").rstrip("/")
            if not pattern:
                continue
            (anchored if "/" in pattern else names).append(pattern)
        self.root_prefix = root_abs.rstrip(os.sep) + os.sep
        self._names = [(p, re.compile(fnmatch.translate(p))) for p in names]
        self._anchored = [(p, re.compile(_glob_regex(p.lstrip("/")))) for p in anchored]

    def match(self, name: str, abs_path: str) -> str | None:
        """The first glob that excludes this entry, or None."""
        for pattern, regex in self._names:
            if regex.match(name):
                return pattern
        if self._anchored and abs_path.startswith(self.root_prefix):
            rel = abs_path[len(self.root_prefix) :].replace(os.sep, "/")
            for pattern, regex in self._anchored:
                if regex.fullmatch(rel):
                    return pattern
        return None


def _glob_regex(glob: str) -> str:
    """Translate a path glob to a regex: `**/` any directories, `**` anything, `*`/`?` within one name."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] in "*?":
            out.append("[^/]*" if glob[i] == "*" else "[^/]")
            i += 1
        elif glob[i] == "[" and (close := glob.find("]", i + 2)) != -1:
            body = glob[i + 1 : close]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


# (directory with a trailing separator, its spec, the spec's patterns as one search), top first
_Chain = tuple[tuple[str, GitIgnoreSpec, "re.Pattern[str] | None"], ...]


class _GitIgnores:
    """The `.gitignore` specs in force in each directory, built incrementally as the walk descends."""

    def __init__(self, root_abs: str) -> None:
        self.root_abs = root_abs

    def chain_above(self, dir_abs: str) -> _Chain:
        """Specs from the git top (or root) down to the parent of `dir_abs` (the walk reads its own)."""
        top = _git_top(dir_abs)
        if top is None:
            top = self.root_abs if _is_within(dir_abs, self.root_abs) else dir_abs
        chain: _Chain = ()
        exclude_file = os.path.join(top, ".git", "info", "exclude")
        if os.path.isfile(exclude_file):
            chain = self.extend(chain, top, exclude_file)
        for directory in _dirs_between(top, dir_abs)[:-1]:
            chain = self.extend(chain, directory, os.path.join(directory, ".gitignore"))
        return chain

    @staticmethod
    def extend(chain: _Chain, dir_abs: str, ignore_file: str) -> _Chain:
        try:
            with open(ignore_file, encoding="utf-8", errors="replace") as handle:
                spec = GitIgnoreSpec.from_lines(handle.read().splitlines())
        except OSError:
            return chain
        return (*chain, (dir_abs.rstrip(os.sep) + os.sep, spec, _combined(spec))) if spec.patterns else chain

    @staticmethod
    def ignored(chain: _Chain, abs_path: str, is_dir: bool) -> bool:
        for base, spec, combined in reversed(chain):  # git: patterns in deeper files take precedence
            if not abs_path.startswith(base):
                continue
            rel = abs_path[len(base) :].replace(os.sep, "/") + ("/" if is_dir else "")
            if not _may_match(combined, rel):
                continue
            verdict = spec.check_file(rel, separators=()).include
            if verdict is not None:
                return verdict
        return False


def _may_match(combined: re.Pattern[str] | None, rel: str) -> bool:
    """Whether any pattern of a spec matches `rel`, from `_combined(spec)`: one search with all of them, where
    pathspec runs one per pattern (most paths match none; for the others pathspec decides which pattern wins)."""
    return combined is None or combined.search(rel) is not None


_NOTHING = re.compile(r"(?!)")
_GROUP_NAME = re.compile(r"\(\?P<\w+>")


def _combined(spec: GitIgnoreSpec) -> re.Pattern[str] | None:
    """The alternation of the spec's patterns, None when it cannot be built (then every pattern is tried)."""
    parts = [getattr(getattr(p, "regex", None), "pattern", None) for p in spec.patterns if p.include is not None]
    flags = {p.regex.flags for p in spec.patterns if p.include is not None and getattr(p, "regex", None)}
    combined = _NOTHING if not parts else None
    if parts and all(isinstance(part, str) for part in parts) and len(flags) == 1:
        try:  # each pattern names its directory mark: the alternation keeps the groups, not the names
            combined = re.compile("|".join(f"(?:{_GROUP_NAME.sub('(?:', part)})" for part in parts), flags.pop())
        except re.error:
            combined = None
    return combined


def _git_top(dir_abs: str) -> str | None:
    current = dir_abs
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _is_dir_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # a dangling link or a loop
        return False


def _is_within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _dirs_between(top: str, bottom: str) -> list[str]:
    """`top`, then each directory below it down to `bottom` (both absolute; `bottom` within `top`)."""
    rel = os.path.relpath(bottom, top)
    dirs = [top]
    if rel != os.curdir:
        for part in rel.split(os.sep):
            dirs.append(os.path.join(dirs[-1], part))
    return dirs


class _Walker:
    def __init__(self, globs: _Globs, include: NameFilter, gitignores: _GitIgnores | None) -> None:
        self.globs, self.include, self.gitignores = globs, include, gitignores
        self.found: dict[str, DiscoveredFile] = {}  # real path -> first file seen there
        self.skipped: list[Skipped] = []
        self.missing: list[Path] = []
        self.unlisted: list[Skipped] = []
        self.temp_files: list[Path] = []

    def add_named(self, path: Path) -> None:
        text = os.fspath(path)
        if os.path.isdir(text):
            dir_abs = os.path.abspath(text)
            chain = self.gitignores.chain_above(dir_abs) if self.gitignores else ()
            self.walk(text, dir_abs, os.path.realpath(text), chain)
        elif os.path.isfile(text):
            self.keep(text, os.path.realpath(text), explicit=True)
        elif os.path.lexists(text):
            self.skip(text, "not a regular file or directory")
        else:
            self.missing.append(path)

    def walk(self, directory: str, dir_abs: str, dir_real: str, chain: _Chain) -> None:
        """Depth-first walk with an explicit stack; excluded directories are never entered.

        Links are not followed, so a walked path's real path is its directory's real path plus its name.
        """
        stack = [(directory, dir_abs, dir_real, chain)]
        while stack:
            directory, dir_abs, dir_real, chain = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = list(it)
            except OSError as err:  # its files would be missed in silence: the run reports it as an error
                self.unlisted.append(Skipped(Path(directory), f"cannot list the directory ({err.strerror or err})"))
                continue
            if self.gitignores and any(e.name == ".gitignore" for e in entries):
                chain = self.gitignores.extend(chain, dir_abs, os.path.join(dir_abs, ".gitignore"))
            for entry in entries:
                if (entry_abs := self.visit(entry, dir_abs, dir_real, chain)) is not None:
                    stack.append((entry.path, entry_abs, os.path.join(dir_real, entry.name), chain))

    def visit(self, entry: os.DirEntry[str], dir_abs: str, dir_real: str, chain: _Chain) -> str | None:
        """Keep or skip one entry of the directory `dir_abs` (real path `dir_real`); its absolute path when it is a
        directory to descend into. Most entries are files no kind reads: they cost a look at their name, no path
        is built."""
        try:
            if entry.is_symlink():
                if self.include(entry.name) or _is_dir_link(entry):
                    self.skip(entry.path, "symbolic link (not followed)")
                return None
            is_dir = entry.is_dir(follow_symlinks=False)
            if not is_dir and not (self.include(entry.name) and entry.is_file(follow_symlinks=False)):
                if entry.name.endswith(TEMP_SUFFIX) and TEMP_NAME.match(entry.name):
                    self.temp_files.append(Path(entry.path))
                return None
        except OSError:
            return None
        abs_path = os.path.join(dir_abs, entry.name)
        glob = self.globs.match(entry.name, abs_path)
        if is_dir and entry.name in _VCS_DIRS:  # whatever `exclude` says: never source code
            self.skip(entry.path, "version control directory")
        elif glob is not None:
            self.skip(entry.path, f"excluded by {glob!r}")
        elif self.gitignores and chain and self.gitignores.ignored(chain, abs_path, is_dir):
            self.skip(entry.path, "ignored by .gitignore")
        elif is_dir:
            return abs_path
        else:
            self.keep(entry.path, os.path.join(dir_real, entry.name), explicit=False)
        return None

    def keep(self, path: str, real: str, explicit: bool) -> None:
        previous = self.found.get(real)
        if previous is None or (explicit and not previous.explicit):
            self.found[real] = DiscoveredFile(Path(path), explicit)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(Skipped(Path(path), reason))

    def result(self) -> Discovery:
        files = sorted(self.found.values(), key=lambda f: f.path.parts)
        skipped = sorted(set(self.skipped), key=lambda s: (s.path.parts, s.reason))
        unlisted = sorted(set(self.unlisted), key=lambda s: s.path.parts)
        return Discovery(files, skipped, self.missing, unlisted, sorted(set(self.temp_files)))


def display_path(path: Path) -> str:
    """How a file is shown in findings and messages: relative to the current directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)
