"""One record of what a file needs, carried from the engine through notebooks to the run: a notebook feeds the
openai-pin check (AOAI306) exactly as the same code in a .py file does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLIENT = (
    "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
    "from openai import AzureOpenAI\n"
    "scope = 'https://cognitiveservices.azure.com/.default'\n"
    "provider = get_bearer_token_provider(DefaultAzureCredential(), scope)\n"
    'client = AzureOpenAI(azure_endpoint="https://res.openai.azure.com", azure_ad_token_provider=provider,\n'
    '                     api_version="2024-02-01")\n'
)


def _notebook(source: str) -> str:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def _pin_findings(tmp_path: Path, name: str, text: str) -> list[dict]:
    (tmp_path / "requirements.txt").write_text("openai==1.50.0\n")
    (tmp_path / name).write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "codemod", "--check", "--output-format", "json", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    return [f for f in json.loads(done.stdout) if f["code"] == "AOAI306"]


def test_a_notebook_feeds_the_openai_pin_check_like_a_module(tmp_path: Path) -> None:
    (tmp_path / "py").mkdir()
    (tmp_path / "nb").mkdir()
    module = _pin_findings(tmp_path / "py", "app.py", CLIENT)
    notebook = _pin_findings(tmp_path / "nb", "app.ipynb", _notebook(CLIENT))
    assert len(module) == 1 and "1.106.0" in module[0]["message"]
    assert [f["message"] for f in notebook] == [f["message"] for f in module]
