"""AOAI101 — `AzureOpenAI` / `AsyncAzureOpenAI` of the openai package become `OpenAI` / `AsyncOpenAI`.

## What it does
For a client that moves to the v1 API, its constructor's class is renamed; imports are renamed in place (aliases
kept, no duplicates, `from openai.lib.azure` moved to `openai`) or joined by the v1 class where the Azure class is
still used. Annotations follow (`Union[X]` left with one member becomes `X`), unless a constructor of the class in
the same file stays on the dated API: then they describe that client and stay, with an info finding. Names are
resolved through imports, so a user's own `class AzureOpenAI` or LlamaIndex's class of that name is never touched.
Reported, not rewritten: `isinstance` / `issubclass` checks with the Azure class and comparisons of a client's type
with it (`type(c) is AzureOpenAI`, `type(c) == AzureOpenAI`), the class used as a value (a base class, an
argument), and names in strings or in code the tool cannot see.

A client built from `**settings` moves when the dict is built in the constructor's scope and every write to it is in
sight (codemod/engine/settings_dicts.py: literal keys, before the constructor, in `if`/`else` branches at most,
used nowhere else); the other rules rewrite its keys where they are written. A client stays on the dated API,
reported, when it is built from other `**settings`, when a check would flip for it
(such a check, or a test of its class name: `"Azure" in type(c).__name__`, `hasattr(c, "_azure_deployment")`),
or when something it reaches cannot move (codemod/rules/_client_reach.py): AzureOpenAI's private attributes
(`_api_version`, `_azure_*`), attributes whose value the migration changes (`base_url`, ...), or a copy whose
arguments cannot be carried over. Across files: a client stored on an object (`bp.openai_client = AzureOpenAI(...)`)
stays, reported, when any Python file of the run reads a private attribute through that attribute name
(`app.blueprints["chat"].openai_client._azure_ad_token_provider` in a test; codemod/run/private_reads.py); and a
client another module can reach (returned, passed on, held by instances, a module-level name) stays, reported, when
a Python file of the run checks for its class a value that file cannot follow to a client of its own
(`isinstance(get_client(), AzureOpenAI)` next to an import of the factory).

## Why
The v1 API is served by the plain client. A migrated client is an `OpenAI`, so `isinstance(c, AzureOpenAI)` turns
false for it, and `isinstance(c, OpenAI)` would hold for every client (`AzureOpenAI` subclasses `OpenAI`): only a
person knows what such a check meant. OpenAI has none of AzureOpenAI's private attributes (AttributeError).

## Example
```python
# before
from openai import AzureOpenAI
def make() -> AzureOpenAI:
    return AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-02-01")
# after
from openai import OpenAI
def make() -> OpenAI:
    return OpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/", api_key=key)
```

## Fix safety
Safe where applied: the rename happens only together with AOAI102-AOAI105 for the same client (all or none). A
check that already accepts the v1 class (`isinstance(c, (OpenAI, AzureOpenAI))`) keeps its meaning and loses its
duplicate.

Fixtures: fixtures/client_class/, fixtures/client_reach/.
"""

from __future__ import annotations

from typing import cast

import libcst as cst

from codemod.engine import class_checks, names
from codemod.engine.analysis import ClassRef, Client
from codemod.engine.context import Changes, RuleContext
from codemod.engine.escapes import holder_class, how_it_escapes, module_level_names, out_of_sight_uses
from codemod.engine.reach import stored_attributes
from codemod.rules import Blocked, Rule
from codemod.rules._class_imports import ImportState, import_of, plan_import, rename_unused_imports
from codemod.rules._client_reach import class_read_blocker, private_read_blocker, reach_blocker
from codemod.rules._needs import AZURE_CLASSES
from codemod.rules._type_exprs import collapse_duplicates, drop_unused_unions


def blocker(ctx: RuleContext, client: Client) -> list[Blocked]:
    """Every reason the client cannot be an OpenAI client: its class (settings, checks), and what it reaches."""
    found = (
        _class_blocker(ctx, client),
        reach_blocker(ctx, client),
        private_read_blocker(ctx, client),
        _foreign_check_blocker(ctx, client),
    )
    return [blocked for blocked in found if blocked is not None]


