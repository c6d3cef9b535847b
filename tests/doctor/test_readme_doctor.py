"""The README's doctor section shows real output: each of its example blocks is run against the loopback
server (the port and the key are the only things that differ) and must match line for line; a `...` line in a
block stands for any lines of the real output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.doctor.conftest import DEPLOYMENTS, MODEL_OF, run_doctor
from tests.doctor.servers import DoctorServer

ROOT = Path(__file__).resolve().parents[2]
README_PORT = "33859"
README_KEY = "3f9a1b2c3d4e5f607189c2e"  # shown as 3f9…9c2e
CHAT = '''\
import os

from openai import AzureOpenAI

client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21")
reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
vectors = client.embeddings.create(model="text-embedding-3-small", input="tea")
'''
SUMMARISE = '''\
from openai import AzureOpenAI

client = AzureOpenAI(api_version="2024-10-21")
summary = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Sum up"}])
'''
# The resource behind each example block, in README order: what the data-plane listing answers.
LISTING_REFUSALS = [None, None, 404]


def doctor_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## `aoai-migrate doctor`", 1)[1].split("\n## ", 1)[0]
    return [block for block in re.findall(r"```\n(.*?)```", section, re.S) if block.startswith("$ aoai-migrate")]


def test_the_section_has_the_examples_this_test_runs() -> None:
    blocks = doctor_blocks()
    assert len(blocks) == len(LISTING_REFUSALS)
    assert any("this resource serves it as deployment 'gpt-4o-prod-01'" in block for block in blocks)


@pytest.mark.parametrize("index", range(len(LISTING_REFUSALS)))
def test_readme_example_output_is_real(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command, *shown = doctor_blocks()[index].splitlines()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "chat.py").write_text(CHAT, encoding="utf-8")
    (tmp_path / "src" / "summarise.py").write_text(SUMMARISE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with DoctorServer(deployments=set(DEPLOYMENTS), api_keys={README_KEY}, model_of=dict(MODEL_OF),
                      listing_refusal=LISTING_REFUSALS[index]) as server:
        env = {"AZURE_OPENAI_ENDPOINT": server.endpoint, "AZURE_OPENAI_API_KEY": README_KEY}
        outcome = run_doctor(command.removeprefix("$ aoai-migrate doctor").split(), env)
        port = server.endpoint.rsplit(":", 1)[1]
    assert README_KEY not in outcome.stdout
    real = outcome.stdout.replace(f"127.0.0.1:{port}/", f"127.0.0.1:{README_PORT}/").splitlines()
    assert _matches(shown, real), "README block differs from the real output:\n" + "\n".join(real)


def _matches(shown: list[str], real: list[str]) -> bool:
    """`shown` equals `real`, where each `...` line of `shown` stands for zero or more lines."""
    if not shown:
        return not real
    if shown[0] == "...":
        return any(_matches(shown[1:], real[start:]) for start in range(len(real) + 1))
    return bool(real) and shown[0] == real[0] and _matches(shown[1:], real[1:])
