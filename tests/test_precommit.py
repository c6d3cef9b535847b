"""The pre-commit hooks, installed from this checkout by the real pre-commit, in a real commit.

Each project names this checkout in its `.pre-commit-config.yaml` at a commit (`repo:` and `rev:`), as a user's
project names the hooks' repository. pre-commit builds the hooks' environment with pip (about half a minute
here), which reads the machine's pip configuration (its index and wheel folders), so nothing here needs more
network than the package registry; the environment is built once for the module's tests (they share a
PRE_COMMIT_HOME, also across test workers). The check hook's failing case runs its `entry` directly. pre-commit takes
committed code only: when the checkout has uncommitted changes, a committed snapshot of its tracked files as
they are on disk is used instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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
    # One store for every test worker of the session (their temporary folders share a parent): pre-commit builds
    # the hooks' environment once per repository and commit, under its own lock.
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(shared / "pre-commit-home"),
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


def install_hooks(repo: Path, hook_repo: Path, env: dict[str, str]) -> None:
    """A `.pre-commit-config.yaml` naming both hooks of `hook_repo` at its commit, and the git hook that runs
    pre-commit on what is staged (what `pre-commit install` writes, with this interpreter)."""
    rev = git(hook_repo, "rev-parse", "HEAD", env=env).stdout.strip()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n"
        "      - id: aoai-migrate\n      - id: aoai-migrate-check\n"
    )
    git(repo, "add", ".pre-commit-config.yaml", env=env)
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pre_commit run\n')
    hook.chmod(0o755)


def hook_sections(output: str) -> dict[str, tuple[str, str]]:
    """{hook name: (status, the hook's own report)} from pre-commit's output (`name.....Failed` lines)."""
    parts = re.split(r"^(.+?)\.{3,}(Passed|Failed)$", output, flags=re.MULTILINE)
    return {name: (status, text) for name, status, text in zip(parts[1::3], parts[2::3], parts[3::3], strict=True)}


def test_hooks_fail_the_commit_and_rewrite_the_file_then_the_next_commit_passes(
    tmp_path: Path, env: dict[str, str], hook_repo: Path
) -> None:
    """Both hooks (try-repo runs them sorted by id): the rewrite fails the commit, and the check that
    follows it finds nothing left; after `git add`, both pass."""
    repo = new_repo(tmp_path / "project", env)
    install_hooks(repo, hook_repo, env)

    first = git(repo, "commit", "-m", "add the Azure client", env=env, check=False)
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    sections = hook_sections(output)
    assert list(sections) == ["aoai-migrate", "aoai-migrate (check only)"], output
    migrate_status, migrate_report = sections["aoai-migrate"]
    assert migrate_status == "Failed" and "files were modified by this hook" in migrate_report
    assert "1 file migrated" in migrate_report
    assert sections["aoai-migrate (check only)"][0] == "Passed"
    assert git(repo, "rev-parse", "--verify", "-q", "HEAD", env=env, check=False).returncode != 0  # no commit
    migrated = (repo / "app.py").read_text()
    assert "from openai import OpenAI" in migrated
    assert 'base_url=os.getenv("AZURE_OPENAI_ENDPOINT").rstrip("/") + "/openai/v1/"' in migrated
    assert "api_version" not in migrated

    git(repo, "add", "app.py", env=env)
    second = git(repo, "commit", "-m", "add the Azure client", env=env, check=False)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert {name: status for name, (status, _) in hook_sections(output).items()} == {
        "aoai-migrate": "Passed",
        "aoai-migrate (check only)": "Passed",
    }
    assert git(repo, "show", "HEAD:app.py", env=env).stdout == migrated


def test_check_hook_entry_reports_and_changes_nothing(tmp_path: Path) -> None:
    """The check hook as pre-commit calls it (entry + file names), without another environment build."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"aoai-migrate", "aoai-migrate-check"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types_or"] == ["python", "jupyter"]
        assert hook["require_serial"] is True
    entry = shlex.split(hooks["aoai-migrate-check"]["entry"])
    assert entry == ["aoai-migrate", "--check"] and hooks["aoai-migrate"]["entry"] == "aoai-migrate"
    (tmp_path / "app.py").write_text(AZURE_FILE)
    (tmp_path / "clean.py").write_text("print('no Azure here')\n")
    executable = str(Path(sys.executable).parent / entry[0])
    pending = subprocess.run(
        [executable, *entry[1:], "app.py", "clean.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert pending.returncode == 1, pending.stdout + pending.stderr
    assert (tmp_path / "app.py").read_text() == AZURE_FILE
    clean = subprocess.run(
        [executable, *entry[1:], "clean.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr


V1_FILE = """\
import os

from openai import OpenAI

client = OpenAI(
    base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
"""

SYNC_PROVIDER_ON_ASYNC = """\
from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from openai import AsyncOpenAI

token_provider = get_bearer_token_provider(DefaultAzureCredential(), "https://ai.azure.com/.default")
client = AsyncOpenAI(base_url="https://contoso.openai.azure.com/openai/v1/", api_key=token_provider)
"""


def test_a_repository_on_the_v1_api_keeps_a_new_sync_provider_on_async_openai_out(
    tmp_path: Path, env: dict[str, str], hook_repo: Path
) -> None:
    """A project already on the v1 API (committed before the hook): a commit that adds a synchronous token
    provider on AsyncOpenAI (a TypeError at its first request) fails, the hook wraps the provider (AOAI402),
    and the commit of the fixed file passes."""
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", env=env)
    (repo / "app.py").write_text(V1_FILE)
    git(repo, "add", "app.py", env=env)
    git(repo, "commit", "-q", "-m", "on the v1 API", env=env)
    install_hooks(repo, hook_repo, env)
    git(repo, "commit", "-q", "-m", "the hooks", "--no-verify", env=env)

    (repo / "agent.py").write_text(SYNC_PROVIDER_ON_ASYNC)
    git(repo, "add", "agent.py", env=env)
    first = git(repo, "commit", "-m", "an async client", env=env, check=False)
    output = first.stdout + first.stderr
    assert first.returncode != 0, output
    status, report = hook_sections(output)["aoai-migrate"]
    assert status == "Failed" and "files were modified by this hook" in report, output
    assert git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "2"  # no new commit
    fixed = (repo / "agent.py").read_text()
    assert "api_key=_aoai_awaitable_token_provider(token_provider)" in fixed
    assert "def _aoai_awaitable_token_provider(" in fixed and (repo / "app.py").read_text() == V1_FILE

    git(repo, "add", "agent.py", env=env)
    second = git(repo, "commit", "-m", "an async client", env=env, check=False)
    output = second.stdout + second.stderr
    assert second.returncode == 0, output
    assert {name: status for name, (status, _) in hook_sections(output).items()} == {
        "aoai-migrate": "Passed",
        "aoai-migrate (check only)": "Passed",
    }
    assert git(repo, "show", "HEAD:agent.py", env=env).stdout == fixed