def _class_blocker(ctx: RuleContext, client: Client) -> Blocked | None:
    cls = client.qualified.rsplit(".", 1)[1]
    new = names.AZURE_CLIENT_CLASSES[client.qualified]
    if client.has_star_args and ctx.settings(client) is None:
        return client.call, (
            f"{cls}(**...) hides its settings, so the v1 arguments cannot be derived. Build the client with "
            f"explicit keywords, or by hand: {new}(base_url=<endpoint>/openai/v1/, api_key=<key or token "
            "provider>) without api_version. (A dict of settings is followed when it is built in the same "
            "function, before the client, with literal keys, and used nowhere else.)"
        )
    if client.also:
        return client.call, (
            f"{cls} here may also be {', '.join(client.also)} (the name is bound by more than one import), so the "
            "tool cannot tell which class this builds; migrate it by hand if it is openai's."
        )
    return _check_blocker(ctx, client) or class_read_blocker(ctx, client)


def _check_blocker(ctx: RuleContext, client: Client) -> Blocked | None:
    cls = client.qualified.rsplit(".", 1)[1]
    checks = _flippable_checks(ctx, client)
    if not checks:
        return None
    seen = next((c for c in checks if _tests(ctx, c, client)), None)
    # the first in the file: the scope analysis gives a name's uses in no particular order
    uses = out_of_sight_uses(ctx.analysis, client) if seen is None else []
    hidden = sorted(uses, key=lambda node: _start(ctx, node))[:1]
    if seen is None and not hidden:
        return None
    check = seen or checks[0]
    where = f"the {class_checks.name_of(check)} at line {ctx.position(check).start.line}"
    why = (
        f"{where} tests this client for {cls}"
        if seen is not None
        else f"the client goes out of sight at line {ctx.position(hidden[0]).start.line} "
        f"({how_it_escapes(ctx.analysis, hidden[0])}), and {where} tests for {cls}"
    )
    return client.call, (
        f"{why}, which a client moved to the v1 API no longer is, so the client stays on the dated API; change "
        "the check by hand (see its finding), then run the tool again."
    )


def _foreign_check_blocker(ctx: RuleContext, client: Client) -> Blocked | None:
    """Another file of the run checks a value it cannot follow for this client's class (`isinstance(client,
    AzureOpenAI)` on what a factory returned): a client that file can reach would turn the check false."""
    elsewhere = [place for place in ctx.options.foreign_class_checks.get(client.qualified, ())
                 if place.rpartition(":")[0] != ctx.path]
    how = _reachable_from_elsewhere(ctx, client) if elsewhere else None
    if how is None:
        return None
    cls = client.qualified.rsplit(".", 1)[1]
    more = f" (and {len(elsewhere) - 1} more)" if len(elsewhere) > 1 else ""
    return client.call, (
        f"the client {how}, and {elsewhere[0]}{more} checks a value the tool cannot follow there for {cls}, which a "
        "client moved to the v1 API no longer is (the check would turn false for it), so the client stays on the "
        "dated API; change the check by hand (see its finding), then run the tool again."
    )


def _reachable_from_elsewhere(ctx: RuleContext, client: Client) -> str | None:
    """How another module can reach the client (None: it cannot)."""
    hidden = out_of_sight_uses(ctx.analysis, client)
    if hidden:
        first = min(hidden, key=lambda node: _start(ctx, node))
        return f"goes out of sight at line {ctx.position(first).start.line} ({how_it_escapes(ctx.analysis, first)})"
    if names_bound := module_level_names(ctx.analysis, client):
        return f"is the module-level {names_bound[0]}, which other modules can import"
    owner = holder_class(ctx.analysis, client)
    if owner is not None:
        return f"is held by instances of {owner.name.value}, which other modules can use"
    return None


def _start(ctx: RuleContext, node: cst.CSTNode) -> tuple[int, int]:
    start = ctx.position(node).start  # a CodePosition does not order: compare (line, column)
    return start.line, start.column


def _flippable_checks(ctx: RuleContext, client: Client) -> list[class_checks.Check]:
    """The isinstance/issubclass checks of the module that test for the client's class (other than those that
    already accept the v1 class): moving the client would flip them for it."""
    new_class = names.AZURE_CLIENT_CLASSES[client.qualified]
    found = []
    for ref in ctx.analysis.class_refs:
        if ref.kind != "check" or ref.check is None or names.AZURE_CLIENT_CLASSES[ref.qualified] != new_class:
            continue  # an AsyncAzureOpenAI is no AzureOpenAI before or after the move
        if not _accepts_v1_already(ctx, ref, new_class):
            found.append(ref.check)
    return found


