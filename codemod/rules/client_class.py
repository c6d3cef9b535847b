"""AOAI101 — `AzureOpenAI` / `AsyncAzureOpenAI` of the openai package become `OpenAI` / `AsyncOpenAI`.

Names are resolved through imports, so a user's own `class AzureOpenAI` or LlamaIndex's class of the same
name is never touched. Imports are renamed in place (aliases kept, no duplicates); annotations follow,
unless a constructor of the class in the same file stays on the dated API (then they describe it).
`isinstance` / `issubclass` checks are reported and left as they are: a migrated client is an `OpenAI`,
so `isinstance(c, AzureOpenAI)` turns false for it, and `isinstance(c, OpenAI)` would hold for every client
(`AzureOpenAI` subclasses `OpenAI`). Only a check that already accepts the v1 class, whose meaning cannot
change, loses its duplicate. Fixtures: fixtures/client_class/."""

from __future__ import annotations

import re
from typing import cast

import libcst as cst
from libcst.metadata import ImportAssignment, ScopeProvider

from codemod import names
from codemod.analysis import ClassRef, Client
from codemod.context import RuleContext
from codemod.edits import drop_items
from codemod.escapes import how_it_escapes, out_of_sight_uses

CODES = ("AOAI101",)
ORDER = 10


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    cls = client.qualified.rsplit(".", 1)[1]
    new = names.AZURE_CLIENT_CLASSES[client.qualified]
    if client.has_star_args:
        return client.call, (
            f"{cls}(**...) hides its settings, so the v1 arguments cannot be derived. Build the client with "
            f"explicit keywords, or by hand: {new}(base_url=<endpoint>/openai/v1/, api_key=<key or token "
            "provider>) without api_version."
        )
    checks = _flippable_checks(ctx, client)
    if not checks:
        return None
    seen = next((c for c in checks if _tests(ctx, c, client)), None)
    # the first in the file: the scope analysis gives a name's uses in no particular order
    uses = out_of_sight_uses(ctx.analysis, client) if seen is None else []
    hidden = sorted(uses, key=lambda node: ctx.position(node).start)[:1]
    if seen is None and not hidden:
        return None
    check = seen or checks[0]
    where = f"the {check.func.value}() check at line {ctx.position(check).start.line}"
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


def _flippable_checks(ctx: RuleContext, client: Client) -> list[cst.Call]:
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


def _tests(ctx: RuleContext, check: cst.Call, client: Client) -> bool:
    """Whether the tool can follow the client into the check's first argument."""
    tested = check.args[0].value
    if isinstance(tested, cst.Call) and isinstance(tested.func, cst.Name) and tested.func.value == "type":
        tested = tested.args[0].value if tested.args else tested  # issubclass(type(client), ...)
    return any(found is client and path == () for found, path in ctx.analysis.clients_of(tested))


def apply(ctx: RuleContext) -> None:
    staying = _staying_constructors(ctx)
    renamed_refs = _renamed_refs(ctx, staying)
    groups: dict[tuple[cst.ImportFrom, str], list[ClassRef]] = {}
    checks: set[cst.Call] = set()
    unwrapped: list[cst.BaseExpression | None] = []
    for ref in [*ctx.analysis.class_refs, *_hidden_refs(ctx)]:
        new_class = names.AZURE_CLIENT_CLASSES[ref.qualified]
        renamed = ref in renamed_refs
        if ref.kind in ("type", "text") and new_class in staying:
            _report_kept_annotation(ctx, ref, new_class, staying[new_class])
        elif ref.kind == "other":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ctx.code_for(ref.node)} is used here as a value (a base class, an argument, ...); the tool "
                f"does not follow it. Replace it with {new_class} by hand once its construction is migrated.",
            )
        elif ref.kind == "check" and not renamed:
            _report_check(ctx, ref, new_class, checks)
        elif ref.kind == "hidden":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ref.local} is used in code the tool cannot see (an IPython magic line or a cell that does not "
                f"parse), so its import is kept. Replace it with {new_class} there by hand.",
            )
        elif ref.kind == "text":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ref.local} is named inside the string {ctx.code_for(ref.node)}, which the tool does not "
                f"rewrite, so its import is kept. Replace it with {new_class} in the string by hand.",
            )
        if isinstance(ref.node, cst.Attribute):
            if renamed:
                ctx.edits.replace(ref.node.attr, cst.Name(new_class))
                unwrapped.append(_collapse_duplicates(ctx, ref.node, new_class))
            continue
        imported = ref.imported or _import_of(ctx, ref.node)
        if imported is None:
            continue
        local = ref.local or (ref.node.value if isinstance(ref.node, cst.Name) else str(ref.node.evaluated_value))
        groups.setdefault((imported, local), []).append(ref)
    for (imp, local), refs in groups.items():
        unwrapped.extend(_plan_import(ctx, imp, local, refs, renamed_refs))
    _drop_unused_unions(ctx, [node for node in unwrapped if node is not None])
    _rename_unused_imports(ctx, set(groups))
    for client in ctx.migrated:
        new_class = names.AZURE_CLIENT_CLASSES[client.qualified]
        ctx.report("AOAI101", client.call.func, f"{ctx.code_for(client.call.func)} -> {new_class}", fixed=True)


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
    classes = ref.check.args[1].value
    members = classes.elements if isinstance(classes, cst.Tuple) else [cst.Element(classes)]
    return any(f"openai.{new_class}" in ctx.meta.qualified(m.value) for m in members)


