"""Reading `openai` requirements (or another package's: `package=`), with their line, from requirements*.txt,
pyproject.toml (PEP 621 and Poetry), setup.cfg and Pipfile. Each reader returns what is written; `pins.py` judges
it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from codemod.kinds.names import is_requirements_file as is_requirements_file

if TYPE_CHECKING:
    from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

PACKAGE = "openai"
_SECTION = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+\s*(?:#.*)?$")
_KEY_LINE = r"""^\s*["']?{name}["']?\s*=\s*(.+?)\s*$"""
_QUOTED = re.compile(r"""(["'])(.*?)\1""")
_POETRY_SECTION = re.compile(r"tool\.poetry\.(?:group\.[^.]+\.)?(?:dev-)?dependencies")
_PIPFILE_SECTIONS = frozenset({"packages", "dev-packages"})
_SETUP_CFG_SECTIONS = frozenset({"options", "options.extras_require"})


@dataclass(frozen=True)
class PinLine:
    """An `openai` requirement as written: `constraint` is PEP 440 (`==1.40.0`) or Poetry (`^1.40`)."""

    path: PurePath
    line: int
    column: int
    constraint: str
    written: str  # the requirement as the file spells it, for messages
    poetry: bool = False


def read_pins(path: PurePath, text: str, package: str = PACKAGE) -> list[PinLine]:
    name = path.name
    if name == "pyproject.toml":
        return (_pep621(path, text, package)
                + _keyed(path, text, lambda s: bool(_POETRY_SECTION.fullmatch(s)), True, package))
    if name == "Pipfile":
        return _keyed(path, text, lambda s: s in _PIPFILE_SECTIONS, False, package)
    if name == "setup.cfg":
        return _setup_cfg(path, text, package)
    if is_requirements_file(path):
        return _requirements(path, text, package)
    return []


def is_dependency_file(path: PurePath) -> bool:
    return path.name in {"pyproject.toml", "Pipfile", "setup.cfg"} or is_requirements_file(path)


def _openai_requirement(text: str, package: str = PACKAGE) -> Requirement | None:
    # packaging costs a walk ~30 ms to import; most runs never read a pin, though every walk asks
    # `is_requirements_file` of the names it meets.
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement:
        return None
    return requirement if canonicalize_name(requirement.name) == canonicalize_name(package) else None


def _requirements(path: PurePath, text: str, package: str) -> list[PinLine]:
    pins = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].rstrip().rstrip("\\").strip()
        if not body or body.startswith("-"):
            continue
        body = body.split(" --", 1)[0]  # per-requirement options such as --hash
        requirement = _openai_requirement(body, package)
        if requirement is not None:
            pins.append(PinLine(path, number, line.index(body) + 1, str(requirement.specifier), body.strip()))
    return pins


def _pep621(path: PurePath, text: str, package: str) -> list[PinLine]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    project = doc.get("project", {})
    strings: list[str] = list(project.get("dependencies", []))
    for group in project.get("optional-dependencies", {}).values():
        strings.extend(group)
    for group in doc.get("dependency-groups", {}).values():
        strings.extend(item for item in group if isinstance(item, str))
    lines = text.splitlines()
    pins, start = [], 0
    for item in strings:
        requirement = _openai_requirement(item, package) if isinstance(item, str) else None
        if requirement is None:
            continue
        number, column = _locate(lines, item, start)
        start = number
        pins.append(PinLine(path, number, column, str(requirement.specifier), item.strip()))
    return pins


def _locate(lines: list[str], item: str, start: int) -> tuple[int, int]:
    """1-based line and column of the quoted `item`, searching from line index `start`."""
    for index in range(start, len(lines)):
        for match in _QUOTED.finditer(lines[index]):
            if match.group(2) == item:
                return index + 1, match.start() + 1
    return start + 1, 1


def _keyed(path: PurePath, text: str, wanted, poetry: bool, package: str) -> list[PinLine]:
    """`openai = "..."` or `openai = {version = "..."}` inside the sections `wanted` accepts."""
    spelled = "[-_.]".join(re.escape(part) for part in re.split(r"[-_.]+", package))
    key_line = re.compile(_KEY_LINE.format(name=spelled), re.IGNORECASE)
    pins, section = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            continue
        match = key_line.match(line)
        if match is None or not wanted(section):
            continue
        try:
            value = tomllib.loads(f"v = {match.group(1)}")["v"]
        except tomllib.TOMLDecodeError:
            continue
        constraint = value.get("version", "*") if isinstance(value, dict) else value
        if isinstance(constraint, str):
            written = f"{package} = {match.group(1)}"
            pins.append(PinLine(path, number, match.start(1) + 1, constraint, written, poetry))
    return pins


def _setup_cfg(path: PurePath, text: str, package: str) -> list[PinLine]:
    pins, section = [], ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            continue
        if section not in _SETUP_CFG_SECTIONS or line.lstrip().startswith(("#", ";")):
            continue
        body = line.split("=", 1)[1] if "=" in line and not line[:1].isspace() else line
        body = body.split("#", 1)[0].strip()
        requirement = _openai_requirement(body, package)
        if requirement is not None:
            pins.append(PinLine(path, number, line.index(body) + 1, str(requirement.specifier), body))
    return pins
