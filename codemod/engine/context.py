"""What every rule receives: the parsed module, its metadata and analysis, the options, and the places
where rules put their edits and findings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange

from codemod.engine import names
from codemod.engine.analysis import Analysis, Client
from codemod.engine.edits import Edits
from codemod.engine.metadata import Metadata
from codemod.engine.reach import Reach, reach_of
from codemod.findings import Finding, Level

if TYPE_CHECKING:
    from codemod.migration import Options

# openai<1.0 calls (the resources AOAI107 knows) or an `openai==0.x` pin, in code the engine cannot see
_LEGACY_HIDDEN = re.compile(
    rf"\b(?:{'|'.join(re.escape(r) for r in names.LEGACY_RESOURCES)})\.\w+|\bopenai\s*(?:==|<=?|~=)\s*0\.[\d.]*"
)
# `# aoai-migrate: ignore` or `# aoai-migrate: ignore[AOAI201, AOAI103]`
_SUPPRESSION = re.compile(r"#\s*aoai-migrate:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")
ALL_CODES = "*"

# AOAI101-AOAI105 describe one change: a client moved to the v1 API. It happens whole or not at all.
CLIENT_GROUP = ("AOAI101", "AOAI102", "AOAI103", "AOAI104", "AOAI105")


def suppressions(source: str) -> dict[int, set[str]]:
    """Line number -> codes suppressed on that line (ALL_CODES for a bare ignore)."""
    out: dict[int, set[str]] = {}
    if "aoai-migrate:" not in source:
        return out
    for number, line in enumerate(source.splitlines(), start=1):
        match = _SUPPRESSION.search(line)
        if match:
            codes = match.group(1)
            out[number] = {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else {ALL_CODES}
    return out


class FindingList(list[Finding]):
    """The findings of one module, each once: a request reached through two constructions of one attribute
    (`self.client = AzureOpenAI(...)` in two branches) is looked at once per client, and says the same twice."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: set[Finding] = set()

    def append(self, finding: Finding) -> None:
        if finding not in self._seen:
            self._seen.add(finding)
            super().append(finding)

    def extend(self, findings) -> None:  # type: ignore[override]
        for finding in findings:
            self.append(finding)

    def __iadd__(self, findings):  # type: ignore[override]
        self.extend(findings)
        return self


@dataclass
class RuleContext:
    module: cst.Module
    meta: Metadata
    analysis: Analysis
    options: Options
    path: str
    suppressed_lines: dict[int, set[str]]
    edits: Edits = field(default_factory=Edits)
    findings: list[Finding] = field(default_factory=FindingList)
    migrated: list[Client] = field(default_factory=list)  # Azure clients moving to v1 in this run
    deployments: dict[str, str] = field(default_factory=dict)  # literal -> env var NAME
    env_reads: set[str] = field(default_factory=set)
    import_renames: dict[cst.ImportFrom, set[str]] = field(default_factory=dict)
    keep_local_names: set[tuple[cst.ImportFrom, str]] = field(default_factory=set)  # renamed as `OpenAI as X`
    import_additions: dict[cst.ImportFrom, set[tuple[str, str | None]]] = field(default_factory=dict)
    model_overridden: set[cst.Call] = field(default_factory=set)  # requests whose model= AOAI105 sets
    exported_clients: set[str] = field(default_factory=set)  # module-level names of clients AOAI105 moved
    sdk_needs: dict[str, str] = field(default_factory=dict)  # reason -> minimum openai version (AOAI306)
    module_client_azure: bool = False  # the module-level client (openai.chat...) moves to Azure's v1 API
    # code that runs with the module but that the engine cannot see: a notebook's magic lines and the cells
    # that do not parse. A client or class named there is out of sight.
    hidden_code: str = ""
    planned: bool = False  # the engine decided which clients move (the advisor alone does not)
    _reach: Reach | None = None

    def hidden_mentions(self, name: str) -> bool:
        if not self.hidden_code:
            return False
        return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", self.hidden_code) is not None

    def hidden_legacy_call(self) -> str | None:
        """An openai<1.0 call (or an `openai==0.x` pin) in the hidden code, as written there."""
        match = _LEGACY_HIDDEN.search(self.hidden_code) if self.hidden_code else None
        return match.group(0) if match else None

    def enabled(self, code: str) -> bool:
        return self.options.enabled(code)

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.meta.position(node)

    def suppressed(self, code: str, node: cst.CSTNode) -> bool:
        if not self.suppressed_lines:
            return False
        span = self.position(node)
        for line in range(span.start.line, span.end.line + 1):
            codes = self.suppressed_lines.get(line)
            if codes and (ALL_CODES in codes or code in codes):
                return True
        return False

    def active(self, code: str, node: cst.CSTNode) -> bool:
        return self.enabled(code) and not self.suppressed(code, node)

    def report(
        self, code: str, node: cst.CSTNode, message: str, *, fixed: bool = False, level: Level = "warning"
    ) -> None:
        if not self.enabled(code) or self.suppressed(code, node):
            return
        span = self.position(node)
        self.findings.append(
            Finding(
                code=code,
                message=message,
                line=span.start.line,
                column=span.start.column + 1,
                end_line=span.end.line,
                end_column=span.end.column + 1,
                fixed=fixed,
                level=level,
                path=self.path,
            )
        )

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def reach(self) -> Reach:
        """What every client reaches besides its constructor and requests (codemod/reach.py), computed once."""
        if self._reach is None:
            self._reach = reach_of(self.analysis)
        return self._reach

    def is_migrated(self, client: Client | None) -> bool:
        return client is not None and any(c is client for c in self.migrated)
