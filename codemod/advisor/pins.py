"""AOAI306: an `openai` dependency pin that the migrated code cannot run on."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from codemod.advisor.pin_files import PinLine, is_dependency_file, read_pins
from codemod.findings import Finding

_POETRY_OPERATOR = re.compile(r"^(\^|~(?!=))\s*(\d+(?:\.\d+)*)$")


def check_openai_pins(
    root: Path, needs: Mapping[str, str], files: Iterable[Path] | None = None
) -> list[Finding]:
    """Findings for every `openai` requirement under `root` (or in `files`) that `needs` rules out.

    `needs` maps a reason to the minimum openai version it requires (see `sdk_needs`)."""
    if not needs:
        return []
    candidates = files if files is not None else _dependency_files(root)
    findings = []
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for pin in read_pins(path, text):
            finding = judge_pin(pin, needs, str(path))
            if finding is not None:
                findings.append(finding)
    return findings


def openai_0x_pin(files: Iterable[Path]) -> str:
    """The first `openai` requirement among `files` that allows no 1.x release (`openai==0.28.1`, `openai<1`), as
    "openai==0.28.1 (requirements.txt:1)"; "" when there is none."""
    return pin_below(files, "openai", Version("1.0.0"))


# The release whose LangChain classes take a callable api_key and whose AzureChatOpenAI streams usage by default:
# what the rewrite of AOAI501 writes out (rules/langchain_clients.py).
LANGCHAIN_OPENAI_V1 = Version("1.0.1")


def langchain_openai_pin(files: Iterable[Path]) -> str:
    """The first `langchain-openai` requirement among `files` that allows no release from LANGCHAIN_OPENAI_V1 on
    (`langchain-openai==0.2.9`, Poetry's `^0.1.1`), as "... (pyproject.toml:16)"; "" when there is none."""
    return pin_below(files, "langchain-openai", LANGCHAIN_OPENAI_V1)


def pin_below(files: Iterable[Path], package: str, version: Version) -> str:
    for path in sorted(p for p in files if is_dependency_file(p)):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for pin in read_pins(path, text, package):
            specifier = to_specifier(pin.constraint, pin.poetry)
            if pin.constraint.strip() in ("", "*") or specifier is None:
                continue
            if not allowed_around(specifier, version)[0]:
                return f"{pin.written} ({path}:{pin.line})"
    return ""


def judge_pin(pin: PinLine, needs: Mapping[str, str], shown_path: str) -> Finding | None:
    if pin.constraint.strip() in ("", "*"):
        return None  # unconstrained: the newest release is installed
    minimum = max(Version(v) for v in needs.values())
    specifier = to_specifier(pin.constraint, pin.poetry)
    if specifier is None:
        return None
    allows_new, allows_old = allowed_around(specifier, minimum)
    reasons = "; ".join(reason for reason, v in needs.items() if Version(v) == minimum)
    written = pin.written
    if not allows_new:
        message = (
            f"`{written}` rules out what the migrated code needs: openai>={minimum} ({reasons}). "
            f"Raise the requirement to >={minimum}."
        )
        level = "warning"
    elif allows_old:
        message = (
            f"`{written}` still allows openai older than {minimum}, which the migrated code needs "
            f"({reasons}). Raise the lower bound to >={minimum}."
        )
        level = "info"
    else:
        return None
    return Finding("AOAI306", message, pin.line, pin.column, level=level, path=shown_path)


def to_specifier(constraint: str, poetry: bool = False) -> SpecifierSet | None:
    """A PEP 440 specifier for a requirement's constraint; Poetry's `^`, `~`, bare versions and `*` too."""
    text = constraint.strip()
    if poetry:
        text = _poetry_to_pep440(text)
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def _poetry_to_pep440(constraint: str) -> str:
    parts = []
    for piece in re.split(r"[,\s]+(?=[<>=!~^\d*])", constraint.strip()):
        piece = piece.strip().rstrip(",")
        if piece in ("", "*"):
            continue
        match = _POETRY_OPERATOR.match(piece)
        if match:
            parts.extend(_caret(match.group(2)) if match.group(1) == "^" else _tilde(match.group(2)))
        elif piece[0].isdigit():
            parts.append(f"=={piece}")
        else:
            parts.append(piece)
    return ",".join(parts)


def _caret(version: str) -> list[str]:
    numbers = [int(n) for n in version.split(".")]
    index = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
    upper = [*numbers[:index], numbers[index] + 1]
    return [f">={version}", "<" + ".".join(map(str, upper))]


def _tilde(version: str) -> list[str]:
    numbers = [int(n) for n in version.split(".")]
    upper = [numbers[0] + 1] if len(numbers) == 1 else [numbers[0], numbers[1] + 1]
    return [f">={version}", "<" + ".".join(map(str, upper))]


def allowed_around(specifier: SpecifierSet, minimum: Version) -> tuple[bool, bool]:
    """(whether some release >= minimum is allowed, whether some release < minimum is allowed).

    Probed at the minimum and around every version the specifier names: the allowed set is a union of
    intervals whose ends are those versions, so each interval contains one of the probes."""
    probes = {minimum, *_neighbours(minimum)}
    for spec in specifier:
        try:
            bound = Version(spec.version.removesuffix(".*"))
        except InvalidVersion:
            continue
        probes.update({bound, *_neighbours(bound)})
    probes.add(Version("0"))
    allowed = [p for p in probes if specifier.contains(p, prereleases=False)]
    return any(p >= minimum for p in allowed), any(p < minimum for p in allowed)


def _neighbours(version: Version) -> list[Version]:
    release = list(version.release) + [0] * (3 - len(version.release))
    major, minor, micro = release[:3]
    candidates = [(major, minor, micro + 1), (major, minor + 1, 0), (major + 1, 0, 0)]
    if micro > 0:
        candidates.append((major, minor, micro - 1))
    if minor > 0:
        candidates.append((major, minor - 1, 999))
    if major > 0:
        candidates.append((major - 1, 999, 999))
    return [Version(".".join(map(str, c))) for c in candidates]


_SKIP_DIRS = frozenset(
    {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist", ".tox", ".nox"}
)


def _dependency_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root] if is_dependency_file(root) else []
    found = []
    for path in sorted(root.rglob("*")):
        if any(part in _SKIP_DIRS for part in path.relative_to(root).parts) or not path.is_file():
            continue
        if is_dependency_file(path):
            found.append(path)
    return found
