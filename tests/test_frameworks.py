"""Frameworks (codemod/rules/langchain_clients.py, codemod/rules/framework_clients.py): what the findings say, the
README's before/after, and the list of codes. The fixtures in fixtures/langchain/ and fixtures/frameworks/ prove
what is rewritten and where each finding is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codemod.advisor.litellm_config import azure_model
from codemod.migration import advise_module, migrate_source
from codemod.rules import all_rules

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "frameworks"


def _frameworks_section() -> str:
    return (ROOT / "README.md").read_text().split("\n## Frameworks\n", 1)[1].split("\n## ", 1)[0]


def test_readme_before_migrates_to_the_readme_after() -> None:
    block = re.search(r"```python\n(.*?)```", _frameworks_section(), re.S)
    assert block is not None
    before, after = block.group(1).split("# after\n")
    assert migrate_source(before.replace("# before\n", "")).source.strip() == after.strip()


def test_readme_lists_every_framework_code() -> None:
    section = _frameworks_section()
    codes = {code for rule in all_rules() if rule.name in ("langchain_clients", "framework_clients")
             for code in rule.codes}
    assert codes == {"AOAI501", "AOAI502", "AOAI511", "AOAI512", "AOAI513", "AOAI514", "AOAI515"}
    assert all(code in section for code in codes)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("llama_index_llm", 'OpenAILike(model=os.environ["AZURE_OPENAI_DEPLOYMENT"], api_base=os.environ['
                            '"AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/", api_key=<key>, is_chat_model=True)'),
        ("llama_index_embedding", 'OpenAILikeEmbedding(model_name="embeddings-prod", '
                                  'api_base="https://contoso.openai.azure.com/openai/v1/"'),
        ("semantic_kernel", 'OpenAIChatCompletion(ai_model_id=os.environ["AZURE_OPENAI_CHAT_DEPLOYMENT"], '
                            'async_client=openai.AsyncOpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"]'),
        ("autogen", 'OpenAIChatCompletionClient(model="gpt-4o-prod-01", base_url=os.environ["AZURE_OPENAI_ENDPOINT"]'
                    '.rstrip("/") + "/openai/v1/", api_key=os.environ["AZURE_OPENAI_API_KEY"], model_info={...})'),
        ("agent_framework", 'OpenAIChatClient(model_id="gpt-4o", base_url="https://contoso.openai.azure.com/openai/v1/"'),
        ("litellm_calls", 'api_version="v1" sends it to <api_base>/openai/v1/'),
    ],
)
def test_the_finding_carries_the_v1_form_filled_in(case: str, expected: str) -> None:
    result = migrate_source((FIXTURES / f"{case}.in.py").read_text())
    messages = [f.message for f in result.findings if f.code.startswith("AOAI51")]
    assert any(expected in message for message in messages), messages


def test_the_advisor_reports_frameworks_too() -> None:
    result = advise_module((FIXTURES / "autogen.in.py").read_text())
    assert "AOAI513" in [f.code for f in result.findings]


def test_a_langchain_client_the_tool_cannot_move_says_what_to_write() -> None:
    source = "from langchain_openai import AzureChatOpenAI\nllm = AzureChatOpenAI(**settings)\n"
    (finding,) = [f for f in migrate_source(source).findings if f.code == "AOAI502"]
    assert 'ChatOpenAI(model=<deployment>, base_url="<endpoint>/openai/v1/"' in finding.message


@pytest.mark.parametrize(
    ("text", "line", "model"),
    [
        ("model_list:\n  - model_name: a\n    litellm_params:\n      model: azure/chat\n      api_version: x\n", 5,
         "azure/chat"),
        ("model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/gpt\n      api_version: x\n", 5,
         None),
        # the api_version of the second entry is not the first entry's azure/ model
        ("model_list:\n  - litellm_params:\n      model: azure/chat\n  - litellm_params:\n      api_version: x\n", 5,
         None),
        ("settings:\n  model: azure/chat\n  api_version: x\n", 3, None),  # not a LiteLLM model list
    ],
)
def test_litellm_config_entries(text: str, line: int, model: str | None) -> None:
    assert azure_model(text, line) == model


def test_a_token_provider_moved_to_api_key_needs_a_callable_key_from_openai() -> None:
    """AOAI306 reads the record: langchain-openai hands the provider to openai's client as its api_key."""
    provider = (FIXTURES.parent / "langchain" / "entra_provider_and_env_endpoint.in.py").read_text()
    token = "from langchain_openai import AzureChatOpenAI\nllm = AzureChatOpenAI(azure_ad_token='t', api_version='v')\n"
    assert "1.106.0" in migrate_source(provider).record.sdk_needs.values()
    assert migrate_source(token).record.sdk_needs == {}
