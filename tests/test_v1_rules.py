"""The AOAI4xx family (code already on the v1 API): every code respects --select / --ignore and suppressions, is
listed by `aoai-migrate rules`, and the filters rule out files with clients of OpenAI itself or of other providers
while letting every kind of Azure evidence through. AOAI306 fires for code that was migrated before the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from codemod.migration import migrate_source
from codemod.options import Options
from codemod.run.filters import could_match, filters_for, may_act

# One source per code, each making that code fire once at the line marked `# here`.
FIRES: dict[str, str] = {
    "AOAI401": 'from openai import OpenAI\nc = OpenAI(base_url="https://x.openai.azure.com", api_key="k")  # here\n',
    "AOAI402": (
        "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
        "from openai import AsyncOpenAI\n"
        'p = get_bearer_token_provider(DefaultAzureCredential(), "https://ai.azure.com/.default")\n'
        'c = AsyncOpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key=p)  # here\n'
    ),
    "AOAI403": (
        'from openai import OpenAI\nc = OpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key="k", '
        'api_version="2024-10-21")  # here\n'
    ),
    "AOAI404": (
        "from openai import AzureOpenAI\n"
        'c = AzureOpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key="k", api_version="v")  # here\n'
        'c.chat.completions.create(model="gpt-4o", messages=[])\n'
    ),
    "AOAI405": (
        "import os\nfrom openai import OpenAI\n"
        'version = os.getenv("OPENAI_API_VERSION")  # here\n'
        "assert version\n"
        'c = OpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key="k")\n'
    ),
    "AOAI406": (
        'from openai import OpenAI\nc = OpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key="k", '
        'default_headers={"aoai-evals": "preview"})  # here\n'
    ),
}
CODES = sorted(FIRES)


def line_of(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# here"))


def findings_of(source: str, options: Options, code: str) -> list:
    return [f for f in migrate_source(source, options).findings if f.code == code]


@pytest.mark.parametrize("code", CODES)
def test_each_code_fires_alone_when_selected(code: str) -> None:
    source = FIRES[code]
    found = findings_of(source, Options(select=frozenset({code})), code)
    assert [f.line for f in found] == [line_of(source)]
    assert may_act(source, filters_for(Options(select=frozenset({code})))[1])
    assert could_match(source.encode(), filters_for(Options(select=frozenset({code})))[0])


@pytest.mark.parametrize("code", CODES)
def test_ignoring_a_code_removes_its_finding_and_its_fix(code: str) -> None:
    source = FIRES[code]
    result = migrate_source(source, Options(ignore=frozenset({code})))
    assert not [f for f in result.findings if f.code == code]
    if code in ("AOAI401", "AOAI402", "AOAI403", "AOAI406"):  # rewritten or reported by nothing else
        assert result.source == source


@pytest.mark.parametrize("code", CODES)
def test_a_suppression_on_the_line_silences_the_code(code: str) -> None:
    source = FIRES[code].replace("# here", f"# aoai-migrate: ignore[{code}]")
    result = migrate_source(source)
    assert not [f for f in result.findings if f.code == code]
    if code in ("AOAI401", "AOAI402", "AOAI403"):
        assert result.source == source


@pytest.mark.parametrize("code", CODES)
def test_aoai_migrate_rules_lists_and_explains_each_code(code: str) -> None:
    listing = CliRunner().invoke(main, ["rules"])
    assert listing.exit_code == 0 and code in listing.output
    text = CliRunner().invoke(main, ["rules", code])
    assert text.exit_code == 0
    assert all(f"## {section}" in text.output for section in ("What it does", "Why", "Example", "Fix safety"))


NOT_AZURE = {
    "openai.com": "from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o')\n",
    "github models": (
        "import os\nfrom openai import OpenAI\n"
        'c = OpenAI(base_url="https://models.github.ai/inference", api_key=os.environ["GITHUB_TOKEN"])\n'
    ),
    "ollama": 'from openai import OpenAI\nc = OpenAI(base_url="http://localhost:11434/v1", api_key="ollama")\n',
    "vllm": (
        'from openai import AsyncOpenAI\n\ndef key():\n    return "EMPTY"\n\n'
        'c = AsyncOpenAI(base_url="http://127.0.0.1:8000/v1", api_key=key)\n'
    ),
    "litellm": (
        "import os\nfrom openai import OpenAI\n"
        'c = OpenAI(base_url=os.environ["LITELLM_PROXY_URL"], api_key=os.environ["LITELLM_MASTER_KEY"])\n'
    ),
}


@pytest.mark.parametrize("name", sorted(NOT_AZURE))
def test_clients_of_openai_and_other_providers_are_filtered_out_cheaply(name: str) -> None:
    """Ruled out by the bytes when only the v1 family runs, and by the syntax filter with every rule."""
    source = NOT_AZURE[name]
    v1_only = filters_for(Options(select=frozenset({"AOAI4"})))
    assert not could_match(source.encode(), v1_only[0])
    assert not may_act(source, filters_for(Options())[1])
    result = migrate_source(source)
    assert result.source == source and not result.findings


AZURE_EVIDENCE = {
    "host": 'c = OpenAI(base_url="https://x.cognitiveservices.azure.com/", api_key="k")\n',
    "endpoint variable": 'import os\nc = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"], api_key="k")\n',
    "endpoint attribute": "c = OpenAI(base_url=settings.azure_openai_endpoint, api_key='k')\n",
    "azure argument": 'c = OpenAI(base_url=URL, azure_ad_token_provider=p)\n',
    "token provider": (
        "from azure.identity import get_bearer_token_provider as gbtp\n"
        "c = AsyncOpenAI(base_url=URL, api_key=gbtp(cred, 'scope'))\n"
    ),
}


@pytest.mark.parametrize("name", sorted(AZURE_EVIDENCE))
def test_every_kind_of_azure_evidence_passes_both_filters(name: str) -> None:
    source = "from openai import AsyncOpenAI, OpenAI\n" + AZURE_EVIDENCE[name]
    words, need = filters_for(Options(select=frozenset({"AOAI4"})))
    assert could_match(source.encode(), words) and may_act(source, need)


def test_aoai306_fires_for_code_already_on_the_v1_api(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai==1.50.0\n")
    (tmp_path / "app.py").write_text(
        "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
        "from openai import OpenAI\n"
        'provider = get_bearer_token_provider(DefaultAzureCredential(), "https://ai.azure.com/.default")\n'
        'client = OpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key=provider)\n'
    )
    result = CliRunner().invoke(main, ["--diff", str(tmp_path)])  # the pin is raised (AOAI306, fixed)
    assert "+openai==1.106.0" in result.output and "-openai==1.50.0" in result.output, result.output
    (tmp_path / "app.py").write_text(
        'from openai import OpenAI\nclient = OpenAI(base_url="https://x.openai.azure.com/openai/v1/", api_key="k")\n'
    )
    keyed = CliRunner().invoke(main, ["--diff", str(tmp_path)])
    assert "AOAI306" not in keyed.output and "openai==1.106.0" not in keyed.output
