"""Acceptance: `aoai-migrate doctor` against loopback servers that behave like Azure (issue 5).

Every server listens on 127.0.0.1 and is started by the test; the `loopback_only` fixture fails any test
that connects elsewhere, and every run asserts that neither the key nor a token reaches the output."""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.doctor import stand_ins
from tests.doctor.conftest import API_KEY, STAND_IN, key_env, run_doctor, write_app
from tests.doctor.servers import RESOURCE_ID, DoctorServer


def checks_by_name(stdout: str) -> dict[str, dict]:
    return {check["name"]: check for check in json.loads(stdout)["checks"]}


def test_all_pass(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert "All checks passed" in outcome.stdout
    for name in ("endpoint", "credentials", "v1 API", "authentication",
                 "deployment gpt-4o-prod-01", "deployment text-embedding-3-small"):
        assert f"PASS  {name}" in outcome.stdout
    listing = f"{server.endpoint}/openai/deployments?api-version=2023-03-15-preview"
    assert f"deployments  data-plane listing: 3 deployments from GET {listing}" in outcome.stdout
    assert "PASS  deployment gpt-4o-prod-01          exists (listed by the data plane, model gpt-4o)" in outcome.stdout
    assert "doc…52d8" in outcome.stdout  # the key, redacted
    # v1 everywhere but the listing, whose dated route takes an api-version and the key in `api-key`; no probes.
    assert [(r.path, r.query, r.auth) for r in server.requests if r.query] == [
        ("/openai/deployments", {"api-version": "2023-03-15-preview"}, "api-key")]
    assert not [r for r in server.requests if r.operation == "chat/completions"]


def test_all_pass_by_probe_when_the_listing_is_refused(server: DoctorServer, tmp_path: Path) -> None:
    server.listing_refusal = 404
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert "deployments  zero-token probe" in outcome.stdout
    # Doctor speaks the v1 API: each probe is an invalid (token-free) request without api-version.
    probes = [r for r in server.requests if r.operation == "chat/completions"]
    assert {r.deployment for r in probes} == {"gpt-4o-prod-01", "text-embedding-3-small"}
    assert all(r.status == 400 and r.body["messages"] == [] and not r.query for r in probes)


def test_the_key_is_never_sent_as_a_deployment_name(server: DoctorServer, tmp_path: Path) -> None:
    server.listing_refusal = 404  # names are probed, so each is sent
    app = write_app(tmp_path / "app")
    (app / "bare.py").write_text("from openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-10-21')\n",
                                 encoding="utf-8")  # reads AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY itself
    outcome = run_doctor([str(app), "--deployment", API_KEY], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    sent = {r.body.get("model") for r in server.requests if isinstance(r.body, dict)}
    assert sent == {"gpt-4o-prod-01", "text-embedding-3-small"}


def test_all_pass_json(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    outcome = run_doctor(["--output-format", "json", str(app)], key_env(server))
    data = json.loads(outcome.stdout)
    assert outcome.exit_code == 0 and data["ok"] is True
    assert data["deployment_method"] == "data-plane" and data["deployment_method_reason"] == ""
    assert {d["name"]: d["exists"] for d in data["deployments"]} == {
        "gpt-4o-prod-01": True, "text-embedding-3-small": True}
    assert {c["status"] for c in data["checks"]} == {"pass"}


def test_probing_reports_a_missing_deployment_with_a_close_match(server: DoctorServer, tmp_path: Path) -> None:
    server.listing_refusal = 404  # probes know no models: the names the code uses are the candidates
    app = write_app(tmp_path / "app", chat="gpt-4o")
    (app / "other.py").write_text(
        "import os\nfrom openai import OpenAI\nclient = OpenAI()\n"
        "client.chat.completions.create(model=os.getenv('CHAT_DEPLOYMENT', 'gpt-4o-prod-01'), messages=[])\n",
        encoding="utf-8")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 1
    assert "FAIL  deployment gpt-4o " in outcome.stdout
    assert "404 DeploymentNotFound" in outcome.stdout
    assert ("Did you mean 'gpt-4o-prod-01' (close spelling)? Set AZURE_OPENAI_DEPLOYMENT_GPT_4O=gpt-4o-prod-01."
            in outcome.stdout)
    assert "PASS  deployment gpt-4o-prod-01" in outcome.stdout


def test_probing_suggests_deployment_variables_from_the_environment(server: DoctorServer,
                                                                     tmp_path: Path) -> None:
    server.listing_refusal = 403
    app = write_app(tmp_path / "app", chat="gpt-4o")
    env = key_env(server, AZURE_OPENAI_CHAT_DEPLOYMENT="gpt-4o-mini-eu")
    outcome = run_doctor(["--output-format", "json", str(app)], env)
    missing = {d["name"]: d for d in json.loads(outcome.stdout)["deployments"]}["gpt-4o"]
    assert outcome.exit_code == 1
    assert missing["exists"] is False
    assert missing["suggestion"] == {"name": "gpt-4o-mini-eu", "reason": "close spelling", "model": ""}
    assert [item["name"] for item in missing["suggestions"]] == ["gpt-4o-mini-eu"]


def test_the_value_of_a_set_variable_is_checked_instead_of_the_literal(server: DoctorServer,
                                                                       tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o")
    env = key_env(server, AZURE_OPENAI_DEPLOYMENT_GPT_4O="gpt-4o-mini-eu")
    outcome = run_doctor([str(app)], env)
    assert outcome.exit_code == 0, outcome.stdout
    assert "PASS  deployment gpt-4o-mini-eu" in outcome.stdout
    assert "deployment gpt-4o " not in outcome.stdout


def test_wrong_key_is_explained(server: DoctorServer, tmp_path: Path) -> None:
    wrong = "wrong-key-0000aaaa1111bbbb"
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server, AZURE_OPENAI_API_KEY=wrong))
    assert outcome.exit_code == 1
    assert "FAIL  authentication" in outcome.stdout
    assert "rejected the API key (401)" in outcome.stdout
    assert "Keys and Endpoint page" in outcome.stdout
    assert wrong not in outcome.stdout
    assert "SKIP  deployments" in outcome.stdout
    assert [r.path for r in server.requests] == ["/openai/v1/models"]  # nothing after the 401


def test_endpoint_with_a_wrong_path_is_explained(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    env = key_env(server, AZURE_OPENAI_ENDPOINT=server.endpoint + "/api/aoai")
    outcome = run_doctor([str(app)], env)
    assert outcome.exit_code == 1
    assert "WARN  endpoint" in outcome.stdout
    assert "FAIL  v1 API" in outcome.stdout
    assert "(404)" in outcome.stdout and "path '/api/aoai' ends up in front of /openai/v1/" in outcome.stdout
    assert server.requests[0].path == "/api/aoai/openai/v1/models"


def test_endpoint_with_the_api_path_is_normalised_and_still_fails(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server, AZURE_OPENAI_ENDPOINT=server.endpoint + "/openai/v1/"))
    assert outcome.exit_code == 1
    assert "FAIL  endpoint" in outcome.stdout
    assert f"set AZURE_OPENAI_ENDPOINT={server.endpoint}/" in outcome.stdout
    # The other checks ran against the normalised root, so the user learns everything in one run.
    assert "PASS  v1 API" in outcome.stdout and "PASS  deployment gpt-4o-prod-01" in outcome.stdout


def test_api_version_the_code_still_sends_is_rejected(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    (app / "query.py").write_text(
        "import os\nfrom openai import AzureOpenAI\nQUERY = {'api-version': '2024-06-01'}\n"
        "client = AzureOpenAI(api_version='2024-06-01')\n"
        "def ask(params):\n"
        "    return client.chat.completions.create(model='gpt-4o-prod-01', messages=[], extra_query=params)\n"
        "ask(QUERY)\n", encoding="utf-8")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 1
    assert "FAIL  api-version" in outcome.stdout
    assert "api-version query parameter is not allowed when using /v1 path" in outcome.stdout
    assert "query.py:3" in outcome.stdout
    rejected = [r for r in server.requests if "api-version" in r.query and r.operation != "deployments"]
    assert [(r.query["api-version"], r.status) for r in rejected] == [("2024-06-01", 400)]


def test_server_that_wants_api_version_on_v1_is_explained(tmp_path: Path) -> None:
    class DatedOnlyGateway(DoctorServer):
        def respond(self, route, query, body):
            if "api-version" not in query:
                from tests.azure_server import AzureError

                raise AzureError(400, "MissingApiVersionParameter",
                                 "The api-version query parameter (?api-version=) is required for all requests.")
            return super().respond(route, query, body)

    app = write_app(tmp_path / "app")
    with DatedOnlyGateway(api_keys={API_KEY}) as gateway:
        outcome = run_doctor([str(app)], key_env(gateway))
    assert outcome.exit_code == 1
    assert "FAIL  v1 API" in outcome.stdout and "wants an api-version on the v1 route" in outcome.stdout


def test_slow_server_times_out_within_the_configured_timeout(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    timeout = 2.0
    with DoctorServer(api_keys={API_KEY}, delay=10.0) as slow:
        # Warm the imports (openai, libcst) with a refused connection: the wall time below is the run's own.
        run_doctor(["--endpoint", "http://127.0.0.1:9", str(app)], {"AZURE_OPENAI_API_KEY": API_KEY})
        started = time.monotonic()
        outcome = run_doctor(["--timeout", str(timeout), str(app)], key_env(slow))
        elapsed = time.monotonic() - started
        url = f"{slow.endpoint}/openai/v1/models"
    assert outcome.exit_code == 1
    assert f"no answer from {url} within 2 s" in outcome.stdout
    assert "SKIP  deployments" in outcome.stdout
    assert elapsed < timeout + 1.5, f"the run took {elapsed:.2f} s"


def test_resource_id_lists_deployments_through_arm(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o")
    env = {"AZURE_OPENAI_ENDPOINT": server.endpoint}  # no key: Entra ID through the stand-in credential
    args = ["--resource-id", RESOURCE_ID, "--arm-endpoint", server.endpoint,
            "--credential-factory", STAND_IN, str(app)]
    outcome = run_doctor(args, env)
    assert outcome.exit_code == 1
    assert "Azure Resource Manager listing: 3 deployments of contoso-openai" in outcome.stdout
    assert "Entra ID token from StandInCredential" in outcome.stdout
    assert "Not among the 3 deployments ARM lists" in outcome.stdout
    assert ("The code sends the model name 'gpt-4o'; this resource serves it as deployment 'gpt-4o-prod-01'. "
            "Set AZURE_OPENAI_DEPLOYMENT_GPT_4O=gpt-4o-prod-01. Other candidates: 'gpt-4o-mini-eu' (close spelling)."
            in outcome.stdout)
    assert "PASS  deployment text-embedding-3-small  exists (listed by ARM, model text-embedding-3-small 2024-08-06)" \
        in outcome.stdout
    # Two pages were fetched with the ARM token; the data plane got the data-plane token; no listing, no probes.
    assert len(server.arm_requests) == 2
    assert {r.authorization for r in server.arm_requests} == {f"Bearer {stand_ins.ARM_TOKEN}"}
    assert {r.auth for r in server.requests} == {"bearer-token"}
    assert not [r for r in server.requests if r.operation in ("chat/completions", "deployments")]


def test_resource_id_json_names_the_method(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    env = {"AZURE_OPENAI_ENDPOINT": server.endpoint, "AOAI_MIGRATE_ARM_ENDPOINT": server.endpoint}
    args = ["--output-format", "json", "--resource-id", RESOURCE_ID, "--credential-factory", STAND_IN, str(app)]
    outcome = run_doctor(args, env)
    data = json.loads(outcome.stdout)
    assert outcome.exit_code == 0, outcome.stdout
    assert data["deployment_method"] == "arm"
    assert data["deployment_method_note"] == "3 deployments of contoso-openai"


def test_unknown_resource_falls_back_to_the_data_plane_listing(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    other = RESOURCE_ID.replace("contoso-openai", "fabrikam-openai")
    args = ["--resource-id", other, "--arm-endpoint", server.endpoint, "--credential-factory", STAND_IN, str(app)]
    outcome = run_doctor(args, key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert "WARN  deployment listing" in outcome.stdout and "404 ResourceNotFound" in outcome.stdout
    assert "deployments  data-plane listing: 3 deployments" in outcome.stdout
    assert "used because the Azure Resource Manager listing failed (see the deployment listing check)" \
        in outcome.stdout


def test_unknown_resource_and_a_refused_listing_fall_back_to_probes(server: DoctorServer, tmp_path: Path) -> None:
    server.listing_refusal = 403
    app = write_app(tmp_path / "app")
    other = RESOURCE_ID.replace("contoso-openai", "fabrikam-openai")
    args = ["--output-format", "json", "--resource-id", other, "--arm-endpoint", server.endpoint,
            "--credential-factory", STAND_IN, str(app)]
    data = json.loads(run_doctor(args, key_env(server)).stdout)
    assert data["deployment_method"] == "probe"
    assert data["deployment_method_reason"] == (
        "the Azure Resource Manager listing failed (see the deployment listing check); the data-plane listing "
        f"gave no list: GET {server.endpoint}/openai/deployments?api-version=2023-03-15-preview answered "
        "403 PermissionDenied: The principal may not list the deployments of this resource.")
    assert data["ok"] is True


def test_entra_token_without_the_role_is_explained(server: DoctorServer, tmp_path: Path) -> None:
    server.tokens = set()  # the resource does not accept the identity's token
    app = write_app(tmp_path / "app")
    outcome = run_doctor(["--credential-factory", STAND_IN, str(app)], {"AZURE_OPENAI_ENDPOINT": server.endpoint})
    assert outcome.exit_code == 1
    assert "FAIL  authentication" in outcome.stdout
    assert "Cognitive Services OpenAI User" in outcome.stdout and "5 minutes" in outcome.stdout
