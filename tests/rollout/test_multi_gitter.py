"""examples/rollout/multi-gitter.sh and the command line in its header, run the way `multi-gitter run` runs them.

multi-gitter is not installed here; this test plays its part, following its documented contract (README "Usage
of run" and `internal/multigitter/run.go`, `cmd.go`, `cmd/cmd-run.go` of github.com/lindell/multi-gitter):
- the script path is the command's first argument, made absolute; it is executed directly (so it must be
  executable), with the clone's root as working directory and the environment multi-gitter has, plus
  `REPOSITORY=owner/name` (and `DRY_RUN=true` only with --dry-run);
- each repository is cloned afresh and switched to the feature branch (--branch) before the script runs;
- a non-zero exit aborts that repository: no pull request;
- with --manual-commit, a pull request is opened only if the script left a new commit, and, when no --pr-title is
  given, its title is the first line of the first new commit's message and its body the rest, trimmed.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

from tests.rollout.hosts import (
    CHECKOUT,
    ROLLOUT,
    PullRequest,
    assert_migration_pull_request,
    change_between,
    git,
    git_env,
)

SCRIPT = ROLLOUT / "multi-gitter.sh"


def documented_command() -> list[str]:
    """The `multi-gitter run ...` line of the script's header, as the user's shell splits it in this checkout."""
    line = next(line for line in SCRIPT.read_text().splitlines() if line.lstrip("# ").startswith("multi-gitter run"))
    return shlex.split(line.lstrip("# ").replace("$PWD", str(CHECKOUT)))


def multi_gitter_run(command: list[str], remotes: dict[str, Path], base: Path, env: dict[str, str]):
    assert command[:2] == ["multi-gitter", "run"]
    script, flags = Path(command[2]), command[3:]
    branch = flags[flags.index("--branch") + 1]
    pull_requests: dict[str, PullRequest | None] = {}
    for name, remote in remotes.items():
        clone = base / "clones" / name
        git(base, "clone", "-q", "--depth", "1", str(remote), str(clone), env=env)
        git(clone, "checkout", "-q", "-b", branch, env=env)
        before = git(clone, "rev-parse", "HEAD", env=env).strip()
        run = subprocess.run([str(script)], cwd=clone, env={**env, "REPOSITORY": name}, capture_output=True,
                             text=True, timeout=120)
        after = git(clone, "rev-parse", "HEAD", env=env).strip()
        if run.returncode != 0 or after == before:
            pull_requests[name] = None
            continue
        first = git(clone, "log", "--reverse", "--format=%H", f"{before}..{after}", env=env).split()[0]
        title, _, body = git(clone, "log", "-1", "--format=%B", first, env=env).partition("\n")
        pull_requests[name] = PullRequest(title.strip(), body.strip(), change_between(clone, before, after, env))
    return pull_requests


def test_the_documented_command_line_fits_the_script_contract() -> None:
    header = next(line for line in SCRIPT.read_text().splitlines() if "multi-gitter run" in line).lstrip("# ")
    assert f"`{header}`" in (CHECKOUT / "README.md").read_text()  # the README shows the same command
    command = documented_command()
    assert Path(command[2]) == SCRIPT and os.access(SCRIPT, os.X_OK)
    flags = command[3:]
    assert "--manual-commit" in flags  # the script commits, so the report can be the commit message
    assert not {"--pr-title", "-t", "--pr-body", "-b", "--commit-message", "-m"} & set(flags)  # they would replace it
    assert re.fullmatch(r"[\w./-]+", flags[flags.index("--branch") + 1])


def test_multi_gitter_opens_a_pull_request_only_where_there_is_something_to_migrate(
    tmp_path: Path, remotes: dict[str, Path]
) -> None:
    env = git_env(tmp_path)
    opened = multi_gitter_run(documented_command(), remotes, tmp_path, env)
    assert_migration_pull_request(opened["your-org/chat-service"])
    assert opened["your-org/chat-service"].title == "Move Azure OpenAI code to the v1 API"
    assert opened["your-org/already-v1"] is None  # nothing to migrate: no commit
    assert opened["your-org/legacy-tool"] is None  # a file that does not parse: exit 3, no pull request


def test_the_report_is_not_left_in_the_clone(tmp_path: Path, remotes: dict[str, Path]) -> None:
    env = git_env(tmp_path)
    multi_gitter_run(documented_command(), {"your-org/already-v1": remotes["your-org/already-v1"]}, tmp_path, env)
    clone = tmp_path / "clones" / "your-org/already-v1"
    assert git(clone, "status", "--porcelain", "--ignored", env=env) == ""
