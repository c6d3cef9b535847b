"""What every rollout engine needs around it, played locally: repositories as a code host holds them, a git
that reads no user configuration, the `aoai-migrate` command on PATH (this checkout, run by the test's
interpreter), and the sample code the tests migrate, with what it must become."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
ROLLOUT = CHECKOUT / "examples" / "rollout"

DATED = '''import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    api_key=os.getenv("AZURE_OPENAI_API_KEY"),
    api_version="2024-02-01",
)


def answer(messages):
    return client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=messages,
    )


def client_from(settings):
    return AzureOpenAI(**settings)
'''
# DATED after the migration: the client on the v1 URL, the deployment behind a variable, api_version gone; the
# client built from **settings (a finding for a person) keeps the AzureOpenAI import.
MIGRATED = '''import os

from openai import AzureOpenAI, OpenAI

client = OpenAI(
    base_url=os.getenv("AZURE_OPENAI_ENDPOINT").rstrip("/") + "/openai/v1/",
    api_key=os.getenv("AZURE_OPENAI_API_KEY"),
)


def answer(messages):
    return client.chat.completions.create(
        model=os.getenv("AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01", "gpt-4o-prod-01"),
        messages=messages,
    )


def client_from(settings):
    return AzureOpenAI(**settings)
'''
V1_ONLY = MIGRATED.replace("AzureOpenAI, OpenAI", "OpenAI").split("\n\n\ndef client_from")[0] + "\n"
UNPARSEABLE = "from openai import AzureOpenAI\n\ndef (:\n"
README = "# service\n"

# The three kinds of repository a rollout meets: something to migrate, nothing to migrate, and a run that fails.
REPOSITORIES = {
    "your-org/chat-service": {"README.md": README, "app/chat.py": DATED},
    "your-org/already-v1": {"README.md": README, "app/chat.py": V1_ONLY},
    "your-org/legacy-tool": {"README.md": README, "app/chat.py": DATED, "app/broken.py": UNPARSEABLE},
}
# Where every engine's pull request for your-org/chat-service lives: the recipes link files below it.
LINK_BASE = "https://github.com/your-org/chat-service/blob/aoai-migrate/v1-api/"


@dataclass
class PullRequest:
    """What an engine would open: the branch's change and the description."""

    title: str
    body: str
    changed: dict[str, str]  # path -> content after the change, for every file the change touches


def git_env(base: Path) -> dict[str, str]:
    """The environment for git and the engines: no user or system git configuration, a fixed identity."""
    (base / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Rollout Test",
        "GIT_AUTHOR_EMAIL": "rollout@example.invalid",
        "GIT_COMMITTER_NAME": "Rollout Test",
        "GIT_COMMITTER_EMAIL": "rollout@example.invalid",
        "PATH": f"{tool_bin(base)}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
    }


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def code_host(base: Path, env: dict[str, str]) -> dict[str, Path]:
    """Bare repositories, one commit each on main, as a code host serves them to a clone."""
    remotes = {}
    for name, files in REPOSITORIES.items():
        work = base / "authoring" / name
        for path, text in files.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text)
        git(work, "init", "-q", env=env)
        git(work, "add", "--all", env=env)
        git(work, "commit", "-q", "-m", "initial", env=env)
        remotes[name] = base / "host" / f"{name}.git"
        git(base, "clone", "-q", "--bare", str(work), str(remotes[name]), env=env)
    return remotes


def tool_bin(base: Path) -> Path:
    """A folder with `aoai-migrate`: this checkout's command, whatever folder it runs in."""
    folder = base / "tool-bin"
    if not folder.exists():
        folder.mkdir()
        executable(folder / "aoai-migrate", f'#!/bin/sh\nexec "{sys.executable}" -m codemod "$@"\n')
    return folder


def executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(0o755)
    return path


def change_between(repo: Path, before: str, after: str, env: dict[str, str]) -> dict[str, str]:
    names = git(repo, "diff", "--name-only", before, after, env=env).split()
    return {name: git(repo, "show", f"{after}:{name}", env=env) for name in names}


def assert_migration_pull_request(pr: PullRequest | None, link_base: str = LINK_BASE) -> None:
    """The chat service's pull request: exactly the migrated file, and the report as its description."""
    assert pr is not None
    assert pr.changed == {"app/chat.py": MIGRATED}
    assert pr.body.startswith("aoai-migrate moves 1 file from Azure OpenAI's dated API")
    assert "| `AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01` |" in pr.body
    task = f"- [ ] [app/chat.py:19]({link_base}app/chat.py#L19) AOAI101 AzureOpenAI(\\*\\*...) hides its settings"
    assert task in pr.body  # line 19 of the migrated file holds AzureOpenAI(**settings)
    assert all(target.startswith(link_base) for target in re.findall(r"\]\(([^)]+)\)", pr.body))
    assert MIGRATED.splitlines()[18].strip() == "return AzureOpenAI(**settings)"
    assert "\nGenerated by aoai-migrate " in pr.body
