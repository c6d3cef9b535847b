"""codemod/rules/advisor_checks.py over the engine's analysis: the Python fixtures, and the same checks
inside a migrate run (fixed flags, suppression comments, --select/--ignore)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import libcst
import libcst.metadata
import pytest

from codemod.advisor.tree import advise_source
from codemod.migration import Options, migrate_source
from tests.advisor.helpers import FIXTURES, sidecar

PYTHON = sorted((FIXTURES / "python").glob("*.py"))
ADVISOR_CODES = ("AOAI301", "AOAI302", "AOAI303", "AOAI304", "AOAI305", "AOAI308")


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: p.stem)
def test_python_fixture(path: Path) -> None:
    findings, _ = advise_source(path.read_text(encoding="utf-8"), str(path))
    got = sorted((f.line, f.code) for f in findings)
    expected = sorted((int(line), code) for line, code in sidecar(path.with_suffix(".findings")))
    assert got == expected
    assert all(f.path == str(path) and f.column >= 1 for f in findings)


def test_every_python_code_has_a_fixture_and_a_case_that_must_not_fire() -> None:
    codes = {code for path in PYTHON for _, code in sidecar(path.with_suffix(".findings"))}
    assert {"AOAI301", "AOAI302", "AOAI303", "AOAI304", "AOAI305", "AOAI308"} <= codes
    assert {code for _, code in sidecar(FIXTURES / "python" / "request_ok.findings")} == {"AOAI301"}


def test_needs_for_the_dependency_check() -> None:
    _, needs = advise_source((FIXTURES / "repo" / "app.py").read_text())
    assert needs == {"a token provider passed as api_key": "1.106.0"}
    _, needs = advise_source((FIXTURES / "python" / "request_ok.py").read_text())
    assert needs == {"client.responses, the Responses API": "1.66.0"}
    _, needs = advise_source((FIXTURES / "python" / "versions_pinned.py").read_text())
    assert needs == {}


def test_migrate_run_reports_gaps_as_fixed_when_the_client_moves() -> None:
    source = (
        "from openai import AzureOpenAI\n"
        'c = AzureOpenAI(api_version="2024-06-01", azure_endpoint="https://r.openai.azure.com", api_key=k)\n'
        'c.chat.completions.create(model="m", messages=[], max_completion_tokens=5)\n'
    )
    result = migrate_source(source)
    (gap,) = [f for f in result.findings if f.code == "AOAI302"]
    assert gap.fixed and not gap.needs_person and gap.line == 3
    assert any(f.code == "AOAI301" and f.line == 2 for f in result.findings)
    assert "api_version" not in result.source


def test_blocked_client_keeps_the_gap_as_a_warning() -> None:
    source = (
        "from openai import AzureOpenAI\n"
        'c = AzureOpenAI(api_version="2024-06-01", api_key=k)  # aoai-migrate: ignore[AOAI101]\n'
        'c.chat.completions.create(model="m", messages=[], max_completion_tokens=5)\n'
    )
    (gap,) = [f for f in migrate_source(source).findings if f.code == "AOAI302"]
    assert not gap.fixed and gap.needs_person


def test_suppression_comment_and_ignore_option() -> None:
    source = (
        "from openai import AzureOpenAI\n"
        'c = AzureOpenAI(api_version="2024-06-01", api_key=k)\n'
        "c.beta.assistants.create(model='m')  # aoai-migrate: ignore[AOAI304]\n"
        "c.batches.list()\n"
    )
    codes = [(f.line, f.code) for f in migrate_source(source).findings if f.code in ADVISOR_CODES]
    assert (3, "AOAI304") not in codes and (4, "AOAI304") in codes
    ignored = migrate_source(source, Options(ignore=frozenset({"AOAI3"})))
    assert not [f for f in ignored.findings if f.code in ADVISOR_CODES]
    only = migrate_source(source, Options(select=frozenset({"AOAI301"})))
    assert {f.code for f in only.findings} == {"AOAI301"}


def test_code_that_is_not_the_openai_client_is_left_alone() -> None:
    source = (
        "class AzureOpenAI:\n    def __init__(self, **kw): pass\n"
        'c = AzureOpenAI(api_version="2024-06-01", api_key="3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8")\n'
        'c.chat.completions.create(model="m", messages=[], max_completion_tokens=5)\n'
    )
    findings, _ = advise_source(source)
    assert findings == []


def test_other_libraries_azure_openai_versions_are_explained() -> None:
    source = (
        "from langchain_openai import AzureChatOpenAI\n"
        'llm = AzureChatOpenAI(api_version="2023-03-15-preview", azure_deployment="gpt")\n'
        'search = SearchClient(api_version="2023-11-01")\n'
    )
    findings, _ = advise_source(source)
    assert [(f.line, f.code) for f in findings] == [(2, "AOAI301")]
    assert "retirement announced" in findings[0].message


def test_the_migrate_path_does_not_need_packaging() -> None:
    """Every migrate run imports this rule; `packaging` is needed only by `advise` (AOAI306)."""
    code = (
        "import sys\n"
        "from codemod.migration import migrate_source\n"
        "migrate_source('from openai import AzureOpenAI\\nc = AzureOpenAI(api_version=\"2024-06-01\")\\n')\n"
        "assert 'packaging' not in sys.modules, sorted(m for m in sys.modules if m.startswith('packaging'))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_preview_headers_lists_what_a_client_lacks() -> None:
    """The input of the AOAI303 default_headers edit."""
    from codemod.engine.analysis import Analysis
    from codemod.engine.metadata import Metadata
    from codemod.migration import PROVIDERS
    from codemod.rules._advisor import preview_headers

    source = (FIXTURES / "migrate" / "evals_header.py").read_text() + (
        'done = AzureOpenAI(api_version="2025-04-01-preview",'
        ' default_headers={"AOAI-Copy-FT-Checkpoints": "preview"})\n'
        "done.post('/fine_tuning/jobs/j/checkpoints/c/copy', cast_to=dict, body={})\n"
        'copier = AzureOpenAI(api_version="2025-04-01-preview")\n'
        "copier.post('/fine_tuning/jobs/j/checkpoints/c/copy', cast_to=dict, body={})\n"
        'chat = AzureOpenAI(api_version="2025-04-01-preview")\n'
        "chat.chat.completions.create(model='m', messages=[])\n"
    )
    module = libcst.parse_module(source)
    analysis = Analysis(Metadata(libcst.metadata.MetadataWrapper(module, unsafe_skip_copy=True), PROVIDERS))
    module.visit(analysis)
    assert [preview_headers(c) for c in analysis.clients] == [  # /evals left preview: no header
        {}, {}, {}, {"aoai-copy-ft-checkpoints": "preview"}, {}
    ]


PROVIDER_CLIENT = (
    "from openai import AzureOpenAI\n"
    "def provider() -> str:\n"
    "    return 'token'\n"
    "client = AzureOpenAI(azure_ad_token_provider=provider, api_version='2024-10-21')\n"
)
RESPONSES = "client.responses.create(model='gpt-4o-prod-01', input='Hi')\n"


@pytest.mark.parametrize(
    ("extra", "needs"),
    [
        ("", {"a token provider passed as api_key"}),
        (RESPONSES, {"a token provider passed as api_key", "client.responses, the Responses API"}),
        ("print(client._azure_ad_token_provider)\n", set()),  # AOAI101 keeps the client dated
        ("print(client._api_version)\n" + RESPONSES, set()),
    ],
)
def test_migrate_run_needs_only_what_its_migrated_clients_use(extra: str, needs: set[str]) -> None:
    """AOAI306 speaks of "the migrated code": a client left on the dated API needs nothing new."""
    result = migrate_source(PROVIDER_CLIENT + extra)
    assert {reason.split(" (")[0] for reason in result.record.sdk_needs} == needs


def test_copy_given_a_provider_needs_a_callable_api_key() -> None:
    source = (
        "from openai import AzureOpenAI\n"
        "client = AzureOpenAI(api_key='k' * 3, api_version='2024-10-21')\n"
        "entra = client.copy(azure_ad_token_provider=lambda: 'token')\n"
    )
    assert list(migrate_source(source).record.sdk_needs) == ["a token provider passed as api_key"]
