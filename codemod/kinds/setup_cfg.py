"""`setup.cfg`: raise an `openai` requirement the migrated code outgrew (AOAI306, fixed) in
`[options] install_requires` and `[options.extras_require]`, keeping every other byte.
Fixtures: fixtures/kinds/setup_cfg/."""

from __future__ import annotations

from pathlib import PurePath

from codemod.advisor.pin_files import read_pins
from codemod.kinds.base import KindResult, RunFacts
from codemod.kinds.pin_rewrite import in_requirement, rewrite_sites


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if not facts.needs:
        return KindResult(text)
    lines = text.splitlines()
    sites = [in_requirement(pin, lines[pin.line - 1], pin.column - 1) for pin in read_pins(path, text)]
    return rewrite_sites(text, sites, facts.needs)