def _report_check(ctx: RuleContext, ref: ClassRef, new_class: str, reported: set[cst.Call]) -> None:
    """One finding per check, at the class it names (at the check itself when a type alias names it)."""
    check = ref.check
    assert check is not None and isinstance(check.func, cst.Name)
    if check in reported or _tests_other_clients_only(ctx, check):
        return
    reported.add(check)
    inside = any(a is check for a in ctx.meta.ancestors(ref.node))
    old = ctx.code_for(check.args[1].value)
    ctx.report(
        "AOAI101",
        ref.node if inside else check,
        f"{check.func.value}(..., {old}) is left as it is: a client moved to the v1 API is an {new_class}, so "
        f"this check turns false for it (and a check for {new_class} would hold for OpenAI's own clients too). If "
        'it tells Azure clients apart, test the endpoint instead (for example "azure.com" in str(client.base_url)); '
        f"if it only wants an openai client, check for {new_class}.",
    )


def _tests_other_clients_only(ctx: RuleContext, check: cst.Call) -> bool:
    """`c = AsyncOpenAI(api_key=...)` then `assert not isinstance(c, AsyncAzureOpenAI)`: a client of another
    service, which no migration touches, so the check means the same before and after."""
    tested = check.args[0].value
    values = ctx.analysis.bound_values(tested) if isinstance(tested, cst.Name) else None
    return bool(values) and all(
        isinstance(value, cst.Call)
        and ctx.meta.qualified(value.func) & names.V1_CLIENT_CLASSES.keys()
        and not ctx.analysis.clients_of(value)
        for value in values or []
    )


def _report_kept_annotation(ctx: RuleContext, ref: ClassRef, new_class: str, client: Client) -> None:
    assert client.call is not None
    line = ctx.position(client.call).start.line
    ctx.report(
        "AOAI101",
        ref.node,
        f"{ctx.code_for(ref.node)} is kept: the {ctx.code_for(client.call.func)}(...) at line {line} stays on the "
        f"dated API in this run, and annotations of its class describe it; they become {new_class} with it.",
        level="info",
    )


def _collapse_duplicates(ctx: RuleContext, node: cst.CSTNode, new_name: str) -> cst.BaseExpression | None:
    """`AsyncOpenAI | AsyncAzureOpenAI`, `Union[AsyncOpenAI, AsyncAzureOpenAI]` and `(OpenAI, AzureOpenAI)`
    would name the same class twice after the rename: keep one. A `Union[...]` left with one member becomes
    that member; the `Union` it no longer uses is returned (its import may go)."""
    new_text = _unquoted(_renamed_text(ctx, node, new_name))
    parent = ctx.meta.parent(node)
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr):
        other = parent.right if parent.left is node else parent.left
        if _unquoted(ctx.code_for(other)) == new_text:
            keep_left = other is parent.left
            ctx.edits.replace(parent, lambda updated: updated.left if keep_left else updated.right)
        return None
    if isinstance(parent, cst.Index):  # Union[..., X]: X sits in an Index inside a SubscriptElement
        parent = ctx.meta.parent(parent)
    container = ctx.meta.parent(parent) if isinstance(parent, (cst.SubscriptElement, cst.Element)) else None
    if isinstance(parent, cst.SubscriptElement) and isinstance(container, cst.Subscript):
        items = container.slice
    elif isinstance(parent, cst.Element) and isinstance(container, cst.Tuple):
        items = container.elements
    else:
        return None
    index = list(items).index(parent)
    others = [_unquoted(ctx.code_for(i).rstrip().rstrip(",")) for j, i in enumerate(items) if j != index]
    if new_text not in others or len(items) < 2:
        return None
    if isinstance(container, cst.Subscript) and len(items) == 2 and _unwraps(ctx, container, items[1 - index]):
        ctx.edits.replace(container, lambda updated: cast(cst.Index, updated.slice[1 - index].slice).value)
        return container.value
    field = "slice" if isinstance(container, cst.Subscript) else "elements"

    def without(updated: cst.CSTNode) -> cst.CSTNode:
        kept = drop_items(getattr(updated, field), lambda item: item is getattr(updated, field)[index])
        return updated.with_changes(**{field: kept})

    ctx.edits.replace(container, without)
    return None


