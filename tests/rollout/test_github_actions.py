"""The composite `action.yml` and the two example workflows (examples/rollout/github-*.yml), run by the small
runner of tests/rollout/actions.py, which follows GitHub's documented behaviour (see its docstring).

Actions other than this repository's are played by handlers that follow their documentation:
- actions/checkout (README "Usage"): the workflow's own repository, or `repository:` with `token:`, checked out
  into GITHUB_WORKSPACE;
- peter-evans/create-pull-request (README "Action behaviour" and action.yml, v7/v8): every change in the checkout,
  untracked files included, is committed to `branch` with `commit-message`, and a pull request opened with
  `title` and the body read from `body-path`; with no change, no pull request and the action exits quietly.
The runner image's `python3 -m venv` is played by a stand-in (there is no network to pip-install from): the
virtual environment's python records the install command, and its `aoai-migrate` is this checkout.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.rollout import actions
from tests.rollout.actions import Runner, evaluate, load, references, run_composite, run_steps
from tests.rollout.hosts import (
    CHECKOUT,
    DATED,
    MIGRATED,
    REPOSITORIES,
    ROLLOUT,
    PullRequest,
    assert_migration_pull_request,
    executable,
    git,
    git_env,
    tool_bin,
)

ACTION = CHECKOUT / "action.yml"
CHECK = ROLLOUT / "github-check.yml"
MATRIX = ROLLOUT / "github-migrate-repositories.yml"
OUR_ACTION = re.compile(r"[\w-]+/aoai-migrate@v\d+\.\d+\.\d+")


class Host:
    """The code host and the runners of one test: clones repositories, opens pull requests."""

    def __init__(self, base: Path, remotes: dict[str, Path]) -> None:
        self.base = base
        self.env = git_env(base)
        self.remotes = remotes
        self.pull_requests: dict[str, PullRequest] = {}
        self.pip_log = base / "pip-log"
        self.env["PATH"] = f"{self._python3_stand_in()}:{self.env['PATH']}"

    def _python3_stand_in(self) -> Path:
        folder = self.base / "runner-image"
        folder.mkdir()
        tool = tool_bin(self.base) / "aoai-migrate"
        executable(folder / "python3", f"""#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "$@" >> {shlex.quote(str(self.pip_log))}\\n' > "$3/bin/python"
  cp {shlex.quote(str(tool))} "$3/bin/aoai-migrate"
  chmod +x "$3/bin/python" "$3/bin/aoai-migrate"
  exit 0
fi
exec {shlex.quote(shutil.which("python3") or "python3")} "$@"
""")
        return folder

    def runner(self, name: str) -> Runner:
        workspace, temp = self.base / "jobs" / name / "workspace", self.base / "jobs" / name / "temp"
        workspace.mkdir(parents=True)
        temp.mkdir()
        return Runner(workspace, temp, dict(self.env))

    def uses(self, own: Path | None = None):
        """The handler for a `uses:` value; `own` is the workflow's repository (what a bare checkout gets)."""

        def handler(ref: str) -> actions.Handler:
            if OUR_ACTION.fullmatch(ref):
                return lambda with_, runner: run_composite(CHECKOUT, with_, runner, handler)
            if ref == "actions/checkout@v4":
                return lambda with_, runner: self.checkout(with_, runner, own)
            if ref in ("peter-evans/create-pull-request@v7", "peter-evans/create-pull-request@v8"):
                return self.create_pull_request
            raise AssertionError(f"no stand-in for {ref}")

        return handler

    def checkout(self, with_: dict[str, str], runner: Runner, own: Path | None) -> tuple[bool, dict[str, str]]:
        source = self.remotes[with_["repository"]] if "repository" in with_ else own
        assert source is not None
        git(runner.workspace.parent, "clone", "-q", str(source), str(runner.workspace), env=self.env)
        return True, {}

    def create_pull_request(self, with_: dict[str, str], runner: Runner) -> tuple[bool, dict[str, str]]:
        workspace = runner.workspace
        if not git(workspace, "status", "--porcelain", env=self.env):
            return True, {}
        before = git(workspace, "rev-parse", "HEAD", env=self.env).strip()
        git(workspace, "checkout", "-q", "-b", with_["branch"], env=self.env)
        git(workspace, "add", "--all", env=self.env)
        git(workspace, "commit", "-q", "-m", with_["commit-message"], env=self.env)
        names = git(workspace, "diff", "--name-only", before, "HEAD", env=self.env).split()
        body = Path(with_["body-path"]).read_text() if with_.get("body-path") else with_.get("body", "")
        origin = git(workspace, "remote", "get-url", "origin", env=self.env).strip()
        repository = next(name for name, remote in self.remotes.items() if str(remote) == origin)
        self.pull_requests[repository] = PullRequest(with_["title"], body,
                                                     {n: (workspace / n).read_text() for n in names})
        return True, {"pull-request-operation": "created"}

    def run_action(self, repository: str, **with_: str) -> tuple[bool, dict[str, str], Runner]:
        runner = self.runner(f"{repository}-{len(list((self.base / 'jobs').glob('*/*')))}")
        self.checkout({"repository": repository}, runner, None)
        ok, outputs = run_composite(CHECKOUT, with_, runner, self.uses())
        return ok, outputs, runner


