"""Pure core: source text in, migrated text and findings out. One parse, one analysis, all rules, one
transformation, imports added once at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemod.engine.analysis import Analysis, Client
from codemod.engine.context import CLIENT_GROUP, RuleContext, suppressions
from codemod.engine.edits import ApplyEdits
from codemod.engine.imports import add_imports
from codemod.engine.metadata import Metadata
from codemod.engine.parsing import parse_module
from codemod.engine.slicing import slice_module
from codemod.findings import Finding
from codemod.options import Options
from codemod.rules import rule_modules

# Parents come from the analysis pass, qualified names from the scopes, and positions only where something is
# reported (Metadata.position): three traversals fewer.
PROVIDERS = (ScopeProvider,)


@dataclass
class MigrationResult:
    source: str
    findings: list[Finding]
    deployments: dict[str, str]  # literal -> NAME used in this source (AOAI201)
    env_reads: set[str]  # environment variables the migrated code reads
    sdk_needs: dict[str, str] = field(default_factory=dict)  # reason -> minimum openai version
    # module-level names of clients whose client-level deployment moved to their requests' model= (AOAI105):
    # another file importing one would keep its own model=, so the runner looks for importers
    exported_clients: frozenset[str] = frozenset()

    def changed(self, original: str) -> bool:
        return self.source != original


def migrate_source(
    source: str, options: Options | None = None, path: str = "<string>", *, whole_module: bool = False,
    hidden: str = "",
) -> MigrationResult:
    """Migrate one module's source. Raises `libcst.ParserSyntaxError` when it does not parse.

    The statements no rule can reach are left out of LibCST's work (codemod/slicing.py); when that does not
    apply, or a placeholder does not come back intact, the whole module goes through the engine.
    `whole_module=True` always does that (the tests compare both ways). `hidden` is code that runs with the
    module but is not part of it (a notebook's magic lines, its cells that do not parse)."""
    options = options or Options()
    sliced = None if whole_module else slice_module(source)
    if sliced is not None:
        try:
            result = _migrate(sliced.text, options, path, hidden)
        except cst.ParserSyntaxError:
            result = None  # reported from the whole module, with its own position
        restored = sliced.restore(result.source) if result is not None else None
        if result is not None and restored is not None:
            result.source = restored
            return result
    return _migrate(source, options, path, hidden)


def _migrate(source: str, options: Options, path: str, hidden: str = "") -> MigrationResult:
    ctx = prepare(source, options, path)
    ctx.hidden_code = hidden
    module = ctx.module
    _plan_clients(ctx)
    for rule in rule_modules():
        rule.apply(ctx)
    new_source = source
    if ctx.edits:
        new_module = module.visit(ApplyEdits(ctx.edits, ctx.meta.parents))
        new_source = new_module.code
        if ctx.edits.imports and new_source != source:
            new_source = add_imports(new_module, ctx.edits.imports).code
    findings = sorted(ctx.findings, key=Finding.sort_key)  # each once: see context.FindingList
    return MigrationResult(
        new_source, findings, dict(ctx.deployments), set(ctx.env_reads), ctx.sdk_needs, frozenset(ctx.exported_clients)
    )


def prepare(source: str, options: Options, path: str) -> RuleContext:
    """Parse, resolve metadata and analyse once: what every rule (and the advisor alone) starts from."""
    module = parse_module(source)  # refuses nesting LibCST cannot follow (codemod/parsing.py)
    meta = Metadata(MetadataWrapper(module, unsafe_skip_copy=True), PROVIDERS)
    analysis = Analysis(meta)
    module.visit(analysis)
    return RuleContext(module, meta, analysis, options, path, suppressions(source))


def _plan_clients(ctx: RuleContext) -> None:
    """Decide which Azure clients move to v1: all of AOAI101-AOAI105 apply to a client, or none does. A rule's
    `blocker` returns `(node, message)`, or `(node, message, code)` to report under another code of the group."""
    ctx.planned = True
    blockers = [m for m in rule_modules() if hasattr(m, "blocker")]
    candidates: list[Client] = []
    staying: set[Client] = set()
    for client in ctx.analysis.clients:
        if not client.azure:
            continue
        if not all(ctx.enabled(code) for code in CLIENT_GROUP) or any(
            ctx.suppressed(code, client.call) for code in CLIENT_GROUP
        ):
            staying.add(client)
            continue
        reasons = []
        for module in blockers:
            found = module.blocker(ctx, client)
            if found is not None:
                node, message, *code = found
                reasons.append((code[0] if code else module.CODES[0], node, message))
        for code, node, message in reasons:
            ctx.report(code, node, message)
        if reasons:
            staying.add(client)
        else:
            candidates.append(client)
    _hold_back_shared(ctx, candidates, staying)
    ctx.migrated.extend(c for c in candidates if c not in staying)


def _hold_back_shared(ctx: RuleContext, candidates: list[Client], staying: set[Client]) -> None:
    """A request, copy or private attribute reached through two constructions (`self.client` built in two
    branches) is rewritten for both or for neither: a client that shares one with a client staying on the dated
    API stays too."""
    if not staying or not candidates:
        return
    shared = ctx.reach().shared(ctx.analysis)
    changed = True
    while changed:
        changed = False
        for node, clients in shared:
            kept = next((c for c in clients if c in staying), None)
            if kept is None:
                continue
            for client in (c for c in clients if c not in staying and c in candidates):
                assert kept.call is not None and client.call is not None
                ctx.report(
                    "AOAI101",
                    client.call,
                    f"{ctx.code_for(node).strip().splitlines()[0][:60]} (line {ctx.position(node).start.line}) may "
                    f"use this client or the one built at line {ctx.position(kept.call).start.line}, which stays on "
                    "the dated API (see its finding), so this client stays too; migrate them together by hand.",
                )
                staying.add(client)
                changed = True
