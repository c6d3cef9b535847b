"""Acceptance for issue 20: without `--resource-id`, doctor lists the deployments through the data plane
(`GET {endpoint}/openai/deployments?api-version=...`) and suggests, for a missing name, the deployment that
serves that model or one spelled alike; when the route is refused, redirected, stalls or answers nonsense it
probes instead, and the report says which method was used and why. Loopback servers only; every run asserts
that neither the key nor a token reaches the output."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from codemod.doctor import listing
from tests.azure_server import AzureError
from tests.doctor.conftest import API_KEY, key_env, run_doctor, write_app
from tests.doctor.servers import DoctorServer

FIRST, SECOND = listing.VERSIONS


def listing_url(server: DoctorServer, version: str = FIRST) -> str:
    return f"{server.endpoint}/openai/deployments?api-version={version}"


def listing_requests(server: DoctorServer) -> list[tuple[str, int]]:
    return [(r.query.get("api-version", ""), r.status) for r in server.requests if r.operation == "deployments"]


def probes(server: DoctorServer) -> list[str]:
    return sorted(str(r.deployment) for r in server.requests if r.operation == "chat/completions")


def deployment(stdout: str, name: str) -> dict:
    return {item["name"]: item for item in json.loads(stdout)["deployments"]}[name]


def test_listing_suggests_the_deployment_that_serves_the_model(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 1
    assert f"  deployments  data-plane listing: 3 deployments from GET {listing_url(server)}\n" in outcome.stdout
    assert "FAIL  deployment gpt-4o                  does not exist on this resource" in outcome.stdout
    assert "why: Not among the 3 deployments the data plane lists, so the code's requests" in outcome.stdout
    assert ("fix: The code sends the model name 'gpt-4o'; this resource serves it as deployment 'gpt-4o-prod-01'. "
            "Set AZURE_OPENAI_DEPLOYMENT_GPT_4O=gpt-4o-prod-01. Other candidates: 'gpt-4o-mini-eu' (close spelling)."
            in outcome.stdout)
    assert listing_requests(server) == [(FIRST, 200)]
    assert probes(server) == []  # one listing answered every name: nothing was probed


def test_listing_json_names_the_method_and_the_best_suggestion_with_its_reason(server: DoctorServer,
                                                                                 tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o")
    outcome = run_doctor(["--output-format", "json", str(app)], key_env(server))
    data = json.loads(outcome.stdout)
    assert data["deployment_method"] == "data-plane"
    assert data["deployment_method_note"] == f"3 deployments from GET {listing_url(server)}"
    assert data["deployment_method_reason"] == ""
    missing = deployment(outcome.stdout, "gpt-4o")
    assert missing["exists"] is False
    assert missing["suggestion"] == {"name": "gpt-4o-prod-01", "reason": "same model", "model": "gpt-4o"}
    assert missing["suggestions"] == [missing["suggestion"],
                                      {"name": "gpt-4o-mini-eu", "reason": "close spelling", "model": "gpt-4o-mini"}]
    assert deployment(outcome.stdout, "text-embedding-3-small")["suggestion"] is None


def test_listing_suggests_a_close_spelling(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app", chat="gpt-4o-prod-1")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 1
    assert ("fix: Did you mean 'gpt-4o-prod-01' (close spelling)? "
            "Set AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_1=gpt-4o-prod-01." in outcome.stdout)
    outcome = run_doctor(["--output-format", "json", str(app)], key_env(server))
    assert deployment(outcome.stdout, "gpt-4o-prod-1")["suggestion"] == {
        "name": "gpt-4o-prod-01", "reason": "close spelling", "model": "gpt-4o"}


def test_openai_model_spelling_finds_the_azure_deployment(server: DoctorServer, tmp_path: Path) -> None:
    server.deployments.add("chat-legacy")
    server.model_of["chat-legacy"] = "gpt-35-turbo"  # Azure's spelling of gpt-3.5-turbo
    app = write_app(tmp_path / "app", chat="gpt-3.5-turbo")
    outcome = run_doctor([str(app)], key_env(server))
    assert ("The code sends the model name 'gpt-3.5-turbo'; this resource serves it as deployment 'chat-legacy'."
            in outcome.stdout)


def test_listing_under_the_second_version(server: DoctorServer, tmp_path: Path) -> None:
    server.listing_versions = {SECOND}
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert f"data-plane listing: 3 deployments from GET {listing_url(server, SECOND)}" in outcome.stdout
    assert listing_requests(server) == [(FIRST, 404), (SECOND, 200)]


REFUSED = {
    404: "404: Resource not found",
    400: "400 BadRequest: API version not supported",
    401: "401: Access denied due to invalid subscription key or token.",
    403: "403 PermissionDenied: The principal may not list the deployments of this resource.",
}


@pytest.mark.parametrize("status", sorted(REFUSED))
def test_a_refused_listing_falls_back_to_probes_and_says_why(server: DoctorServer, tmp_path: Path,
                                                            status: int) -> None:
    server.listing_refusal = status
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    said = f"GET {listing_url(server)} answered {REFUSED[status]}"
    if status in (400, 404):  # the route may exist under another version: the next one is tried
        said += f"; with api-version={SECOND} it answered {REFUSED[status]}"
        assert listing_requests(server) == [(FIRST, status), (SECOND, status)]
    else:  # a refused credential is refused under every version
        assert listing_requests(server) == [(FIRST, status)]
    assert "  deployments  zero-token probe: one invalid chat request per name" in outcome.stdout
    assert f"               used because the data-plane listing gave no list: {said}\n" in outcome.stdout
    assert "PASS  deployment gpt-4o-prod-01          exists (the zero-token probe got 400 BadRequest)" in outcome.stdout
    assert probes(server) == ["gpt-4o-prod-01", "text-embedding-3-small"]
    data = json.loads(run_doctor(["--output-format", "json", str(app)], key_env(server)).stdout)
    assert data["deployment_method"] == "probe"
    assert data["deployment_method_reason"] == f"the data-plane listing gave no list: {said}"


def test_a_stalled_listing_ends_within_the_timeout_and_probes(server: DoctorServer, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    timeout = 2.0
    server.listing_delay = 10.0
    # Warm the imports (openai, libcst) with a refused connection: the wall time below is the run's own.
    run_doctor(["--endpoint", "http://127.0.0.1:9", str(app)], {"AZURE_OPENAI_API_KEY": API_KEY})
    started = time.monotonic()
    outcome = run_doctor(["--timeout", str(timeout), str(app)], key_env(server))
    elapsed = time.monotonic() - started
    assert outcome.exit_code == 0, outcome.stdout
    assert f"used because the data-plane listing gave no list: GET {listing_url(server)} did not answer within 2 s" \
        in outcome.stdout
    assert probes(server) == ["gpt-4o-prod-01", "text-embedding-3-small"]
    assert elapsed < timeout + 1.5, f"the run took {elapsed:.2f} s"


def test_all_listing_attempts_share_one_deadline(server: DoctorServer) -> None:
    """Each version answers 404 after 1.5 s: the second attempt gets what is left of the 2 s, not 2 s more."""
    server.listing_refusal, server.listing_delay = 404, 1.5
    started = time.monotonic()
    answer = listing.list_deployments(server.endpoint + "/", API_KEY, "api-key", timeout=2.0)
    elapsed = time.monotonic() - started
    assert answer.deployments is None
    assert answer.refusal.startswith(f"GET {listing_url(server)} answered 404: Resource not found; ")
    assert f"api-version={SECOND}" in answer.refusal
    assert elapsed < 2.0 + 0.5, f"the listing took {elapsed:.2f} s"


def test_a_redirect_is_not_followed(server: DoctorServer, tmp_path: Path) -> None:
    # Following it would send the key to 10.255.255.1; the loopback guard would fail the test.
    server.listing_redirect = "http://10.255.255.1/openai/deployments?api-version=2023-03-15-preview"
    app = write_app(tmp_path / "app")
    outcome = run_doctor([str(app)], key_env(server))
    assert outcome.exit_code == 0, outcome.stdout
    assert (f"GET {listing_url(server)} answered 302, a redirect (not followed: the credential is not sent "
            "elsewhere)" in outcome.stdout)
    assert probes(server) == ["gpt-4o-prod-01", "text-embedding-3-small"]


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_key_echoed_by_the_refused_listing_is_scrubbed(tmp_path: Path, output_format: str) -> None:
    class EchoingGateway(DoctorServer):
        def _data_plane_listing(self, query: dict[str, str]) -> dict:
            raise AzureError(403, "Forbidden", f"listing refused for api-key {API_KEY}")

    app = write_app(tmp_path / "app")
    with EchoingGateway(deployments={"gpt-4o-prod-01", "text-embedding-3-small"}, api_keys={API_KEY}) as gateway:
        outcome = run_doctor(["--output-format", output_format, str(app)], key_env(gateway))
    assert "listing refused for api-key doc…52d8" in outcome.stdout  # run_doctor asserted the key is absent


def test_an_answer_that_is_not_a_deployment_list_falls_back_to_probes(tmp_path: Path) -> None:
    class Gateway(DoctorServer):
        def _data_plane_listing(self, query: dict[str, str]) -> dict:
            return {"value": [{"name": "gpt-4o-prod-01"}]}  # not the data plane's shape

    app = write_app(tmp_path / "app")
    with Gateway(deployments={"gpt-4o-prod-01", "text-embedding-3-small"}, api_keys={API_KEY}) as gateway:
        outcome = run_doctor([str(app)], key_env(gateway))
        url = listing_url(gateway)
    assert outcome.exit_code == 0, outcome.stdout
    assert f"GET {url} answered 200 with something that is not a deployment list" in outcome.stdout
    assert "deployments  zero-token probe" in outcome.stdout
