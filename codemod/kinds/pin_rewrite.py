"""Shared by the dependency-file kinds: where a requirement's version constraint sits in its line, and the
edit (or the report) for each `openai` requirement the migrated code outgrew.

Reading stays in `codemod.advisor.pin_files` (which requirement, on which line) and judging in
`codemod.advisor.pins` (AOAI306); this module adds the byte-exact edit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from packaging.version import Version

from codemod.advisor.pin_files import PinLine
from codemod.advisor.pins import judge_pin
from codemod.findings import Finding
from codemod.kinds.base import KindResult
from codemod.kinds.pin_raise import Raised, raise_constraint

# A PEP 508 requirement up to its version constraint: name, extras, and an optional `(`.
_NAME_AND_EXTRAS = re.compile(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*\(?\s*")
_QUOTED_VERSION = re.compile(r"""\bversion\s*=\s*(["'])(.*?)\1""")


@dataclass(frozen=True)
class Site:
    """An `openai` requirement and where its constraint is written: `start`/`end` in line `pin.line`."""

    pin: PinLine
    start: int | None  # None: the constraint could not be located exactly (reported, never edited)
    end: int | None = None


def in_requirement(pin: PinLine, line: str, start: int) -> Site:
    """The site of a PEP 508 requirement string `pin.written` that starts at `start` in `line`."""
    requirement = pin.written
    if line[start : start + len(requirement)] != requirement:
        return Site(pin, None)
    head = _NAME_AND_EXTRAS.match(requirement)
    if head is None or requirement[head.end() :].startswith("@"):
        return Site(pin, None)
    end = len(requirement)
    for stop in (";", ")"):
        if stop in requirement[head.end() :]:
            end = min(end, requirement.index(stop, head.end()))
    body_end = head.end() + len(requirement[head.end() : end].rstrip())
    return Site(pin, start + head.end(), start + body_end)


def in_quoted_value(pin: PinLine, line: str) -> Site:
    """The site of a keyed constraint: `openai = "^1.40"` or `openai = { version = "~1.50", ... }`, whose value
    starts at `pin.column`."""
    value_start = pin.column - 1
    value = line[value_start:]
    if value[:1] in ("'", '"'):
        close = value.find(value[0], 1)
        found = (value_start + 1, value_start + close) if close > 0 else None
    else:
        match = _QUOTED_VERSION.search(value)
        found = (value_start + match.start(2), value_start + match.end(2)) if match else None
    if found is None or line[found[0] : found[1]] != pin.constraint:
        return Site(pin, None)
    return Site(pin, *found)


def rewrite_sites(text: str, sites: Iterable[Site], needs: Mapping[str, str]) -> KindResult:
    """Raise every site whose constraint `needs` rules out (AOAI306, fixed); report the ones that cannot be
    raised with certainty (AOAI306, as the advisor words it, plus why it was left)."""
    if not needs:
        return KindResult(text)
    lines = text.splitlines(keepends=True)
    minimum = max(needs.values(), key=Version)
    findings: list[Finding] = []
    for site in sites:
        judged = judge_pin(site.pin, needs, "")
        if judged is None:
            continue
        index = site.pin.line - 1
        outcome = None
        if site.start is not None and site.end is not None:
            outcome = raise_constraint(lines[index][site.start : site.end], minimum, site.pin.poetry)
        if isinstance(outcome, Raised):
            old = lines[index][site.start : site.end]
            lines[index] = lines[index][: site.start] + outcome.text + lines[index][site.end :]
            findings.append(_fixed(judged, old, outcome.text, minimum, needs))
        else:
            why = outcome.reason if outcome is not None else "the constraint could not be located exactly"
            findings.append(replace(judged, message=f"{judged.message} Not rewritten: {why}."))
    return KindResult("".join(lines), findings)


def _fixed(judged: Finding, old: str, new: str, minimum: str, needs: Mapping[str, str]) -> Finding:
    reasons = "; ".join(reason for reason, v in needs.items() if Version(v) == Version(minimum))
    message = f"openai `{old.strip()}` -> `{new.strip()}`: the migrated code needs openai>={minimum} ({reasons})."
    return replace(judged, message=message, fixed=True, level="warning")
