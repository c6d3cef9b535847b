"""End to end: real dated-API programs run against a loopback Azure resource, are migrated, and run again.

Each program in tests/e2e/programs/ is copied, run with the real `openai` SDK in the environment of a real
dated-API deployment, migrated with `python -m codemod`, and run again. The migrated copy must send the same
operations, to the same deployments, with the same payloads, but on the v1 routes and without api-version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.azure_server import AzureServer, RecordedRequest, server_fixture

PROGRAMS = Path(__file__).parent / "e2e" / "programs"
API_KEY = "e2e-test-key-7f3a9c0d"
ENTRA_TOKEN = "e2e-entra-token-51d2b8e4"
DEPLOYMENTS = frozenset({"gpt-4o-prod-01", "gpt-4o-mini-eu", "gpt-4o-staging", "text-embedding-3-small"})
PROGRAM_TIMEOUT = 30
CHAT, EMBED, RESPONSES = "chat/completions", "embeddings", "responses"
PROD, EMBEDDING = "gpt-4o-prod-01", "text-embedding-3-small"
MINI, STAGING = "gpt-4o-mini-eu", "gpt-4o-staging"
KEYED, TOKENED = "api-key", "bearer-token"  # how the original requests authenticate
V1_AUTH = {KEYED: "bearer-key", TOKENED: TOKENED}  # the key moves to Authorization: Bearer on the v1 client


@dataclass(frozen=True)
class Expected:
    operations: tuple[tuple[str, str], ...]  # (operation, deployment) in the order the program sends them
    entra: bool = False  # authenticates with the Entra token (before and after) instead of the key
    migrate_exit: int = 0
    auths: tuple[str, ...] | None = None  # per request, when the program mixes credentials (copies)
    stays_dated: bool = False  # the tool must leave the program's clients on the dated API (and say why)
    flags: tuple[str, ...] = ()  # migrate with these options (--unsafe-fixes)
    before_api: str = "dated"  # "v1": the original already used the v1 routes with api-version=preview

    def auth_before(self) -> list[str]:
        return list(self.auths) if self.auths else [TOKENED if self.entra else KEYED] * len(self.operations)


EXPECTED: dict[str, Expected] = {
    "chat_sync": Expected(((CHAT, "gpt-4o-mini-eu"),)),
    "chat_async": Expected(((CHAT, PROD), (CHAT, PROD))),
    "chat_stream": Expected(((CHAT, PROD),)),
    "embeddings": Expected(((EMBED, EMBEDDING), (EMBED, EMBEDDING))),
    "responses_api": Expected(((RESPONSES, PROD),)),
    "entra_sync": Expected(((CHAT, PROD), (EMBED, EMBEDDING)), entra=True),
    "entra_async_sync_provider": Expected(((CHAT, PROD),), entra=True),
    "client_deployment": Expected(((CHAT, PROD), (CHAT, PROD))),
    "module_level": Expected(((CHAT, PROD),)),
    "module_level_env_key": Expected(((CHAT, PROD),)),
    "import_alias": Expected(((CHAT, PROD),)),
    "no_args_client": Expected(((CHAT, PROD),)),
    "default_query": Expected(((CHAT, PROD), (EMBED, EMBEDDING))),
    "extra_query": Expected(((CHAT, PROD), (CHAT, PROD))),
    "literal_model": Expected(((CHAT, PROD), (CHAT, PROD))),
    "entra_async_slow_sync_provider": Expected(((CHAT, PROD),), entra=True),
    # the client the check tests stays on the dated API and makes no request; the check needs a person (exit 1)
    "isinstance_branch": Expected(((CHAT, PROD),), migrate_exit=1),
    "annotated_parameters": Expected(((CHAT, PROD), (EMBED, EMBEDDING), (CHAT, PROD), (CHAT, PROD))),
    "base_url_ignores_azure_deployment": Expected(((CHAT, PROD), (EMBED, EMBEDDING))),
    "client_copies": Expected(
        ((CHAT, PROD), (EMBED, EMBEDDING), (CHAT, MINI), (CHAT, STAGING)), auths=(KEYED, TOKENED, KEYED, TOKENED)
    ),
    "async_copy_sync_provider": Expected(((CHAT, PROD), (CHAT, PROD)), auths=(KEYED, TOKENED)),
    "copies_of_a_deployment_client": Expected(((CHAT, MINI),) * 3),
    "deployment_bound_once": Expected(((EMBED, EMBEDDING), (CHAT, PROD), (CHAT, STAGING))),
    "rebound_deployment_stays_dated": Expected(((CHAT, PROD),) * 2, migrate_exit=1, stays_dated=True),
    "private_attribute_stays_dated": Expected(((CHAT, PROD),), migrate_exit=1, stays_dated=True),
    "settings_dict_branches": Expected(
        ((CHAT, PROD), (CHAT, PROD), (CHAT, PROD), (EMBED, EMBEDDING)), auths=(KEYED, TOKENED, TOKENED, KEYED)
    ),
    "settings_dict_passed_on_stays_dated": Expected(((CHAT, PROD),), migrate_exit=1, stays_dated=True),
    "base_url_module_constant": Expected(((CHAT, PROD), (EMBED, EMBEDDING))),
    "base_url_v1_variable_preview": Expected(((RESPONSES, PROD), (RESPONSES, MINI)), before_api="v1"),
    "base_url_variable_dated_stays": Expected(((CHAT, PROD),), migrate_exit=1, stays_dated=True),
    # README "Unsafe fixes": the factory's callers all pass the deployment, so the unsafe fix keeps the requests
    "factory_unsafe_fix": Expected(((CHAT, PROD),) * 2, flags=("--unsafe-fixes",)),
}


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str
    requests: tuple[RecordedRequest, ...]


def deployment_env(endpoint: str, **extra: str) -> dict[str, str]:
    """What a dated-API deployment has: the Azure variables set, OPENAI_API_KEY/OPENAI_BASE_URL absent."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}
    azure = {
        "AZURE_OPENAI_ENDPOINT": endpoint + "/",  # the portal shows endpoints with a trailing slash
        "AZURE_OPENAI_API_KEY": API_KEY,
        "OPENAI_API_VERSION": "2024-10-21",
        "E2E_ENTRA_TOKEN": ENTRA_TOKEN,  # what the programs' stand-in token providers return
        "AZURE_OPENAI_BASE_URL": endpoint + "/openai",  # a dated base URL (with a dated api_version)
        "AZURE_OPENAI_V1_BASE_URL": endpoint + "/openai/v1/",  # a v1 base URL (with api_version "preview")
    }
    return {**kept, **azure, **extra}


