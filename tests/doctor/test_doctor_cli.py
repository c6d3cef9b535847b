"""The doctor command around the checks: usage errors (exit 2), credentials, secrets kept out of every
output format, the lazy `openai` import, and a run in a real process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.azure_server import AzureError
from tests.doctor.conftest import API_KEY, STAND_IN, assert_no_secret, key_env, run_doctor, write_app
from tests.doctor.servers import RESOURCE_ID, DoctorServer

ROOT = Path(__file__).resolve().parents[2]


class LeakyGateway(DoctorServer):
    """A gateway whose error message echoes the key it was given (some proxies do)."""

    def respond(self, route, query, body):
        raise AzureError(502, "BadGateway", f"upstream refused api-key {API_KEY}")


def test_no_endpoint_is_a_usage_error() -> None:
    outcome = run_doctor([], {"AZURE_OPENAI_API_KEY": API_KEY})
    assert outcome.exit_code == 2
    assert "No endpoint: set AZURE_OPENAI_ENDPOINT" in outcome.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--resource-id", "/subscriptions/x/resourceGroups/y"], "is not an Azure OpenAI resource ID"),
    (["--resource-id", RESOURCE_ID, "--arm-endpoint", "http://management.example"], "use an https:// URL"),
    (["--timeout", "0"], "Invalid value for '--timeout'"),
    (["no/such/folder"], "no such file or directory"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    env = {"AZURE_OPENAI_ENDPOINT": "http://127.0.0.1:9", "AZURE_OPENAI_API_KEY": API_KEY}
    outcome = run_doctor(args, env)
    assert outcome.exit_code == 2
    assert message in outcome.stderr


def test_no_key_and_no_azure_identity_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                             server: DoctorServer) -> None:
    monkeypatch.setitem(sys.modules, "azure.identity", None)  # as if the [entra] extra were not installed
    outcome = run_doctor(["--deployment", "gpt-4o-prod-01"], {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert outcome.exit_code == 1
    assert "FAIL  credentials" in outcome.stdout
    assert "azure-identity package, which is not installed" in outcome.stdout
    assert "pip install 'aoai-migrate[entra]'" in outcome.stdout
    assert server.requests == []


def test_without_the_openai_package_doctor_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                                  server: DoctorServer) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    outcome = run_doctor(["--deployment", "gpt-4o-prod-01"], key_env(server))
    assert outcome.exit_code == 2
    assert "pip install 'aoai-migrate[doctor]'" in outcome.stderr


def test_a_credential_that_cannot_sign_in_is_reported(server: DoctorServer) -> None:
    args = ["--credential-factory", "tests.doctor.stand_ins:FailingCredential"]
    outcome = run_doctor(args, {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert outcome.exit_code == 1
    assert "DefaultAzureCredential failed to retrieve a token" in outcome.stdout
    assert "az login" in outcome.stdout


def test_a_hanging_sign_in_ends_at_the_timeout(server: DoctorServer) -> None:
    args = ["--timeout", "1", "--credential-factory", "tests.doctor.stand_ins:HangingCredential"]
    started = time.monotonic()
    outcome = run_doctor(args, {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert time.monotonic() - started < 2.5
    assert outcome.exit_code == 1 and "within 1 s" in outcome.stdout


@pytest.mark.parametrize(("refusal", "method", "operation"), [
    (None, "data-plane listing", "deployments"), (404, "zero-token probe", "chat/completions")])
def test_entra_id_without_a_resource_id_lists_or_probes_with_the_token(
        server: DoctorServer, refusal: int | None, method: str, operation: str) -> None:
    server.listing_refusal = refusal
    args = ["--credential-factory", STAND_IN, "--deployment", "gpt-4o-prod-01"]
    outcome = run_doctor(args, {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert outcome.exit_code == 0, outcome.stdout
    assert {r.auth for r in server.requests} == {"bearer-token"}
    assert f"deployments  {method}" in outcome.stdout
    assert operation in {r.operation for r in server.requests}


def test_auth_entra_checks_the_token_even_when_a_key_is_set(server: DoctorServer) -> None:
    args = ["--auth", "entra", "--credential-factory", STAND_IN, "--deployment", "gpt-4o-prod-01"]
    outcome = run_doctor(args, key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert "Entra ID token from StandInCredential accepted" in outcome.stdout
    assert {r.auth for r in server.requests} == {"bearer-token"}


def test_auth_key_without_a_key_fails(server: DoctorServer) -> None:
    outcome = run_doctor(["--auth", "key"], {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert outcome.exit_code == 1
    assert "FAIL  credentials" in outcome.stdout and "--auth key, but AZURE_OPENAI_API_KEY is not set" in outcome.stdout


@pytest.mark.parametrize("output_format", ["text", "json", "text-colour"])
def test_a_key_echoed_by_the_server_is_scrubbed_from_every_format(output_format: str) -> None:
    with LeakyGateway(api_keys={API_KEY}) as gateway:
        env = key_env(gateway, **({"FORCE_COLOR": "1"} if output_format == "text-colour" else {}))
        fmt = "json" if output_format == "json" else "text"
        outcome = run_doctor(["--output-format", fmt, "--deployment", "gpt-4o-prod-01"], env)
    assert outcome.exit_code == 1
    assert "upstream refused api-key doc…52d8" in outcome.stdout  # run_doctor asserted the key is absent
    if output_format == "json":
        assert json.loads(outcome.stdout)["ok"] is False
    if output_format == "text-colour":
        assert "\x1b[" in outcome.stdout


def test_importing_the_command_does_not_import_openai() -> None:
    code = "import sys, codemod.cli, codemod.doctor; print('openai' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_a_real_process_run(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AZURE_", "OPENAI_"))}
    env.update(key_env(server), PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "codemod", "doctor", "--output-format", "json", str(app)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert_no_secret(result.stdout + result.stderr)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert {d["name"]: d["exists"] for d in data["deployments"]} == {"gpt-4o": False, "text-embedding-3-small": True}


def test_the_network_guard_refuses_other_hosts() -> None:
    with pytest.raises(AssertionError, match="tried to connect"):
        socket.create_connection(("10.255.255.1", 443), timeout=0.1)
    with pytest.raises(AssertionError, match="tried to resolve"):
        socket.getaddrinfo("contoso.openai.azure.com", 443)
