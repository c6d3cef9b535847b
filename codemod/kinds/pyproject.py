"""`pyproject.toml`: raise an `openai` requirement the migrated code outgrew (AOAI306, fixed) in PEP 621
`dependencies` and `optional-dependencies`, PEP 735 `dependency-groups`, and Poetry's dependency tables
(`openai = "^1.40"`, `openai = { version = "~1.50", extras = [...] }`), keeping every other byte.
Fixtures: fixtures/kinds/pyproject/."""

from __future__ import annotations

from pathlib import PurePath

from codemod.advisor.pin_files import PinLine, read_pins
from codemod.kinds.base import KindResult, RunFacts
from codemod.kinds.pin_rewrite import Site, in_quoted_value, in_requirement, rewrite_sites


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if not facts.needs:
        return KindResult(text)
    lines = text.splitlines()
    sites = [_site(pin, lines[pin.line - 1]) for pin in read_pins(path, text)]
    return rewrite_sites(text, sites, facts.needs)


def _site(pin: PinLine, line: str) -> Site:
    if pin.poetry:
        return in_quoted_value(pin, line)
    # PEP 621: `pin.column` is the opening quote of the requirement string.
    start = pin.column
    while start < len(line) and line[start] in " \t":
        start += 1
    return in_requirement(pin, line, start)