def run_program(path: Path, **extra_env: str) -> Run:
    with AzureServer(deployments=set(DEPLOYMENTS), api_keys={API_KEY}, tokens={ENTRA_TOKEN}) as server:
        done = subprocess.run(
            [sys.executable, path.name],
            cwd=path.parent,
            env=deployment_env(server.endpoint, **extra_env),
            capture_output=True,
            text=True,
            timeout=PROGRAM_TIMEOUT,
        )
        return Run(done.returncode, done.stdout, done.stderr, tuple(server.requests))


def copy_program(name: str, folder: Path) -> Path:
    return Path(shutil.copy(PROGRAMS / f"{name}.py", folder / f"{name}.py"))


def migrate(path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "codemod", "--quiet", *flags, str(path)]
    return subprocess.run(command, cwd=path.parent, capture_output=True, text=True, timeout=60)


def signature(request: RecordedRequest) -> tuple[str | None, str | None, str, dict[str, str]]:
    """Operation, deployment, JSON body with `model` set to the deployment, query without api-version."""
    body = dict(request.body or {})
    body["model"] = request.deployment  # v1 carries the deployment in `model`; dated in the path
    query = {key: value for key, value in request.query.items() if key != "api-version"}
    return request.operation, request.deployment, json.dumps(body, sort_keys=True), query


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        assert API_KEY not in text and ENTRA_TOKEN not in text, "a credential leaked into output"


def describe(run: Run) -> str:
    return f"exit {run.exit_code}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr[-3000:]}"


@dataclass(frozen=True)
class Trial:
    """One program copied, run, migrated in place and run again (steps in that order)."""

    program: Path  # the migrated copy
    before: Run
    migration: subprocess.CompletedProcess[str]
    migrated_source: str
    after: Run


