"""End to end, generated: dated-API programs drawn from a space of realistic client variants run against the
loopback Azure resource, are migrated with `python -m codemod`, and run again.

Where tests/test_e2e.py runs hand-written programs, this test draws them (tests/generated/space.py lists the
variant space, tests/generated/render.py writes it as source): sync or async client, its class imported as
`from openai import ...` (aliased or not), `import openai [as oa]` or from `openai.lib.azure`; the endpoint as a
literal, constant, f-string, `os.environ[...]`/`.get`/`os.getenv` (with a default) or left to
AZURE_OPENAI_ENDPOINT, with zero to two trailing slashes, or a `base_url=` ending in `/openai` (which makes the SDK
ignore `azure_deployment`) or naming `/openai/deployments/D`; the credential as an API key (literal, constant, from
the environment, or left to AZURE_OPENAI_API_KEY), a token provider (def, async def, lambda, factory result,
azure.identity[.aio] `get_bearer_token_provider` through a stand-in package) or a token, with the other credential
arguments optionally passed as None; api_version as a literal, constant, from the environment or left to
OPENAI_API_VERSION; an optional client-level `azure_deployment` (literal, constant, variable, parameter,
`self.deployment`, environment, or an unset variable that reads None), whose name may be bound again after the
client (reassigned, `+=`, `:=`, `del`, `global` or `nonlocal` in a function, a for loop around the requests, a new
binding where the requests are made); `default_query` (api-version and/or another key, inline or a constant),
`default_headers`, `timeout`/`max_retries`, or all of it through `**settings`; the client in a module variable, a
function local, a `with` block, `self.client` or returned by a factory, annotated (`X`, `Optional[X]`,
`X | None`, `"X"`, `Union[OpenAI, X]`, also in the class body), checked with `isinstance` / `issubclass`, its
private `_api_version` / `_azure_*` attributes read (as an attribute, with `getattr(..., None)` or `hasattr`),
built in an `if ... else OpenAI()` fallback, passed to a helper function, next to a second Azure client; copies
(`copy()` / `with_options()`, copies of copies) with their own `api_version`, `default_query`, `timeout`, token
provider, token or key; then one to three requests (chat, streamed chat, completions, embeddings, responses)
through the client or a copy, with the model as a literal, constant or variable, called directly, through
`with_options(...)`, a derived client, `with_raw_response` or `**params`, optionally with `extra_query`
(api-version and/or another key, inline or a constant). Every generated program is valid for the dated client:
its original run must succeed, or the generator is wrong.

The property (SPEC.md, guarantee 1): each request of the migrated program is the original's (operation,
deployment, payload with `model` read as the deployment, query without api-version, custom header), either on a v1
route without api-version, authenticated with the same credential as a bearer token, or still on the dated route
with the same credential because the tool left that client alone and printed a finding that needs a person. The
migrated program prints the same; the migration exits 0 or 1 (1 exactly when a finding needs a person), prints no
credential, its output compiles, and a second migration changes nothing (guarantee 4).

AOAI_E2E_EXAMPLES sets the number of examples (default 10, about 25 s on a busy 2-core machine: each example runs
two programs that import openai and two migrations, two processes at a time). Kinds of programs the tool is known
to get wrong are not drawn (KNOWN_TOOL_BUGS); each has a strict xfail in tests/test_known_failures.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings

import tests.azure_server as azure_server
from tests.azure_server import AzureServer, RecordedRequest
from tests.generated.render import DEPLOYMENT_VARIABLE, TEAM_HEADER, render
from tests.generated.space import Program, programs
from tests.test_e2e import (
    API_KEY,
    DEPLOYMENTS,
    ENTRA_TOKEN,
    PROGRAM_TIMEOUT,
    Run,
    assert_no_secrets,
    deployment_env,
    describe,
    signature,
)

EXAMPLES = int(os.environ.get("AOAI_E2E_EXAMPLES", "10"))
IDENTITY_STUB = {  # azure-identity is not installed; these behave like its providers (sync, and async in .aio)
    "azure/__init__.py": "",
    "azure/identity/__init__.py": (
        "import os\n\n\nclass DefaultAzureCredential:\n    pass\n\n\n"
        "def get_bearer_token_provider(credential, *scopes):\n"
        "    def provider():\n        return os.environ['E2E_ENTRA_TOKEN']\n\n    return provider\n"
    ),
    "azure/identity/aio/__init__.py": (
        "import os\n\n\nclass DefaultAzureCredential:\n    pass\n\n\n"
        "def get_bearer_token_provider(credential, *scopes):\n"
        "    async def provider():\n        return os.environ['E2E_ENTRA_TOKEN']\n\n    return provider\n"
    ),
}

# Generated variants on which the tool is known to break behaviour: name -> predicate over `Program`. Such variants
# are not drawn; each entry names its strict xfail in tests/test_known_failures.py (the minimal program, what the
# tool does and what it should do). Remove the entry when that test passes, so the property covers them again.
KNOWN_TOOL_BUGS: dict[str, Callable[[Program], bool]] = {}


def known_tool_bug(program: Program) -> str | None:
    return next((name for name, applies in KNOWN_TOOL_BUGS.items() if applies(program)), None)


# Running, migrating and comparing.


@pytest.fixture(scope="module")
def azure() -> Iterator[AzureServer]:
    """One loopback resource for the module (literal endpoints in the programs name its port); each run clears
    its log. The custom header sent through default_headers is recorded too."""
    recorded = azure_server.RECORDED_HEADERS
    azure_server.RECORDED_HEADERS = (*recorded, TEAM_HEADER)
    try:
        with AzureServer(deployments=set(DEPLOYMENTS), api_keys={API_KEY}, tokens={ENTRA_TOKEN}) as server:
            yield server
    finally:
        azure_server.RECORDED_HEADERS = recorded


def program_env(program: Program, server: AzureServer) -> dict[str, str]:
    extra = {
        "AZURE_OPENAI_ENDPOINT": server.endpoint + program.slash,
        "OPENAI_API_VERSION": program.version,
        "E2E_HOST": server.endpoint.removeprefix("http://"),
    }
    if program.deployment is not None:
        extra[DEPLOYMENT_VARIABLE] = program.deployment
    return deployment_env(server.endpoint, **extra)


def run_on(server: AzureServer, path: Path, env: dict[str, str]) -> Run:
    server.requests.clear()
    done = subprocess.run([sys.executable, path.name], cwd=path.parent, env=env, capture_output=True, text=True,
                          timeout=PROGRAM_TIMEOUT)
    return Run(done.returncode, done.stdout, done.stderr, tuple(server.requests))


@dataclass(frozen=True)
class Migration:
    exit_code: int
    findings: list[dict[str, Any]]  # the JSON report
    output: str
    source: str  # the file after the run

    @property
    def needs_person(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if not f["fixed"] and f["level"] != "info"]


def migrate_in_place(path: Path) -> Migration:
    command = [sys.executable, "-m", "codemod", "--output-format", "json", str(path)]
    done = subprocess.run(command, cwd=path.parent, capture_output=True, text=True, timeout=60)
    output = done.stdout + done.stderr
    assert done.stdout.strip(), output  # every generated program has findings (at least the rewrites)
    return Migration(done.returncode, json.loads(done.stdout), output, path.read_text(encoding="utf-8"))


def write(folder: Path, source: str) -> Path:
    """app.py in a new folder, next to the azure.identity stand-in (the tool is only given app.py)."""
    for name, text in IDENTITY_STUB.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "app.py"
    path.write_text(source, encoding="utf-8")
    return path


def compared(request: RecordedRequest) -> tuple[Any, ...]:
    """What must not change: operation, deployment, payload (model aside), query (api-version aside), header."""
    return (*signature(request), request.headers.get(TEAM_HEADER))


def check(program: Program, server: AzureServer, workdir: Path) -> None:
    source = render(program, server.endpoint)
    note(f"program:\n{source}")
    env = program_env(program, server)
    original, migrated = write(workdir / "before", source), write(workdir / "after", source)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the original runs while a copy is migrated
        running = pool.submit(run_on, server, original, env)
        migration = migrate_in_place(migrated)
        before = running.result()

    # The generator's promise: a valid dated-API program that succeeds.
    assert before.exit_code == 0, "generator flaw: the original fails\n" + describe(before)
    assert [(r.operation, r.deployment) for r in before.requests] == program.expected_operations(), before.requests
    assert all(r.api == "dated" and "api-version" in r.query and r.status == 200 for r in before.requests)
    assert [r.auth for r in before.requests] == program.expected_auth()

    note(f"migration exit {migration.exit_code}:\n{migration.output}\nmigrated:\n{migration.source}")
    assert_no_secrets(migration.output)
    assert migration.exit_code == (1 if migration.needs_person else 0), migration.output
    compile(migration.source, str(migrated), "exec")

    again = write(workdir / "again", migration.source)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the migrated copy runs while it is migrated once more
        second_run = pool.submit(migrate_in_place, again)
        after = run_on(server, migrated, env)
        second = second_run.result()
    assert second.exit_code in (0, 1), second.output
    assert second.source == migration.source, "a second migration changed the file"

    note(f"migrated run: {describe(after)}\nrequests: {after.requests}")
    assert after.exit_code == 0, "the migrated program fails"
    assert after.stdout == before.stdout
    assert_no_secrets(after.stdout, after.stderr)
    assert [compared(r) for r in after.requests] == [compared(r) for r in before.requests]
    assert all(r.status == 200 for r in after.requests)
    v1_auth = {"api-key": "bearer-key", "bearer-token": "bearer-token"}  # the key moves to Authorization: Bearer
    for old, new in zip(before.requests, after.requests, strict=True):
        if new.api == "v1":
            assert new.path.startswith("/openai/v1/") and "api-version" not in new.query, new
            assert new.auth == v1_auth[old.auth], new
        else:
            assert new.api == "dated" and new.auth == old.auth, new
    reasons = sorted({f["code"] for f in migration.needs_person if f["code"].startswith("AOAI1")})
    if all(r.api == "v1" for r in after.requests):
        event("every client migrated to v1")
    else:
        event(f"a client left on the dated API, reported: {', '.join(reasons)}")
        assert reasons, "a client was left on the dated API without a finding that says why"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(program=programs().filter(lambda p: known_tool_bug(p) is None))
def test_generated_program_sends_the_same_requests_after_migration(program: Program, azure: AzureServer) -> None:
    with tempfile.TemporaryDirectory(prefix="aoai-e2e-") as folder:
        check(program, azure, Path(folder))


@settings(max_examples=300, deadline=None)
@given(program=programs())
def test_generated_programs_are_valid_python(program: Program) -> None:
    """Cheap guard for the renderer (no server, no subprocess): every drawn program compiles."""
    compile(render(program, "http://127.0.0.1:1"), "app.py", "exec")