def _unquoted(code: str) -> str:
    return code.strip().strip("'\"")


def _unwraps(ctx: RuleContext, union: cst.Subscript, kept: cst.BaseSlice) -> bool:
    """`Union[X]` is X itself at run time; but `Union["X"]` is a forward reference, and `"X"` alone only a
    string outside an annotation (a type alias), so that one keeps its `Union`."""
    if not isinstance(kept, cst.SubscriptElement) or not isinstance(kept.slice, cst.Index):
        return False
    name = union.value.attr if isinstance(union.value, cst.Attribute) else union.value
    if not isinstance(name, cst.Name) or name.value != "Union":
        return False
    in_annotation = any(isinstance(a, cst.Annotation) for a in ctx.meta.ancestors(union))
    return in_annotation or not isinstance(kept.slice.value, (cst.SimpleString, cst.ConcatenatedString))


def _drop_unused_unions(ctx: RuleContext, unwrapped: list[cst.BaseExpression]) -> None:
    """`from typing import Union` that only the unwrapped `Union[...]`s used: the name goes from the import.
    Kept when the name also appears in text (a string annotation, `__all__`, a comment) that may need it."""
    gone = {node for node in unwrapped if isinstance(node, cst.Name)}
    for node in gone:
        for referent in ctx.analysis.referents(node):
            imp = referent.node if isinstance(referent, ImportAssignment) else None
            if not isinstance(imp, cst.ImportFrom) or imp.module is None or imp in ctx.edits.replacements:
                continue
            if _module(imp) not in ("typing", "typing_extensions") or isinstance(imp.names, cst.ImportStar):
                continue
            readers = [reference.node for reference in referent.references]
            mentions = len(re.findall(rf"(?<![\w.]){re.escape(node.value)}\b", ctx.module.code))
            if all(reader in gone for reader in readers) and mentions == len(readers) + 1:
                local = node.value
                ctx.edits.replace(imp, lambda updated, local=local: _without_name(updated, local))
                if len(imp.names) == 1:
                    _close_gap_at_top(ctx, ctx.meta.parent(imp))


def _close_gap_at_top(ctx: RuleContext, removed: cst.CSTNode | None) -> None:
    """The module's first statement goes: the blank lines after it would open the file."""
    body = ctx.module.body
    if len(body) < 2 or body[0] is not removed:
        return
    following = body[1]
    before = ctx.edits.replacements.get(following)

    def trimmed(updated: cst.CSTNode) -> cst.CSTNode:
        updated = before(updated) if before is not None else updated
        lines = list(getattr(updated, "leading_lines", ()))
        while lines and lines[0].comment is None:
            lines.pop(0)
        return updated.with_changes(leading_lines=lines) if hasattr(updated, "leading_lines") else updated

    ctx.edits.replace(following, trimmed)


def _without_name(updated: cst.CSTNode, local: str) -> cst.CSTNode | cst.RemovalSentinel:
    assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
    kept = drop_items(updated.names, lambda alias: (alias.evaluated_alias or alias.evaluated_name) == local)
    return updated.with_changes(names=kept) if kept else cst.RemovalSentinel.REMOVE


def _renamed_text(ctx: RuleContext, node: cst.CSTNode, new_name: str) -> str:
    if isinstance(node, cst.Attribute):
        return f"{ctx.code_for(node.value).strip()}.{new_name}"
    if isinstance(node, cst.SimpleString):
        return node.value[-1] + new_name + node.value[-1]
    return new_name


