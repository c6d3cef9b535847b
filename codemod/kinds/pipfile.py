"""`Pipfile`: raise an `openai` requirement the migrated code outgrew (AOAI306, fixed) in `[packages]` and
`[dev-packages]` (`openai = "==1.60"`, `openai = {version = ">=1.40", extras = [...]}`), keeping every other
byte. `Pipfile.lock` is reported by `lockfiles`. Fixtures: fixtures/kinds/pipfile/."""

from __future__ import annotations

from pathlib import PurePath

from codemod.advisor.pin_files import read_pins
from codemod.kinds.base import KindResult, RunFacts
from codemod.kinds.pin_rewrite import in_quoted_value, rewrite_sites


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if not facts.needs:
        return KindResult(text)
    lines = text.splitlines()
    sites = [in_quoted_value(pin, lines[pin.line - 1]) for pin in read_pins(path, text)]
    return rewrite_sites(text, sites, facts.needs)