def _tests(ctx: RuleContext, check: class_checks.Check, client: Client) -> bool:
    """Whether the tool can follow the client into the value the check tests."""
    tested = class_checks.tested(check)
    return any(found is client and path == () for found, path in ctx.analysis.clients_of(tested))


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    state = ImportState(ctx, out)
    staying = _staying_constructors(ctx)
    renamed_refs = _renamed_refs(ctx, staying)
    groups: dict[tuple[cst.ImportFrom, str], list[ClassRef]] = {}
    checks: set[class_checks.Check] = set()
    unwrapped: list[cst.BaseExpression | None] = []
    for ref in [*ctx.analysis.class_refs, *_hidden_refs(ctx)]:
        new_class = names.AZURE_CLIENT_CLASSES[ref.qualified]
        renamed = ref in renamed_refs
        if not renamed:
            _report_kept(ctx, out, ref, new_class, staying, checks)
        elif ref.kind != "call":  # a constructor's finding is its client's (below)
            what = "a type annotation or alias" if ref.kind == "type" else "a check that accepts the v1 class too"
            out.report("AOAI101", ref.node, f"{ctx.code_for(ref.node)} -> {new_class} in {what}", fixed=True)
        if isinstance(ref.node, cst.Attribute):
            if renamed:
                out.edits.replace(ref.node.attr, cst.Name(new_class))
                unwrapped.append(collapse_duplicates(ctx, out.edits, ref.node, new_class))
            continue
        imported = ref.imported or import_of(ctx, ref.node)
        if imported is None:
            continue
        local = ref.local or (ref.node.value if isinstance(ref.node, cst.Name) else str(ref.node.evaluated_value))
        groups.setdefault((imported, local), []).append(ref)
    for (imp, local), refs in groups.items():
        unwrapped.extend(plan_import(state, imp, local, refs, renamed_refs))
    drop_unused_unions(ctx, out.edits, [node for node in unwrapped if node is not None])
    rename_unused_imports(state, {imp for imp, _ in groups})
    state.finish()
    for client in ctx.migrated:
        assert client.call is not None
        new_class = names.AZURE_CLIENT_CLASSES[client.qualified]
        out.report("AOAI101", client.call.func, f"{ctx.code_for(client.call.func)} -> {new_class}", fixed=True)
        out.record.client_attributes.update(stored_attributes(ctx.analysis, client))
        if _reachable_from_elsewhere(ctx, client) is not None:
            out.record.reachable_clients.add(client.qualified)
    return out


def _report_kept(
    ctx: RuleContext,
    out: Changes,
    ref: ClassRef,
    new_class: str,
    staying: dict[str, Client],
    checks: set[class_checks.Check],
) -> None:
    """Say why a reference keeps the Azure class, and what a person does about it."""
    if ref.kind in ("type", "text") and new_class in staying:
        _report_kept_annotation(ctx, out, ref, new_class, staying[new_class])
    elif ref.kind == "other":
        out.report(
            "AOAI101",
            ref.node,
            f"{ctx.code_for(ref.node)} is used here as a value (a base class, an argument, ...); the tool "
            f"does not follow it. Replace it with {new_class} by hand once its construction is migrated.",
        )
    elif ref.kind == "check":
        _report_check(ctx, out, ref, new_class, checks)
    elif ref.kind == "hidden":
        out.report(
            "AOAI101",
            ref.node,
            f"{ref.local} is used in code the tool cannot see (an IPython magic line or a cell that does not "
            f"parse), so its import is kept. Replace it with {new_class} there by hand.",
        )
    elif ref.kind == "text":
        out.report(
            "AOAI101",
            ref.node,
            f"{ref.local} is named inside the string {ctx.code_for(ref.node)}, which the tool does not "
            f"rewrite, so its import is kept. Replace it with {new_class} in the string by hand.",
        )


def _hidden_refs(ctx: RuleContext) -> list[ClassRef]:
    """Azure client classes imported by name and used in code the engine cannot see: their import stays."""
    refs = []
    for imp in ctx.analysis.openai_imports if ctx.hidden_code else []:
        assert not isinstance(imp.names, cst.ImportStar)
        module = ctx.code_for(imp.module) if imp.module else ""
        for alias in imp.names:
            qualified = f"{module}.{alias.evaluated_name}"
            local = alias.evaluated_alias or alias.evaluated_name
            if qualified in names.AZURE_CLIENT_CLASSES and ctx.hidden_mentions(local):
                node = alias.asname.name if alias.asname else alias.name
                refs.append(ClassRef(cast(cst.Name, node), qualified, "hidden", imp, local))
    return refs


