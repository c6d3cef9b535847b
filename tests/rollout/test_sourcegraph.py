"""examples/rollout/sourcegraph-batch-spec.yaml, executed the way `src batch preview` executes a batch spec.

src and Docker are not available here; this test plays their part, following Sourcegraph's "How src executes a
batch spec" and "Batch spec YAML reference" (sourcegraph/docs: docs/batch-changes/how-src-executes-a-batch-spec.mdx,
batch-spec-yaml-reference.mdx, batch-spec-templating.mdx) and src-cli's handling of empty diffs (src-cli #313):
- the workspace is the repository's archive (no history), turned into a fresh git repository with everything
  committed, under a fixed Sourcegraph identity and no user git configuration;
- each step's `run` is written to a file and run by the container's shell with the workspace as working
  directory (/work); the container sees the image's environment plus `steps.env`, not the host's;
- `steps.outputs.<name>.value` is a template over `step.stdout` / `step.stderr`; `changesetTemplate` fields are
  templates over `outputs.<name>`;
- after the steps, `git add --all` and `git diff --cached` give the changeset's diff; an empty diff creates no
  changeset, and a failing step fails the repository's workspace (no changeset).
The container image's `pip` is played by a stand-in that records what it was asked to install (there is no
network); `aoai-migrate` on PATH is this checkout.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import yaml

from tests.rollout.hosts import (
    ROLLOUT,
    PullRequest,
    assert_migration_pull_request,
    executable,
    git,
    git_env,
    tool_bin,
)

SPEC = ROLLOUT / "sourcegraph-batch-spec.yaml"
TEMPLATE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SOURCEGRAPH_GIT = {
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG": "/dev/null", "GIT_AUTHOR_NAME": "Sourcegraph",
    "GIT_AUTHOR_EMAIL": "batch-changes@sourcegraph.com", "GIT_COMMITTER_NAME": "Sourcegraph",
    "GIT_COMMITTER_EMAIL": "batch-changes@sourcegraph.com",
}


def render(template: str, variables: dict) -> str:
    """Batch-spec templating for the variables the spec may use (a missing one is a KeyError: a broken spec)."""

    def value(match: re.Match[str]) -> str:
        node = variables
        for part in match[1].split("."):
            node = node[part]
        return str(node)

    return TEMPLATE.sub(value, template)


def container_path(base: Path) -> str:
    """The image's PATH: this checkout's aoai-migrate where pip would install it, and a recording pip."""
    folder = tool_bin(base)
    log = base / "pip-log"
    executable(folder / "pip", f'#!/bin/sh\necho "$@" >> "{log}"\n')
    return f"{folder}{os.pathsep}/usr/local/bin:/usr/bin:/bin"


def src_batch_execute(spec: dict, remotes: dict[str, Path], base: Path, env: dict[str, str]):
    changesets: dict[str, PullRequest | None] = {}
    for name, remote in remotes.items():
        workspace = base / "workspaces" / name
        workspace.mkdir(parents=True)
        archive = subprocess.run(["git", "--git-dir", str(remote), "archive", "HEAD"], env=env, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(workspace)], input=archive, check=True)
        sg_env = {**env, **SOURCEGRAPH_GIT}
        git(workspace, "init", "-q", env=sg_env)
        git(workspace, "add", "--force", "--all", env=sg_env)
        git(workspace, "commit", "-q", "--all", "-m", "sourcegraph-batch-changes", env=sg_env)
        outputs = _run_steps(spec["steps"], workspace, base, {"repository": {"name": f"github.com/{name}"}})
        if outputs is None:
            changesets[name] = None
            continue
        git(workspace, "add", "--all", env=sg_env)
        changed = git(workspace, "diff", "--cached", "--name-only", env=sg_env).split()
        if not changed:
            changesets[name] = None
            continue
        template = spec["changesetTemplate"]
        variables = {"outputs": outputs, "repository": {"name": f"github.com/{name}"}}
        changesets[name] = PullRequest(render(template["title"], variables), render(template["body"], variables),
                                       {path: (workspace / path).read_text() for path in changed})
    return changesets


def _run_steps(steps: list[dict], workspace: Path, base: Path, variables: dict) -> dict | None:
    outputs: dict[str, str] = {}
    for step in steps:
        script = base / "step-script"
        script.write_text(render(step["run"], {**variables, "outputs": outputs}))
        env = {"PATH": container_path(base), "HOME": str(base)}
        env.update({key: render(str(value), variables) for key, value in step.get("env", {}).items()})
        run = subprocess.run(["/bin/bash", str(script)], cwd=workspace, env=env, capture_output=True, text=True,
                             timeout=120)
        if run.returncode != 0:
            return None
        scope = {**variables, "outputs": outputs, "step": {"stdout": run.stdout, "stderr": run.stderr}}
        for out_name, out in step.get("outputs", {}).items():
            outputs[out_name] = render(out["value"], scope)
    return outputs


def load_spec() -> dict:
    return yaml.safe_load(SPEC.read_text())


def test_the_spec_parses_and_uses_only_what_it_defines() -> None:
    spec = load_spec()
    assert spec["version"] == 2 and spec[True] and spec["steps"]  # YAML 1.1 (PyYAML) reads the key `on` as true
    (step,) = spec["steps"]
    assert step["container"].startswith("python:")  # an image with pip and git (for a git+https requirement)
    assert set(step["outputs"]) == {"body"}
    used = {m[1] for m in TEMPLATE.finditer(yaml.safe_dump(spec["changesetTemplate"]))}
    assert used == {"outputs.body"}
    assert {m[1] for m in TEMPLATE.finditer(step["run"])} == {"repository.name"}
    # the report links into the branch the changeset is pushed to
    assert f"/blob/{spec['changesetTemplate']['branch']}/" in step["run"]
    assert {"title", "body", "branch", "commit"} <= set(spec["changesetTemplate"])


def test_src_creates_a_changeset_only_where_there_is_something_to_migrate(
    tmp_path: Path, remotes: dict[str, Path]
) -> None:
    env = git_env(tmp_path)
    changesets = src_batch_execute(load_spec(), remotes, tmp_path, env)
    assert_migration_pull_request(changesets["your-org/chat-service"])
    assert changesets["your-org/chat-service"].body.endswith(
        "`aoai-migrate --link-base https://github.com/your-org/chat-service/blob/aoai-migrate/v1-api/ --exit-zero "
        "--output-format markdown .`\n")
    assert changesets["your-org/already-v1"] is None  # empty diff: no changeset
    assert changesets["your-org/legacy-tool"] is None  # the step failed (exit 3): no changeset
    requirement = load_spec()["steps"][0]["env"]["AOAI_MIGRATE_REQUIREMENT"]
    installs = (tmp_path / "pip-log").read_text().splitlines()
    assert len(installs) == 3 and all(shlex.split(line)[0] == "install" and requirement in line for line in installs)
