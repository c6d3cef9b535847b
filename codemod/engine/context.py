"""What a rule reads (`RuleContext`: the parsed module, its metadata and analysis, the options, the plan) and
what it hands back (`Changes`: its findings, its edits, what the file needs). Rules share no mutable state:
each gets a fresh `Changes` and returns it, and the engine merges them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import libcst as cst
from libcst.metadata import CodeRange

from codemod.engine import names
from codemod.engine.analysis import Analysis, Client
from codemod.engine.bindings import Bindings, bindings_of
from codemod.engine.edits import Edits
from codemod.engine.metadata import Metadata
from codemod.engine.reach import Reach, reach_of
from codemod.engine.settings_dicts import SettingsDict, settings_of
from codemod.findings import Applicability, Finding, Level
from codemod.record import FileRecord

T = TypeVar("T")

if TYPE_CHECKING:
    from codemod.options import Options

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

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        super().__init__()
        self._seen: set[Finding] = set()
        self.extend(findings)

    def append(self, finding: Finding) -> None:
        if finding not in self._seen:
            self._seen.add(finding)
            super().append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:  # type: ignore[override]
        for finding in findings:
            self.append(finding)

    def __iadd__(self, findings):  # type: ignore[override]
        self.extend(findings)
        return self


@dataclass(frozen=True)
class Plan:
    """What moves to the v1 API in this module, decided before any rule rewrites (codemod/plan.py)."""

    migrated: tuple[Client, ...] = ()  # Azure clients that move: all of AOAI101-AOAI105 apply to each
    module_settings_move: bool = False  # the module-level client's Azure settings move (AOAI106)
    model_from_client: frozenset[cst.Call] = frozenset()  # requests whose model= the client's deployment sets
    unsafe: tuple[Client, ...] = ()  # migrated clients that move only because of --unsafe-fixes
    held_back: tuple[Client, ...] = ()  # clients an unsafe fix would move, kept without --unsafe-fixes


@dataclass(frozen=True)
class RuleContext:
    module: cst.Module
    meta: Metadata
    analysis: Analysis
    options: Options
    path: str
    suppressed_lines: dict[int, set[str]]
    # code that runs with the module but that the engine cannot see: a notebook's magic lines and the cells
    # that do not parse. A client or class named there is out of sight.
    hidden_code: str = ""
    plan: Plan | None = None  # None: nothing is planned (the advisor alone predicts what a migration needs)
    _settings: dict[Client, SettingsDict | None] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[Callable[[RuleContext], Any], Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def planned(self) -> bool:
        return self.plan is not None

    @property
    def migrated(self) -> tuple[Client, ...]:
        return self.plan.migrated if self.plan is not None else ()

    def is_migrated(self, client: Client | None) -> bool:
        return client is not None and any(c is client for c in self.migrated)

    def is_unsafe(self, client: Client | None) -> bool:
        """Whether the client moves by an unsafe fix (README "Unsafe fixes"), given --unsafe-fixes."""
        return client is not None and self.plan is not None and any(c is client for c in self.plan.unsafe)

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

    def finding(
        self, code: str, node: cst.CSTNode, message: str, *, fixed: bool = False, level: Level = "warning",
        applicability: Applicability = "safe",
    ) -> Finding | None:
        """The finding for `node`, or None when its code is not selected or is suppressed on its lines."""
        if not self.active(code, node):
            return None
        span = self.position(node)
        return Finding(
            code=code,
            message=message,
            line=span.start.line,
            column=span.start.column + 1,
            end_line=span.end.line,
            end_column=span.end.column + 1,
            fixed=fixed,
            level=level,
            path=self.path,
            applicability=applicability,
        )

    def code_for(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def reach(self) -> Reach:
        """What every client reaches besides its constructor and requests (codemod/engine/reach.py), computed once."""
        return self.derived(_reach)

    def settings(self, client: Client) -> SettingsDict | None:
        """The settings dict spread into the client's constructor, when every write to it is in sight
        (codemod/engine/settings_dicts.py) and code the tool cannot see does not name it."""
        if client not in self._settings:
            found = settings_of(self.analysis, client)
            self._settings[client] = None if found is None or self.hidden_mentions(found.name) else found
        return self._settings[client]

    def bindings(self) -> Bindings:
        """Every binding of every name in the module (codemod/engine/bindings.py), listed once, when first asked."""
        return self.derived(_bindings)

    def derived(self, compute: Callable[[RuleContext], T]) -> T:
        """`compute(self)`, computed once for every rule that asks: a pure function of the module, not of its plan
        (the planned context, a copy, shares what was computed before planning): what clients reach, the
        module's bindings, the Azure clients on the v1 API."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return self._derived[compute]

    def changes(self) -> Changes:
        return Changes(self)


class Changes:
    """One rule's result for one module: the findings it reports, the edits it asks for, and what the module
    needs from the rest of the run (`record`)."""

    def __init__(self, ctx: RuleContext) -> None:
        self._ctx = ctx
        self.findings = FindingList()
        self.edits = Edits()
        self.record = FileRecord()

    def report(
        self, code: str, node: cst.CSTNode, message: str, *, fixed: bool = False, level: Level = "warning",
        applicability: Applicability = "safe",
    ) -> None:
        finding = self._ctx.finding(code, node, message, fixed=fixed, level=level, applicability=applicability)
        if finding is not None:
            self.findings.append(finding)

    def add(self, finding: Finding, node: cst.CSTNode) -> None:
        """A finding built elsewhere (the advisor's checks), kept when its code is active at `node`."""
        if self._ctx.active(finding.code, node):
            self.findings.append(finding)

    def needs_import(self, module: str, obj: str | None = None, asname: str | None = None) -> None:
        self.edits.imports.add((module, obj, asname))

    def merge(self, other: Changes) -> None:
        self.findings.extend(other.findings)
        self.edits.merge(other.edits)
        self.record.merge(other.record)


def _reach(ctx: RuleContext) -> Reach:
    return reach_of(ctx.analysis)


def _bindings(ctx: RuleContext) -> Bindings:
    return bindings_of(ctx.meta.module)
