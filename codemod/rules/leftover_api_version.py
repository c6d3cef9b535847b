"""AOAI405 — an api-version read or guard that no client uses any more.

## What it does
In a module whose clients are on the v1 API (already, or after this run), a read of an api-version variable
(`api_version = os.getenv("OPENAI_API_VERSION")`, `os.environ["AZURE_OPENAI_API_VERSION"]`) whose value nothing
uses any more — it is only checked (`if not api_version: raise ...`, `assert api_version`) or only passed where
the v1 client drops it — is reported, and so is a guard that checks such a variable directly. An optional read
(`os.getenv`, `os.environ.get`) that nothing checks demands nothing: it is listed for information.

## Why
The v1 API has no api-version. A program that still reads or checks the variable demands a setting it ignores:
it fails to start (`KeyError`, the guard's error) on a deployment where the variable is rightly gone.

## Example
```python
api_version = os.getenv("OPENAI_API_VERSION")
if not api_version:
    raise RuntimeError("OPENAI_API_VERSION is not set")  # AOAI405: no client uses it
client = OpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/", api_key=key)
```

## Fix safety
Report only: the read may feed something the tool cannot see (another module importing the name, logging), so
removing it is the user's call. Not reported while a client of the module stays on the dated API.

Fixtures: fixtures/leftover_api_version/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import is_none, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Strings
from codemod.rules import Rule
from codemod.rules._advisor import GETENV, VERSION_NAME
from codemod.rules._needs import AZURE_CLASSES, V1_AZURE_CLIENT
from codemod.rules._v1_clients import azure_v1_clients

CODE = "AOAI405"
_GUARDS = (cst.If, cst.Assert, cst.While)


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    v1_clients = azure_v1_clients(ctx)
    moved = {c.call for c in ctx.migrated}
    staying = [c for c in ctx.analysis.clients if c.azure and c.call is not None and c.call not in moved]
    settings_stay = ctx.analysis.module_settings and not (ctx.plan and ctx.plan.module_settings_move)
    if not (v1_clients or moved) or staying or settings_stay:
        return out
    # where AOAI403 (or the migration) removes api_version=name, that use of the name goes away too
    v1_calls = {v1.call for v1 in v1_clients if ctx.active("AOAI403", v1.call)}
    for read in _env_reads(ctx):
        variable = _variable(ctx, read)
        if variable is None:
            continue
        statement = _statement(ctx, read)
        if isinstance(statement, _GUARDS):
            if _guard(ctx, read):
                out.report(CODE, read, f"this check demands {variable}, which no client uses any more (the v1 API "
                           "has no api-version): remove it, or the program requires a variable it ignores.")
            continue
        target = _assigned_name(statement, read)
        uses = ctx.analysis.references_of(target) if target is not None else None
        if uses is None or not all(_guard(ctx, use) or _dropped(ctx, use, v1_calls | moved) for use in uses):
            continue
        if isinstance(read, cst.Subscript) or any(_guard(ctx, use) for use in uses):
            out.report(CODE, read, f"{target.value} reads {variable}, which nothing in this module uses any more but "
                       "checks (the v1 API has no api-version): remove the read and its checks unless another module "
                       "imports it; as it is, the program demands a variable it ignores.")
        else:  # an optional read that nothing checks: dead, not harmful
            out.report(CODE, read, f"{target.value} reads {variable}, which nothing in this module uses any more (the "
                       "v1 API has no api-version): remove the read unless another module imports it.", level="info")
    return out


def _env_reads(ctx: RuleContext) -> list[cst.BaseExpression]:
    reads: list[cst.BaseExpression] = [c for c in ctx.analysis.calls if ctx.meta.qualified(c.func) & GETENV]
    for assign in ctx.analysis.assigns:
        value = assign.value
        if isinstance(value, cst.Subscript) and "os.environ" in ctx.meta.qualified(value.value):
            reads.append(value)
    return reads


def _variable(ctx: RuleContext, read: cst.BaseExpression) -> str | None:
    if isinstance(read, cst.Call):
        first = read.args[0].value if read.args else None
    else:
        assert isinstance(read, cst.Subscript)
        element = read.slice[0].slice if len(read.slice) == 1 else None
        first = element.value if isinstance(element, cst.Index) else None
    name = string_value(first) if first is not None else None
    return name if name is not None and VERSION_NAME.search(name) else None


def _statement(ctx: RuleContext, node: cst.CSTNode) -> cst.CSTNode | None:
    for ancestor in ctx.meta.ancestors(node):
        if isinstance(ancestor, (*_GUARDS, cst.BaseSmallStatement)):
            if isinstance(ancestor, _GUARDS) and not _within(ctx, node, ancestor.test):
                return None  # inside the guarded block, not its test
            return ancestor
    return None


def _assigned_name(statement: cst.CSTNode | None, read: cst.BaseExpression) -> cst.Name | None:
    if isinstance(statement, cst.Assign) and statement.value is read and len(statement.targets) == 1:
        target = statement.targets[0].target
        return target if isinstance(target, cst.Name) else None
    return None


def _within(ctx: RuleContext, node: cst.CSTNode, tree: cst.CSTNode) -> bool:
    return node is tree or any(a is tree for a in ctx.meta.ancestors(node))


def _guard(ctx: RuleContext, use: cst.CSTNode) -> bool:
    """The value is only checked for presence here: the test of an `if`, `while` or `assert` that is the value
    itself, `not` it, or a comparison with None or "" (`if api_version == "2024-02-01":` chooses, it does not check)."""
    statement = _statement(ctx, use)
    if not isinstance(statement, _GUARDS):
        return False
    node: cst.CSTNode = use
    while node is not statement.test:
        parent = ctx.meta.parent(node)
        if parent is None or not _presence_check(parent):
            return False
        node = parent
    return True


def _presence_check(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, cst.Not)
    if isinstance(node, cst.BooleanOperation):
        return True
    if isinstance(node, cst.Comparison):
        return all(
            isinstance(c.operator, (cst.Is, cst.IsNot, cst.Equal, cst.NotEqual))
            and (is_none(c.comparator) or string_value(c.comparator) == "")
            for c in node.comparisons
        )
    return False


def _dropped(ctx: RuleContext, use: cst.CSTNode, calls: set[cst.Call]) -> bool:
    """`api_version=name` (or `"api-version": name` in default_query) of a client call the v1 rules rewrite."""
    parent = ctx.meta.parent(use)
    if isinstance(parent, cst.Arg) and parent.keyword is not None and parent.keyword.value == "api_version":
        return ctx.meta.parent(parent) in calls
    if isinstance(parent, cst.DictElement) and string_value(parent.key) == "api-version":
        arg = ctx.meta.parent(ctx.meta.parent(parent) or parent)
        return isinstance(arg, cst.Arg) and ctx.meta.parent(arg) in calls
    return False


RULE = Rule(
    __name__,
    codes={CODE: "An api-version read or guard that no client uses any more."},
    apply=apply,
    words=(("openai", "version"),),
    needs=(AZURE_CLASSES | V1_AZURE_CLIENT) & Strings(r"openai.*version"),
)