def _renamed_reference(node: cst.CSTNode, new_class: str) -> cst.CSTNode:
    if isinstance(node, cst.SimpleString):  # a forward reference: keep the quotes
        quote = node.value[-1]
        return node.with_changes(value=node.prefix + quote + new_class + quote)
    return cst.Name(new_class)


def _import_of(ctx: RuleContext, name: cst.Name) -> cst.ImportFrom | None:
    for referent in ctx.analysis.referents(name):
        if isinstance(referent, ImportAssignment) and isinstance(referent.node, cst.ImportFrom):
            return referent.node
    return None


def _plan_import(
    ctx: RuleContext, imp: cst.ImportFrom, local: str, refs: list[ClassRef], renamed_refs: set[ClassRef]
) -> list[cst.BaseExpression | None]:
    """Rename the references and the import; returns the `Union`s that were unwrapped."""
    alias = _alias_for(imp, local)
    if alias is None:
        return []
    new_class = names.AZURE_CLIENT_CLASSES[refs[0].qualified]
    renamed = [r for r in refs if r in renamed_refs]
    keep_old = len(renamed) != len(refs)
    if not renamed:
        return []
    taken = _name_taken(ctx, new_class)
    if taken and not keep_old:
        # `OpenAI` already means another class here (LangChain's, the user's): keep the local name
        ctx.keep_local_names.add((imp, local))
        _rewrite_import(ctx, imp, {local})
        return []
    aliased = alias.asname is not None
    target = f"V1{new_class}" if taken else new_class
    unwrapped = []
    if keep_old or not aliased:
        for ref in renamed:
            ctx.edits.replace(ref.node, _renamed_reference(ref.node, target))
            unwrapped.append(_collapse_duplicates(ctx, ref.node, target))
    if keep_old:
        # the old name is still used: the new one joins it in the same import statement (which may be a
        # local or guarded import, so a module-level import would change when openai is imported)
        if _module(imp) == "openai":
            ctx.import_additions.setdefault(imp, set()).add((new_class, target if taken else None))
            _rewrite_import(ctx, imp, set())
        else:
            ctx.edits.imports.add(("openai", new_class, target if taken else None))
        return unwrapped
    _rewrite_import(ctx, imp, {local})
    return unwrapped


def _name_taken(ctx: RuleContext, name: str) -> bool:
    """Whether `name` is bound in this module to something other than the openai package's class."""
    for scope in {s for s in ctx.meta.all(ScopeProvider) if s is not None}:
        for assignment in scope.assignments[name]:
            node = assignment.node
            if not (isinstance(node, cst.ImportFrom) and node in ctx.analysis.openai_imports):
                return True
    return False


def _alias_for(imp: cst.ImportFrom, local: str) -> cst.ImportAlias | None:
    assert not isinstance(imp.names, cst.ImportStar)
    for alias in imp.names:
        if (alias.evaluated_alias or alias.evaluated_name) == local:
            return alias
    return None


def _already_imported(ctx: RuleContext, class_name: str, near: cst.ImportFrom | None = None) -> bool:
    """Whether `class_name` is imported from openai unaliased — in the same block as `near`, and before it,
    when given (an import under `if TYPE_CHECKING:`, in another function or further down does not bind the
    name where `near` did)."""
    block = _block_of(ctx, near) if near is not None else None
    for imp in ctx.analysis.openai_imports:
        assert not isinstance(imp.names, cst.ImportStar)
        if near is not None and (_block_of(ctx, imp) is not block or not _comes_before(ctx, imp, near)):
            continue
        for alias in imp.names:
            if alias.evaluated_name == class_name and alias.asname is None and _module(imp) == "openai":
                return True
    return False


def _block_of(ctx: RuleContext, imp: cst.ImportFrom) -> cst.CSTNode | None:
    line = ctx.meta.parent(imp)
    return ctx.meta.parent(line) if line is not None else None


def _comes_before(ctx: RuleContext, imp: cst.ImportFrom, near: cst.ImportFrom) -> bool:
    """Whether `imp` runs no later than `near`, both in the same block."""
    line, near_line = ctx.meta.parent(imp), ctx.meta.parent(near)
    body = getattr(_block_of(ctx, near), "body", ())
    if line is near_line or not isinstance(body, (list, tuple)):
        return True
    index = {id(stmt): i for i, stmt in enumerate(body)}
    return index.get(id(line), 0) <= index.get(id(near_line), 0)


