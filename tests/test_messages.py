"""Findings that need a person say concretely what the tool saw."""

from __future__ import annotations

import pytest

from codemod.migration import migrate_source
from codemod.options import Options

CLIENT = (
    'AzureOpenAI(azure_endpoint="https://res.openai.azure.com", api_key=KEY, api_version="2024-10-21", '
    'azure_deployment="chat")'
)


@pytest.mark.parametrize(
    ("body", "line", "how"),
    [
        (f"def make():\n    return {CLIENT}\n", 4, "returned"),
        (f"def make():\n    client = {CLIENT}\n\n    return client\n", 6, "returned"),
        (f"def make():\n    yield {CLIENT}\n", 4, "yielded"),
        (f"client = {CLIENT}\nrun_agent(client, 'plan')\n", 4, "passed to run_agent()"),
        (f"client = {CLIENT}\nagents.runner.start(task, client=client)\n", 4, "passed to agents.runner.start()"),
        (f"client = {CLIENT}\nREGISTRY['chat'] = client\n", 4, "stored or used where the tool can't follow it"),
    ],
)
def test_aoai105_says_where_and_how_the_client_goes_out_of_sight(body: str, line: int, how: str) -> None:
    source = "from openai import AzureOpenAI\n\n" + body
    result = migrate_source(source, Options(), "m.py")
    assert result.source == source  # left alone: its requests can't all be given model=
    (finding,) = [f for f in result.findings if f.code == "AOAI105"]
    assert f"goes out of sight at line {line} ({how})" in finding.message


def test_aoai105_names_the_first_place_the_client_goes_out_of_sight() -> None:
    """Uses are followed through names (`alias = client`) in no particular order (the scope analysis gives a
    name's uses as a set): the message names the first place in the file, the same on every run."""
    source = f"from openai import AzureOpenAI\n\nclient = {CLIENT}\nalias = client\nfirst(client)\nsecond(alias)\n"
    messages = set()
    for _ in range(5):
        (finding,) = [f for f in migrate_source(source, Options(), "m.py").findings if f.code == "AOAI105"]
        messages.add(finding.message)
    assert len(messages) == 1 and "goes out of sight at line 5 (passed to first())" in messages.pop()


@pytest.mark.parametrize(
    ("call", "hint"),
    [
        ("openai.ChatCompletion.create(engine='chat', messages=[])", "client.chat.completions.create(model="),
        ("openai.Embedding.create(engine='ada', input='x')", "client.embeddings.create(model="),
        ("openai.Completion.create(engine='davinci', prompt='x')", "client.completions.create(model="),
        ("openai.Image.create(prompt='x')", "client.images.generate(model="),
        ("openai.Edit.create(engine='e', input='x')", "1.x has no equivalent"),
    ],
)
def test_aoai107_points_each_openai_0x_call_at_its_1x_replacement(call: str, hint: str) -> None:
    source = f"import openai\n\nopenai.api_type = 'azure'\nresult = {call}\n"
    (finding,) = [f for f in migrate_source(source, Options(), "m.py").findings if f.code == "AOAI107"]
    assert finding.line == 4
    assert hint in finding.message
