"""The pre-commit hooks, installed from this checkout by the real `pre-commit try-repo`.

pre-commit builds the hook's environment with pip, which reads the machine's pip configuration (its
index and wheel folders), so nothing here needs more network than the package registry. A checkout with
uncommitted changes would make try-repo build a new shadow repository, and so a new environment, on every
call; in that case the tests use one committed snapshot of the checkout's tracked files instead, so the
environment is built once per test session.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
TIMEOUT = 600  # the first call installs the hook's environment

AZURE_FILE = """\
import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    api_key=os.getenv("AZURE_OPENAI_API_KEY"),
    api_version="2024-02-01",
)
"""


def git(cwd: Path, *args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, check=check, capture_output=True, text=True, timeout=TIMEOUT
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("precommit")
    (base / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(base / "cache"),
        "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),  # no user hooksPath or templates
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }


@pytest.fixture(scope="module")
def hook_repo(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout, or a committed snapshot of its tracked files when it has uncommitted changes."""
    dirty = git(CHECKOUT, "status", "--porcelain", "--untracked-files=no", env=env).stdout.strip()
    if not dirty:
        return CHECKOUT
    snapshot = tmp_path_factory.mktemp("checkout")
    tracked = git(CHECKOUT, "ls-files", "-z", env=env).stdout.split("\0")
    for name in filter(None, tracked):
        source = CHECKOUT / name
        if source.is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / name)
    git(snapshot, "init", "-q", env=env)
    git(snapshot, "add", "-A", env=env)
    git(snapshot, "commit", "-q", "-m", "snapshot of the checkout", env=env)
    return snapshot


def new_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir()
    git(path, "init", "-q", env=env)
    (path / "app.py").write_text(AZURE_FILE)
    git(path, "add", "app.py", env=env)
    return path


def try_repo_command(hook_repo: Path, hook: str | None, env: dict[str, str]) -> list[str]:
    """`pre-commit try-repo` for one hook, or for all of them with `hook=None`.

    try-repo builds the hook environment in a fresh temporary store on every call (about half a minute
    here), so the tests keep their calls few. `--ref`: inside a git hook GIT_INDEX_FILE is set, and
    try-repo would compare the hook repository with the project's index and build a shadow copy."""
    ref = git(hook_repo, "rev-parse", "HEAD", env=env).stdout.strip()
    hooks = [hook] if hook else []
    return [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), *hooks, "--ref", ref]


def try_repo(repo: Path, hook_repo: Path, hook: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = try_repo_command(hook_repo, hook, env)
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def hook_status(output: str) -> dict[str, str]:
    """{hook name: "Passed" | "Failed"} from pre-commit's report lines (`name.....Passed`)."""
    found = re.findall(r"^(.+?)\.{3,}(Passed|Failed)$", output, flags=re.MULTILINE)
    return dict(found)


def test_hook_rewrites_the_file_and_fails_the_commit_then_the_next_commit_passes(
    tmp_path: Path, env: dict[str, str], hook_repo: Path
) -> None:
    repo = new_repo(tmp_path / "project", env)
    hook = repo / ".git" / "hooks" / "pre-commit"
    command = " ".join(f'"{part}"' for part in try_repo_command(hook_repo, None, env))  # both hooks
    hook.write_text(f"#!/bin/sh\nexec {command}\n")
    hook.chmod(0o755)

    first = git(repo, "commit", "-m", "add the Azure client", env=env, check=False)
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    assert "files were modified by this hook" in output
    # the rewrite leaves nothing for the check hook, which runs after it on the rewritten file
    assert hook_status(output) == {"aoai-migrate": "Failed", "aoai-migrate (check only)": "Passed"}
    assert git(repo, "rev-parse", "--verify", "-q", "HEAD", env=env, check=False).returncode != 0  # no commit
    migrated = (repo / "app.py").read_text()
    assert "from openai import OpenAI" in migrated
    assert 'base_url=os.getenv("AZURE_OPENAI_ENDPOINT").rstrip("/") + "/openai/v1/"' in migrated
    assert "api_version" not in migrated

    git(repo, "add", "app.py", env=env)
    second = git(repo, "commit", "-m", "add the Azure client", env=env, check=False)
    assert second.returncode == 0, second.stdout + second.stderr
    assert set(hook_status(second.stdout + second.stderr).values()) == {"Passed"}
    assert git(repo, "show", "HEAD:app.py", env=env).stdout == migrated


def test_check_hook_reports_and_changes_nothing(tmp_path: Path, env: dict[str, str], hook_repo: Path) -> None:
    repo = new_repo(tmp_path / "project", env)
    result = try_repo(repo, hook_repo, "aoai-migrate-check", env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert hook_status(result.stdout) == {"aoai-migrate (check only)": "Failed"}
    assert "files were modified" not in result.stdout
    assert (repo / "app.py").read_text() == AZURE_FILE
