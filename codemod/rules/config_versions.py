"""AOAI307 — a dated Azure OpenAI api-version outside Python code.

## What it does
Finds the api-versions of Azure OpenAI in `.env*`, YAML, JSON, TOML, Dockerfile, Bicep and Terraform files under
the keys real projects use (`AZURE_OPENAI_API_VERSION`, `AZURE_OPENAI_VERSION`, `OPENAI_API_VERSION`,
`openAiApiVersion`, ...), in `api-version=` of Azure OpenAI URLs, and as plain `api_version` settings beside Azure
OpenAI ones, and says what each is. Versions of other Azure services (AI Search, Content Safety, Document
Intelligence, Resource Manager `apiVersion`s) and recorded HTTP interactions (cassettes) are not reported. The
scan is codemod/advisor/config_scan.py; an unknown version there is AOAI308.

## Why
The migrated code reads no api-version: a setting left in the deployment's configuration is dead weight at best,
and at worst the sign of code the run did not see.

## Example
```text
.env.sample:4:1: AOAI307 AZURE_OPENAI_API_VERSION=2024-02-01: api-version 2024-02-01 (GA, superseded); ...
```

## Fix safety
Information only (never fails a run), with one fix: in an environment sample (`.env.example`, `.env.sample`,
`.env.template`; never `.env`), a migrate run removes the line when no Python file or notebook of the run mentions
the variable any more (codemod/kinds/env_samples.py). Infrastructure and `.env` files are never edited.

Fixtures: fixtures/advisor/config/, fixtures/advisor/config_azure_openai_keys/.
"""

from __future__ import annotations

from codemod.rules import Rule

RULE = Rule(
    __name__,
    codes={
        "AOAI307": "A dated api-version outside Python code (.env, YAML, JSON, TOML, Dockerfile, Bicep, Terraform)."
    },
    scope="project",
)
