"""A small GitHub Actions runner for the rollout tests: enough of the documented behaviour to run this
repository's `action.yml` and the example workflows locally (no runner, no network).

What it follows (docs.github.com, "Metadata syntax for GitHub Actions" and "Workflow syntax for GitHub Actions"):
- expressions `${{ ... }}` are replaced before a step runs, in `run`, `env`, `with` and output `value`s; inputs
  of a composite action come from the `inputs` context (composite actions get no INPUT_* variables);
- `shell: bash` runs the script file as `bash --noprofile --norc -eo pipefail {0}`, in GITHUB_WORKSPACE;
- a step sets outputs by appending `name=value` (or `name<<DELIMITER` blocks) to the file in GITHUB_OUTPUT, read
  as `steps.<id>.outputs.<name>`; an output that was never set reads as an empty string;
- a composite action sees GITHUB_ACTION_PATH (its own checkout) and maps its `outputs` from its steps';
- a failing step fails the job and the steps after it are skipped (their default `if` is `success()`).
Other actions are played by handlers the tests pass in (checkout, create-pull-request).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
REFERENCE = re.compile(r"\b(steps|needs|matrix|inputs|secrets|github|runner)((?:\.[A-Za-z0-9_-]+)+)")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 (PyYAML) reads the key `on` as the boolean true
        data["on"] = data.pop(True)
    return data


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    expression = expression.strip()
    call = re.fullmatch(r"fromJSON\((.*)\)", expression)
    if call:
        return json.loads(str(evaluate(call[1], context)))
    comparison = re.fullmatch(r"(.+?)\s*(==|!=)\s*'([^']*)'", expression)
    if comparison:
        equal = str(evaluate(comparison[1], context)) == comparison[3]
        return equal if comparison[2] == "==" else not equal
    parts = expression.split(".")
    node: Any = context
    for depth, part in enumerate(parts):
        if part not in node:
            if parts[0] == "steps" and depth == 3:  # steps.<id>.outputs.<name> that the step did not set
                return ""
            raise KeyError(f"${{{{ {expression} }}}} refers to something that does not exist")
        node = node[part]
    return node


def substitute(text: Any, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: str(evaluate(m[1], context)), str(text))


def read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines()) if path.exists() else iter(())
    for line in lines:
        heredoc = re.fullmatch(r"([\w-]+)<<(\S+)", line)
        if heredoc:
            outputs[heredoc[1]] = "\n".join(iter(lambda: next(lines), heredoc[2]))
        elif "=" in line:
            name, _, value = line.partition("=")
            outputs[name] = value
    return outputs


@dataclass
class Runner:
    """One job's machine: a workspace, a temporary folder, and the environment of the runner image."""

    workspace: Path
    temp: Path
    env: dict[str, str]
    log: list[subprocess.CompletedProcess[str]] = field(default_factory=list)

    @property
    def stdout(self) -> str:
        return "".join(run.stdout for run in self.log)

    def bash(self, script: str, env: dict[str, str]) -> tuple[bool, dict[str, str]]:
        number = len(self.log)
        script_file, output_file = self.temp / f"step-{number}.sh", self.temp / f"output-{number}"
        script_file.write_text(script)
        output_file.write_text("")
        full_env = {**self.env, "GITHUB_WORKSPACE": str(self.workspace), "RUNNER_TEMP": str(self.temp),
                    "GITHUB_STEP_SUMMARY": str(self.temp / "step-summary.md"), "GITHUB_OUTPUT": str(output_file),
                    **env}
        run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
                             cwd=self.workspace, env=full_env, capture_output=True, text=True, timeout=120)
        self.log.append(run)
        return run.returncode == 0, read_outputs(output_file)


Handler = Callable[[dict[str, str], Runner], "tuple[bool, dict[str, str]]"]


def run_steps(steps: list[dict[str, Any]], context: dict[str, Any], runner: Runner,
              uses: Callable[[str], Handler], extra_env: dict[str, str] | None = None) -> bool:
    """Run steps in order, stopping at the first failure; each step's outputs go into `context["steps"]`."""
    context.setdefault("steps", {})
    for step in steps:
        if "run" in step:
            assert step.get("shell", "bash") == "bash"
            env = {**(extra_env or {}), **{k: substitute(v, context) for k, v in step.get("env", {}).items()}}
            ok, outputs = runner.bash(substitute(step["run"], context), env)
        else:
            with_ = {k: substitute(v, context) for k, v in step.get("with", {}).items()}
            ok, outputs = uses(step["uses"])(with_, runner)
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs}
        if not ok:
            return False
    return True


def run_composite(action_dir: Path, with_: dict[str, str], runner: Runner,
                  uses: Callable[[str], Handler]) -> tuple[bool, dict[str, str]]:
    action = load(action_dir / "action.yml")
    assert action["runs"]["using"] == "composite"
    declared = action.get("inputs", {})
    unknown = set(with_) - set(declared)
    assert not unknown, f"inputs the action does not declare: {sorted(unknown)}"
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()} | with_
    context: dict[str, Any] = {"inputs": inputs, "steps": {},
                               "github": {"action_path": str(action_dir), "workspace": str(runner.workspace)},
                               "runner": {"temp": str(runner.temp)}}
    ok = run_steps(action["runs"]["steps"], context, runner, uses, {"GITHUB_ACTION_PATH": str(action_dir)})
    outputs = {name: substitute(spec["value"], context) for name, spec in action.get("outputs", {}).items()}
    return ok, outputs


def references(node: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Every context reference inside expressions of a YAML tree: ("steps", ("run", "outputs", "x"))."""
    found: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(node, dict):
        for value in node.values():
            found += references(value)
    elif isinstance(node, list):
        for value in node:
            found += references(value)
    elif isinstance(node, str):
        for expression in EXPRESSION.findall(node):
            found += [(m[1], tuple(m[2].lstrip(".").split("."))) for m in REFERENCE.finditer(expression)]
    return found


def step_references_are_defined(steps: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> None:
    """`steps.<id>` in a step refers to an earlier step of the same list (or, for `extra`, to any of them)."""
    seen: list[str] = []
    for step in steps:
        for context, path in references(step):
            if context == "steps":
                assert path[0] in seen and path[1] == "outputs", f"steps.{'.'.join(path)} before its step"
        seen += [step["id"]] if "id" in step else []
    for context, path in references(extra or {}):
        if context == "steps":
            assert path[0] in seen and path[1] == "outputs", f"steps.{'.'.join(path)} names no step"
