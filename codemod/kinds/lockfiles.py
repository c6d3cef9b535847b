"""Lock files (`poetry.lock`, `uv.lock`, `pdm.lock`, `Pipfile.lock`, hashed requirement files): an `openai`
release older than the migrated code needs is reported with the command that updates it (AOAI306).

Never edited: a lock file records a resolution (hashes, the versions of every dependency of the new
release), which only its tool can redo. Fixtures: fixtures/kinds/lockfiles/."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import PurePath

from packaging.version import InvalidVersion, Version

from codemod.advisor.pin_files import read_pins
from codemod.findings import Finding
from codemod.kinds.base import KindResult, RunFacts

# The command that updates one package, per lock file; `{minimum}` is the version the code needs.
_COMMANDS = {
    "poetry.lock": "poetry update openai",
    "uv.lock": "uv lock --upgrade-package openai",
    "pdm.lock": "pdm update openai",
    "Pipfile.lock": "pipenv update openai",
}
_TOML_PACKAGE = re.compile(r"""^\s*name\s*=\s*["']openai["']\s*$""", re.IGNORECASE)
_TOML_VERSION = re.compile(r"""^\s*version\s*=\s*["']([^"']+)["']""")
# pip-tools and `uv pip compile` write the command that produced the file into its header.
_COMPILED_BY = re.compile(r"^#\s+((?:uv\s+)?pip[- ]compile\b.*?)\s*$", re.MULTILINE)


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if not facts.needs:
        return KindResult(text)
    locked = _pipfile_lock(text) if path.name == "Pipfile.lock" else _toml_lock(text)
    findings = [
        _finding(version, line, column, _COMMANDS[path.name], facts.needs, path.name)
        for version, line, column in locked
    ]
    return KindResult(text, [f for f in findings if f is not None])


def hashed_requirements_report(text: str, path: PurePath, needs: Mapping[str, str]) -> KindResult:
    """A requirement file with hashes: each too-old `openai==X` reported with the command to regenerate it."""
    command = _regenerate_command(text)
    findings = []
    for pin in read_pins(path, text):
        exact = pin.constraint.removeprefix("==") if pin.constraint.startswith("==") else None
        finding = _finding(exact or pin.constraint, pin.line, pin.column, command, needs, "a hashed requirement file")
        if finding is not None:
            findings.append(finding)
    return KindResult(text, findings)


def _regenerate_command(text: str) -> str:
    match = _COMPILED_BY.search(text)
    if match is None:
        return "pip-compile --generate-hashes --upgrade-package openai"
    return f"{match.group(1)} --upgrade-package openai"


def _toml_lock(text: str) -> list[tuple[str, int, int]]:
    """(version, line, column) of each locked `openai` package in a `[[package]]` list (Poetry, uv, PDM)."""
    found, in_openai = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("[["):
            in_openai = False
        elif _TOML_PACKAGE.match(line):
            in_openai = True
        elif in_openai and (match := _TOML_VERSION.match(line)):
            found.append((match.group(1), number, match.start(1) + 1))
            in_openai = False
    return found


def _pipfile_lock(text: str) -> list[tuple[str, int, int]]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    lines = text.splitlines()
    found = []
    for section in ("default", "develop"):
        entry = data.get(section, {}).get("openai") if isinstance(data.get(section), dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            continue
        line, column = _json_version_line(lines, section)
        found.append((entry["version"].removeprefix("=="), line, column))
    return found


def _json_version_line(lines: list[str], section: str) -> tuple[int, int]:
    """Line and column of `"version"` inside `"openai": {` of `section`, read from the pretty-printed JSON."""
    start = next((i for i, line in enumerate(lines) if line.strip().startswith(f'"{section}"')), 0)
    entry = next((i for i in range(start, len(lines)) if lines[i].strip().startswith('"openai"')), start)
    for index in range(entry, min(entry + 20, len(lines))):
        column = lines[index].find('"version"')
        if column >= 0:
            return index + 1, column + 1
    return entry + 1, 1


def _finding(
    version: str, line: int, column: int, command: str, needs: Mapping[str, str], where: str
) -> Finding | None:
    minimum = max(needs.values(), key=Version)
    try:
        if Version(version) >= Version(minimum):
            return None
    except InvalidVersion:
        return None
    reasons = "; ".join(reason for reason, v in needs.items() if Version(v) == Version(minimum))
    message = (
        f"openai {version} is locked in {where}; the migrated code needs openai>={minimum} ({reasons}). "
        f"Lock files are not edited: after raising the requirement, run `{command}`."
    )
    return Finding("AOAI306", message, line, column, level="warning")

