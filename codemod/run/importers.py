"""Which files of a run import a module-level client from another file (AOAI105 across files).

When AOAI105 moves a client-level deployment to `model=` on the requests a file makes, requests made in
another file that imports the client (`from app.llm import client`) would keep their own `model=`, and
Azure would route them to another deployment. The runner asks this module which migrated files have such
importers among the run's files, and migrates those again with the client left alone and reported.
Files outside the run (pre-commit passes only the staged ones) cannot be seen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

_FROM_IMPORT = re.compile(r"\bfrom[ \t]+\.*(?:\w+\.)*(\w+)[ \t]+import[ \t]+(\([^)]*\)|[^\n;#]*)")
_IMPORTED_NAME = re.compile(r"(\w+|\*)(?:\s+as\s+\w+)?")


def module_name(path: Path) -> str:
    """The last component of the module's dotted name: `llm` for app/llm.py and app/llm/__init__.py."""
    return path.parent.name if path.stem == "__init__" else path.stem


def importers_of(
    exported: Iterable[tuple[Path, str, frozenset[str]]], files: Sequence[tuple[Path, str]]
) -> dict[str, dict[str, str]]:
    """For each (path, shown, client names) exported: {shown: {name: shown path of a file importing it}}."""
    wanted = [(path, shown, module_name(path), names) for path, shown, names in exported]
    found: dict[str, dict[str, str]] = {}
    if not wanted:
        return found
    for other, other_shown in files:
        if other.suffix not in (".py", ".ipynb"):
            continue
        text = None
        for path, shown, module, names in wanted:
            if other == path:
                continue
            if text is None:
                try:
                    text = other.read_bytes().decode("utf-8", errors="replace")
                except OSError:
                    break  # reported by the run itself
            for name in names - found.get(shown, {}).keys():
                if imports_name(text, module, name):
                    found.setdefault(shown, {})[name] = other_shown
    return found


def imports_name(text: str, module: str, name: str) -> bool:
    """`from ...module import name` (or `*`), or `module.name` in a file that imports `module`."""
    if module not in text or name not in text and "*" not in text:
        return False
    for match in _FROM_IMPORT.finditer(text):
        imported = {m.group(1) for m in _IMPORTED_NAME.finditer(match.group(2))}
        if match.group(1) == module and (name in imported or "*" in imported):
            return True
    attribute = re.compile(rf"\b{re.escape(module)}\s*\.\s*{re.escape(name)}\b")
    imports_module = re.compile(rf"\bimport\b[^\n;#]*\b{re.escape(module)}\b")
    return bool(attribute.search(text) and imports_module.search(text))