def try_program(name: str, folder: Path) -> Trial:
    program = copy_program(name, folder)
    before = run_program(program)
    migration = migrate(program, *EXPECTED[name].flags) if name in EXPECTED else migrate(program)
    return Trial(program, before, migration, program.read_text(), run_program(program))


@pytest.fixture(scope="module")
def trials(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Future[Trial]]]:
    """Tries every program this session selected, two at a time in the background, once each."""
    names = sorted(
        {
            item.callspec.params["name"]
            for item in request.session.items
            if "trials" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec")
        }
    )
    pool = ThreadPoolExecutor(max_workers=2)
    folders = {name: tmp_path_factory.mktemp(name) for name in names}
    yield {name: pool.submit(try_program, name, folder) for name, folder in folders.items()}
    pool.shutdown(cancel_futures=True)


def test_every_program_has_an_expectation() -> None:
    assert {path.stem for path in PROGRAMS.glob("*.py")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_original_program_uses_the_dated_api(name: str, trials: dict[str, Future[Trial]]) -> None:
    run, expected = trials[name].result().before, EXPECTED[name]
    assert run.exit_code == 0, describe(run)
    assert [(r.operation, r.deployment) for r in run.requests] == list(expected.operations)
    assert all(r.api == expected.before_api and "api-version" in r.query and r.status == 200 for r in run.requests)
    assert [r.auth for r in run.requests] == expected.auth_before()
    assert_no_secrets(run.stdout, run.stderr)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_migrated_program_sends_the_same_requests_to_v1(name: str, trials: dict[str, Future[Trial]]) -> None:
    trial, expected = trials[name].result(), EXPECTED[name]
    before, migration, after = trial.before, trial.migration, trial.after
    assert before.exit_code == 0, describe(before)
    assert_no_secrets(migration.stdout, migration.stderr)
    assert migration.returncode == expected.migrate_exit, migration.stdout + migration.stderr

    assert after.exit_code == 0, describe(after) + "\nmigrated source:\n" + trial.migrated_source
    assert after.stdout == before.stdout
    assert_no_secrets(after.stdout, after.stderr)
    if expected.stays_dated:  # left alone, with a finding: the very same dated requests
        assert "AOAI1" in migration.stdout, migration.stdout
        assert [(r.path, r.query, signature(r), r.auth) for r in after.requests] == [
            (r.path, r.query, signature(r), r.auth) for r in before.requests
        ]
        return
    assert trial.migrated_source != (PROGRAMS / f"{name}.py").read_text(), "the program was not rewritten"
    assert all(r.path.startswith("/openai/v1/") and r.status == 200 for r in after.requests), after.requests
    if expected.before_api == "dated":
        assert all("api-version" not in r.query for r in after.requests)
    else:  # the v1 API's own "preview" turns on preview features: kept where the original sent it (AOAI103)
        assert [r.query for r in after.requests] == [r.query for r in before.requests]
    assert [signature(r) for r in after.requests] == [signature(r) for r in before.requests]
    assert [r.auth for r in after.requests] == [V1_AUTH[auth] for auth in expected.auth_before()]


@pytest.mark.parametrize("name", ["literal_model"])
def test_migrated_literal_deployment_is_read_from_its_variable(name: str, trials: dict[str, Future[Trial]]):
    """AOAI201: the literal stays the default; AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01 redirects requests."""
    trial = trials[name].result()
    assert trial.migration.returncode == EXPECTED[name].migrate_exit
    assert "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01" not in deployment_env("")
    default = trial.after  # run in the deployment environment, where the variable is unset
    assert default.exit_code == 0, describe(default)
    assert [(r.api, r.deployment) for r in default.requests] == [("v1", PROD)] * 2

    redirected = run_program(trial.program, AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01="gpt-4o-staging")
    assert redirected.exit_code == 0, describe(redirected)
    assert [(r.api, r.deployment) for r in redirected.requests] == [("v1", "gpt-4o-staging")] * 2
    assert "gpt-4o-staging" in redirected.stdout


def test_without_unsafe_fixes_the_factory_program_is_left_alone(tmp_path: Path) -> None:
    """The refused variant of factory_unsafe_fix: without the flag nothing is written, and the finding says an
    unsafe fix is available."""
    program = copy_program("factory_unsafe_fix", tmp_path)
    migration = migrate(program)
    assert migration.returncode == 1
    assert program.read_text() == (PROGRAMS / "factory_unsafe_fix.py").read_text()
    assert "AOAI105" in migration.stdout and "Unsafe fix (--unsafe-fixes)" in migration.stdout


MULTI = Path(__file__).parent / "e2e" / "multi"


def _factory_project(tmp_path: Path) -> Path:
    folder = Path(shutil.copytree(MULTI / "factory_across_files", tmp_path / "factory_across_files"))
    (folder / "pyproject.toml").write_text("")  # the project around the factory: what the tool reads beside a run
    return folder


def test_factory_used_across_files_moves_and_sends_the_same_requests(tmp_path: Path) -> None:
    """AOAI105 one call deep: the factory's client moves, and the requests made in main.py through it get the
    deployment as model=, so they reach the same deployment on the v1 routes."""
    folder = _factory_project(tmp_path)
    before = run_program(folder / "main.py")
    migration = subprocess.run([sys.executable, "-m", "codemod", "--quiet", str(folder)], capture_output=True,
                               text=True, timeout=60)
    after = run_program(folder / "main.py")
    assert before.exit_code == 0 and migration.returncode == 0, describe(before) + migration.stdout
    assert "AzureOpenAI" not in (folder / "llm.py").read_text()
    assert after.exit_code == 0 and after.stdout == before.stdout, describe(after)
    assert [(r.api, r.deployment) for r in before.requests] == [("dated", PROD)] * 2
    assert all(r.path.startswith("/openai/v1/") and "api-version" not in r.query for r in after.requests)
    assert [signature(r) for r in after.requests] == [signature(r) for r in before.requests]


def test_factory_used_outside_the_run_is_left_alone(tmp_path: Path) -> None:
    """The refused variant: only llm.py is migrated, and main.py, beside the run, uses the factory."""
    folder = _factory_project(tmp_path)
    migration = migrate(folder / "llm.py")
    assert migration.returncode == 1
    assert "main.py (not part of this run) imports it" in migration.stdout
    for name in ("llm.py", "main.py"):
        assert (folder / name).read_text() == (MULTI / "factory_across_files" / name).read_text()


def test_a_private_attribute_read_in_another_file_keeps_the_client_dated(tmp_path: Path) -> None:
    """main.py reads services.state.chat_client._api_version, where services.py stores the client: the client
    stays on the dated API, reported, and the program runs as before. Migrated without main.py in the run (the
    tool cannot see the read), the program fails: OpenAI has no _api_version."""
    source = MULTI / "private_attribute_across_files"
    folder = Path(shutil.copytree(source, tmp_path / "kept"))
    before = run_program(folder / "main.py")
    migration = migrate(folder)
    after = run_program(folder / "main.py")
    assert before.exit_code == 0 and migration.returncode == 1, describe(before) + migration.stdout
    assert "main.py:6 reads AzureOpenAI's private attribute _api_version" in migration.stdout
    assert (folder / "services.py").read_text() == (source / "services.py").read_text()
    assert after.exit_code == 0 and after.stdout == before.stdout, describe(after)
    assert [(r.api, r.deployment) for r in after.requests] == [("dated", PROD)]
    unseen = Path(shutil.copytree(source, tmp_path / "unseen"))
    assert migrate(unseen / "services.py").returncode == 0
    broken = run_program(unseen / "main.py")
    assert broken.exit_code != 0 and "AttributeError" in broken.stderr and "_api_version" in broken.stderr


def heartbeats_during_token_fetches(run: Run) -> int:
    match = re.search(r"token fetches: (\d+); heartbeats during them: (\d+)", run.stderr)
    assert match is not None and int(match.group(1)) >= 1, describe(run)
    return int(match.group(2))


@pytest.mark.parametrize("name", ["entra_async_slow_sync_provider"])
def test_sync_token_provider_no_longer_blocks_the_event_loop(name: str, trials: dict[str, Future[Trial]]):
    """AOAI104's adapter runs a synchronous provider in a worker thread: another task keeps running while a
    token is fetched (about 60 heartbeats in 0.6 s when idle), where the dated client stopped the loop."""
    trial = trials[name].result()
    assert trial.before.exit_code == 0 and trial.after.exit_code == 0, describe(trial.after)
    assert heartbeats_during_token_fetches(trial.before) == 0  # the dated client fetched on the loop
    assert heartbeats_during_token_fetches(trial.after) >= 3, trial.migrated_source
    assert [r.auth for r in trial.after.requests] == ["bearer-token"]


# The loopback server itself: the checks above are only as strict as these rules.


def call(server: AzureServer, path: str, body: Any = None, **headers: str) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data else "GET"
    request = urllib.request.Request(server.endpoint + path, data=data, headers=headers, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


server = server_fixture(deployments={PROD}, api_keys={API_KEY}, tokens={ENTRA_TOKEN})


CHAT_BODY = {"model": PROD, "messages": [{"role": "user", "content": "hi"}]}
KEY = {"api-key": API_KEY}


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        (f"/openai/deployments/{PROD}/chat/completions?api-version=2024-10-21", CHAT_BODY, 200, None),
        (f"/openai/deployments/{PROD}/chat/completions", CHAT_BODY, 400, "MissingApiVersionParameter"),
        ("/openai/deployments/gpt-4o/chat/completions?api-version=1", CHAT_BODY, 404, "DeploymentNotFound"),
        ("/openai/responses", CHAT_BODY, 400, "MissingApiVersionParameter"),
        ("/openai/v1/chat/completions", CHAT_BODY, 200, None),
        ("/openai/v1/chat/completions?api-version=2024-10-21", CHAT_BODY, 400, "BadRequest"),
        ("/openai/v1/chat/completions?api-version=preview", CHAT_BODY, 200, None),
        ("/openai/v1/chat/completions?api-version=v1", CHAT_BODY, 200, None),
        ("/openai/v1/chat/completions?api-version=latest", CHAT_BODY, 400, "BadRequest"),
        ("/openai/v1/embeddings", {"model": "gpt-4o", "input": "x"}, 404, "DeploymentNotFound"),
        ("/openai/chat/completions", CHAT_BODY, 404, "404"),
    ],
)
def test_server_routes(server: AzureServer, path: str, body: Any, status: int, code: str | None) -> None:
    answer_status, answer = call(server, path, body, **KEY)
    assert answer_status == status
    assert answer.get("error", {}).get("code") == code


