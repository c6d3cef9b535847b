"""pip requirement files (`requirements*.txt`, `requirements*.in`, `requirements/*.txt`): raise an `openai`
pin the migrated code outgrew (AOAI306, fixed), keeping comments, markers, extras and options.

A file with `--hash` options is a lock file in pip's hash-checking mode (every requirement must then carry
the hashes of the exact release): a new version needs new hashes, so it is reported with the command that
regenerates the file (`lockfiles`), never edited. Fixtures: fixtures/kinds/requirements/."""

from __future__ import annotations

from pathlib import PurePath

from codemod.advisor.pin_files import read_pins
from codemod.kinds.base import KindResult, RunFacts
from codemod.kinds.lockfiles import hashed_requirements_report
from codemod.kinds.pin_rewrite import in_requirement, rewrite_sites


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    if not facts.needs:
        return KindResult(text)
    if "--hash" in text:
        return hashed_requirements_report(text, path, facts.needs)
    lines = text.splitlines()
    sites = [in_requirement(pin, lines[pin.line - 1], pin.column - 1) for pin in read_pins(path, text)]
    return rewrite_sites(text, sites, facts.needs)

