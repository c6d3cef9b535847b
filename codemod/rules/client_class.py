"""AOAI101 — `AzureOpenAI` / `AsyncAzureOpenAI` of the openai package become `OpenAI` / `AsyncOpenAI`.

Names are resolved through imports, so a user's own `class AzureOpenAI` or LlamaIndex's class of the same
name is never touched. Imports are renamed in place (aliases kept, no duplicates); annotations and
`isinstance` checks follow, which stays correct because `AzureOpenAI` subclasses `OpenAI`.
Fixtures: fixtures/client_class/."""

from __future__ import annotations

from typing import cast

import libcst as cst
from libcst.metadata import ImportAssignment, ScopeProvider

from codemod import names
from codemod.analysis import ClassRef, Client
from codemod.context import RuleContext
from codemod.edits import drop_items

CODES = ("AOAI101",)
ORDER = 10


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    if client.has_star_args:
        cls = client.qualified.rsplit(".", 1)[1]
        new = names.AZURE_CLIENT_CLASSES[client.qualified]
        return client.call, (
            f"{cls}(**...) hides its settings, so the v1 arguments cannot be derived. Build the client with "
            f"explicit keywords, or by hand: {new}(base_url=<endpoint>/openai/v1/, api_key=<key or token "
            "provider>) without api_version."
        )
    return None


def apply(ctx: RuleContext) -> None:
    migrated_calls = {client.call for client in ctx.migrated}
    groups: dict[tuple[cst.ImportFrom, str], list[ClassRef]] = {}
    for ref in [*ctx.analysis.class_refs, *_hidden_refs(ctx)]:
        new_class = names.AZURE_CLIENT_CLASSES[ref.qualified]
        renamed = ref.kind == "type" or (ref.kind == "call" and _call_of(ctx, ref) in migrated_calls)
        if ref.kind == "other":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ctx.code_for(ref.node)} is used here as a value (a base class, an argument, ...); the tool "
                f"does not follow it. Replace it with {new_class} by hand once its construction is migrated.",
            )
        if ref.kind == "type":
            _flag_widened_check(ctx, ref, new_class)
        if ref.kind == "hidden":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ref.local} is used in code the tool cannot see (an IPython magic line or a cell that does not "
                f"parse), so its import is kept. Replace it with {new_class} there by hand.",
            )
        if ref.kind == "text":
            ctx.report(
                "AOAI101",
                ref.node,
                f"{ref.local} is named inside the string {ctx.code_for(ref.node)}, which the tool does not "
                f"rewrite, so its import is kept. Replace it with {new_class} in the string by hand.",
            )
        if isinstance(ref.node, cst.Attribute):
            if renamed:
                ctx.edits.replace(ref.node.attr, cst.Name(new_class))
                _collapse_duplicates(ctx, ref.node, new_class)
            continue
        imported = ref.imported or _import_of(ctx, ref.node)
        if imported is None:
            continue
        local = ref.local or (ref.node.value if isinstance(ref.node, cst.Name) else str(ref.node.evaluated_value))
        groups.setdefault((imported, local), []).append(ref)
    for (imp, local), refs in groups.items():
        _plan_import(ctx, imp, local, refs, migrated_calls)
    _rename_unused_imports(ctx, {imp for imp, _ in groups})
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


def _flag_widened_check(ctx: RuleContext, ref: ClassRef, new_class: str) -> None:
    """`isinstance(c, AzureOpenAI)` becomes `isinstance(c, OpenAI)`, which every OpenAI client passes, not only
    Azure ones (AzureOpenAI subclasses OpenAI): a check that told them apart needs a person. A check that
    already accepted OpenAI (`(OpenAI, AzureOpenAI)`) means the same after the rename."""
    check = next((a for a in ctx.meta.ancestors(ref.node) if isinstance(a, cst.Call)), None)
    if check is None or not isinstance(check.func, cst.Name) or len(check.args) != 2:
        return
    if check.func.value not in ("isinstance", "issubclass"):
        return
    classes = check.args[1].value
    members = classes.elements if isinstance(classes, cst.Tuple) else [cst.Element(classes)]
    v1 = f"openai.{new_class}"
    if any(v1 in ctx.meta.qualified(m.value) for m in members):
        return
    ctx.report(
        "AOAI101",
        ref.node,
        f"{check.func.value}(..., {new_class}) holds for every {new_class} client after the rename, OpenAI's own "
        "included; if this check told Azure clients apart, test the endpoint instead (for example "
        '"azure.com" in str(client.base_url)).',
    )


