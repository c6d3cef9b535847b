"""AOAI307/AOAI308 outside Python: dated api-versions in .env, YAML, JSON, TOML, Dockerfile, Bicep and
Terraform files, found where a key names an api-version (report only)."""

from __future__ import annotations

import re
from pathlib import Path

from codemod.advisor.versions import known_version, unknown_version_message
from codemod.findings import Finding

_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml", ".bicep", ".bicepparam", ".tf", ".tfvars"})
# A key that names an api-version: OPENAI_API_VERSION, api_version, apiVersion, `api-version=` in a URL.
_KEY = re.compile(r"api[-_ ]?version", re.IGNORECASE)
_VALUE = re.compile(r"(?<![\w@.-])(\d{4}-\d{1,2}-\d{1,2}(?:-[A-Za-z][A-Za-z0-9]*)?)(?![\w.:])")
# Kubernetes / Bicep style: `name: OPENAI_API_VERSION` on one line, `value: "2024-02-01"` on the next.
_VALUE_KEY = re.compile(r"""^\s*-?\s*["']?value["']?\s*[:=]""")
_ARM_TEMPLATE = re.compile(r""""type"\s*:\s*"Microsoft\.""")
_ARM_API_VERSION_KEY = re.compile(r""""apiVersion"\s*:""")
_COMMENT_PREFIXES = ("#", "//")
# ARM control-plane versions share the date format but are not Azure OpenAI api-versions.
_CONTROL_PLANE_MARK = "management.azure.com"


def is_config_file(path: Path) -> bool:
    name = path.name
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return True
    if name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".dockerfile"):
        return True
    return path.suffix.lower() in _CONFIG_SUFFIXES


def scan_config_file(path: str | Path, text: str) -> list[Finding]:
    """Every dated version (AOAI307) and malformed version-like value (AOAI308) set for an api-version key."""
    shown = str(path)
    arm_template = str(path).endswith(".json") and _ARM_TEMPLATE.search(text) is not None
    findings: list[Finding] = []
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith(_COMMENT_PREFIXES):
            for column, value in _versions_on(line, previous, arm_template):
                findings.append(_finding(value, number, column, shown))
        if line.strip():
            previous = line
    return findings


def _versions_on(line: str, previous: str, arm_template: bool) -> list[tuple[int, str]]:
    if _CONTROL_PLANE_MARK in line or (arm_template and _ARM_API_VERSION_KEY.search(line)):
        return []
    key = _KEY.search(line)
    key_on_previous_line = _VALUE_KEY.match(line) is not None and _KEY.search(previous) is not None
    found = []
    for match in _VALUE.finditer(line):
        if key_on_previous_line or (key is not None and key.start() < match.start()):
            found.append((match.start() + 1, match.group(1)))
    return found


def _finding(value: str, line: int, column: int, path: str) -> Finding:
    info = known_version(value)
    if info is None:
        return Finding("AOAI308", unknown_version_message(value), line, column, level="warning", path=path)
    message = (
        f"api-version {value} ({info.label}) is set outside Python code. "
        "The migrated code sends no api-version; update or remove this setting where nothing else reads it."
    )
    return Finding("AOAI307", message, line, column, level="info", path=path)
