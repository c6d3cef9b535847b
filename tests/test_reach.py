"""codemod/reach.py and rules/client_reach.py beyond the fixtures (fixtures/client_reach/): code the engine cannot
see (a notebook's magic lines), and each finding kept once."""

from __future__ import annotations

import pytest

from codemod.engine.context import FindingList
from codemod.findings import Finding
from codemod.migration import migrate_source

CLIENT = (
    "import os\n"
    "from openai import AzureOpenAI\n"
    "client = AzureOpenAI(azure_endpoint=os.environ['AZURE_OPENAI_ENDPOINT'], api_version='2024-10-21')\n"
)


@pytest.mark.parametrize(
    "hidden",
    [
        "%time print(client._api_version)",
        "%timeit client.with_options(api_version='2025-03-01-preview')",
        "%time fresh = client.copy(azure_ad_token_provider=provider)",
    ],
)
def test_a_hidden_copy_or_private_attribute_keeps_the_client(hidden: str) -> None:
    result = migrate_source(CLIENT, hidden=hidden)
    assert result.source == CLIENT
    (finding,) = [f for f in result.findings if f.needs_person]
    assert (finding.code, finding.line) == ("AOAI101", 3)
    assert "cannot see" in finding.message


def test_hidden_code_that_only_uses_the_client_does_not_keep_it() -> None:
    result = migrate_source(CLIENT, hidden="%time client.with_options(timeout=5).models.list()")
    assert "OpenAI(base_url=" in result.source
    assert not [f for f in result.findings if f.needs_person]


def test_hidden_code_about_another_name_does_not_keep_the_client() -> None:
    result = migrate_source(CLIENT, hidden="%time print(settings._api_version)")
    assert "OpenAI(base_url=" in result.source


def test_findings_are_kept_once() -> None:
    findings = FindingList()
    first = Finding("AOAI304", "check it by hand", 3, 5)
    findings.append(first)
    findings.append(Finding("AOAI304", "check it by hand", 3, 5))
    findings.extend([Finding("AOAI304", "check it by hand", 3, 5), Finding("AOAI304", "another", 3, 5)])
    findings += [Finding("AOAI304", "another", 3, 5)]
    assert findings == [first, Finding("AOAI304", "another", 3, 5)]
