"""The imports of the Azure client classes after AOAI101's rename: renamed in place (aliases kept, no
duplicates, `from openai.lib.azure` moved to `openai`), kept where a reference stays on the Azure class (a check,
an annotation of a client left on the dated API, code the tool cannot see), with the v1 class joining it."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import GlobalScope, ImportAssignment, ScopeProvider

from codemod.engine import names
from codemod.engine.analysis import ClassRef
from codemod.engine.context import Changes, RuleContext
from codemod.engine.edits import drop_items
from codemod.rules._type_exprs import collapse_duplicates


@dataclass
class ImportState:
    """AOAI101's working state for the imports of one module (kept to the rule, not shared)."""

    ctx: RuleContext
    out: Changes
    renames: dict[cst.ImportFrom, set[str]] = field(default_factory=dict)  # Azure names to rename, per import
    keep_local_names: set[tuple[cst.ImportFrom, str]] = field(default_factory=set)  # renamed as `OpenAI as X`
    additions: dict[cst.ImportFrom, set[tuple[str, str | None]]] = field(default_factory=dict)

    def finish(self) -> None:
        """The module-level imports the renamed import statements need (`from openai.lib.azure import
        AzureOpenAI, AzureADTokenProvider` keeps its other name; the v1 class comes from openai)."""
        for imp, todo in self.renames.items():
            _renamed_import(self, imp, imp, todo, self.out.edits.imports)


def _renamed_reference(node: cst.CSTNode, new_class: str) -> cst.CSTNode:
    if isinstance(node, cst.SimpleString):  # a forward reference: keep the quotes
        quote = node.value[-1]
        return node.with_changes(value=node.prefix + quote + new_class + quote)
    return cst.Name(new_class)


def import_of(ctx: RuleContext, name: cst.Name) -> cst.ImportFrom | None:
    for referent in ctx.analysis.referents(name):
        if isinstance(referent, ImportAssignment) and isinstance(referent.node, cst.ImportFrom):
            return referent.node
    return None


def plan_import(
    state: ImportState, imp: cst.ImportFrom, local: str, refs: list[ClassRef], renamed_refs: set[ClassRef]
) -> list[cst.BaseExpression | None]:
    """Rename the references and the import; returns the `Union`s that were unwrapped."""
    ctx, edits = state.ctx, state.out.edits
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
        state.keep_local_names.add((imp, local))
        _rewrite_import(state, imp, {local})
        return []
    aliased = alias.asname is not None
    target = f"V1{new_class}" if taken else new_class
    unwrapped = []
    if keep_old or not aliased:
        for ref in renamed:
            edits.replace(ref.node, _renamed_reference(ref.node, target))
            unwrapped.append(collapse_duplicates(ctx, edits, ref.node, target))
    if keep_old:
        # the old name is still used: the new one joins it in the same import statement (which may be a
        # local or guarded import, so a module-level import would change when openai is imported)
        if _module(imp) == "openai":
            state.additions.setdefault(imp, set()).add((new_class, target if taken else None))
            _rewrite_import(state, imp, set())
        else:
            state.out.needs_import("openai", new_class, target if taken else None)
        return unwrapped
    _rewrite_import(state, imp, {local})
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


def _outer_class_used_here(ctx: RuleContext, imp: cst.ImportFrom, class_name: str) -> bool:
    """An import inside a function whose scope already uses `class_name` from a module-level `from openai import`:
    renamed to it, the import would make the name local to the whole function, and a use before it would raise
    UnboundLocalError. The module's import binds the same class, so the renamed name is not imported again."""
    scope = ctx.meta.get(ScopeProvider, imp)
    if scope is None or isinstance(scope, GlobalScope) or not scope.accesses[class_name]:
        return False
    if scope.assignments[class_name]:
        return False  # the function binds the name itself (another local import): its uses are local already
    for other in ctx.analysis.openai_imports:
        line = ctx.meta.parent(other)  # run when the module loads: not under `if TYPE_CHECKING:` or in a `try`
        if isinstance(ctx.meta.parent(line), cst.Module) and _module(other) == "openai":
            assert not isinstance(other.names, cst.ImportStar)
            if any(a.evaluated_name == class_name and a.asname is None for a in other.names):
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


def _rewrite_import(state: ImportState, imp: cst.ImportFrom, locals_: set[str]) -> None:
    """Rename the Azure names `locals_` in this import statement (all edits of one statement are merged)."""
    todo = state.renames.setdefault(imp, set())
    todo.update(locals_)
    state.out.edits.replace(imp, lambda updated: _renamed_import(state, imp, updated, todo))


def _renamed_import(
    state: ImportState, original: cst.ImportFrom, updated, todo: set[str], needed: set | None = None
):
    """The import statement with the names in `todo` renamed; the module-level imports it needs go into
    `needed` (ImportState.finish collects them before the transformation)."""
    ctx = state.ctx
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
        if (original, local) in state.keep_local_names:
            asname = local
        new_local = asname or new_class
        renamed = alias.with_changes(name=cst.Name(new_class), asname=_as(alias, asname))
        candidates.append(renamed)
        duplicate = new_local in seen or (
            asname is None
            and module == "openai"
            and (_already_imported(ctx, new_class, original) or _outer_class_used_here(ctx, original, new_class))
        )
        if duplicate:
            drop.add(id(renamed))
        elif module != "openai" and not only_clients:
            # `from openai.lib.azure import AzureOpenAI, AzureADTokenProvider`: the v1 class lives in openai
            drop.add(id(renamed))
            if needed is not None:
                needed.add(("openai", new_class, asname))
        seen.add(new_local)
    result = drop_items(candidates, lambda a: id(a) in drop)
    for name, asname in sorted(state.additions.get(original, set()), key=str):
        if (asname or name) not in {a.evaluated_alias or a.evaluated_name for a in result}:
            result = _appended(result, name, asname)
    if not result:
        return cst.RemovalSentinel.REMOVE
    new_module = cst.Name("openai") if module != "openai" and only_clients else updated.module
    return updated.with_changes(names=result, module=new_module)


def rename_unused_imports(state: ImportState, handled: set[cst.ImportFrom]) -> None:
    """Azure classes imported but never referenced: rename the import too (nothing can still need it)."""
    ctx = state.ctx
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
            _rewrite_import(state, imp, unused)
            renamed = ", ".join(f"{n} -> {names.AZURE_CLIENT_CLASSES[f'{module}.{n}']}" for n in sorted(unused))
            state.out.report("AOAI101", imp, f"{renamed} in an import nothing in this module uses", fixed=True)


def _has_references(ctx: RuleContext, imp: cst.ImportFrom, local: str) -> bool:
    for ref in ctx.analysis.class_refs:
        if isinstance(ref.node, cst.Name) and ref.node.value == local and import_of(ctx, ref.node) is imp:
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
