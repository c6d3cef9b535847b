"""Which deployment names the code in PATH will send, read from the code as it will be after migration.

The files are migrated in memory (nothing is written). A deployment name comes from a literal the engine
moves behind an environment variable (AOAI201) or from an `os.getenv(NAME, "default")` already in the code;
the name sent is the variable's current value when it is set, else the default."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from codemod.doctor.checks import Check

# `model=os.getenv("NAME"...)`, `model=os.environ.get("NAME"...)`, `model=os.environ["NAME"]`.
_MODEL_READ = re.compile(
    r"""\bmodel\s*=\s*os\.(?:getenv\(|environ\.get\(|environ\[)\s*["'](?P<name>[A-Za-z_][A-Za-z0-9_]*)["']"""
)
# Values that must never be sent as a deployment name (a key would leave the machine in a request body).
_NOT_A_DEPLOYMENT = re.compile(r"(?:^|_)(?:KEY|TOKEN|SECRET|PASSWORD|ENDPOINT|BASE_URL|VERSION)(?:_|$)", re.IGNORECASE)
_API_VERSION = re.compile(r"""["']api-version["'](?:\s*:\s*["'](?P<value>[^"'\n]+)["'])?""")


class ScanError(Exception):
    """PATH or the project configuration is unusable (a usage error)."""


@dataclass(frozen=True)
class NameUse:
    name: str  # what the code will send as model=
    variable: str | None  # the environment variable it is read from
    origin: str  # where the value comes from, for the report
    files: tuple[str, ...]


@dataclass
class CodeScan:
    names: list[NameUse] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    api_version_sites: list[str] = field(default_factory=list)  # "file:line" still sending api-version
    api_version_value: str | None = None


def scan_code(paths: Sequence[str], environ: Mapping[str, str]) -> CodeScan:
    from codemod.commands.env import code_text, collect
    from codemod.run.outcome import original_text
    from codemod.run.project import ProjectError, load_project
    from codemod.run.runner import run

    try:
        project = load_project(paths, other_files=False)
    except ProjectError as exc:
        raise ScanError(str(exc)) from exc
    files = project.files
    result = run(files, project.options, "check")
    texts, originals, deployments, implicit, model_vars = {}, {}, {}, {}, set()
    for outcome, (_, shown) in zip(result.outcomes, files, strict=True):
        text = code_text(outcome)
        if text is not None:
            texts[shown], deployments[shown] = text, outcome.record.deployments
            originals[shown] = original_text(outcome) or text
            model_vars |= _model_variables(text)
            implicit[shown] = outcome.record.env_reads | _model_variables(text)
    scan = CodeScan()
    _names(scan, collect(texts, deployments, implicit), model_vars, environ)
    _api_version(scan, texts, originals, [f for f in result.findings if f.code == "AOAI103" and not f.fixed])
    if result.count("error"):
        scan.checks.append(Check("code", "warn", f"{result.count('error')} file(s) could not be read or parsed",
                                 reason="Deployment names in them are not checked.",
                                 fix="Run `aoai-migrate --check PATH` to see which and why."))
    return scan


def _model_variables(text: str) -> set[str]:
    return {match.group("name") for match in _MODEL_READ.finditer(text)}


def _is_deployment_variable(var, model_vars: set[str]) -> bool:
    """A variable the code passes as model=; never one that holds a credential or the endpoint."""
    if var.deployment is not None:  # the engine moved a model= literal into it
        return True
    if _NOT_A_DEPLOYMENT.search(var.name):
        return False
    return var.name in model_vars or "DEPLOYMENT" in var.name


def _names(scan: CodeScan, variables, model_vars: set[str], environ: Mapping[str, str]) -> None:
    by_name: dict[str, NameUse] = {}
    for var in sorted(variables.values(), key=lambda v: v.name):
        if not _is_deployment_variable(var, model_vars):
            continue
        value = environ.get(var.name, "").strip()
        if value:
            origin = f"the value of {var.name}"
        elif var.default:
            value, origin = var.default, f"the default of {var.name}, which is not set"
        else:
            scan.checks.append(_unset(var.name, sorted(var.files)))
            continue
        files = tuple(sorted(var.files))
        known = by_name.get(value)
        if known is not None:
            files = tuple(sorted({*known.files, *files}))
        by_name[value] = NameUse(value, var.name, origin, files)
    scan.names.extend(by_name[name] for name in sorted(by_name))


def _unset(name: str, files: list[str]) -> Check:
    return Check(f"variable {name}", "fail", f"{name} is not set and the code has no default for it",
                 reason=f"Read as a deployment name in {', '.join(files)}; the code fails when it is missing.",
                 fix=f"Set {name} to the deployment name shown in the Azure portal.")


def _api_version(scan: CodeScan, texts: Mapping[str, str], originals: Mapping[str, str], findings) -> None:
    """Where the migrated code still names api-version, as lines of the file on disk (findings use those)."""
    sites = {f"{f.path}:{f.line}" for f in findings}
    for shown, text in texts.items():
        on_disk = [line.strip() for line in originals[shown].splitlines()]
        for number, line in enumerate(text.splitlines(), start=1):
            match = _API_VERSION.search(line)
            if match:
                number = on_disk.index(line.strip()) + 1 if line.strip() in on_disk else number
                sites.add(f"{shown}:{number}")
                scan.api_version_value = scan.api_version_value or match.group("value")
    scan.api_version_sites = sorted(sites, key=_site_order)


def _site_order(site: str) -> tuple[str, int]:
    path, _, line = site.rpartition(":")
    return path, int(line)
