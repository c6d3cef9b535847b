"""Which files beyond Python modules and notebooks a run hands to the file kinds (codemod/kinds/), decided by
name alone: the walk reads no file to choose.

- Walked by default: dependency files, lock files, environment samples and `.env` files, infrastructure and
  configuration files, `.http` / `.rest` request files, and documentation in `.md` and `.rst`.
- `.markdown` and `.txt` documents are read when named on the command line, or walked when `extend-include`
  (configuration) / `--extend-include` names them: `"*.txt"`, `"docs/**/*.markdown"`. A glob without `/`
  matches a file's name at any depth, one with `/` the path relative to the current directory, as for
  `exclude`.
- A kind of file is turned off with `extend-exclude`: `extend-exclude = ["*.md"]` leaves Markdown alone.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path, PurePath

from codemod.kinds import kinds_for
from codemod.kinds.names import DOCS_WALKED_BY_DEFAULT
from codemod.run.discovery import NameFilter, _glob_regex

PYTHON = (".py", ".ipynb")
_BY_NAME_ONLY = (".txt", ".in")  # requirement files: `requirements/dev.txt` is one, `notes.txt` is not


def is_kind_file(path: PurePath) -> bool:
    """A file the kinds read instead of the engine (every name but `.py`, `.ipynb` and names no kind reads)."""
    name = path.name
    return not name.endswith(PYTHON) and bool(kinds_for(path))


class Includes:
    """The walk's name filter and the check of a walked path, with the `extend-include` globs."""

    def __init__(self, extend_include: Sequence[str] = (), root: Path | None = None) -> None:
        self.root = os.path.abspath(root if root is not None else os.getcwd())
        names, anchored = [], []
        for glob in extend_include:
            glob = glob.strip().removeprefix("./")
            if glob:
                (anchored if "/" in glob else names).append(glob)
        self._names = [re.compile(fnmatch.translate(g)) for g in names]
        # An anchored glob lets its last part through the walk; the whole path is checked in `wanted`.
        self._last_parts = [re.compile(fnmatch.translate(g.rsplit("/", 1)[1])) for g in anchored]
        self._anchored = [re.compile(_glob_regex(g.lstrip("/"))) for g in anchored]

    def walk_filter(self, python: bool = True) -> NameFilter:
        """The names a walk keeps (Python files too when `python`), a superset of what `wanted` accepts."""

        globs = bool(self._names or self._last_parts)  # most runs name none: no look per name (27k in crewAI)

        def include(name: str) -> bool:
            if python and name.endswith(PYTHON):
                return True
            if name.endswith(_BY_NAME_ONLY) or (globs and self._named(name)):
                return True
            return _named_walked_by_default("", name)

        return include

    def wanted(self, path: Path) -> bool:
        """Whether a walked non-Python file goes to its kinds."""
        if not is_kind_file(path):
            return False
        if _named_walked_by_default(path.parent.name, path.name) or self._named(path.name):
            return True
        rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return any(regex.fullmatch(rel) for regex in self._anchored)

    def _named(self, name: str) -> bool:
        return any(r.match(name) for r in self._names) or any(r.match(name) for r in self._last_parts)


@lru_cache(maxsize=8192)  # a walk meets the same names again and again (`__init__.py`, `index.ts`, `README.md`)
def _named_walked_by_default(folder: str, name: str) -> bool:
    """Every kind decides by the file's name and its folder's name (codemod.kinds.kinds_for)."""
    path = PurePath(folder, name)
    kinds = [kind.name for kind in kinds_for(path)]
    if kinds == ["docs"]:
        return path.suffix.lower() in DOCS_WALKED_BY_DEFAULT
    return bool(kinds) and kinds != ["docstrings"]
