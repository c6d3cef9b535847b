"""AOAI307/AOAI308 outside Python: which lines of which configuration files are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.advisor.config_scan import is_config_file, scan_config_file
from tests.advisor.helpers import FIXTURES, sidecar

CONFIG = FIXTURES / "config"


def test_fixture_files_report_exactly_the_api_version_settings() -> None:
    got = []
    for path in sorted(CONFIG.iterdir()):
        if is_config_file(path):
            got += [(path.name, str(f.line), f.code) for f in scan_config_file(path, path.read_text())]
    assert sorted(got) == sorted(sidecar(CONFIG / "expected.findings"))


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        (".env", True), (".env.local", True), ("prod.env", True), ("Dockerfile", True),
        ("Dockerfile.dev", True),
        ("api.dockerfile", True), ("a.yaml", True), ("a.yml", True), ("a.json", True), ("a.toml", True),
        ("main.bicep", True), ("main.bicepparam", True), ("main.tf", True), ("prod.tfvars", True),
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
    (finding,) = scan_config_file("a.yaml", "api_version: 2024-02-01-preveiw\n")
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
    assert len(scan_config_file("plain.json", '{"apiVersion": "2024-06-01"}\n')) == 1
