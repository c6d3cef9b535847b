"""Every file kind beyond Python (codemod/kinds/), through the fixture pairs in fixtures/kinds/<kind>/:

    <case>.in.<ext>  -> <case>.out.<ext>   byte for byte (CRLF, BOM-less UTF-8 text as stored)
    <case>.findings  every finding, one `LINE CODE [fixed|info]` per line (no third field: needs a person)
    <case>.toml      optional: the file name the kinds see (`name`), and the run's facts (`needs`,
                     `mentioned`, `deployments`, `unsafe-fixes`)

Each case goes through `rewrite_file`, the dispatch the runner will use (so a name that no kind edits, like
`.env`, is proven untouched by the dispatch itself), the real engine migrates the code in documents, and a
second run over the output must change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath

import pytest

from codemod.kinds import RunFacts, all_kinds, kinds_for, rewrite_file
from codemod.migration import migrate_source
from codemod.run.config import tomllib

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "kinds"
TOKEN = {"a token provider passed as api_key": "1.106.0"}
# The name a kind's fixtures stand for, when the case does not give one (`{ext}`: the fixture's extension).
DEFAULT_NAMES = {
    "requirements": "requirements.{ext}",
    "pyproject": "pyproject.toml",
    "setup_cfg": "setup.cfg",
    "pipfile": "Pipfile",
    "env_samples": ".env.example",
    "docstrings": "{stem}.py",  # stored as `.python`: fixtures/**/*.in.py are the engine's fixture pairs
}


@dataclass(frozen=True)
class KindCase:
    kind: str
    source: Path
    expected: Path
    findings: Path
    options: dict

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.source.name.split('.in.')[0]}"

    @property
    def name(self) -> PurePath:
        stem, ext = self.source.name.split(".in.", 1)
        default = DEFAULT_NAMES.get(self.kind, "{stem}.{ext}")
        return PurePath(self.options.get("name", default.format(stem=stem, ext=ext)))

    def facts(self) -> RunFacts:
        return RunFacts(
            needs=self.options.get("needs", TOKEN),
            mentioned=frozenset(self.options.get("mentioned", [])),
            deployments=self.options.get("deployments", {}),
            migrate=migrate_source,
            unsafe_fixes=self.options.get("unsafe-fixes", False),
        )


def kind_cases() -> list[KindCase]:
    found = []
    for source in sorted(ROOT.glob("*/*.in.*")):
        stem, ext = source.name.split(".in.", 1)
        options_file = source.with_name(f"{stem}.toml")
        options = tomllib.loads(options_file.read_text()) if options_file.exists() else {}
        found.append(KindCase(source.parent.name, source, source.with_name(f"{stem}.out.{ext}"),
                              source.with_name(f"{stem}.findings"), options))
    return found


CASES = kind_cases()


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def expected_findings(case: KindCase) -> list[tuple[int, str, str]]:
    if not case.findings.exists():
        return []
    rows = []
    for line in case.findings.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            number, code, *state = line.split()
            rows.append((int(number), code, state[0] if state else "person"))
    return sorted(rows)


def state(finding) -> str:
    return "fixed" if finding.fixed else "info" if finding.level == "info" else "person"


def test_every_kind_has_fixtures() -> None:
    assert {kind.name for kind in all_kinds()} <= {case.kind for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kind_fixture(case: KindCase) -> None:
    assert case.expected.exists(), f"missing expected output {case.expected.name}"
    if not case.options.get("untouched-by-kind"):
        assert case.kind in [kind.name for kind in kinds_for(case.name)], f"{case.name} is not read by {case.kind}"
    result = rewrite_file(read(case.source), case.name, case.facts())
    assert result.text == read(case.expected)
    assert sorted((f.line, f.code, state(f)) for f in result.findings) == expected_findings(case)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_kind_second_run_changes_nothing(case: KindCase) -> None:
    expected = read(case.expected)
    again = rewrite_file(expected, case.name, case.facts())
    assert again.text == expected
    assert not [f for f in again.findings if f.fixed]
