"""End to end with the real langchain-openai package: LangChain programs on Azure's dated API run against the
loopback Azure server, are migrated (AOAI501), and run again. The migrated program must send the same payloads
to the same deployments, on the v1 routes only. Every run has a network guard on PYTHONPATH
(tests/e2e/network_guard/sitecustomize.py): nothing may connect beyond 127.0.0.1, tiktoken's download included."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_e2e import (
    CHAT,
    EMBED,
    EMBEDDING,
    PROD,
    TOKENED,
    V1_AUTH,
    Run,
    assert_no_secrets,
    describe,
    migrate,
    signature,
)
from tests.test_e2e import run_program as _run_program

pytest.importorskip("langchain_openai")

PROGRAMS = Path(__file__).parent / "e2e" / "langchain"
GUARD = Path(__file__).parent / "e2e" / "network_guard"
KEYED = "api-key"
COMPLETIONS, MINI, STAGING = "completions", "gpt-4o-mini-eu", "gpt-4o-staging"


@dataclass(frozen=True)
class Expected:
    operations: tuple[tuple[str, str], ...]
    auths: tuple[str, ...]  # how the original requests authenticate, in order
    env: tuple[tuple[str, str], ...] = ()
    checks: tuple[str, ...] = ()  # the codes of the findings that need a person (the migration then exits 1)


EXPECTED = {
    "chat_and_embeddings_key": Expected(((CHAT, PROD),) * 4 + ((EMBED, EMBEDDING),) * 2, (KEYED,) * 6),
    "completion_llm_and_async_provider": Expected(  # /completions is not on the v1 GA list: AOAI304, checked by hand
        ((COMPLETIONS, MINI), (CHAT, STAGING), (CHAT, STAGING)), (KEYED, TOKENED, TOKENED), checks=("AOAI304",)
    ),
    "model_read_at_run_time": Expected(((CHAT, PROD),), (KEYED,), (("CHAT_MODEL", "gpt-4o"),)),
    "settings_that_may_be_none": Expected(((CHAT, PROD), (EMBED, EMBEDDING)), (KEYED, KEYED)),
    "entra_provider_tokens": Expected(
        ((CHAT, PROD),) * 3 + ((EMBED, EMBEDDING),) * 2,
        (TOKENED,) * 5,
        (("CHAT_DEPLOYMENT", PROD), ("EMBEDDING_DEPLOYMENT", EMBEDDING), ("E2E_FAKE_TIKTOKEN", "1")),
    ),
}


def run_program(path: Path, tiktoken_cache: Path, **env: str) -> Run:
    # an empty tiktoken cache: a download, if the program tried one, would have to go through the guard
    return _run_program(path, PYTHONPATH=str(GUARD), TIKTOKEN_CACHE_DIR=str(tiktoken_cache), **env)


@dataclass(frozen=True)
class Trial:
    before: Run
    migration: subprocess.CompletedProcess[str]
    source: str
    after: Run


def try_program(name: str, folder: Path) -> Trial:
    program = Path(shutil.copy(PROGRAMS / f"{name}.py", folder / f"{name}.py"))
    cache = folder / "tiktoken-cache"
    cache.mkdir()
    env = dict(EXPECTED[name].env)
    before = run_program(program, cache, **env)
    migration = migrate(program)
    return Trial(before, migration, program.read_text(), run_program(program, cache, **env))


@pytest.fixture(scope="module")
def trials(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Trial]]]:
    pool = ThreadPoolExecutor(max_workers=2)
    yield {name: pool.submit(try_program, name, tmp_path_factory.mktemp(name)) for name in EXPECTED}
    pool.shutdown(cancel_futures=True)


def test_every_program_has_an_expectation() -> None:
    assert {path.stem for path in PROGRAMS.glob("*.py")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_original_program_uses_the_dated_api(name: str, trials: dict[str, Future[Trial]]) -> None:
    run, expected = trials[name].result().before, EXPECTED[name]
    assert run.exit_code == 0, describe(run)
    assert [(r.operation, r.deployment) for r in run.requests] == list(expected.operations)
    assert all(r.api == "dated" and "api-version" in r.query and r.status == 200 for r in run.requests)
    assert [r.auth for r in run.requests] == list(expected.auths)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_sends_the_same_payloads_to_v1(name: str, trials: dict[str, Future[Trial]]) -> None:
    trial, expected = trials[name].result(), EXPECTED[name]
    before, after = trial.before, trial.after
    assert before.exit_code == 0, describe(before)
    said = trial.migration.stdout + trial.migration.stderr
    assert trial.migration.returncode == (1 if expected.checks else 0), said
    assert sorted(set(re.findall(r"\bAOAI\d{3}\b", said))) == sorted(expected.checks), said
    assert not re.search(r"\bAzure(ChatOpenAI|OpenAIEmbeddings|OpenAI)\b", trial.source), trial.source
    assert after.exit_code == 0, describe(after) + "\nmigrated source:\n" + trial.source
    assert after.stdout == before.stdout
    assert all(r.path.startswith("/openai/v1/") and r.status == 200 for r in after.requests), after.requests
    assert all("api-version" not in r.query for r in after.requests)
    assert [signature(r) for r in after.requests] == [signature(r) for r in before.requests]
    assert [r.auth for r in after.requests] == [V1_AUTH[auth] for auth in expected.auths]
    assert_no_secrets(before.stdout, before.stderr, after.stdout, after.stderr, trial.migration.stdout)


def test_token_counting_goes_by_the_same_model_name(trials: dict[str, Future[Trial]]) -> None:
    """Embeddings that count tokens send token ids: tiktoken is asked for the same model before and after
    (the base model, not the deployment), so the ids are the same."""
    trial = trials["entra_provider_tokens"].result()
    asked = [re.findall(r"tiktoken (?:model|encoding): (\S+)", run.stderr) for run in (trial.before, trial.after)]
    assert asked[0] and asked[0] == asked[1], asked
    bodies = [r.body["input"] for r in trial.after.requests if r.operation == EMBED]
    assert all(isinstance(item, list) for body in bodies for item in body), bodies  # token ids, not text


def test_the_network_guard_refuses_what_is_not_loopback(tmp_path: Path) -> None:
    """The guard is real: under it, a connection elsewhere fails, and tiktoken's first use (a download) fails."""
    code = (
        "import socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 443), timeout=2)\nexcept OSError as e:\n    print(e)\n"
        "import tiktoken\n"
        "try:\n    tiktoken.get_encoding('cl100k_base')\n"
        "except Exception as e:\n    print('tiktoken:', e)\n"
    )
    env = {"PYTHONPATH": str(GUARD), "TIKTOKEN_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "e2e network guard: no connection to 192.0.2.1" in done.stdout, done.stdout + done.stderr
    tiktoken_line = next((line for line in done.stdout.splitlines() if line.startswith("tiktoken: ")), "")
    assert "e2e network guard" in tiktoken_line, done.stdout + done.stderr  # its download met the guard
    assert not list(tmp_path.iterdir())