@pytest.mark.parametrize(
    ("headers", "status", "auth"),
    [
        ({"api-key": API_KEY}, 200, "api-key"),
        ({"Authorization": f"Bearer {API_KEY}"}, 200, "bearer-key"),
        ({"Authorization": f"Bearer {ENTRA_TOKEN}"}, 200, "bearer-token"),
        ({"api-key": ENTRA_TOKEN}, 401, None),
        ({"Authorization": "Bearer wrong"}, 401, None),
        ({}, 401, None),
    ],
)
def test_server_authentication(server: AzureServer, headers: dict[str, str], status: int, auth: str | None):
    assert call(server, "/openai/v1/models", **headers)[0] == status
    assert server.requests[-1].auth == auth
    assert_no_secrets(repr(server.requests))


def test_server_records_requests_and_honours_delay(server: AzureServer) -> None:
    server.delay = 0.3
    started = time.monotonic()
    status, answer = call(server, "/openai/v1/chat/completions?x=1", CHAT_BODY, **KEY)
    assert time.monotonic() - started >= 0.3
    assert status == 200 and answer["choices"][0]["message"]["content"] == f"Hello from {PROD}."
    (recorded,) = server.requests
    assert (recorded.method, recorded.path) == ("POST", "/openai/v1/chat/completions")
    assert recorded.query == {"x": "1"}
    assert (recorded.body, recorded.headers["content-type"]) == (CHAT_BODY, "application/json")
    assert (recorded.api, recorded.operation, recorded.deployment) == ("v1", CHAT, PROD)
