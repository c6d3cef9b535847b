"""Every fixture pair: the output matches byte for byte, parses, and a second run changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import libcst as cst
import pytest

from codemod.migration import Options
from codemod.run.config import _from_table, tomllib
from codemod.run.runner import migrate_file
from tests.fixture_cases import Case, cases

ALL = cases()


def options_for(case: Case) -> Options:
    if case.options is None:
        return Options()
    cfg = _from_table(tomllib.loads(case.options.read_text()), case.options)
    return Options(
        select=frozenset(cfg.select) if cfg.select else None,
        ignore=frozenset(cfg.ignore),
        require_env=cfg.require_env,
        unsafe_fixes=cfg.unsafe_fixes,
        deployment_prefix=cfg.deployment_prefix,
        deployments=cfg.deployments,
    )


def expected_findings(case: Case) -> list[tuple[int, str]]:
    if case.findings is None:
        return []
    out = []
    for line in case.findings.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            number, code = line.split()
            out.append((int(number), code))
    return sorted(out)


def run_case(case: Case, tmp_path: Path, name: str | None = None) -> tuple[bytes, list]:
    work = tmp_path / (name or case.source.name.replace(".in.", "."))
    shutil.copyfile(case.source, work)
    outcome = migrate_file(work, options_for(case))
    assert outcome.status in ("changed", "unchanged", "skipped"), outcome.error
    return (outcome.new if outcome.status == "changed" else outcome.original), outcome.findings


def test_there_are_fixtures_for_every_rewrite_rule() -> None:
    folders = {c.source.parent.name for c in ALL}
    for folder in ("client_class", "endpoint", "api_version", "credentials", "client_deployment",
                   "module_client", "legacy_sdk", "deployment_names", "untouched", "formatting"):
        assert folder in folders, f"no fixtures in fixtures/{folder}"


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_fixture(case: Case, tmp_path: Path) -> None:
    assert case.expected.exists(), f"missing expected output {case.expected.name}"
    output, findings = run_case(case, tmp_path)
    assert output == case.expected.read_bytes()
    if case.source.suffix == ".py":
        cst.parse_module(output)  # output always parses
        compile(output, str(case.source), "exec")
    person = sorted((f.line, f.code) for f in findings if f.needs_person)
    assert person == expected_findings(case)


def test_every_changed_fixture_says_what_changed(tmp_path: Path) -> None:
    """A file the run changes has at least one finding (a fixed one at least): the reports (JSON, SARIF, the pull
    request body) list each change; an import renamed alone, or an annotation, used to change a file in silence."""
    silent = []
    for case in ALL:
        output, findings = run_case(case, tmp_path)
        if output != case.source.read_bytes() and not findings:
            silent.append(case.id)
    assert not silent


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_second_run_changes_nothing(case: Case, tmp_path: Path) -> None:
    work = tmp_path / ("again" + case.expected.suffix)
    shutil.copyfile(case.expected, work)
    outcome = migrate_file(work, options_for(case))
    assert outcome.status in ("unchanged", "skipped"), (outcome.status, outcome.error)
