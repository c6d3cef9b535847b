"""The endpoint shape check: what the migrated code will build from the endpoint, and what is normalised."""

from __future__ import annotations

import pytest

from codemod.doctor.endpoint import inspect_endpoint

SOURCE = "AZURE_OPENAI_ENDPOINT"


@pytest.mark.parametrize("raw", [
    "https://contoso.openai.azure.com",
    "https://contoso.openai.azure.com/",
    "https://contoso-foundry.services.ai.azure.com/",
])
def test_documented_resource_roots_pass(raw: str) -> None:
    shape = inspect_endpoint(raw, SOURCE)
    assert shape.check.status == "pass"
    assert shape.base_url == raw.rstrip("/") + "/openai/v1/"


@pytest.mark.parametrize(("raw", "root"), [
    ("https://contoso.openai.azure.com/openai", "https://contoso.openai.azure.com/"),
    ("https://contoso.openai.azure.com/openai/v1/", "https://contoso.openai.azure.com/"),
    ("https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-02-01",
     "https://contoso.openai.azure.com/"),
    ("contoso.openai.azure.com", "https://contoso.openai.azure.com/"),
    ("http://contoso.openai.azure.com/", "https://contoso.openai.azure.com/"),
])
def test_known_mistakes_fail_and_are_normalised(raw: str, root: str) -> None:
    shape = inspect_endpoint(raw, SOURCE)
    assert shape.check.status == "fail"
    assert shape.root == root and shape.base_url == root + "openai/v1/"
    assert f"set {SOURCE}={root}" in shape.check.fix


def test_the_fix_names_the_option_when_the_endpoint_came_from_it() -> None:
    shape = inspect_endpoint("https://contoso.openai.azure.com/openai", "--endpoint")
    assert "pass --endpoint https://contoso.openai.azure.com/" in shape.check.fix


def test_api_path_failure_shows_the_url_the_code_would_call() -> None:
    shape = inspect_endpoint("https://contoso.openai.azure.com/openai/", SOURCE)
    assert "https://contoso.openai.azure.com/openai/openai/v1/" in shape.check.reason


def test_query_string_is_named() -> None:
    shape = inspect_endpoint("https://contoso.openai.azure.com/?api-version=2024-02-01", SOURCE)
    assert shape.check.status == "fail" and "query string" in shape.check.reason


def test_unknown_path_is_kept_with_a_warning() -> None:
    shape = inspect_endpoint("https://gateway.azure-api.net/aoai", SOURCE)
    assert shape.check.status == "warn"
    assert shape.base_url == "https://gateway.azure-api.net/aoai/openai/v1/"
    assert shape.path == "/aoai"


@pytest.mark.parametrize(("raw", "status"), [
    ("https://contoso.cognitiveservices.azure.com/", "warn"),
    ("https://api.example.com/", "warn"),
    ("http://127.0.0.1:8080", "pass"),
    ("http://localhost:8080/", "pass"),
])
def test_hosts(raw: str, status: str) -> None:
    assert inspect_endpoint(raw, SOURCE).check.status == status
