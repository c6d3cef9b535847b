"""Pure core: source text in, migrated text and findings out. One parse, one analysis, a plan of what moves, all
rules (each returns its findings and edits), one transformation, imports added once at the end."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from codemod.engine.analysis import Analysis
from codemod.engine.context import RuleContext, suppressions
from codemod.engine.edits import ApplyEdits
from codemod.engine.imports import add_imports
from codemod.engine.metadata import Metadata
from codemod.engine.parsing import parse_module
from codemod.engine.slicing import slice_module
from codemod.engine.syntax import read_facts
from codemod.findings import Finding
from codemod.options import Options
from codemod.plan import label_unsafe, plan
from codemod.record import FileRecord, MigrationResult
from codemod.rules import Rule, module_rules

__all__ = ["FileRecord", "MigrationResult", "advise_module", "migrate_source", "prepare"]

# Parents come from the analysis pass, qualified names from the scopes, and positions only where something is
# reported (Metadata.position): three traversals fewer.
PROVIDERS = (ScopeProvider,)


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
    # a file that imports a factory from another file uses it in statements that need not mention openai, and
    # its rules act on what the other file shows: every statement and every rule
    imports_factory = path in options.factory_imports
    whole_module = whole_module or imports_factory
    rules = module_rules() if imports_factory else needed_rules(source, hidden)
    sliced = None if whole_module else slice_module(source)
    if sliced is not None:
        try:
            result = _migrate(sliced.text, options, path, hidden, rules)
        except cst.ParserSyntaxError:
            result = None  # reported from the whole module, with its own position
        restored = sliced.restore(result.source) if result is not None else None
        if result is not None and restored is not None:
            result.source = restored
            return result
    return _migrate(source, options, path, hidden, rules)


def needed_rules(source: str, hidden: str = "") -> tuple[Rule, ...]:
    """The rules whose declared needs the module's facts meet: the others can neither change nor report anything
    in it (the declaration the syntax filter reads, here per rule; tests/test_syntax_filter.py checks both), and
    most of them would walk the whole tree to find that out. Every rule when CPython cannot read the module."""
    # a notebook's other cells run with the module: their names count as its own
    facts = read_facts(source + "\n" + hidden if hidden else source)
    if facts is None:
        return module_rules()
    return tuple(rule for rule in module_rules() if rule.needs.met(facts))


def _migrate(
    source: str, options: Options, path: str, hidden: str = "", rules: tuple[Rule, ...] | None = None
) -> MigrationResult:
    ctx, out = plan(prepare(source, options, path, hidden))
    for rule in module_rules() if rules is None else rules:
        if rule.apply is not None:
            out.merge(rule.apply(ctx))
    new_source = source
    if out.edits:
        new_module = ctx.module.visit(ApplyEdits(out.edits, ctx.meta.parents))
        new_source = new_module.code
        if out.edits.imports and new_source != source:
            new_source = add_imports(new_module, out.edits.imports).code
    findings = sorted(label_unsafe(ctx, out.findings), key=Finding.sort_key)  # each once: engine/context.FindingList
    return MigrationResult(new_source, findings, out.record)


def advise_module(source: str, path: str = "<string>", hidden: str = "") -> MigrationResult:
    """The advisor alone (`aoai-migrate advise PATH`): the report-only rules on a module where nothing is
    planned, nothing rewritten; the record says what the module would need from the openai package (AOAI306).
    Findings keep their lines and columns in the sliced text. Raises on unparseable source."""
    sliced = slice_module(source)
    try:
        ctx = prepare(sliced.text if sliced is not None else source, Options(), path, hidden)
    except Exception:
        if sliced is None:
            raise
        ctx = prepare(source, Options(), path, hidden)
    out = ctx.changes()
    for rule in module_rules():
        if rule.advisor and rule.apply is not None:
            out.merge(rule.apply(ctx))
    return MigrationResult(source, sorted(out.findings, key=Finding.sort_key), out.record)


def prepare(source: str, options: Options, path: str, hidden: str = "") -> RuleContext:
    """Parse, resolve metadata and analyse once: what every rule (and the advisor alone) starts from."""
    module = parse_module(source)  # refuses nesting LibCST cannot follow (codemod/engine/parsing.py)
    meta = Metadata(MetadataWrapper(module, unsafe_skip_copy=True), PROVIDERS)
    analysis = Analysis(meta)
    module.visit(analysis)
    return RuleContext(module, meta, analysis, options, path, suppressions(source), hidden)
