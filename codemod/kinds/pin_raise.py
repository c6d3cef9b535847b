"""Raising one `openai` version constraint to the version the migrated code needs, editing only the version
numbers it must (every other byte of the constraint is kept: spacing, upper bounds, exclusions).

Certain rewrites only: a lower bound (`>=`, `>`) or a pin (`==`, `~=`, Poetry's `^`, `~` and bare versions)
below the minimum moves to the minimum; a constraint with no lower bound gets one in front. The result is
checked with `packaging`: it must admit the minimum and exclude every older release. Anything else (an upper
bound below the minimum, a wildcard pin, `===`, a move across major versions) is refused with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from codemod.advisor.pins import allowed_around, to_specifier

# One clause: an operator (PEP 440, or Poetry's `^`, `~`, `=`) and a version, or Poetry's bare version.
_CLAUSE = re.compile(r"(?P<op>===|~=|==|!=|<=|>=|<|>|\^|~|=)?(?P<space>[ \t]*)(?P<version>[0-9][0-9A-Za-z.*+!_-]*)")
_SEPARATORS = re.compile(r"[\s,]*")
_LOWER = frozenset({">=", ">", "==", "~=", "^", "~", "=", ""})


@dataclass(frozen=True)
class Raised:
    text: str  # the new constraint


@dataclass(frozen=True)
class Refused:
    reason: str  # a sentence fragment: why the constraint is left as written


def raise_constraint(constraint: str, minimum: str, poetry: bool = False) -> Raised | Refused:
    """`constraint` (as written between its delimiters) raised so that it admits `minimum` and nothing older."""
    clauses = _clauses(constraint)
    if clauses is None or "|" in constraint:
        return Refused(f"`{constraint.strip()}` is not a constraint aoai-migrate can edit safely")
    needed = Version(minimum)
    edits: list[tuple[int, int, str]] = []
    has_lower = False
    for match in clauses:
        op, version = match.group("op") or "", match.group("version")
        if op == "" and not poetry:
            return Refused(f"`{constraint.strip()}` is not a PEP 440 constraint")
        if op not in _LOWER:
            if op == "===":
                return Refused("an arbitrary-equality pin (`===`) is compared as text")
            continue
        if "*" in version:
            if op == "==" and _wildcard_below(version, needed):
                return Refused(f"the wildcard pin `=={version}` rules out {minimum}")
            continue  # `==1.*` is a range, not a lower bound
        has_lower = True
        edit = _raised_clause(match, op, version, minimum, needed)
        if isinstance(edit, Refused):
            return edit
        if edit is not None:
            edits.append(edit)
    new = _apply(constraint, edits)
    if not has_lower:
        new = _with_lower_bound(constraint, minimum)
    return _checked(constraint, new, minimum, poetry)


def _clauses(constraint: str) -> list[re.Match[str]] | None:
    """The clauses of `constraint`, or None when anything but separators lies between them."""
    matches, position = [], 0
    for match in _CLAUSE.finditer(constraint):
        if not _SEPARATORS.fullmatch(constraint, position, match.start()):
            return None
        matches.append(match)
        position = match.end()
    if not _SEPARATORS.fullmatch(constraint, position) or not matches:
        return None
    return matches


def _raised_clause(
    match: re.Match[str], op: str, version: str, minimum: str, needed: Version
) -> tuple[int, int, str] | Refused | None:
    """The edit (start, end, text) that raises one lower-bound clause, None when it already admits only
    `needed` or newer, or why it cannot be raised."""
    try:
        current = Version(version)
    except InvalidVersion:
        return Refused(f"`{version}` is not a version")
    if current >= needed:
        return None
    if current.major < needed.major:
        return Refused(
            f"it allows only openai {current.major}.x, whose API differs; move the code to the {needed.major}.x client "
            "and raise the requirement by hand"
        )
    if op in ("~=", "^", "~"):
        # Compatible-release operators read their precision from the number of components: keep it.
        shortened = ".".join(str(n) for n in needed.release[: len(current.release)])
        if Version(shortened) != needed:
            return Refused(f"`{op}{version}` cannot be raised to {minimum} keeping its precision")
        return match.start("version"), match.end("version"), shortened
    if op == ">":
        return match.start("op"), match.end("version"), f">={match.group('space')}{minimum}"
    return match.start("version"), match.end("version"), minimum


def _wildcard_below(version: str, needed: Version) -> bool:
    prefix = version.split("*", 1)[0].rstrip(".")
    try:
        return Version(prefix).release < needed.release[: len(Version(prefix).release)]
    except InvalidVersion:
        return True


def _apply(constraint: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, text in sorted(edits, reverse=True):
        constraint = constraint[:start] + text + constraint[end:]
    return constraint


def _with_lower_bound(constraint: str, minimum: str) -> str:
    """`<2` -> `>=1.106.0,<2`, keeping the spacing in front of the constraint."""
    body = constraint.lstrip()
    return constraint[: len(constraint) - len(body)] + f">={minimum}," + body


def _checked(old: str, new: str, minimum: str, poetry: bool) -> Raised | Refused:
    specifier = to_specifier(new, poetry)
    if specifier is None:
        return Refused(f"`{old.strip()}` could not be read as a version constraint")
    admits_new, admits_old = allowed_around(specifier, Version(minimum))
    if not admits_new:
        return Refused(f"an upper bound or exclusion in `{old.strip()}` rules out {minimum}; check why it is there")
    if admits_old:
        return Refused(f"`{old.strip()}` could not be raised to exclude versions older than {minimum}")
    return Raised(new)
