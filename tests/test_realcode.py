"""benchmarks/realcode.py on tiny repositories made here: its checks catch planted failures and pass clean code.

A stand-in tool (written below) plays a migrate command that does exactly what each file's plan says, so every
check is proven against a known mistake whatever the real tool does today; one test runs the real tool on a
plain client it migrates. No network, no /work/.mirror.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "realcode.py"
REPO = "someone/sample"
CHECKS = ("tool", "compile", "import-order", "second-run", "dry-run", "diff", "azure-left", "private-attr", "copy-args",
          "deployment", "isinstance", "annotation")

# A stand-in for the migrate command: `[--diff] --output-format json --output FILE PATH...`. The plan (JSON, in
# $PLAN) maps a file to what the run writes ("after"), what it reports ("findings"), and planted misbehaviour.
STAND_IN = '''
import json, os, sys
args = sys.argv[1:]
plan = json.load(open(os.environ["PLAN"]))
report = args[args.index("--output") + 1]
dry = "--diff" in args
findings = []
for path, step in plan.items():
    if not os.path.exists(path):
        continue
    text = open(path).read()
    after = step.get("after", text)
    if step.get("again"):
        after = text + "x = 1\\n"
    if dry:
        if after != text and not step.get("hide_in_diff"):
            print(f"--- a/{path}\\n+++ b/{path}")
        if step.get("write_on_diff"):
            open(path, "w").write(after)
    elif after != text:
        open(path, "w").write(after)
    findings += [dict(f, path=path) for f in step.get("findings", [])]
if any(step.get("crash") for step in plan.values()):
    print("Traceback (most recent call last):\\nRuntimeError: boom", file=sys.stderr)
    sys.exit(70)
json.dump(findings, open(report, "w"))
sys.exit(1 if findings else 0)
'''

AZURE = 'from openai import AzureOpenAI\nclient = AzureOpenAI(api_version="2024-02-01")\n'
V1 = 'from openai import OpenAI\nclient = OpenAI(base_url="https://r.openai.azure.com/openai/v1/")\n'
PERSON = {"line": 2, "cell": None, "code": "AOAI101", "fixed": False, "level": "warning", "message": "check by hand"}


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def _notebook(*cells: str) -> str:
    return json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _mirror(tmp: Path, files: dict[str, str]) -> tuple[Path, str]:
    """A repository with `files`, cloned bare where `fetch` would put it; (mirror folder, commit)."""
    work = tmp / "work"
    work.mkdir()
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    _git(work, "init", "-q")
    _git(work, "add", ".")
    _git(work, "commit", "-q", "-m", "sample")
    mirrors = tmp / "mirrors"
    _git(tmp, "clone", "-q", "--bare", str(work), str(mirrors / REPO.replace("/", "+") / "repo"))
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout.strip()
    return mirrors, commit


def _run(tmp: Path, files: dict[str, str], plan: dict | None, paths: tuple[str, ...] = ("",), extra=()):
    mirrors, commit = _mirror(tmp, files)
    manifest = tmp / "manifest.tsv"
    manifest.write_text("repo\tcommit\tpath\n" + "".join(f"{REPO}\t{commit}\t{p}\n" for p in paths))
    command = [sys.executable, str(SCRIPT), str(manifest), str(mirrors), "--scratch", str(tmp / "scratch"), *extra]
    env = dict(os.environ)
    if plan is not None:
        (tmp / "tool.py").write_text(STAND_IN)
        (tmp / "plan.json").write_text(json.dumps(plan))
        command += ["--tool", f"{sys.executable} {tmp / 'tool.py'}"]
        env["PLAN"] = str(tmp / "plan.json")
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _failures(output: str) -> list[str]:
    return [line for line in output.split("Failures:\n", 1)[1].splitlines() if line.startswith("[")]


def test_clean_rewrite_and_reported_leftovers_pass(tmp_path):
    files = {
        "app.py": AZURE + "print(client.chat.completions.create(model='m', messages=[]))\n",
        "kept.py": 'import openai as oa\nclient = oa.AzureOpenAI(**settings)\n',
        "other.py": "from llama_index.llms.azure_openai import AzureOpenAI\nllm = AzureOpenAI(engine='e')\n",
        "nb.ipynb": _notebook("%pip install openai\n", AZURE),
        "dep.py": "from openai import AzureOpenAI\nc = AzureOpenAI(api_version='v', azure_deployment=D)\n"
                  "c.chat.completions.create(messages=[])\n",
    }
    plan = {
        "app.py": {"after": V1 + "print(client.chat.completions.create(model='m', messages=[]))\n"},
        "kept.py": {"findings": [PERSON]},
        "nb.ipynb": {"after": _notebook("%pip install openai\n", V1)},
        "dep.py": {"after": "from openai import OpenAI\nc = OpenAI(base_url='u')\n"
                            "c.chat.completions.create(messages=[], model=D)\n"},
    }
    done = _run(tmp_path, files, plan)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _failures(done.stdout) == []
    assert f"| {REPO}@" in done.stdout and "| 5 | 4 | 3 | 1 |" in done.stdout  # files, Azure files, changed, person


PLANTED = {
    "tool-parse": ({"nb.ipynb": _notebook("x = await f()\n")},
                   {"nb.ipynb": {"findings": [dict(PERSON, line=1, cell=1, code="AOAI000", level="error")]}},
                   "nb.ipynb:cell 1:1"),
    "compile": ({"broken.py": AZURE}, {"broken.py": {"after": "from openai import OpenAI\nclient = OpenAI(\n"}},
                "broken.py:2"),
    "compile-cell": ({"nb.ipynb": _notebook("x = 1\n", AZURE)},
                     {"nb.ipynb": {"after": _notebook("x = 1\n", "client = OpenAI(\n")}}, "nb.ipynb:cell 2:1"),
    "import-order": ({"nb.ipynb": _notebook("NAME = 'd'\n", AZURE)},
                     {"nb.ipynb": {"after": _notebook("NAME = os.getenv('D', 'd')\n", "import os\n" + V1)}},
                     "nb.ipynb:cell 1:1"),
    "second-run": ({"again.py": AZURE}, {"again.py": {"again": True, "findings": [PERSON]}}, "again.py:4"),
    "dry-run": ({"eager.py": AZURE}, {"eager.py": {"after": V1, "write_on_diff": True}}, "eager.py:1"),
    "diff": ({"hidden.py": AZURE}, {"hidden.py": {"after": V1, "hide_in_diff": True}}, "hidden.py:1"),
    "azure-left": ({"left.py": "import openai as oa\n\nclient = oa.AzureOpenAI(api_version='2024-02-01')\n"},
                   {"left.py": {}}, "left.py:3"),
    "azure-left-import": ({"lib.py": "from openai.lib.azure import AsyncAzureOpenAI as Client\n"}, {"lib.py": {}},
                          "lib.py:1"),
    "private-attr": ({"private.py": AZURE + "version = client._api_version\n"},
                     {"private.py": {"after": V1 + "version = client._api_version\n"}}, "private.py:3"),
    "copy-args": (
        {"copy.py": "from openai import AzureOpenAI\n\nclass A:\n    def __init__(self):\n"
                    "        self.llm = AzureOpenAI(api_version='v')\n"
                    "        self.slow = self.llm.with_options(timeout=9, api_version='w')\n"},
        {"copy.py": {"after": "from openai import OpenAI\n\nclass A:\n    def __init__(self):\n"
                              "        self.llm = OpenAI(base_url='u')\n"
                              "        self.slow = self.llm.with_options(timeout=9, api_version='w')\n"}},
        "copy.py:6"),
    "deployment": (
        {"llm.py": "from openai import AzureOpenAI\nfrom base import Base\nclass A(Base):\n    def __init__(self, d):\n"
                   "        self.client = AzureOpenAI(api_version='v', azure_deployment=d)\n"},
        {"llm.py": {"after": "from openai import OpenAI\nfrom base import Base\nclass A(Base):\n"
                             "    def __init__(self, d):\n        self.client = OpenAI(base_url='u')\n"}},
        "llm.py:5"),
    "isinstance": ({"check.py": AZURE + "azure = isinstance(client, AzureOpenAI)\n"},
                   {"check.py": {"after": V1 + "azure = isinstance(client, OpenAI)\n"}}, "check.py:3"),
    "annotation": (
        {"ann.py": "from openai import AzureOpenAI\ndef make(settings) -> AzureOpenAI:\n"
                   "    return AzureOpenAI(**settings)\n"},
        {"ann.py": {"after": "from openai import AzureOpenAI, OpenAI\ndef make(settings) -> OpenAI:\n"
                             "    return AzureOpenAI(**settings)\n", "findings": [dict(PERSON, line=3)]}},
        "ann.py:2"),
    "annotation-string": (
        {"fwd.py": "def make(settings) -> 'AsyncAzureOpenAI':\n    from openai import AsyncAzureOpenAI\n"
                   "    return AsyncAzureOpenAI(**settings)\n"},
        {"fwd.py": {"after": "def make(settings) -> 'AsyncOpenAI':\n    from openai import AsyncAzureOpenAI\n"
                             "    return AsyncAzureOpenAI(**settings)\n", "findings": [dict(PERSON, line=3)]}},
        "fwd.py:1"),
    "annotation-alias": (
        {"types.py": "from openai import AsyncAzureOpenAI, AsyncOpenAI\nClients = AsyncOpenAI | AsyncAzureOpenAI\n",
         "make.py": "from openai import AsyncAzureOpenAI\nclient = AsyncAzureOpenAI(**settings)\n"},
        {"types.py": {"after": "from openai import AsyncOpenAI\nClients = AsyncOpenAI\n"},
         "make.py": {"findings": [PERSON]}},
        "types.py:2"),
    "azure-left-module": ({"old.py": "import openai\nopenai.api_type = 'azure'\n"}, {"old.py": {}}, "old.py:2"),
    "azure-left-legacy": ({"old.py": "import openai\nopenai.ChatCompletion.create(engine='d', messages=[])\n"},
                          {"old.py": {}}, "old.py:2"),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_planted_failure_is_caught_with_its_line(tmp_path, case):
    files, plan, where = PLANTED[case]
    done = _run(tmp_path, files, plan)
    assert done.returncode == 1, done.stdout + done.stderr
    check = next(c for c in CHECKS if case.startswith(c))  # cases are named "<check>" or "<check>-<variant>"
    assert any(line.startswith(f"[{check}] {REPO} {where} ") for line in _failures(done.stdout)), done.stdout


def test_reuse_checks_kept_runs_without_running_the_tool_again(tmp_path):
    files, plan, where = PLANTED["isinstance"]
    first = _run(tmp_path, files, plan, extra=("--keep",))
    assert first.returncode == 1
    manifest, mirrors, scratch = tmp_path / "manifest.tsv", tmp_path / "mirrors", tmp_path / "scratch"
    again = subprocess.run([sys.executable, str(SCRIPT), str(manifest), str(mirrors), "--scratch", str(scratch),
                            "--reuse", "--tool", "false"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 1, again.stdout + again.stderr
    assert _failures(again.stdout) == _failures(first.stdout)  # `false` would have been a tool failure


def test_crash_of_the_tool_is_a_failure(tmp_path):
    done = _run(tmp_path, {"a.py": AZURE}, {"a.py": {"crash": True}})
    assert done.returncode == 1
    assert any(line.startswith(f"[tool] {REPO} ") and "exited 70" in line for line in _failures(done.stdout))


def test_manifest_paths_limit_the_files_and_a_missing_repository_is_an_error(tmp_path):
    files = {"pkg/a.py": AZURE, "pkg/b.py": AZURE, "c.py": AZURE}
    done = _run(tmp_path, files, {"pkg/a.py": {"after": V1}}, paths=("pkg/a.py",))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| 1 | 1 | 1 | 0 |" in done.stdout  # only pkg/a.py is looked at
    manifest = tmp_path / "other.tsv"
    manifest.write_text("nobody/nothing\t" + "0" * 40 + "\n")
    gone = subprocess.run([sys.executable, str(SCRIPT), str(manifest), str(tmp_path / "mirrors")],
                          capture_output=True, text=True)
    assert gone.returncode == 2 and "no git directory for nobody/nothing" in gone.stderr


def test_the_real_tool_passes_a_plain_client(tmp_path):
    source = textwrap.dedent("""\
        import os

        from openai import AzureOpenAI

        client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="2024-02-01",
        )
        reply = client.chat.completions.create(model=os.environ["DEPLOYMENT"], messages=[])
        """)
    done = _run(tmp_path, {"app.py": source}, None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| 1 | 1 | 1 | 0 |" in done.stdout
