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
from dataclasses import dataclass
from pathlib import Path, PurePath

from codemod.advisor.config_context import Layout
from codemod.advisor.config_evidence import STRONG, tie_to_azure_openai
from codemod.advisor.litellm_config import reworded
from codemod.advisor.recordings import in_recording_folder, is_recording
from codemod.advisor.versions import known_version, unknown_version_message
from codemod.findings import Finding
from codemod.kinds.names import is_config_file as is_config_file  # the advisor's tree walk reads the same files

# Package managers' lock files: dates in them are publish times, never settings.
_LOCK_FILES = frozenset({"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock"})
_VALUE = re.compile(r"(?<![\w@.-])(\d{4}-\d{1,2}-\d{1,2}(?:-[A-Za-z][A-Za-z0-9]*)?)(?![\w.:])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")  # in every _VALUE match, and three times faster to look for
# An ARM template: its `apiVersion` keys are resource-provider versions, never Azure OpenAI's.
_ARM_TEMPLATE = re.compile(r""""type"\s*:\s*"Microsoft\.|/deployment(?:Template|Parameters)\.json""")


@dataclass(frozen=True)
class DatedValue:
    """A version-like value tied to Azure OpenAI: where it is, the setting that holds it (None for a URL's
    `api-version=` or when no key can be read), and whether its key, section or URL names Azure OpenAI."""

    value: str
    line: int
    column: int
    key: str | None
    certain: bool


# How much of a line before a value is read for its key and URL. Keys and URLs are far shorter; a minified JSON
# file is one line of megabytes, and the patterns anchored at the value would otherwise rescan the whole line
# for every value on it (minutes on one file).
_PREFIX_WINDOW = 2048


def scan_config_file(path: str | Path, text: str) -> list[Finding]:
    """Every dated Azure OpenAI version (AOAI307) and malformed version-like value (AOAI308) set in `text`."""
    findings = [finding_for(dated, str(path)) for dated in dated_values(path, text)]
    return [reworded(finding, text) for finding in findings if finding is not None]


def dated_values(path: str | PurePath, text: str) -> list[DatedValue]:
    """The version-like values of `text` that belong to Azure OpenAI, known versions or not."""
    shown = str(path)
    # cheapest first: the name, the folder (test cassettes hold most dates of a repository), a date at all
    if PurePath(shown).name in _LOCK_FILES or in_recording_folder(path) or _DATE.search(text) is None:
        return []
    if is_recording(path, text):
        return []
    layout = Layout(text, toml=shown.endswith(".toml"))
    arm_template = shown.endswith(".json") and _ARM_TEMPLATE.search(text) is not None
    found: list[DatedValue] = []
    for index, line in enumerate(layout.lines):
        if layout.is_comment(index) or not any(ch.isdigit() for ch in line):
            continue
        for match in _VALUE.finditer(line):
            prefix = line[max(0, match.start() - _PREFIX_WINDOW): match.start()]
            strength = tie_to_azure_openai(layout, index, prefix, arm_template)
            if strength is not None:
                key = None if prefix.rstrip().endswith("api-version=") else layout.key_of(index, prefix)
                found.append(DatedValue(match.group(1), index + 1, match.start() + 1, key, strength == STRONG))
    return found


def known_message(value: str) -> str | None:
    """What AOAI307 says about a known dated version; None when `value` is not one."""
    info = known_version(value)
    if info is None:
        return None
    return (
        f"api-version {value} ({info.label}) is set outside Python code. "
        "The migrated code sends no api-version; update or remove this setting where nothing else reads it."
    )


def finding_for(dated: DatedValue, path: str = "") -> Finding | None:
    """AOAI307 for a known version; AOAI308 (which needs a person) for an unknown one, but only when the
    value is certainly Azure OpenAI's: a stray date among mixed settings is not worth failing a run."""
    message = known_message(dated.value)
    if message is None:
        if not dated.certain:
            return None
        message = unknown_version_message(dated.value)
        return Finding("AOAI308", message, dated.line, dated.column, level="warning", path=path)
    return Finding("AOAI307", message, dated.line, dated.column, level="info", path=path)