@pytest.fixture
def host(tmp_path: Path, remotes: dict[str, Path]) -> Host:
    return Host(tmp_path, remotes)


# ---- action.yml ----------------------------------------------------------------------------------------------


def test_action_metadata_declares_what_its_steps_use() -> None:
    action = load(ACTION)
    assert action["runs"]["using"] == "composite" and {"name", "description"} <= set(action)
    steps = action["runs"]["steps"]
    used = {path[0] for context, path in references(steps) if context == "inputs"}
    assert used == set(action["inputs"]) == {"mode", "paths", "args"}  # every input is used, none undeclared
    actions.step_references_are_defined(steps, action["outputs"])
    assert all(step.get("shell") == "bash" for step in steps if "run" in step)  # composite run steps need one
    assert not any("${{" in step["run"] for step in steps)  # inputs reach scripts through env only


def test_fix_mode_rewrites_and_writes_the_body_outside_the_workspace(host: Host) -> None:
    ok, outputs, runner = host.run_action("your-org/chat-service", mode="fix")
    assert ok and outputs["changed"] == "true"
    assert (runner.workspace / "app" / "chat.py").read_text() == MIGRATED
    body = Path(outputs["body-path"]).read_text()
    assert not Path(outputs["body-path"]).is_relative_to(runner.workspace)
    assert body.startswith("aoai-migrate moves 1 file") and body in (runner.temp / "step-summary.md").read_text()
    assert host.pip_log.read_text().split() == ["-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                                str(CHECKOUT)]  # the action installs its own checkout


def test_fix_mode_with_nothing_to_migrate(host: Host) -> None:
    ok, outputs, runner = host.run_action("your-org/already-v1", mode="fix")
    assert ok and outputs["changed"] == "false"
    assert git(runner.workspace, "status", "--porcelain", env=host.env) == ""


def test_fix_mode_fails_on_a_file_that_cannot_be_parsed(host: Host) -> None:
    ok, _, runner = host.run_action("your-org/legacy-tool", mode="fix")
    assert not ok and runner.log[-1].returncode == 3


def test_check_mode_fails_with_annotations_and_writes_nothing(host: Host) -> None:
    ok, _, runner = host.run_action("your-org/chat-service")  # mode defaults to check
    assert not ok and runner.log[-1].returncode == 1
    assert "::warning file=app/chat.py,line=20,col=12,endLine=20,endColumn=35,title=AOAI101::" in runner.stdout
    assert (runner.workspace / "app" / "chat.py").read_text() == DATED


def test_args_and_paths_reach_the_command(host: Host) -> None:
    ok, _, runner = host.run_action("your-org/chat-service", mode="fix", paths="app README.md",
                                    args="--require-env --select AOAI1,AOAI2")
    assert ok
    migrated = (runner.workspace / "app" / "chat.py").read_text()
    assert 'model=os.environ["AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01"]' in migrated


def test_an_unknown_mode_is_an_error(host: Host) -> None:
    ok, _, runner = host.run_action("your-org/chat-service", mode="rewrite")
    assert not ok and runner.log[-1].returncode == 2
    assert "::error title=aoai-migrate::The mode input must be check or fix, not 'rewrite'." in runner.stdout


def test_an_input_cannot_inject_a_command(host: Host) -> None:
    ok, _, runner = host.run_action("your-org/already-v1", mode="check", paths=". ; touch injected $(touch injected)")
    assert not ok  # the words are paths that do not exist: a usage error
    assert not (runner.workspace / "injected").exists() and runner.log[-1].returncode == 2


# ---- the workflows -------------------------------------------------------------------------------------------


def _job_references_are_defined(workflow: dict[str, Any]) -> None:
    inputs = set(workflow["on"].get("workflow_dispatch", {}).get("inputs", {}))
    for job in workflow["jobs"].values():
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        matrix = set(job.get("strategy", {}).get("matrix", {}))
        actions.step_references_are_defined(job["steps"], job.get("outputs"))
        for context, path in references(job):
            assert context != "inputs" or path[0] in inputs
            assert context != "matrix" or path[0] in matrix
            assert context != "needs" or (path[0] in needs and path[2] in workflow["jobs"][path[0]]["outputs"])
        for step in job["steps"]:
            if OUR_ACTION.fullmatch(step.get("uses", "")):
                assert set(step.get("with", {})) <= set(load(ACTION)["inputs"])


def test_check_workflow_runs_the_action_in_check_mode_on_pull_requests() -> None:
    workflow = load(CHECK)
    assert set(workflow["on"]) == {"pull_request"}
    _job_references_are_defined(workflow)
    (job,) = workflow["jobs"].values()
    ours = [s for s in job["steps"] if OUR_ACTION.fullmatch(s.get("uses", ""))]
    assert len(ours) == 1 and ours[0]["with"]["mode"] == "check"


@pytest.mark.parametrize(("repository", "passes"), [("your-org/chat-service", False), ("your-org/already-v1", True)])
def test_check_workflow_on_a_pull_request(host: Host, repository: str, passes: bool) -> None:
    (job,) = load(CHECK)["jobs"].values()
    runner = host.runner(repository)
    ok = run_steps(job["steps"], {"github": {"workspace": str(runner.workspace)}}, runner,
                   host.uses(own=host.remotes[repository]))
    assert ok is passes
    assert ("::warning file=app/chat.py" in runner.stdout) is not passes


def _run_matrix_workflow(host: Host, list_file: str, dispatch_input: str = "", migrate_them: bool = True) -> list[str]:
    workflow = load(MATRIX)
    controlling = host.base / "controlling"
    (controlling / ".github").mkdir(parents=True)
    (controlling / ".github" / "aoai-migrate-repositories.txt").write_text(list_file)
    git(controlling, "init", "-q", env=host.env)
    git(controlling, "add", "--all", env=host.env)
    git(controlling, "commit", "-q", "-m", "list", env=host.env)
    jobs, inputs = workflow["jobs"], {"repositories": dispatch_input}
    runner = host.runner("list")
    context: dict[str, Any] = {"inputs": inputs}
    assert run_steps(jobs["list"]["steps"], context, runner, host.uses(own=controlling))
    needs = {"list": {"outputs": {k: actions.substitute(v, context) for k, v in jobs["list"]["outputs"].items()}}}
    migrate = jobs["migrate"]
    if not evaluate(migrate["if"], {"needs": needs}):
        return []
    matrix = {key: evaluate(actions.EXPRESSION.fullmatch(value)[1], {"needs": needs})  # type: ignore[index]
              for key, value in migrate["strategy"]["matrix"].items()}
    for repository in matrix["repository"] if migrate_them else []:
        job_runner = host.runner(repository)
        github = {"workspace": str(job_runner.workspace), "server_url": "https://github.com"}
        run_steps(migrate["steps"], {"matrix": {"repository": repository}, "secrets": {"AOAI_MIGRATE_TOKEN": "t"},
                                     "github": github}, job_runner, host.uses())
    return matrix["repository"]


def test_matrix_workflow_references() -> None:
    workflow = load(MATRIX)
    assert set(workflow["on"]) == {"workflow_dispatch"}
    _job_references_are_defined(workflow)
    migrate = workflow["jobs"]["migrate"]
    assert migrate["strategy"]["matrix"]["repository"] == "${{ fromJSON(needs.list.outputs.repositories) }}"
    assert migrate["strategy"]["fail-fast"] is False


def test_matrix_workflow_opens_one_pull_request_per_repository_with_something_to_migrate(host: Host) -> None:
    listed = "# the services\n" + "".join(f"{name}  # team\n" for name in REPOSITORIES) + "\n"
    assert _run_matrix_workflow(host, listed) == list(REPOSITORIES)
    assert set(host.pull_requests) == {"your-org/chat-service"}  # nothing to do, and a failed run: no pull request
    assert_migration_pull_request(host.pull_requests["your-org/chat-service"])


def test_matrix_workflow_takes_the_dispatch_input_over_the_list(host: Host) -> None:
    listed = _run_matrix_workflow(host, "your-org/legacy-tool\n", "your-org/already-v1 your-org/chat-service",
                                  migrate_them=False)
    assert listed == ["your-org/already-v1", "your-org/chat-service"]


def test_matrix_workflow_with_an_empty_list_starts_no_migration_job(host: Host) -> None:
    assert _run_matrix_workflow(host, "# nothing yet\n") == []
    assert host.pull_requests == {}