def _staying_constructors(ctx: RuleContext) -> dict[str, Client]:
    """v1 class -> the first constructor of its Azure class in this file that stays on the dated API. The
    annotations of that class describe such a client too, so they stay as well (a person moves them with it)."""
    staying: dict[str, Client] = {}
    for client in ctx.analysis.clients:
        if client.azure and client.call is not None and not ctx.is_migrated(client):
            staying.setdefault(names.AZURE_CLIENT_CLASSES[client.qualified], client)
    return staying


def _renamed_refs(ctx: RuleContext, staying: dict[str, Client]) -> set[ClassRef]:
    """The references that become the v1 class: constructors of migrated clients, annotations of a class none
    of whose constructors here stays, and checks that already accept the v1 class (their meaning can't change)."""
    migrated_calls = {client.call for client in ctx.migrated}
    renamed = set()
    for ref in ctx.analysis.class_refs:
        new_class = names.AZURE_CLIENT_CLASSES[ref.qualified]
        if ref.kind == "call":
            chosen = ctx.meta.parent(ref.node) in migrated_calls
        elif ref.kind == "type":
            chosen = new_class not in staying and ctx.active("AOAI101", ref.node)
        elif ref.kind == "check":
            chosen = _accepts_v1_already(ctx, ref, new_class) and ctx.active("AOAI101", ref.node)
        else:
            chosen = False
        if chosen:
            renamed.add(ref)
    return renamed


def _accepts_v1_already(ctx: RuleContext, ref: ClassRef, new_class: str) -> bool:
    """`isinstance(c, (OpenAI, AzureOpenAI))` means `isinstance(c, OpenAI)`, since AzureOpenAI subclasses
    OpenAI, before and after the migration."""
    assert ref.check is not None
    classes = class_checks.classes(ref.check)
    members = classes.elements if isinstance(classes, cst.Tuple) else [cst.Element(classes)]
    return any(f"openai.{new_class}" in ctx.meta.qualified(m.value) for m in members)


def _report_check(
    ctx: RuleContext, out: Changes, ref: ClassRef, new_class: str, reported: set[class_checks.Check]
) -> None:
    """One finding per check, at the class it names (at the check itself when a type alias names it)."""
    check = ref.check
    assert check is not None
    if check in reported or _tests_other_clients_only(ctx, check):
        return
    reported.add(check)
    if not any(path == () for _, path in ctx.analysis.clients_of(class_checks.tested(check))):
        # a value from elsewhere: a client of another file may reach it (runner._foreign_class_checks)
        out.record.class_checks.setdefault(ref.qualified, ctx.position(check).start.line)
    inside = any(a is check for a in ctx.meta.ancestors(ref.node))
    if isinstance(check, cst.Comparison):
        shown = ctx.code_for(check).strip()
    else:
        assert isinstance(check.func, cst.Name)
        shown = f"{check.func.value}(..., {ctx.code_for(check.args[1].value)})"
    out.report(
        "AOAI101",
        ref.node if inside else check,
        f"{shown} is left as it is: a client moved to the v1 API is an {new_class}, so "
        f"this check turns false for it (and a check for {new_class} would hold for OpenAI's own clients too). If "
        'it tells Azure clients apart, test the endpoint instead (for example "azure.com" in str(client.base_url)); '
        f"if it only wants an openai client, check for {new_class}.",
    )


def _tests_other_clients_only(ctx: RuleContext, check: class_checks.Check) -> bool:
    """`c = AsyncOpenAI(api_key=...)` then `assert not isinstance(c, AsyncAzureOpenAI)`: a client of another
    service, which no migration touches, so the check means the same before and after."""
    tested = class_checks.tested(check)
    values = ctx.analysis.bound_values(tested) if isinstance(tested, cst.Name) else None
    return bool(values) and all(
        isinstance(value, cst.Call)
        and ctx.meta.qualified(value.func) & names.V1_CLIENT_CLASSES.keys()
        and not ctx.analysis.clients_of(value)
        for value in values or []
    )


def _report_kept_annotation(ctx: RuleContext, out: Changes, ref: ClassRef, new_class: str, client: Client) -> None:
    assert client.call is not None
    line = ctx.position(client.call).start.line
    out.report(
        "AOAI101",
        ref.node,
        f"{ctx.code_for(ref.node)} is kept: the {ctx.code_for(client.call.func)}(...) at line {line} stays on the "
        f"dated API in this run, and annotations of its class describe it; they become {new_class} with it.",
        level="info",
    )


RULE = Rule(
    __name__,
    codes={"AOAI101": "AzureOpenAI / AsyncAzureOpenAI of the openai package become OpenAI / AsyncOpenAI."},
    apply=apply,
    blocker=blocker,
    words=("azureopenai",),
    needs=AZURE_CLASSES,
)
