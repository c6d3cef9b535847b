"""Pure core: source text in, migrated text and findings out. One parse, one analysis, all rules."""

# (being written; the contract below is stable)
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from codemod.findings import Finding


@dataclass(frozen=True)
class Options:
    select: frozenset[str] | None = None  # None: every code
    ignore: frozenset[str] = frozenset()
    require_env: bool = False
    deployment_prefix: str = "AZURE_OPENAI_DEPLOYMENT_"
    deployments: Mapping[str, str] = field(default_factory=dict)  # literal -> env var NAME


@dataclass
class MigrationResult:
    source: str
    findings: list[Finding]
    deployments: dict[str, str]  # literal -> NAME used in this source (AOAI201)
    env_reads: set[str]  # environment variables the migrated code reads

    def changed(self, original: str) -> bool:
        return self.source != original


def migrate_source(source: str, options: Options | None = None, path: str = "<string>") -> MigrationResult:
    raise NotImplementedError
