"""The engine's work on one module, step by step, timed (for benchmarks/profile_llm.py).

`timed` repeats what codemod.engine.migrate_source does (slicing, LibCST parse, metadata, analysis, rules,
codegen) with a clock around each step, and says whether it produced the engine's own result: when the
engine changes, the profile reports the difference instead of silently timing something else."""

from __future__ import annotations

import time

import libcst as cst
from libcst.metadata import MetadataWrapper

from codemod.engine.analysis import Analysis
from codemod.engine.context import RuleContext, suppressions
from codemod.engine.edits import ApplyEdits
from codemod.engine.imports import add_imports
from codemod.engine.metadata import Metadata
from codemod.engine.slicing import slice_module
from codemod.findings import Finding
from codemod.migration import PROVIDERS, MigrationResult
from codemod.options import Options
from codemod.plan import plan
from codemod.rules import module_rules
from codemod.run.runner import FileOutcome
from codemod.run.source import SourceError, decode

STEPS = ("slicing", "LibCST parse", "metadata (scopes)", "analysis", "rules", "codegen")


class _Captured(Exception):
    def __init__(self, text: str, hidden: str) -> None:
        super().__init__()
        self.text, self.hidden = text, hidden


def engine_input(path, raw: bytes) -> tuple[str | None, str]:
    """(module text, hidden code) as the engine receives them: the decoded file, or a notebook's joined code
    cells and the code it cannot see. (None, "") when the engine gets nothing (undecodable, no code cells)."""
    if path.suffix != ".ipynb":
        try:
            return decode(raw).text, ""
        except SourceError:
            return None, ""
    from codemod.notebook import NotebookError, migrate_notebook

    def capture(text: str, hidden: str) -> MigrationResult:
        raise _Captured(text, hidden)

    try:
        migrate_notebook(raw, capture)
    except _Captured as captured:
        return captured.text, captured.hidden
    except NotebookError:
        pass
    return None, ""


def acts(outcome: FileOutcome | MigrationResult | None, text: str = "") -> list[str]:
    """What the engine produced for a file (the runner's outcome, or the result of `timed` on `text`): a
    rewrite, findings (their codes), or data for the run."""
    if outcome is None:
        return ["error"]
    found = sorted({f.code for f in outcome.findings})
    if isinstance(outcome, MigrationResult):
        if outcome.source != text:
            found.insert(0, "changed")
    elif outcome.status in ("changed", "error"):
        found.insert(0, outcome.status)
    for name in ("deployments", "env_reads", "sdk_needs", "exported_clients"):
        if getattr(outcome, name):
            found.append(name)
    return found


def timed(text: str, hidden: str, path: str) -> tuple[dict[str, float], MigrationResult | None]:
    """CPU seconds per step of migrate_source(text), and its result (None when it raised)."""
    steps = dict.fromkeys(STEPS, 0.0)
    try:
        return steps, _migrate_source(text, hidden, path, steps)
    except Exception:  # noqa: BLE001 - the engine fails on it too (agrees() checks), or this copy went wrong
        return steps, None


def agrees(result: MigrationResult | None, text: str, path: str, outcome: FileOutcome) -> bool:
    """Whether `timed` produced what the engine did (`outcome` from codemod.run.runner.migrate_bytes)."""
    if result is None:
        return outcome.status == "error"
    findings = sorted(f.code for f in result.findings)
    engine_findings = sorted(f.code for f in outcome.findings)
    if path.endswith(".ipynb"):
        return findings == engine_findings or outcome.status == "changed"  # findings moved to cells, cells split
    expected = outcome.new_text if outcome.status == "changed" else text
    return result.source == expected and findings == engine_findings


def _migrate_source(text: str, hidden: str, path: str, steps: dict[str, float]) -> MigrationResult:
    clock = time.process_time
    began = clock()
    sliced = slice_module(text)
    steps["slicing"] += clock() - began
    if sliced is not None:
        try:
            result = _migrate(sliced.text, hidden, path, steps)
        except cst.ParserSyntaxError:
            result = None
        if result is not None:
            began = clock()
            restored = sliced.restore(result.source)
            steps["codegen"] += clock() - began
            if restored is not None:
                result.source = restored
                return result
    return _migrate(text, hidden, path, steps)


def _migrate(source: str, hidden: str, path: str, steps: dict[str, float]) -> MigrationResult:
    clock = time.process_time
    began = clock()
    module = cst.parse_module(source)
    parsed = clock()
    meta = Metadata(MetadataWrapper(module, unsafe_skip_copy=True), PROVIDERS)
    resolved = clock()
    analysis = Analysis(meta)
    module.visit(analysis)
    ctx = RuleContext(module, meta, analysis, Options(), path, suppressions(source), hidden)
    analysed = clock()
    ctx, out = plan(ctx)
    for rule in module_rules():
        if rule.apply is not None:
            out.merge(rule.apply(ctx))
    ruled = clock()
    new_source = source
    if out.edits:
        new_module = module.visit(ApplyEdits(out.edits, ctx.meta.parents))
        new_source = new_module.code
        if out.edits.imports and new_source != source:
            new_source = add_imports(new_module, out.edits.imports).code
    findings = sorted(out.findings, key=Finding.sort_key)
    done = clock()
    times = (parsed - began, resolved - parsed, analysed - resolved, ruled - analysed, done - ruled)
    for step, seconds in zip(STEPS[1:], times, strict=True):
        steps[step] += seconds
    return MigrationResult(new_source, findings, out.record)


def libcst_parse_seconds(text: str) -> float:
    began = time.process_time()
    try:
        cst.parse_module(text)
    except Exception:  # noqa: BLE001, S110 - the time until it gave up is still the cost
        pass
    return time.process_time() - began
