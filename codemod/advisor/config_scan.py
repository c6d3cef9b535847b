"""AOAI307/AOAI308 outside Python: dated Azure OpenAI api-versions in .env, Dockerfile, YAML, JSON, TOML,
Bicep and Terraform files (report only).

Other Azure services (AI Search, Content Safety, Document Intelligence, Key Vault, Resource Manager) use
the same `YYYY-MM-DD` api-version format, so the date alone says nothing. A value is reported when what
surrounds it ties it to Azure OpenAI (`config_evidence`): its key names OpenAI (`AZURE_OPENAI_VERSION`,
`openAiApiVersion`), its section does (`[azure_openai]`, `"AzureOpenAI": {`), it is the `api-version` of
an Azure OpenAI URL, or it is a plain `api_version` among Azure OpenAI settings. Recorded HTTP
interactions (test cassettes) are skipped: nobody maintains the versions in them.
"""

from __future__ import annotations

import re
from pathlib import Path

from codemod.advisor.config_context import Layout
from codemod.advisor.config_evidence import STRONG, tie_to_azure_openai
from codemod.advisor.recordings import is_recording
from codemod.advisor.versions import known_version, unknown_version_message
from codemod.findings import Finding

_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml", ".bicep", ".bicepparam", ".tf", ".tfvars"})
_DOCKERFILE_NAMES = ("Dockerfile", "Containerfile")
# Package managers' lock files: dates in them are publish times, never settings.
_LOCK_FILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"})
_VALUE = re.compile(r"(?<![\w@.-])(\d{4}-\d{1,2}-\d{1,2}(?:-[A-Za-z][A-Za-z0-9]*)?)(?![\w.:])")
# An ARM template: its `apiVersion` keys are resource-provider versions, never Azure OpenAI's.
_ARM_TEMPLATE = re.compile(r""""type"\s*:\s*"Microsoft\.|/deployment(?:Template|Parameters)\.json""")


def is_config_file(path: Path) -> bool:
    name = path.name
    if name in (".env", ".envrc") or name.startswith(".env.") or name.endswith(".env"):
        return True
    if name.startswith(_DOCKERFILE_NAMES) or name.endswith(".dockerfile"):
        return True
    return path.suffix.lower() in _CONFIG_SUFFIXES


def scan_config_file(path: str | Path, text: str) -> list[Finding]:
    """Every dated Azure OpenAI version (AOAI307) and malformed version-like value (AOAI308) set in `text`."""
    shown = str(path)
    if Path(shown).name in _LOCK_FILES or _VALUE.search(text) is None or is_recording(path, text):
        return []
    layout = Layout(text, toml=shown.endswith(".toml"))
    arm_template = shown.endswith(".json") and _ARM_TEMPLATE.search(text) is not None
    findings: list[Finding] = []
    for index, line in enumerate(layout.lines):
        if layout.is_comment(index) or not any(ch.isdigit() for ch in line):
            continue
        for match in _VALUE.finditer(line):
            strength = tie_to_azure_openai(layout, index, line[: match.start()], arm_template)
            if strength is None:
                continue
            finding = _finding(match.group(1), index + 1, match.start() + 1, shown, strength == STRONG)
            if finding is not None:
                findings.append(finding)
    return findings


def _finding(value: str, line: int, column: int, path: str, certain: bool) -> Finding | None:
    """AOAI307 for a known version; AOAI308 (which needs a person) for an unknown one, but only when the
    value is certainly Azure OpenAI's: a stray date among mixed settings is not worth failing a run."""
    info = known_version(value)
    if info is None:
        if not certain:
            return None
        return Finding("AOAI308", unknown_version_message(value), line, column, level="warning", path=path)
    message = (
        f"api-version {value} ({info.label}) is set outside Python code. "
        "The migrated code sends no api-version; update or remove this setting where nothing else reads it."
    )
    return Finding("AOAI307", message, line, column, level="info", path=path)