def _module(imp: cst.ImportFrom) -> str:
    assert imp.module is not None
    return cst.Module(body=[]).code_for_node(imp.module)


def _rewrite_import(ctx: RuleContext, imp: cst.ImportFrom, locals_: set[str]) -> None:
    """Rename the Azure names `locals_` in this import statement (all edits of one statement are merged)."""
    todo = ctx.import_renames.setdefault(imp, set())
    todo.update(locals_)
    ctx.edits.replace(imp, lambda updated: _renamed_import(ctx, imp, updated, todo))


def _renamed_import(ctx: RuleContext, original: cst.ImportFrom, updated, todo: set[str]):
    assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
    module = _module(original)
    only_clients = all(f"{module}.{a.evaluated_name}" in names.AZURE_CLIENT_CLASSES for a in updated.names)
    locals_ = [a.evaluated_alias or a.evaluated_name for a in updated.names]
    seen = {local for local in locals_ if local not in todo}
    candidates: list[cst.ImportAlias] = []
    drop: set[int] = set()
    for alias in updated.names:
        local = alias.evaluated_alias or alias.evaluated_name
        qualified = f"{module}.{alias.evaluated_name}"
        if local not in todo or qualified not in names.AZURE_CLIENT_CLASSES:
            candidates.append(alias)
            continue
        new_class = names.AZURE_CLIENT_CLASSES[qualified]
        asname = alias.evaluated_alias if alias.evaluated_alias not in (None, new_class) else None
        if (original, local) in ctx.keep_local_names:
            asname = local
        new_local = asname or new_class
        renamed = alias.with_changes(name=cst.Name(new_class), asname=_as(alias, asname))
        candidates.append(renamed)
        duplicate = new_local in seen or (
            asname is None and module == "openai" and _already_imported(ctx, new_class, original)
        )
        if duplicate:
            drop.add(id(renamed))
        elif module != "openai" and not only_clients:
            # `from openai.lib.azure import AzureOpenAI, AzureADTokenProvider`: the v1 class lives in openai
            drop.add(id(renamed))
            ctx.edits.imports.add(("openai", new_class, asname))
        seen.add(new_local)
    result = drop_items(candidates, lambda a: id(a) in drop)
    for name, asname in sorted(ctx.import_additions.get(original, set()), key=str):
        if (asname or name) not in {a.evaluated_alias or a.evaluated_name for a in result}:
            result = _appended(result, name, asname)
    if not result:
        return cst.RemovalSentinel.REMOVE
    new_module = cst.Name("openai") if module != "openai" and only_clients else updated.module
    return updated.with_changes(names=result, module=new_module)


def _rename_unused_imports(ctx: RuleContext, handled: set[tuple[cst.ImportFrom, str]]) -> None:
    """Azure classes imported but never referenced: rename the import too (nothing can still need it)."""
    for imp in ctx.analysis.openai_imports:
        if not ctx.active("AOAI101", imp):
            continue
        assert not isinstance(imp.names, cst.ImportStar)
        module = _module(imp)
        unused = set()
        for alias in imp.names:
            local = alias.evaluated_name
            if f"{module}.{local}" not in names.AZURE_CLIENT_CLASSES or alias.asname or (imp, local) in handled:
                continue
            if not _has_references(ctx, imp, local):
                unused.add(local)
        if unused:
            _rewrite_import(ctx, imp, unused)


def _has_references(ctx: RuleContext, imp: cst.ImportFrom, local: str) -> bool:
    for ref in ctx.analysis.class_refs:
        if isinstance(ref.node, cst.Name) and ref.node.value == local and _import_of(ctx, ref.node) is imp:
            return True
        if isinstance(ref.node, cst.SimpleString) and ref.node.evaluated_value == local and ref.imported is imp:
            return True
    return False


def _as(alias: cst.ImportAlias, asname: str | None) -> cst.AsName | None:
    if asname is None:
        return None
    if alias.asname is not None and alias.evaluated_alias == asname:
        return alias.asname
    return cst.AsName(name=cst.Name(asname))


def _appended(aliases: list[cst.ImportAlias], name: str, asname: str | None) -> list[cst.ImportAlias]:
    """`from openai import AzureOpenAI` + OpenAI -> `from openai import AzureOpenAI, OpenAI`."""
    new = cst.ImportAlias(name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None)
    last = aliases[-1]
    new = new.with_changes(comma=last.comma)
    return [*aliases[:-1], last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))), new]
