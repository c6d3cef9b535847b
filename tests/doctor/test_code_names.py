"""Which deployment names the code in PATH will send, read from the code as it will be after migration."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.doctor.code_names import ScanError, scan_code
from tests.doctor.conftest import APP, write_app

MIGRATED = '''\
import os

from openai import OpenAI

client = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/")
client.chat.completions.create(model=os.getenv("CHAT_MODEL", "gpt-4o-prod-01"), messages=[])
client.responses.create(model=os.environ["AZURE_OPENAI_REASONING_DEPLOYMENT"], input="hi")
'''


def names(scan) -> dict[str, tuple[str | None, str]]:
    return {use.name: (use.variable, use.origin) for use in scan.names}


def test_literals_are_checked_under_their_variable(tmp_path: Path) -> None:
    scan = scan_code([str(write_app(tmp_path, chat="gpt-4o"))], {})
    assert names(scan) == {
        "gpt-4o": ("AZURE_OPENAI_DEPLOYMENT_GPT_4O", "the default of AZURE_OPENAI_DEPLOYMENT_GPT_4O, which is not set"),
        "text-embedding-3-small": ("AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_SMALL",
                                   "the default of AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_SMALL, which is not set"),
    }
    assert (tmp_path / "app.py").read_text() == APP.format(chat="gpt-4o")  # migrated in memory only


def test_a_set_variable_wins_over_the_literal(tmp_path: Path) -> None:
    scan = scan_code([str(write_app(tmp_path, chat="gpt-4o"))], {"AZURE_OPENAI_DEPLOYMENT_GPT_4O": "gpt-4o-eu"})
    assert names(scan)["gpt-4o-eu"] == ("AZURE_OPENAI_DEPLOYMENT_GPT_4O", "the value of AZURE_OPENAI_DEPLOYMENT_GPT_4O")
    assert "gpt-4o" not in names(scan)


def test_already_migrated_code_is_read_through_its_getenv_defaults(tmp_path: Path) -> None:
    (tmp_path / "done.py").write_text(MIGRATED, encoding="utf-8")
    scan = scan_code([str(tmp_path)], {"AZURE_OPENAI_REASONING_DEPLOYMENT": "o3-mini-prod"})
    assert names(scan) == {"gpt-4o-prod-01": ("CHAT_MODEL", "the default of CHAT_MODEL, which is not set"),
                           "o3-mini-prod": ("AZURE_OPENAI_REASONING_DEPLOYMENT",
                                            "the value of AZURE_OPENAI_REASONING_DEPLOYMENT")}
    assert scan.checks == []


def test_credentials_and_the_endpoint_are_never_taken_for_deployment_names(tmp_path: Path) -> None:
    (tmp_path / "bare.py").write_text(
        "from openai import AzureOpenAI\nclient = AzureOpenAI(api_version='2024-10-21')\n"
        "client.chat.completions.create(model='gpt-4o', messages=[])\n", encoding="utf-8")
    environ = {"AZURE_OPENAI_API_KEY": "k" * 32, "AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com",
               "AZURE_OPENAI_AD_TOKEN": "t" * 32}
    scan = scan_code([str(tmp_path)], environ)
    assert names(scan) == {"gpt-4o": ("AZURE_OPENAI_DEPLOYMENT_GPT_4O",
                                      "the default of AZURE_OPENAI_DEPLOYMENT_GPT_4O, which is not set")}


def test_a_required_variable_that_is_not_set_fails(tmp_path: Path) -> None:
    (tmp_path / "done.py").write_text(MIGRATED, encoding="utf-8")
    scan = scan_code([str(tmp_path)], {})
    [check] = scan.checks
    assert check.status == "fail" and check.name == "variable AZURE_OPENAI_REASONING_DEPLOYMENT"


def test_unparseable_files_are_a_warning(tmp_path: Path) -> None:
    write_app(tmp_path)
    (tmp_path / "broken.py").write_text("from openai import AzureOpenAI\ndef (:\n", encoding="utf-8")
    scan = scan_code([str(tmp_path)], {})
    assert [(c.name, c.status) for c in scan.checks] == [("code", "warn")]
    assert "gpt-4o-prod-01" in names(scan)


def test_api_version_left_in_the_code_is_located(tmp_path: Path) -> None:
    (tmp_path / "q.py").write_text(
        "from openai import AzureOpenAI\nc = AzureOpenAI(api_version='2024-06-01')\n\n"
        "PARAMS = {'api-version': '2024-06-01'}\n"
        "c.chat.completions.create(model='m', messages=[], extra_query=PARAMS)\n", encoding="utf-8")
    scan = scan_code([str(tmp_path)], {})
    assert scan.api_version_value == "2024-06-01"
    assert [site.rsplit(":", 1)[1] for site in scan.api_version_sites] == ["4", "5"]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ScanError):
        scan_code([str(tmp_path / "nowhere")], {})
