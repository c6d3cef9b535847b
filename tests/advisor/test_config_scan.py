"""AOAI307/AOAI308 outside Python: which lines of which configuration files are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.advisor.config_scan import is_config_file, scan_config_file
from codemod.advisor.recordings import is_recording
from tests.advisor.helpers import FIXTURES, sidecar

CONFIG = FIXTURES / "config"
FOLDERS = ["config", "config_azure_openai_keys", "config_other_azure_services", "config_recorded_cassettes"]


def scanned(folder: Path) -> list[tuple[str, str, str]]:
    got = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if is_config_file(path):
            shown = path.relative_to(folder).as_posix()
            got += [(shown, str(f.line), f.code) for f in scan_config_file(path, path.read_text())]
    return got


@pytest.mark.parametrize("folder", FOLDERS)
def test_fixture_files_report_exactly_the_azure_openai_api_version_settings(folder: str) -> None:
    assert sorted(scanned(FIXTURES / folder)) == sorted(sidecar(FIXTURES / folder / "expected.findings"))


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        (".env", True), (".env.local", True), ("prod.env", True), ("Dockerfile", True),
        ("Dockerfile.dev", True),
        ("api.dockerfile", True), ("a.yaml", True), ("a.yml", True), ("a.json", True), ("a.toml", True),
        ("main.bicep", True), ("main.bicepparam", True), ("main.tf", True), ("prod.tfvars", True),
        (".envrc", True), ("Containerfile", True),
        ("app.py", False), ("README.md", False), ("environment", False),
    ],
)
def test_is_config_file(name: str, wanted: bool) -> None:
    assert is_config_file(Path(name)) is wanted


def test_finding_shape() -> None:
    (finding,) = scan_config_file("x/.env", "A=1\nOPENAI_API_VERSION=2024-02-01\n")
    assert (finding.path, finding.line, finding.column, finding.code, finding.level) == (
        "x/.env", 2, 20, "AOAI307", "info"
    )
    assert "2024-02-01 (GA, superseded)" in finding.message and not finding.needs_person


def test_malformed_value_names_the_closest_versions() -> None:
    (finding,) = scan_config_file("a.yaml", "azure_openai:\n  api_version: 2024-02-01-preveiw\n")
    assert finding.code == "AOAI308" and finding.needs_person
    assert "closest known: 2024-02-15-preview, 2024-03-01-preview, 2024-02-01" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "date: 2024-02-01\n",
        "# OPENAI_API_VERSION=2024-02-01\n",
        "// apiVersion: '2024-02-01'\n",
        "created_at: 2024-02-01T10:00:00Z api_version\n",
        "api_version: 2024-02-01T10:00:00\n",
        "OPENAI_API_VERSION=preview\n",
        "resource x 'Microsoft.CognitiveServices/accounts@2024-10-01' = { apiVersion: 'x' }\n",
        "url: https://management.azure.com/x?api-version=2024-10-21\n",
    ],
)
def test_not_reported(text: str) -> None:
    assert scan_config_file("f.yaml", text) == []


def test_value_on_the_line_after_its_name() -> None:
    text = "- name: AZURE_OPENAI_API_VERSION\n  value: '2024-10-21'\n- name: OTHER\n  value: '2024-06-01'\n"
    assert [(f.line, f.code) for f in scan_config_file("k.yaml", text)] == [(2, "AOAI307")]


def test_arm_template_resource_api_versions_are_not_azure_openai_versions() -> None:
    text = '{"resources": [{"type": "Microsoft.Web/sites", "apiVersion": "2024-06-01"}]}\n'
    assert scan_config_file("t.json", text) == []
    assert len(scan_config_file("plain.json", '{"openai": {"apiVersion": "2024-06-01"}}\n')) == 1


@pytest.mark.parametrize(
    "text",
    [
        "api_version: 2024-02-01\n",  # nothing says whose version it is
        "API_VERSION=2024-02-01\nTIMEOUT=30\n",
        "AZURE_SEARCH_API_VERSION=2023-11-01\nAZURE_OPENAI_ENDPOINT=https://r.openai.azure.com\n",
        "search:\n  api_version: 2024-07-01\nopenai:\n  endpoint: https://r.openai.azure.com\n",
        "model:\n  format: OpenAI\n  version: 2024-05-13\n",  # a model version
        "AZURE_OPENAI_GPT4_MODEL_VERSION=2024-05-13\n",
        "KV: https://kv.vault.azure.net/keys/k?api-version=2016-10-01\n",
    ],
    ids=["bare", "flat", "search_key", "search_section", "model_version", "model_version_key", "key_vault_url"],
)
def test_a_date_not_tied_to_azure_openai_is_not_reported(text: str) -> None:
    assert scan_config_file("settings.yaml", text) == []


def test_an_unknown_version_is_aoai308_only_when_it_is_certainly_azure_openai() -> None:
    named = scan_config_file(".env", "AZURE_OPENAI_API_VERSION=2024-13-01\n")
    assert [f.code for f in named] == ["AOAI308"]
    beside = "AZURE_OPENAI_ENDPOINT=https://r.openai.azure.com\nAPI_VERSION=2024-13-01\n"
    assert scan_config_file(".env", beside) == []  # a plain key beside the settings: too weak to fail a run
    assert [f.code for f in scan_config_file(".env", beside.replace("2024-13-01", "2024-02-01"))] == ["AOAI307"]


def test_the_api_version_of_an_azure_openai_url_is_reported_and_others_are_not() -> None:
    text = (
        "a: https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-06-01\n"
        "b: https://r.cognitiveservices.azure.com/openai/deployments/d/embeddings?x=1&api-version=2024-02-01\n"
        "c: https://s.search.windows.net/indexes/i/docs?api-version=2023-11-01\n"
        "d: https://r.cognitiveservices.azure.com/contentsafety/text:analyze?api-version=2024-09-01\n"
        "e: https://gateway.example.com/chat?api-version=2024-06-01\n"
    )
    assert [f.line for f in scan_config_file("urls.yaml", text)] == [1, 2]


RECORDINGS = {
    "vcrpy_yaml": "interactions:\n- request:\n    uri: https://r.openai.azure.com/x?api-version=2024-02-01\n"
    "  response:\n    status: {code: 200}\nversion: 1\n",
    "ruby_vcr": "http_interactions:\n- request:\n    uri: https://r.openai.azure.com/x?api-version=2024-02-01\n"
    "  response:\n    status:\n      code: 200\n",
    "json_cassette": '{"interactions": [\n {"request": {"uri": "https://r.openai.azure.com/x?api-version=2024-02-01"},\n'
    '  "response": {"status": {"code": 200}}}]}\n',
    "test_proxy": '{\n  "Entries": [{\n    "RequestUri": "https://r.openai.azure.com/x?api-version=2024-02-01",\n'
    '    "StatusCode": 200\n  }]\n}\n',
    "har": '{"log": {\n  "entries": [{\n    "request": {"url": "https://r.openai.azure.com/x?api-version=2024-02-01"},\n'
    '    "response": {"status": 200}\n  }]}}\n',
    "nock": '[{\n  "scope": "https://r.openai.azure.com:443",\n  "method": "POST",\n'
    '  "path": "/openai/deployments/d/chat/completions?api-version=2024-02-01",\n  "status": 200,\n'
    '  "response": {}\n}]\n',
    "wiremock": '{\n  "request": {"method": "POST", "urlPath": "/openai/deployments/d/chat/completions",\n'
    '    "queryParameters": {"api-version": {"equalTo": "2024-02-01"}}},\n  "response": {"status": 200}\n}\n',
    "responses_recorder": "responses:\n- response:\n    method: POST\n    status: 200\n"
    "    url: https://r.openai.azure.com/openai/deployments/d/embeddings?api-version=2024-02-01\n",
}


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_recorded_interactions_are_recognised_by_their_structure(name: str) -> None:
    text = RECORDINGS[name]
    suffix = ".json" if text.lstrip().startswith(("{", "[")) else ".yaml"
    assert is_recording(f"tests/data/{name}{suffix}", text)
    assert scan_config_file(f"tests/data/{name}{suffix}", text) == []


@pytest.mark.parametrize("folder", ["cassettes", "vcr_cassettes", "recordings", "test-recordings"])
def test_files_in_a_recordings_folder_are_skipped(folder: str) -> None:
    text = "OPENAI_API_VERSION: 2024-02-01\n"
    assert scan_config_file(f"tests/{folder}/settings.yaml", text) == []
    assert len(scan_config_file("tests/settings.yaml", text)) == 1


def test_configuration_with_request_and_response_keys_is_not_a_recording() -> None:
    text = "openai:\n  api_version: 2024-02-01\n  request:\n    timeout: 30\n  response:\n    format: json\n"
    assert not is_recording("app/settings.yaml", text)
    assert len(scan_config_file("app/settings.yaml", text)) == 1


def test_a_large_file_is_scanned_in_linear_time() -> None:
    """Each value's context comes from one pass over the file: 10,000 settings under one section take about
    as long per value as 1,000 (a quadratic scan takes ten times longer per value; the margin absorbs the
    noise of a shared machine; CPU time of this process, which other processes' load disturbs far less than the
    wall clock)."""
    import time

    def per_value(count: int) -> float:
        text = "openai:\n" + "".join(f"  k{i}_api_version: 2024-02-01\n" for i in range(count))
        started = time.process_time()
        assert len(scan_config_file("big.yaml", text)) == count
        return (time.process_time() - started) / count

    small = min(per_value(1_000) for _ in range(3))
    assert min(per_value(10_000) for _ in range(2)) < small * 5


def test_a_long_line_is_scanned_in_linear_time() -> None:
    """A minified JSON file is one line: reading each value's key and URL must not rescan the line up to it
    (a 3 MB schema file with a few hundred dates took two minutes that way). Ten times the values on a ten
    times longer line take about as long per value."""
    import time

    def per_value(count: int) -> float:
        items = ", ".join(f'"openai_api_version_{i}": "2024-02-01", "note{i}": "{"x" * 200}"' for i in range(count))
        text = "{" + items + "}"
        started = time.process_time()
        assert len(scan_config_file("schema.json", text)) == count
        return (time.process_time() - started) / count

    small = min(per_value(200) for _ in range(3))
    assert min(per_value(2_000) for _ in range(2)) < small * 5


def test_the_last_key_is_read_as_the_pattern_it_replaces_reads_it() -> None:
    """`last_key` reads from the end of the line what this pattern finds (the pattern itself is cubic on long
    words, so the code does not use it)."""
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from codemod.advisor.config_context import last_key

    pattern = re.compile(r"""([A-Za-z_$@][\w.$@-]*)["']?\s*[:=]?\s*["']?\s*$""")

    @settings(max_examples=2000, deadline=None)
    @given(st.text(alphabet=list("aZ_$@.-9 \t\"':=é\n"), max_size=14))
    def agrees(prefix: str) -> None:
        match = pattern.search(prefix)
        assert last_key(prefix) == (match.group(1) if match else None)

    agrees()
