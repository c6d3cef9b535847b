"""Infrastructure and configuration files (Bicep, ARM JSON, Terraform, Docker Compose, GitHub Actions and
Azure DevOps YAML, `.env`, TOML, Dockerfile): reported, never edited, because the value often feeds other
consumers than the migrated code (a deployment's app settings, another service).

- AOAI307 / AOAI308: the app setting or environment entry that carries a dated Azure OpenAI api-version, with
  its line and the setting's name (the advisor's configuration scan, `codemod.advisor.config_scan`: other
  Azure services' versions, ARM `apiVersion`s and recorded HTTP cassettes are not reported).
- AOAI307 in a LiteLLM proxy configuration's model list, beside `model: azure/<deployment>`, needs a person:
  there `api_version: v1` is the v1 form (codemod/advisor/litellm_config.py).
- AOAI102 (info): an endpoint built on the dated route (`.../openai/deployments/NAME/chat/completions?...`),
  with its v1 form: `.../openai/v1/chat/completions`, the deployment sent as the request's `model`.

Fixtures: fixtures/kinds/infrastructure/."""

from __future__ import annotations

import dataclasses
import re
from pathlib import PurePath

from codemod.advisor.config_context import Layout
from codemod.advisor.config_scan import dated_values, finding_for
from codemod.advisor.litellm_config import reworded
from codemod.advisor.recordings import is_recording
from codemod.findings import Finding
from codemod.kinds.base import KindResult, RunFacts

# `openai/deployments/NAME[/route][?query]` after a `/` or an interpolation: `${endpoint}openai/...` (Bicep,
# Terraform), `$(endpoint)openai/...` (Azure DevOps).
_DATED_ENDPOINT = re.compile(
    r"(?<=[/})])openai/deployments/(?P<deployment>[^/\s\"'?`]+)(?P<route>(?:/[A-Za-z_]+)*)/?(?P<query>\?[^\s\"'`]*)?"
)


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    findings = []
    for dated in dated_values(path, text):
        finding = finding_for(dated)
        if finding is not None and dated.key is not None and finding.code == "AOAI307":
            finding = dataclasses.replace(finding, message=f"`{dated.key}`: {finding.message}")
        if finding is not None:
            findings.append(reworded(finding, text))
    findings += _dated_endpoints(path, text)
    return KindResult(text, sorted(findings, key=Finding.sort_key))


def _dated_endpoints(path: PurePath, text: str) -> list[Finding]:
    if "openai/deployments/" not in text or is_recording(path, text):
        return []
    layout = Layout(text)
    findings = []
    for index, line in enumerate(layout.lines):
        if layout.is_comment(index):
            continue
        for match in _DATED_ENDPOINT.finditer(line):
            findings.append(Finding("AOAI102", _endpoint_message(match), index + 1, match.start() + 1, level="info"))
    return findings


def _endpoint_message(match: re.Match[str]) -> str:
    query = "&".join(p for p in (match["query"] or "?")[1:].split("&") if p and not p.startswith("api-version="))
    v1 = "openai/v1" + (match["route"] or "/") + (f"?{query}" if query else "")
    return (
        f"an endpoint built on the dated route (`{match.group(0)}`): on the v1 API it is `{v1}`, without "
        f"api-version, and the deployment `{match['deployment']}` is sent as the request's `model`. Change it "
        "together with the code that calls it."
    )

