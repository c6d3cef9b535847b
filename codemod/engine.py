"""Pure core: source text in, migrated text and findings out. One parse, one analysis, all rules, one
transformation, imports added once at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemod.analysis import Analysis
from codemod.context import CLIENT_GROUP, RuleContext, suppressions
from codemod.edits import ApplyEdits
from codemod.findings import Finding
from codemod.imports import add_imports
from codemod.metadata import Metadata
from codemod.options import Options
from codemod.parsing import parse_module
from codemod.rules import rule_modules
from codemod.slicing import slice_module

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
    findings = sorted(ctx.findings, key=Finding.sort_key)
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
    """Decide which Azure clients move to v1: all of AOAI101-AOAI105 apply to a client, or none does."""
    blockers = [m for m in rule_modules() if hasattr(m, "blocker")]
    for client in ctx.analysis.clients:
        if not client.azure or not all(ctx.enabled(code) for code in CLIENT_GROUP):
            continue
        if any(ctx.suppressed(code, client.call) for code in CLIENT_GROUP):
            continue
        reasons = [(m.CODES[0], found) for m in blockers if (found := m.blocker(ctx, client)) is not None]
        for code, (node, message) in reasons:
            ctx.report(code, node, message)
        if not reasons:
            ctx.migrated.append(client)
