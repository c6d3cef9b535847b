"""`aoai-migrate advise PATH...`: the advisor's checks over files and directories. Python files and
notebooks get AOAI301-305 (through the engine's analysis), configuration files AOAI307/308, dependency
files AOAI306 with what the Python code needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codemod.advisor.config_scan import is_config_file, scan_config_file
from codemod.advisor.pin_files import is_dependency_file
from codemod.findings import Finding
from codemod.run.runner import could_match  # the migrate run's pre-filter: one definition of "cannot match"

_MAX_CONFIG_BYTES = 2 * 1024 * 1024


@dataclass
class TreeAdvice:
    findings: list[Finding] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)  # named paths that do not exist
    failed: int = 0  # files that could not be read, decoded or parsed (reported as AOAI000)


@dataclass
class _Collected:
    findings: list[Finding] = field(default_factory=list)
    needs: dict[str, str] = field(default_factory=dict)
    failed: int = 0


def wanted(name: str) -> bool:
    path = Path(name)
    return name.endswith((".py", ".ipynb")) or is_config_file(path) or is_dependency_file(path)


def _is_env_name(name: str) -> bool:
    return name == ".env" or name.startswith(".env.")


def advised_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Path]]:
    """(the Python, notebook, configuration and dependency files under `paths`, the named paths missing)."""
    from codemod.run.discovery import discover

    discovery = discover(paths, include=wanted)
    # `.env` files are usually gitignored, yet they are where a deployment's api-version lives.
    env_files = discover(paths, include=_is_env_name, respect_gitignore=False)
    return sorted({f.path for f in [*discovery.files, *env_files.files]}), list(discovery.missing)


def advise_paths(paths: Sequence[str | Path]) -> TreeAdvice:
    files, missing = advised_files(paths)
    collected = _Collected()
    for path in files:
        if path.suffix in (".py", ".ipynb"):
            _advise_python(path, collected)
    collected.findings += outside_python(files, collected.needs)
    findings = sorted(collected.findings, key=Finding.sort_key)
    return TreeAdvice(findings, missing, collected.failed)


def outside_python(files: Sequence[Path], needs: dict[str, str]) -> list[Finding]:
    """AOAI307/308 for the configuration files and AOAI306 for the dependency files among `files`, given
    what the Python code needs (reason -> minimum openai version, from each module's record: rules/dependency_pins.py).
    A migrate run calls this once at the end with the union of its files' needs."""
    from codemod.advisor.pins import check_openai_pins  # needs `packaging`, only for the dependency check

    findings: list[Finding] = []
    for path in files:
        if is_config_file(path):
            findings += _config_findings(path)
    dependency_files = [path for path in files if is_dependency_file(path)]
    return findings + check_openai_pins(Path("."), needs, files=dependency_files)


def _config_findings(path: Path) -> list[Finding]:
    try:
        if path.stat().st_size > _MAX_CONFIG_BYTES:
            return []
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # not text we can read: nothing to report about api-versions
    return scan_config_file(path, text)


def _advise_python(path: Path, out: _Collected) -> None:
    shown = str(path)
    try:
        data = path.read_bytes()
        if not could_match(data):
            return
        if path.suffix == ".ipynb":
            findings, needs = _advise_notebook(data, shown)
        else:
            from codemod.run.source import decode

            findings, needs = advise_source(decode(data).text, shown)
    except Exception as exc:  # noqa: BLE001 - read, decode and LibCST syntax errors all end here
        out.failed += 1
        out.findings.append(Finding("AOAI000", _error_message(exc), 1, 1, level="error", path=shown))
        return
    out.findings += findings
    out.needs.update(needs)


def _advise_notebook(data: bytes, shown: str) -> tuple[list[Finding], dict[str, str]]:
    from codemod.migration import advise_module
    from codemod.notebook import migrate_notebook

    result = migrate_notebook(data, lambda text, hidden: advise_module(text, shown, hidden))
    return [f.with_path(shown) for f in result.findings], result.record.sdk_needs


def _error_message(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read the file: {exc.strerror or exc}"
    text = str(exc).strip()
    return "cannot read or parse the file: " + (text.splitlines()[0] if text else type(exc).__name__)


def advise_source(source: str, path: str = "<string>") -> tuple[list[Finding], dict[str, str]]:
    """The advisor alone on one module: its findings, nothing rewritten, and what the module needs from the
    openai package (input for AOAI306). Raises on unparseable source."""
    from codemod.migration import advise_module

    result = advise_module(source, path)
    return result.findings, result.record.sdk_needs
