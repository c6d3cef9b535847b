"""The benchmark's count of files handed to LibCST ($AOAI_MIGRATE_PARSE_LOG, codemod/run/runner.py): one line per
file the engine parses, from the process pool's workers too, and no file at all when the variable is unset. A file
that only mentions openai passes the byte filter but not the syntax filter (codemod/run/filters.py): not parsed."""

from __future__ import annotations

from pathlib import Path

import pytest

from codemod.options import Options
from codemod.run import runner

AZURE = 'from openai import AzureOpenAI\n\nclient = AzureOpenAI(api_version="2024-02-01")\n'
MENTION = '"""Answers come from an OpenAI model."""\n\nVALUE = 1\n'
PLAIN = "def add(a, b):\n    return a + b\n"


def _tree(tmp_path: Path, plain: int) -> tuple[list[tuple[Path, str]], set[str]]:
    files = {"azure.py": AZURE, "mention.py": MENTION, **{f"plain_{n}.py": PLAIN for n in range(plain)}}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    listed = [(tmp_path / name, name) for name in sorted(files)]
    return listed, {"azure.py"}


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "process-pool"])
def test_one_line_per_file_the_engine_parses(tmp_path, monkeypatch, jobs):
    tree = tmp_path / "tree"
    tree.mkdir()
    files, parsed = _tree(tree, plain=runner.POOL_THRESHOLD)  # enough files for the pool when jobs=2
    log = tmp_path / "parsed.log"
    monkeypatch.setenv(runner.PARSE_LOG, str(log))
    outcomes = runner.migrate_files(files, Options(), jobs=jobs)
    assert sorted(log.read_text().splitlines()) == sorted(parsed)
    assert {o.path.name for o in outcomes if o.status != "skipped"} == {*parsed, "mention.py"}


def test_notebooks_count_and_nothing_is_written_without_the_variable(tmp_path, monkeypatch):
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": '
                        '["from openai import AzureOpenAI"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    log = tmp_path / "parsed.log"
    monkeypatch.delenv(runner.PARSE_LOG, raising=False)
    runner.migrate_files([(notebook, "nb.ipynb")], Options(), jobs=1)
    assert not log.exists()
    monkeypatch.setenv(runner.PARSE_LOG, str(log))
    runner.migrate_files([(notebook, "nb.ipynb")], Options(), jobs=1)
    assert log.read_text() == "nb.ipynb\n"
