"""End to end, for code already on the v1 API: "bad migration" programs (tests/e2e/programs/bad_migrations/), each
a shape that hand and agent migrations shipped, run with the real `openai` SDK against the loopback Azure resource
(tests/azure_server.py). Each fails before; after `aoai-migrate` it either sends the requests its author intended
to the v1 routes, or the run carries a finding that names the problem (and exits 1)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_e2e import (
    CHAT,
    EMBED,
    EMBEDDING,
    PROD,
    PROGRAMS,
    Run,
    assert_no_secrets,
    describe,
    run_program,
)

BAD = PROGRAMS / "bad_migrations"
KEY, TOKEN = "bearer-key", "bearer-token"  # how the v1 requests authenticate


@dataclass(frozen=True)
class Fixed:
    """After the run: these requests, on the v1 routes, all answered 200."""

    operations: tuple[tuple[str, str], ...]
    auth: str = KEY
    codes: tuple[str, ...] = ()  # codes of the fixed findings the run lists


@dataclass(frozen=True)
class Reported:
    """After the run: still failing, and a finding with this code names the problem."""

    code: str
    says: str


EXPECTED: dict[str, Fixed | Reported] = {
    "base_url_without_v1_path": Reported("AOAI401", '.rstrip("/") + "/openai/v1/"'),
    "sync_provider_on_async_client": Fixed(((CHAT, PROD),), TOKEN, ("AOAI402",)),
    "api_version_on_openai": Fixed(((CHAT, PROD),), codes=("AOAI403",)),
    "api_version_query_on_v1": Fixed(((EMBED, EMBEDDING),), codes=("AOAI403",)),
    "extra_query_api_version_on_v1": Fixed(((CHAT, PROD),), codes=("AOAI403",)),
    "azure_ad_token_provider_on_openai": Fixed(((CHAT, PROD),), TOKEN, ("AOAI403",)),
    "async_azure_ad_token_provider_on_async_openai": Fixed(((CHAT, PROD),), TOKEN, ("AOAI403",)),
    "azure_endpoint_on_openai": Fixed(((CHAT, PROD),), codes=("AOAI403",)),
    "azure_openai_on_v1_url": Fixed(((CHAT, PROD), (EMBED, EMBEDDING)), codes=("AOAI404", "AOAI101")),
}


@dataclass(frozen=True)
class Trial:
    before: Run
    migration_stdout: str
    migration_exit: int
    migrated_source: str
    after: Run


def try_program(name: str, folder: Path) -> Trial:
    program = Path(shutil.copy(BAD / f"{name}.py", folder / f"{name}.py"))
    before = run_program(program)
    # --verbose lists the fixed findings too: the run must say what it repaired
    command = [sys.executable, "-m", "codemod", "--verbose", str(program)]
    migration = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60)
    return Trial(before, migration.stdout, migration.returncode, program.read_text(), run_program(program))


class _Trials(dict):
    """Each program tried once in this process, when a test first asks for it: the tests of one program may run in
    another test worker, which then tries only the programs its own tests ask for."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory

    def __missing__(self, name: str) -> Trial:
        self[name] = try_program(name, self.factory.mktemp(name))
        return self[name]


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Trial]:
    return _Trials(tmp_path_factory)


def test_every_bad_migration_program_has_an_expectation() -> None:
    assert {path.stem for path in BAD.glob("*.py")} == set(EXPECTED)
    assert len(EXPECTED) >= 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_program_fails_before_the_fix(name: str, trials: dict[str, Trial]) -> None:
    before = trials[name].before
    failed = before.exit_code != 0 or any(r.status != 200 for r in before.requests)
    assert failed, describe(before)
    assert_no_secrets(before.stdout, before.stderr)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_after_the_run_it_sends_the_intended_requests_or_names_the_problem(name: str, trials: dict[str, Trial]):
    trial, expected = trials[name], EXPECTED[name]
    after = trial.after
    assert_no_secrets(trial.migration_stdout, after.stdout, after.stderr)
    if isinstance(expected, Reported):
        assert trial.migration_exit == 1, trial.migration_stdout
        assert f" {expected.code} " in trial.migration_stdout and expected.says in trial.migration_stdout
        assert trial.migrated_source == (BAD / f"{name}.py").read_text()  # reported, not rewritten
        return
    assert trial.migration_exit == 0, trial.migration_stdout
    assert after.exit_code == 0, describe(after) + "\nmigrated source:\n" + trial.migrated_source
    assert [(r.api, r.operation, r.deployment) for r in after.requests] == [
        ("v1", operation, deployment) for operation, deployment in expected.operations
    ]
    # No dated api-version reaches the v1 API; its own "preview" (which turns on preview features) is kept.
    assert all(r.status == 200 and r.query.get("api-version") in (None, "preview") for r in after.requests), (
        after.requests
    )
    assert {r.auth for r in after.requests} == {expected.auth}
    for code in expected.codes:
        assert f" {code} " in trial.migration_stdout, trial.migration_stdout
