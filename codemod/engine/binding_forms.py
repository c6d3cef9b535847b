"""The binding forms of Python, found in a LibCST tree: each binding with the scope its code is written in
(codemod/engine/bindings.py then resolves which scope's name it changes).

Assignment targets (names inside tuples, lists and starred targets; not attributes or subscripts), augmented and
annotated assignments, `:=`, `for` / `async for` and comprehension targets, `with ... as`, `except ... as` (and
`except*`), every import form, `def` / `class` names, parameters, match captures (`case x`, `as x`, `*x`, `**x`),
`del`, `type X = ...`, type parameters (in a scope of their own), `globals()["X"] = ...`, and the `global` /
`nonlocal` declarations of each scope. `from m import *` and a `globals()` key that is not a literal may bind any
name: they are recorded under the name `*`."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codemod.engine.walk import children

ANY_NAME = "*"
WALRUS = "an assignment expression (:=)"
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass
class Scope:
    node: cst.CSTNode
    parent: Scope | None
    kind: str  # "module", "function", "class", "comprehension", "annotation"
    declared_global: set[str] = field(default_factory=set)
    declared_nonlocal: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)


@dataclass(frozen=True, eq=False)
class Found:
    name: str  # ANY_NAME for a star import or a computed globals() key
    node: cst.CSTNode
    kind: str
    written: Scope  # the scope whose code holds the binding
    rebinds: bool = True  # False for an annotation without a value


def target_names(target: cst.CSTNode) -> list[cst.Name]:
    """The names an assignment target binds: `a`, `a, (b, *c)`, `[a, b]`; none for `x.attr` or `x[i]`."""
    if isinstance(target, cst.Name):
        return [target]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for element in target.elements for n in target_names(element.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


class FormWalk:
    """Walks a module once; `found` lists its bindings, `scopes` its scopes (the module first)."""

    def __init__(self, module: cst.Module) -> None:
        self.root = Scope(module, None, "module")
        self.found: list[Found] = []
        self.scopes: list[Scope] = [self.root]

    def enter(self, node: cst.CSTNode, parent: Scope, kind: str) -> Scope:
        scope = Scope(node, parent, kind)
        self.scopes.append(scope)
        return scope

    def bind(self, name: cst.Name, kind: str, scope: Scope, rebinds: bool = True) -> None:
        self.found.append(Found(name.value, name, kind, scope, rebinds))
        scope.bound.add(name.value)

    def bind_any(self, node: cst.CSTNode, kind: str, scope: Scope) -> None:
        self.found.append(Found(ANY_NAME, node, kind, scope))

    # ---- statements and expressions -------------------------------------------------------------------

    def statements(self, body: object, scope: Scope) -> None:
        for statement in body if isinstance(body, (list, tuple)) else [body]:
            self.node(statement, scope)

    def node(self, node: cst.CSTNode, scope: Scope) -> None:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is not None and handler(node, scope) is not False:
            return
        for child in children(node):
            self.node(child, scope)

    def _children(self, node: cst.CSTNode, scope: Scope) -> bool:
        for child in children(node):
            self.node(child, scope)
        return True

    def _targets(self, target: cst.CSTNode, kind: str, scope: Scope) -> None:
        for name in target_names(target):
            self.bind(name, kind, scope)
        self.node(target, scope)  # a subscript or attribute target reads names; a := may hide in it

    def _Assign(self, node: cst.Assign, scope: Scope) -> bool:
        self.node(node.value, scope)
        for target in node.targets:
            self._targets(target.target, "an assignment", scope)
            self._globals_item(target.target, scope)
        return True

    def _globals_item(self, target: cst.CSTNode, scope: Scope) -> None:
        """`globals()["NAME"] = value` binds NAME in the module; a key that is not a literal may bind any name."""
        if not (isinstance(target, cst.Subscript) and isinstance(target.value, cst.Call)):
            return
        func = target.value.func
        if not (isinstance(func, cst.Name) and func.value == "globals" and not target.value.args):
            return
        index = target.slice[0].slice if len(target.slice) == 1 else None
        key = index.value if isinstance(index, cst.Index) else None
        value = key.evaluated_value if isinstance(key, cst.SimpleString) else None
        if isinstance(value, str) and value.isidentifier():
            self.found.append(Found(value, target, "a globals() assignment", self.root))
        else:
            self.bind_any(target, "a globals() assignment", self.root)

    def _AugAssign(self, node: cst.AugAssign, scope: Scope) -> bool:
        self.node(node.value, scope)
        self._targets(node.target, "an augmented assignment", scope)
        return True

    def _AnnAssign(self, node: cst.AnnAssign, scope: Scope) -> bool:
        self.node(node.annotation, scope)
        if node.value is not None:
            self.node(node.value, scope)
        if isinstance(node.target, cst.Name):
            kind = "an assignment" if node.value is not None else "an annotation without a value"
            self.bind(node.target, kind, scope, rebinds=node.value is not None)
        else:
            self.node(node.target, scope)
        return True

    def _NamedExpr(self, node: cst.NamedExpr, scope: Scope) -> bool:
        self.node(node.value, scope)
        assert isinstance(node.target, cst.Name)
        self.found.append(Found(node.target.value, node.target, WALRUS, scope))
        outer = scope
        while outer.kind == "comprehension" and outer.parent is not None:
            outer = outer.parent
        outer.bound.add(node.target.value)
        return True

    def _For(self, node: cst.For, scope: Scope) -> bool:
        self.node(node.iter, scope)
        self._targets(node.target, "a for loop", scope)
        self.statements(node.body, scope)
        if node.orelse is not None:
            self.statements(node.orelse, scope)
        return True

    def _WithItem(self, node: cst.WithItem, scope: Scope) -> bool:
        self.node(node.item, scope)
        if node.asname is not None:
            self._targets(node.asname.name, "a with statement", scope)
        return True

    def _ExceptHandler(self, node: cst.ExceptHandler | cst.ExceptStarHandler, scope: Scope) -> bool:
        if node.type is not None:
            self.node(node.type, scope)
        if node.name is not None and isinstance(node.name.name, cst.Name):
            self.bind(node.name.name, "an except clause", scope)
        self.statements(node.body, scope)
        return True

    _ExceptStarHandler = _ExceptHandler

    def _Import(self, node: cst.Import, scope: Scope) -> bool:
        for alias in node.names:
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.bind(alias.asname.name, "an import", scope)
            else:  # `import a.b.c` binds `a`
                head = alias.name
                while isinstance(head, cst.Attribute):
                    head = head.value
                assert isinstance(head, cst.Name)
                self.bind(head, "an import", scope)
        return True

    def _ImportFrom(self, node: cst.ImportFrom, scope: Scope) -> bool:
        if isinstance(node.names, cst.ImportStar):
            self.bind_any(node, "a star import", scope)
            return True
        for alias in node.names:
            bound = alias.asname.name if alias.asname is not None else alias.name
            assert isinstance(bound, cst.Name)
            self.bind(bound, "an import", scope)
        return True

    def _Del(self, node: cst.Del, scope: Scope) -> bool:
        self._targets(node.target, "a del statement", scope)
        return True

    def _Global(self, node: cst.Global, scope: Scope) -> bool:
        scope.declared_global.update(item.name.value for item in node.names)
        return True

    def _Nonlocal(self, node: cst.Nonlocal, scope: Scope) -> bool:
        scope.declared_nonlocal.update(item.name.value for item in node.names)
        return True

    def _MatchAs(self, node: cst.MatchAs, scope: Scope) -> bool:
        if node.pattern is not None:
            self.node(node.pattern, scope)
        if node.name is not None:
            self.bind(node.name, "a match pattern", scope)
        return True

    def _MatchStar(self, node: cst.MatchStar, scope: Scope) -> bool:
        if node.name is not None:
            self.bind(node.name, "a match pattern", scope)
        return True

    def _MatchMapping(self, node: cst.MatchMapping, scope: Scope) -> bool:
        for element in node.elements:
            self.node(element, scope)
        if node.rest is not None:
            self.bind(node.rest, "a match pattern", scope)
        return True

    def _MatchKeywordElement(self, node: cst.MatchKeywordElement, scope: Scope) -> bool:
        self.node(node.pattern, scope)  # `key=` names an attribute of the subject, not a binding
        return True

    # ---- scopes of their own --------------------------------------------------------------------------

    def _FunctionDef(self, node: cst.FunctionDef, scope: Scope) -> bool:
        for decorator in node.decorators:
            self.node(decorator, scope)
        self.bind(node.name, "a definition", scope)
        outer = self._type_params(node, scope)
        self._param_values(node.params, outer)
        if node.returns is not None:
            self.node(node.returns, outer)
        inner = self.enter(node, outer, "function")
        self._params(node.params, inner)
        self.statements(node.body, inner)
        return True

    def _Lambda(self, node: cst.Lambda, scope: Scope) -> bool:
        self._param_values(node.params, scope)
        inner = self.enter(node, scope, "function")
        self._params(node.params, inner)
        self.node(node.body, inner)
        return True

    def _ClassDef(self, node: cst.ClassDef, scope: Scope) -> bool:
        for decorator in node.decorators:
            self.node(decorator, scope)
        self.bind(node.name, "a definition", scope)
        outer = self._type_params(node, scope)
        for arg in [*node.bases, *node.keywords]:
            self.node(arg, outer)
        inner = self.enter(node, outer, "class")
        self.statements(node.body, inner)
        return True

    def _TypeAlias(self, node: cst.CSTNode, scope: Scope) -> bool:
        self.bind(node.name, "a type alias", scope)  # type: ignore[attr-defined]
        outer = self._type_params(node, scope)
        self.node(node.value, self.enter(node.value, outer, "annotation"))  # type: ignore[attr-defined]
        return True

    def _type_params(self, node: cst.CSTNode, scope: Scope) -> Scope:
        """`def f[T]()`, `class C[T]`, `type X[T] = ...`: the type parameters live in a scope of their own."""
        parameters = getattr(node, "type_parameters", None)
        if parameters is None:
            return scope
        inner = self.enter(parameters, scope, "annotation")
        for parameter in parameters.params:
            name = parameter.param.name
            self.bind(name, "a type parameter", inner)
            for child in children(parameter.param):
                if child is not name:
                    self.node(child, inner)
        return inner

    def _param_values(self, params: cst.Parameters, scope: Scope) -> None:
        """Defaults and annotations are evaluated where the function is defined."""
        for param in _all_params(params):
            for part in (param.default, param.annotation):
                if part is not None:
                    self.node(part, scope)

    def _params(self, params: cst.Parameters, scope: Scope) -> None:
        for param in _all_params(params):
            self.bind(param.name, "a parameter", scope)

    # ---- comprehensions -------------------------------------------------------------------------------

    def _comprehension(self, node: cst.BaseComp, scope: Scope) -> bool:
        first = node.for_in
        self.node(first.iter, scope)  # the first iterable is evaluated in the enclosing scope
        inner = self.enter(node, scope, "comprehension")
        self._comp_for(first, inner, skip_iter=True)
        for part in ("elt", "key", "value"):
            value = getattr(node, part, None)
            if value is not None:
                self.node(value, inner)
        return True

    _ListComp = _SetComp = _DictComp = _GeneratorExp = _comprehension

    def _comp_for(self, node: cst.CompFor, scope: Scope, skip_iter: bool = False) -> None:
        if not skip_iter:
            self.node(node.iter, scope)
        self._targets(node.target, "a comprehension", scope)
        for condition in node.ifs:
            self.node(condition, scope)
        if node.inner_for_in is not None:
            self._comp_for(node.inner_for_in, scope)


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    kwargs = [params.star_kwarg] if params.star_kwarg is not None else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params, *kwargs]