def _collapse_duplicates(ctx: RuleContext, node: cst.CSTNode, new_name: str) -> None:
    """`AsyncOpenAI | AsyncAzureOpenAI`, `Union[AsyncOpenAI, AsyncAzureOpenAI]` and `(OpenAI, AzureOpenAI)`
    would name the same class twice after the rename: keep one."""
    new_text = _renamed_text(ctx, node, new_name)
    parent = ctx.meta.parent(node)
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.BitOr):
        other = parent.right if parent.left is node else parent.left
        if ctx.code_for(other).strip() == new_text:
            keep_left = other is parent.left
            ctx.edits.replace(parent, lambda updated: updated.left if keep_left else updated.right)
        return
    if isinstance(parent, cst.Index):  # Union[..., X]: X sits in an Index inside a SubscriptElement
        parent = ctx.meta.parent(parent)
    container = ctx.meta.parent(parent) if isinstance(parent, (cst.SubscriptElement, cst.Element)) else None
    if isinstance(parent, cst.SubscriptElement) and isinstance(container, cst.Subscript):
        items = container.slice
    elif isinstance(parent, cst.Element) and isinstance(container, cst.Tuple):
        items = container.elements
    else:
        return
    index = list(items).index(parent)
    others = [ctx.code_for(i).strip().rstrip(",").strip() for j, i in enumerate(items) if j != index]
    if new_text not in others or len(items) < 2:
        return
    field = "slice" if isinstance(container, cst.Subscript) else "elements"

    def without(updated: cst.CSTNode) -> cst.CSTNode:
        kept = drop_items(getattr(updated, field), lambda item: item is getattr(updated, field)[index])
        return updated.with_changes(**{field: kept})

    ctx.edits.replace(container, without)


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


def _call_of(ctx: RuleContext, ref: ClassRef) -> cst.CSTNode | None:
    return ctx.meta.parent(ref.node)


def _import_of(ctx: RuleContext, name: cst.Name) -> cst.ImportFrom | None:
    for referent in ctx.analysis.referents(name):
        if isinstance(referent, ImportAssignment) and isinstance(referent.node, cst.ImportFrom):
            return referent.node
    return None


def _plan_import(
    ctx: RuleContext, imp: cst.ImportFrom, local: str, refs: list[ClassRef], migrated_calls: set[cst.Call]
) -> None:
    alias = _alias_for(imp, local)
    if alias is None:
        return
    new_class = names.AZURE_CLIENT_CLASSES[refs[0].qualified]
    renamed = [r for r in refs if r.kind == "type" or (r.kind == "call" and _call_of(ctx, r) in migrated_calls)]
    keep_old = len(renamed) != len(refs)
    if not renamed:
        return
    taken = _name_taken(ctx, new_class)
    if taken and not keep_old:
        # `OpenAI` already means another class here (LangChain's, the user's): keep the local name
        ctx.keep_local_names.add((imp, local))
        _rewrite_import(ctx, imp, {local})
        return
    aliased = alias.asname is not None
    target = f"V1{new_class}" if taken else new_class
    if keep_old or not aliased:
        for ref in renamed:
            ctx.edits.replace(ref.node, _renamed_reference(ref.node, target))
            _collapse_duplicates(ctx, ref.node, target)
    if keep_old:
        # the old name is still used: the new one joins it in the same import statement (which may be a
        # local or guarded import, so a module-level import would change when openai is imported)
        if _module(imp) == "openai":
            ctx.import_additions.setdefault(imp, set()).add((new_class, target if taken else None))
            _rewrite_import(ctx, imp, set())
        else:
            ctx.edits.imports.add(("openai", new_class, target if taken else None))
        return
    _rewrite_import(ctx, imp, {local})


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
    """Whether `class_name` is imported from openai unaliased — in the same block as `near` when given
    (an import under `if TYPE_CHECKING:` or in another function does not bind the name here)."""
    block = _block_of(ctx, near) if near is not None else None
    for imp in ctx.analysis.openai_imports:
        assert not isinstance(imp.names, cst.ImportStar)
        if near is not None and _block_of(ctx, imp) is not block:
            continue
        for alias in imp.names:
            if alias.evaluated_name == class_name and alias.asname is None and _module(imp) == "openai":
                return True
    return False


def _block_of(ctx: RuleContext, imp: cst.ImportFrom) -> cst.CSTNode | None:
    line = ctx.meta.parent(imp)
    return ctx.meta.parent(line) if line is not None else None


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


def _rename_unused_imports(ctx: RuleContext, handled: set[cst.ImportFrom]) -> None:
    """Azure classes imported but never referenced: rename the import too (nothing can still need it)."""
    for imp in ctx.analysis.openai_imports:
        if imp in handled or not ctx.active("AOAI101", imp):
            continue
        assert not isinstance(imp.names, cst.ImportStar)
        module = _module(imp)
        unused = set()
        for alias in imp.names:
            if f"{module}.{alias.evaluated_name}" in names.AZURE_CLIENT_CLASSES and alias.asname is None:
                if not _has_references(ctx, imp, alias.evaluated_name):
                    unused.add(alias.evaluated_name)
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
