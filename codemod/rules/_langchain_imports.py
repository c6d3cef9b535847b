"""AOAI501's renames: the moved constructors (and the annotations of a class all of whose constructors moved)
name the v1 class; an import of the Azure class is renamed in place (aliases kept) when nothing else names it, or
the v1 class joins it from `langchain_openai`."""

from __future__ import annotations

import libcst as cst

from codemod.engine.context import Changes, RuleContext
from codemod.engine.edits import drop_items
from codemod.rules._framework_refs import Reference
from codemod.rules._langchain_args import CLASSES, V1_MODULES, LangChainClass


def in_annotation(ctx: RuleContext, node: cst.CSTNode) -> bool:
    return any(isinstance(a, cst.Annotation) for a in ctx.meta.ancestors(node))


def rename(ctx: RuleContext, out: Changes, refs: list[Reference[LangChainClass]], moved: set[cst.Call]) -> None:
    """The moved constructors (and annotations of a class all of whose constructors moved) name the v1 class; an
    import of the Azure class is renamed in place when nothing else names it, else the v1 class joins it."""
    staying = {ref.info.v1 for ref in refs if ref.kind == "call" and ref.call not in moved}
    staying |= {ref.info.v1 for ref in refs if ref.kind in ("base", "other") and not in_annotation(ctx, ref.node)}
    renamed: dict[str, list[Reference[LangChainClass]]] = {}  # local name -> its renamed references
    kept_locals: set[str] = set()
    for ref in refs:
        renames = (ref.kind == "call" and ref.call in moved) or (
            in_annotation(ctx, ref.node) and ref.info.v1 not in staying
        )
        if renames and ref.kind != "call":  # the constructors' own findings say why they move
            out.report("AOAI501", ref.node, f"annotation {ref.info.azure} -> {ref.info.v1}, the class its objects "
                       "have once their constructors move", fixed=True)
        if isinstance(ref.node, cst.Attribute):
            if renames:
                _rename_attribute(ctx, out, ref)
            continue
        (renamed if renames else {}).setdefault(ref.node.value, []).append(ref)
        if not renames:
            kept_locals.add(ref.node.value)
    changes: dict[cst.ImportFrom, list[tuple[str, str, bool]]] = {}
    for imp, alias, cls in _imports(ctx):
        local = alias.evaluated_alias or alias.evaluated_name
        if local not in renamed:
            continue
        kept = local in kept_locals
        in_place = not kept and module_of(imp) in V1_MODULES
        # beside a kept Azure name the v1 class comes unaliased (the alias still means the Azure class)
        new_local = cls.v1 if kept else alias.evaluated_alias or cls.v1
        if not in_place:
            out.needs_import("langchain_openai", cls.v1, None if new_local == cls.v1 else new_local)
        if new_local != local:
            for ref in renamed[local]:
                out.edits.replace(ref.node, cst.Name(new_local))
        if not kept:
            changes.setdefault(imp, []).append((alias.evaluated_name, cls.v1, not in_place))
    for imp, todo in changes.items():
        out.edits.replace(imp, _import_renamer(todo))


def _rename_attribute(ctx: RuleContext, out: Changes, ref: Reference[LangChainClass]) -> None:
    """`langchain_openai.AzureChatOpenAI(...)` -> `langchain_openai.ChatOpenAI(...)`; from a module that does not
    export the v1 class, the v1 class is imported."""
    assert isinstance(ref.node, cst.Attribute)
    if ref.qualified.rsplit(".", 1)[0] in V1_MODULES:
        out.edits.replace(ref.node.attr, cst.Name(ref.info.v1))
    else:
        out.needs_import("langchain_openai", ref.info.v1)
        out.edits.replace(ref.node, cst.Name(ref.info.v1))


def _imports(ctx: RuleContext) -> list[tuple[cst.ImportFrom, cst.ImportAlias, LangChainClass]]:
    found = []
    for imp in _import_froms(ctx.module):
        module = module_of(imp)
        assert not isinstance(imp.names, cst.ImportStar)
        for alias in imp.names:
            cls = CLASSES.get(f"{module}.{alias.evaluated_name}")
            if cls is not None:
                found.append((imp, alias, cls))
    return found


def _import_froms(module: cst.Module) -> list[cst.ImportFrom]:
    found: list[cst.ImportFrom] = []

    class Collect(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if node.module is not None and not node.relative and not isinstance(node.names, cst.ImportStar):
                found.append(node)

    module.visit(Collect())
    return found


def _import_renamer(todo: list[tuple[str, str, bool]]):
    """Rename or drop names of one import statement: (Azure name, v1 name, drop)."""

    def change(updated: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        assert isinstance(updated, cst.ImportFrom) and not isinstance(updated.names, cst.ImportStar)
        names = list(updated.names)
        for old, v1, drop in todo:
            target = next((a for a in names if a.evaluated_name == old), None)
            if target is None:
                continue
            others = {a.evaluated_alias or a.evaluated_name for a in names if a is not target}
            if drop or (target.evaluated_alias or v1) in others:  # the v1 class is imported already
                names = drop_items(names, lambda a, target=target: a is target)
            else:
                names = [a.with_changes(name=cst.Name(v1)) if a is target else a for a in names]
        return updated.with_changes(names=names) if names else cst.RemovalSentinel.REMOVE

    return change


def module_of(imp: cst.ImportFrom) -> str:
    assert imp.module is not None
    return cst.Module(body=[]).code_for_node(imp.module)
