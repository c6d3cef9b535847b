"""One pass over a module that finds the openai clients, the requests made through them and the names that
refer to the Azure client classes. Every rule reads this instead of walking the tree itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    Access,
    Assignment,
    ScopeProvider,
)
from libcst.metadata.scope_provider import GlobalScope

from codemod.engine import annotated, hosts, names
from codemod.engine.annotated import is_type_expression
from codemod.engine.class_checks import Check, type_comparison
from codemod.engine.metadata import Metadata
from codemod.engine.walk import children


@dataclass(eq=False)
class Client:
    """A constructor call of an openai client class, or (`call` None) a parameter annotated with the
    Azure class: its requests are followed, but there is no constructor to migrate."""

    call: cst.Call | None
    qualified: str  # "openai.AzureOpenAI", "openai.OpenAI", ...
    azure: bool  # a dated Azure client (True) or a v1 client pointed at Azure (False)
    is_async: bool
    requests: list[Request] = field(default_factory=list)
    # an annotation that also admits another client (`Union[OpenAI, AzureOpenAI]`): maybe not Azure's at all
    mixed: bool = False
    # other classes the constructor's name may be bound to (a second import of the same name, a fallback import
    # in `except ImportError:`): which one runs is not known here
    also: tuple[str, ...] = ()

    def kwarg(self, name: str) -> cst.Arg | None:
        return keyword_arg(self.call, name) if self.call is not None else None

    def base_url_has(self, text: str) -> bool:
        """Whether the source of a v1 client's `base_url=` contains `text` (`/openai/v1`, `/deployments`)."""
        arg = self.kwarg("base_url") if not self.azure else None
        return arg is not None and text in cst.Module(body=[]).code_for_node(arg.value)

    @property
    def has_star_args(self) -> bool:
        args = self.call.args if self.call is not None else ()
        return any(arg.star for arg in args) or any(arg.keyword is None for arg in args)


@dataclass(eq=False)
class Request:
    """A call like `client.chat.completions.create(...)`; `client` is None for the module-level client."""

    call: cst.Call
    path: tuple[str, ...]
    client: Client | None


@dataclass(eq=False)
class ClassRef:
    """A name or attribute that refers to an Azure client class: `kind` is "call" (constructor), "type"
    (annotation, type alias), "check" (an isinstance/issubclass argument, or a type alias such a check
    uses), "other" (base class, passed as a value, ...) or "text" (named inside a longer forward-reference
    string, "Union[OpenAI, AzureOpenAI]", which is not rewritten)."""

    node: cst.Name | cst.Attribute | cst.SimpleString  # a string for "AzureOpenAI" forward references
    qualified: str
    kind: str
    imported: cst.ImportFrom | None = None  # for string references: the import that binds the name
    local: str | None = None  # for "text" references: the name bound by that import
    check: Check | None = None  # for "check" references: the isinstance/issubclass call or type() comparison


def keyword_arg(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def is_none_arg(call: cst.Call, name: str) -> bool:
    """Whether `call` passes `name=None` (the same as leaving the argument out)."""
    arg = keyword_arg(call, name)
    return arg is not None and is_none(arg.value)


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal (no f-string parts), else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def assign_targets(assign: cst.Assign | cst.AnnAssign) -> list[cst.BaseAssignTargetExpression]:
    """What an assignment binds: `a = b = value` -> [a, b]; `a: T = value` -> [a]."""
    return [t.target for t in assign.targets] if isinstance(assign, cst.Assign) else [assign.target]


@dataclass(frozen=True)
class Returns:
    values: list[cst.BaseExpression | None]  # of the function's own `return` statements (None: a bare return)
    yields: bool  # a generator: calling it returns none of those values


def own_returns(function: cst.FunctionDef) -> Returns:
    """What the function's own `return` statements give, not those of functions or classes nested in it."""
    values: list[cst.BaseExpression | None] = []
    yields = False
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Return):
            values.append(node.value)
        elif isinstance(node, cst.Yield):
            yields = True
        if not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            stack.extend(node.children)
    values.reverse()  # in the order of the source (the stack took them last first)
    return Returns(values, yields)


def _on_a_result(call: cst.Call) -> bool:
    """`openai.Completion.create(...)["choices"][0]["text"].strip()`: a method of what a call returned, indexed
    (the call inside is the one to report)."""
    func: cst.BaseExpression = call.func
    while isinstance(func, (cst.Attribute, cst.Subscript, cst.Call)):
        if isinstance(func, cst.Subscript):
            return True
        func = func.value if isinstance(func, (cst.Attribute, cst.Subscript)) else func.func
    return False


DATED_ROUTE = "openai/deployments/"  # the path of every deployment-route request of the dated API


class Analysis(cst.CSTVisitor):

    def __init__(self, meta: Metadata) -> None:
        super().__init__()
        self.meta = meta
        self.clients: list[Client] = []
        self.requests: list[Request] = []
        self.class_refs: list[ClassRef] = []
        self.module_settings: list[tuple[cst.Assign, str]] = []  # (statement, "openai.api_type"...)
        self.module_requests: list[Request] = []
        self.legacy_calls: list[cst.Call] = []
        self._ctor: dict[cst.Call, Client] = {}
        self._bound_value: dict[cst.CSTNode, cst.BaseExpression] = {}
        self._self_attrs: dict[tuple[cst.ClassDef, str], list[cst.BaseExpression]] = {}
        self.self_attr_refs: dict[tuple[cst.ClassDef, str], list[cst.Attribute]] = {}
        self._calls: list[cst.Call] = []
        self._access: dict[cst.CSTNode, Access] = {}
        self._in_annotation = 0
        self._in_type_subscript = 0  # inside Union[...] / Optional[...]
        self._stack: list[cst.CSTNode] = []
        self.assigns: list[cst.Assign] = []  # every assignment and dict element, for the advisor
        self.dict_elements: list[cst.DictElement] = []
        self._annotation_clients: dict[cst.Annotation, Client | None] = {}
        self._attr_annotations: dict[tuple[cst.ClassDef, str], cst.Annotation] = {}  # `self.x: T`, class `x: T`
        self._name_annotations: dict[cst.Name, cst.Annotation] = {}  # `x: T = ...`: the target -> T
        self._azure_locals: dict[str, tuple[cst.ImportFrom, str]] = {}  # names `from openai import` binds
        self.openai_imports: list[cst.ImportFrom] = []  # `from openai[.lib.azure] import ...`
        self._annotation_strings: list[cst.SimpleString] = []
        self.watched_attributes: list[cst.Attribute] = []  # `x._api_version`, `x.base_url`... (codemod/reach.py)
        self._in_import = 0  # inside an import statement: its dotted names are modules, not attribute reads
        self._returns: dict[cst.FunctionDef, Returns] = {}
        # requests made on what a function of the module returns (`get_client().batches.create(...)`): the advisor
        # reports their APIs (AOAI304); the other rules read such a client as out of sight
        self.factory_requests: list[Request] = []
        # string literals (and f-string parts) holding the dated deployment route: REST requests written by hand
        self.dated_route_strings: list[cst.SimpleString | cst.FormattedStringText] = []

    # ---- collection -------------------------------------------------------------------------------------

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self._stack:
            self.meta.parents[node] = self._stack[-1]
        self._stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        self._stack.pop()

    def qualified(self, node: cst.CSTNode) -> set[str]:
        return self.meta.qualified(node)

    @property
    def calls(self) -> list[cst.Call]:
        return self._calls

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)
        quals = self.qualified(node.func)
        for qual in quals:
            if qual in names.AZURE_CLIENT_CLASSES or qual in names.V1_CLIENT_CLASSES:
                azure = qual in names.AZURE_CLIENT_CLASSES
                if azure or _points_at_azure(node):
                    new_class = names.AZURE_CLIENT_CLASSES.get(qual) or names.V1_CLIENT_CLASSES[qual]
                    others = tuple(sorted(q for q in quals if q != qual))
                    client = Client(node, qual, azure, new_class in names.ASYNC_CLASSES, also=others)
                    self.clients.append(client)
                    self._ctor[node] = client
            elif any(qual.startswith(legacy + ".") for legacy in names.LEGACY_RESOURCES) and not _on_a_result(node):
                self.legacy_calls.append(node)

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = cst.Module(body=[]).code_for_node(node.module)
        if module in ("openai", "openai.lib.azure"):
            self.openai_imports.append(node)

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._in_annotation += 1

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._in_annotation -= 1

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._in_type_subscript += is_type_expression(node)

    def leave_Subscript(self, original_node: cst.Subscript) -> None:
        self._in_type_subscript -= is_type_expression(original_node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if self._in_annotation or self._in_type_subscript:
            self._annotation_strings.append(node)
        if DATED_ROUTE in node.value:
            self.dated_route_strings.append(node)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        if DATED_ROUTE in node.value:
            self.dated_route_strings.append(node)

    def _resolve_annotation_strings(self) -> None:
        """`"AzureOpenAI"` forward references (TYPE_CHECKING imports) name the class bound by an import."""
        bound = self._azure_locals
        for imp in self.openai_imports:
            assert not isinstance(imp.names, cst.ImportStar)
            module = cst.Module(body=[]).code_for_node(imp.module) if imp.module else ""
            for alias in imp.names:
                qualified = f"{module}.{alias.evaluated_name}"
                local = alias.evaluated_alias or alias.evaluated_name
                # a string annotation is resolved in the module's namespace (typing.get_type_hints): an import
                # at module level (under `if TYPE_CHECKING:`, say) binds it, not one inside a function
                if qualified not in names.AZURE_CLIENT_CLASSES:
                    continue
                if local not in bound or (self._in_function(bound[local][0]) and not self._in_function(imp)):
                    bound[local] = (imp, qualified)
        for node in self._annotation_strings:
            value = node.evaluated_value
            if not isinstance(value, str):
                continue
            if value.strip() in bound:
                imp, qualified = bound[value.strip()]
                self.class_refs.append(ClassRef(node, qualified, "type", imp))
                continue
            for local in sorted(set(_IDENTIFIER.findall(value)) & bound.keys()):
                imp, qualified = bound[local]  # the string needs the import: it is kept
                self.class_refs.append(ClassRef(node, qualified, "text", imp, local))

    def _in_function(self, node: cst.CSTNode) -> bool:
        return any(isinstance(a, (cst.FunctionDef, cst.Lambda)) for a in self.meta.ancestors(node))

    def referents(self, name: cst.Name) -> set:
        access = self._access.get(name)
        return set(access.referents) if access is not None else set()

    def visit_Name(self, node: cst.Name) -> None:
        self._note_class_ref(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._note_class_ref(node)
        if isinstance(node.value, cst.Name):
            owner = self.enclosing_class_of_self(node.value, anchor=node)
            if owner is not None:
                self.self_attr_refs.setdefault((owner, node.attr.value), []).append(node)
        # `azure.ai.ml._azure_environments` in an import names a module: no client's attribute is read there
        if names.is_watched_attribute(node.attr.value) and not self._in_import:
            self.watched_attributes.append(node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self.dict_elements.append(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.assigns.append(node)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._bound_value[target.target] = node.value
            elif isinstance(target.target, cst.Attribute):
                self._note_attribute_assignment(node, target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, cst.Name):
            self._bound_value[node.target] = node.value
        elif node.value is not None and isinstance(node.target, cst.Attribute):
            self._note_attribute_assignment(node, node.target)
        # `self.client: AzureOpenAI = make()` in a method, `client: AzureOpenAI` in a class body, or a variable
        # so annotated: what it holds is an Azure client even when the tool can't see where it was built
        target = node.target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = self.enclosing_class_of_self(target.value, anchor=node)
            if owner is not None:
                self._attr_annotations.setdefault((owner, target.attr.value), node.annotation)
        elif isinstance(target, cst.Name):
            self._name_annotations[target] = node.annotation
            block = self.meta.parent(self.meta.parent(node) or node)
            owner = self.meta.parent(block) if isinstance(block, cst.IndentedBlock) else None
            if isinstance(owner, cst.ClassDef):
                self._attr_annotations.setdefault((owner, target.value), node.annotation)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._bound_value[node.asname.name] = node.item

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self._bound_value[node.target] = node.value

    def _note_attribute_assignment(self, stmt: cst.Assign | cst.AnnAssign, target: cst.Attribute) -> None:
        value = stmt.value
        assert value is not None
        for qual in self.qualified(target):
            if qual in names.MODULE_SETTINGS and isinstance(stmt, cst.Assign):
                self.module_settings.append((stmt, qual))
        if isinstance(target.value, cst.Name):
            owner = self.enclosing_class_of_self(target.value, anchor=stmt)
            if owner is not None:
                self._self_attrs.setdefault((owner, target.attr.value), []).append(value)

    def _note_class_ref(self, node: cst.Name | cst.Attribute) -> None:
        parent = self.meta.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return  # the `AzureOpenAI` in `oa.AzureOpenAI` is reported through the Attribute
        if isinstance(parent, (cst.ImportAlias, cst.Import, cst.ImportFrom)):
            return
        if isinstance(node, cst.Name) and isinstance(parent, cst.Arg) and parent.keyword is node:
            return
        for qual in self.qualified(node):
            if qual in names.AZURE_CLIENT_CLASSES:
                check = self._check_of(node)
                kind = "check" if check is not None else self._ref_kind(node, parent)
                self.class_refs.append(ClassRef(node, qual, kind, check=check))

    def _ref_kind(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> str:
        if isinstance(parent, cst.Call) and parent.func is node:
            return "call"
        for ancestor in self.meta.ancestors(node):
            if isinstance(ancestor, cst.Annotation) or is_type_expression(ancestor):
                return "type"  # an annotation, or a type alias such as `Clients = OpenAI | AzureOpenAI`
            if isinstance(ancestor, (cst.Call, cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.ClassDef)):
                return "other"
        return "other"

    def _check_of(self, node: cst.CSTNode) -> Check | None:
        """The `isinstance(x, ...)` / `issubclass(x, ...)` call whose class argument holds `node`, or the
        `type(x) is ...` comparison whose class side does, if any."""
        for ancestor in self.meta.ancestors(node):
            if isinstance(ancestor, cst.Comparison):
                parts = type_comparison(ancestor)
                return ancestor if parts is not None and _contains(parts[1], node) else None
            if isinstance(ancestor, cst.Call):
                func = ancestor.func
                if isinstance(func, cst.Name) and func.value in ("isinstance", "issubclass"):
                    args = ancestor.args
                    return ancestor if len(args) == 2 and _contains(args[1].value, node) else None
                return None
            if isinstance(ancestor, (cst.Annotation, cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return None
        return None

    def _note_alias_checks(self) -> None:
        """`Clients = Union[OpenAI, AzureOpenAI]` used in `isinstance(x, Clients)`: the alias is a check too."""
        for ref in self.class_refs:
            if ref.kind != "type" or isinstance(ref.node, cst.SimpleString):
                continue
            kinds = (cst.Annotation, cst.Assign)
            assign = next((a for a in self.meta.ancestors(ref.node) if isinstance(a, kinds)), None)
            if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
                continue
            target = assign.targets[0].target
            if not isinstance(target, cst.Name) or not _contains(assign.value, ref.node):
                continue
            for reader in self.references_of(target) or []:
                check = self._check_of(reader)
                if check is not None:
                    ref.kind, ref.check = "check", check
                    break

    def enclosing_class_of_self(self, name: cst.Name, anchor: cst.CSTNode | None = None) -> cst.ClassDef | None:
        """The class whose method binds `name` as its first parameter (`self`), if any. During the walk,
        `anchor` is a node already visited (so its parents are known) that contains `name`."""
        func = next((a for a in self.meta.ancestors(anchor or name) if isinstance(a, cst.FunctionDef)), None)
        if func is None or not func.params.params or func.params.params[0].name.value != name.value:
            return None
        owner = self.meta.parent(func)
        while owner is not None and not isinstance(owner, cst.ClassDef):
            if isinstance(owner, (cst.FunctionDef, cst.Module)):
                return None
            owner = self.meta.parent(owner)
        return owner

    # ---- resolution -------------------------------------------------------------------------------------

    def leave_Module(self, original_node: cst.Module) -> None:
        for scope in {s for s in self.meta.all(ScopeProvider) if s is not None}:
            for access in scope.accesses:
                self._access[access.node] = access
        self._resolve_annotation_strings()  # before the requests: a string annotation can type a client
        self._note_alias_checks()
        for call in self._calls:
            self._note_request(call)

    def _note_request(self, call: cst.Call) -> None:
        func = call.func
        if not isinstance(func, cst.Attribute):
            return
        clients = self.clients_of(func.value)
        for client, path in clients:
            full = (*path, func.attr.value)
            if path or full[-1] not in names.CLIENT_COPY_METHODS:
                request = Request(call, full, client)
                client.requests.append(request)
                self.requests.append(request)
        if not clients:
            for client, path in self.clients_of(func.value, follow_calls=True):
                full = (*path, func.attr.value)
                if path and full[-1] not in names.CLIENT_COPY_METHODS:
                    self.factory_requests.append(Request(call, full, client))
        for qual in self.qualified(func):
            parts = tuple(p for p in qual.split(".")[1:] if p not in names.TRANSPARENT_ATTRS)
            if qual.startswith("openai.") and parts in names.MODEL_REQUESTS:
                self.module_requests.append(Request(call, parts, None))

    def clients_of(
        self, expr: cst.BaseExpression, depth: int = 0, follow_calls: bool = False
    ) -> list[tuple[Client, tuple[str, ...]]]:
        """Which clients `expr` may evaluate to, each with the attribute path below the client. `follow_calls`: also
        through a call of a function of the module that returns one (`get_client().batches`), for the advisor's
        report on the request (the rules that rewrite or move a client read such calls as out of sight)."""
        if depth > 20:
            return []
        if isinstance(expr, cst.Call):
            if expr in self._ctor:
                return [(self._ctor[expr], ())]
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value in names.CLIENT_COPY_METHODS:
                return [(c, p) for c, p in self.clients_of(expr.func.value, depth + 1) if p == ()]
            if follow_calls and isinstance(expr.func, cst.Name):  # `get_client().batches`: what the function returns
                return [(c, p) for value in self._returned_by(expr.func)
                        for c, p in self.clients_of(value, depth + 1, follow_calls) if p == ()]
            return []
        if isinstance(expr, cst.Attribute):
            found = self._self_attr_clients(expr, depth) or self._annotated_attr_client(expr)
            if found:
                return found
            attr = expr.attr.value
            return [
                (c, p if attr in names.TRANSPARENT_ATTRS else (*p, attr))
                for c, p in self.clients_of(expr.value, depth + 1, follow_calls)
            ]
        if isinstance(expr, cst.Name):
            param = self._annotated_param_client(expr)
            if param is not None:
                return [(param, ())]
            values = self.bound_values(expr)
            out: list[tuple[Client, tuple[str, ...]]] = []
            for value in values or []:
                out.extend(self.clients_of(value, depth + 1, follow_calls))
            return out or self._annotated_name_client(expr)
        return []

    def _returned_by(self, name: cst.Name) -> list[cst.BaseExpression]:
        """The values the function `name` refers to returns (its own `return` statements, not those of functions
        nested in it), when every binding of the name is a `def` of this module; else none."""
        access = self._access.get(name)
        if access is None or not access.referents:
            return []
        values: list[cst.BaseExpression] = []
        for referent in access.referents:
            function = referent.node if isinstance(referent, Assignment) else None
            if not isinstance(function, cst.FunctionDef) or function.asynchronous is not None:
                return []  # an async def returns a coroutine, not the client
            found = self._returns.get(function)
            if found is None:
                found = self._returns[function] = own_returns(function)
            if found.yields:
                return []  # a generator's call returns the generator
            values.extend(value for value in found.values if value is not None)
        return values

    def made_through(self, values: list[cst.Call]) -> list[tuple[cst.Call | cst.Attribute, tuple[str, ...]]]:
        """The method calls (requests, copies) made on what `values` return (a factory's calls), and the watched
        attributes read from it (`_azure_*`, `base_url`...), with their attribute paths, followed through names
        and `self.<attr>` as a constructor's are."""
        stand_ins = {call: Client(call, "openai.AzureOpenAI", True, False) for call in values if call not in self._ctor}
        self._ctor.update(stand_ins)
        try:
            found: list[tuple[cst.Call | cst.Attribute, tuple[str, ...]]] = []
            calls = [(c, c.func) for c in self._calls if isinstance(c.func, cst.Attribute)]
            for node, attribute in [*calls, *((a, a) for a in self.watched_attributes)]:
                for client, path in self.clients_of(attribute.value):
                    if client.call in stand_ins:
                        found.append((node, (*path, attribute.attr.value)))
            return found
        finally:
            for call in stand_ins:
                del self._ctor[call]

    def _annotated_param_client(self, name: cst.Name) -> Client | None:
        """`def f(client: AzureOpenAI)`: the parameter holds an Azure client built somewhere else."""
        access = self._access.get(name)
        if access is None or len(access.referents) != 1:
            return None
        (referent,) = access.referents
        param = referent.node if isinstance(referent, Assignment) else None
        if not isinstance(param, cst.Param) or param.annotation is None:
            return None
        return self.annotation_client(param.annotation)

    def _annotated_name_client(self, name: cst.Name) -> list[tuple[Client, tuple[str, ...]]]:
        """`client: AzureOpenAI = make_client()`: a variable annotated with the Azure class, built out of sight."""
        access = self._access.get(name)
        referents = access.referents if access is not None else ()
        annotations = {self._name_annotations.get(getattr(r, "node", None)) for r in referents} or {None}
        if len(annotations) != 1 or None in annotations:
            return []
        client = self.annotation_client(annotations.pop())
        return [(client, ())] if client is not None else []

    def _annotated_attr_client(self, expr: cst.Attribute) -> list[tuple[Client, tuple[str, ...]]]:
        """`self.client` where the class says `client: AsyncAzureOpenAI` (in its body or in a method)."""
        owner = self.enclosing_class_of_self(expr.value) if isinstance(expr.value, cst.Name) else None
        annotation = self._attr_annotations.get((owner, expr.attr.value)) if owner is not None else None
        client = self.annotation_client(annotation) if annotation is not None else None
        return [(client, ())] if client is not None else []

    def annotation_client(self, annotation: cst.Annotation) -> Client | None:
        """The client an annotation says a value holds when it names an Azure client class (codemod/annotated.py)."""
        if annotation not in self._annotation_clients:
            azure, others = annotated.admitted(annotation.annotation, self._azure_class_named)
            qual = azure[0] if azure else None
            self._annotation_clients[annotation] = (
                Client(None, qual, True, names.AZURE_CLIENT_CLASSES[qual] in names.ASYNC_CLASSES, mixed=others > 0)
                if qual is not None
                else None
            )
        return self._annotation_clients[annotation]

    def _azure_class_named(self, leaf: cst.BaseExpression, in_string: bool) -> str | None:
        if not in_string:
            return next(iter(self.qualified(leaf) & names.AZURE_CLIENT_CLASSES.keys()), None)
        code = cst.Module(body=[]).code_for_node(leaf)  # parsed from a string: resolved through the imports
        local = self._azure_locals.get(code)
        return local[1] if local else (code if code in names.AZURE_CLIENT_CLASSES else None)

    def bound_values(self, name: cst.Name) -> list[cst.BaseExpression] | None:
        """The values a name may hold here, when every binding it refers to is a plain assignment."""
        access = self._access.get(name)
        if access is None or not access.referents:
            return None
        values = []
        for referent in access.referents:
            if not isinstance(referent, Assignment) or referent.node not in self._bound_value:
                return None
            values.append(self._bound_value[referent.node])
        return values

    def global_constant(self, name: cst.Name) -> tuple[cst.Name, cst.SimpleString] | None:
        """`NAME = "literal"`, assigned once at module level, that `name` refers to: (target, literal)."""
        access = self._access.get(name)
        if access is None or len(access.referents) != 1:
            return None
        (referent,) = access.referents
        if not isinstance(referent, Assignment) or not isinstance(referent.scope, GlobalScope):
            return None
        if len(list(referent.scope.assignments[referent.name])) != 1:
            return None
        value = self._bound_value.get(referent.node)
        if isinstance(value, cst.SimpleString) and isinstance(referent.node, cst.Name):
            parent = self.meta.parent(self.meta.parent(referent.node))
            if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                return referent.node, value
        return None

    def bound_value_of(self, target: cst.CSTNode) -> cst.BaseExpression | None:
        """The value an assignment target was given (`X` in `X = value`)."""
        return self._bound_value.get(target)

    def references_of(self, target: cst.Name) -> list[cst.CSTNode] | None:
        """Every node that reads the name `target` binds (None when the scope is unknown)."""
        scope = self.meta.get(ScopeProvider, target, None)
        if scope is None:
            return None
        for assignment in scope.assignments[target.value]:
            if assignment.node is target:
                return [reference.node for reference in assignment.references]
        return None

    def base_url_texts(self, client: Client) -> list[str]:
        """The source of a client's `base_url=` value, and of what the names in it were assigned (a URL built
        into a variable first)."""
        arg = client.kwarg("base_url")
        texts: list[str] = []
        todo = [arg.value] if arg is not None else []
        while todo and len(texts) < 20:
            expr = todo.pop()
            texts.append(cst.Module(body=[]).code_for_node(expr))
            for name in names_within(expr):
                todo.extend(self.bound_values(name) or [])
        return texts

    def _self_attr_clients(self, expr: cst.Attribute, depth: int) -> list[tuple[Client, tuple[str, ...]]]:
        if not isinstance(expr.value, cst.Name):
            return []
        owner = self.enclosing_class_of_self(expr.value)
        if owner is None:
            return []
        out: list[tuple[Client, tuple[str, ...]]] = []
        for value in self._self_attrs.get((owner, expr.attr.value), []):
            out.extend(self.clients_of(value, depth + 1))
        return out

_IDENTIFIER = re.compile(r"(?<![\w.])[^\W\d]\w*")


def names_within(expr: cst.CSTNode) -> list[cst.Name]:
    """The names an expression reads (`a` of `a.b`, not `b`)."""
    if isinstance(expr, cst.Name):
        return [expr]
    if isinstance(expr, cst.Attribute):
        return names_within(expr.value)
    return [name for child in children(expr) for name in names_within(child)]


def _contains(tree: cst.CSTNode, node: cst.CSTNode) -> bool:
    if tree is node:
        return True
    return any(_contains(child, node) for child in children(tree))


def _points_at_azure(call: cst.Call) -> bool:
    """An `OpenAI(...)` that talks to Azure: its base URL is an Azure endpoint (v1, migrated or written by hand,
    or a dated deployment URL), or it sends `api-version`, which only Azure's dated and v1-preview routes took,
    to a base URL the tool cannot read. A literal host of another service (`https://models.github.ai/inference`
    takes an api-version of its own) is not Azure."""
    arg = keyword_arg(call, "base_url")
    if arg is not None:
        texts = string_parts(arg.value)  # the strings, not comments: what the syntax filter reads too
        if any("/openai/v1" in text or any(host in text for host in hosts.AZURE_HOSTS) for text in texts):
            return True
        if not any("/openai" in text for text in texts) and hosts.other_service(arg.value):
            return False
    return sends_api_version(call)


def string_parts(expr: cst.CSTNode) -> list[str]:
    """The text of every string literal in an expression: plain strings and the literal parts of f-strings."""
    found: list[str] = []

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            found.append(value if isinstance(value, str) else "")
        elif isinstance(node, cst.FormattedStringText):
            found.append(node.value)
        else:
            for child in children(node):
                walk(child)

    walk(expr)
    return found


def sends_api_version(call: cst.Call) -> bool:
    """`default_query={"api-version": ...}` as a dict literal."""
    query = keyword_arg(call, "default_query")
    return query is not None and has_key(query.value, "api-version")


def has_key(value: cst.BaseExpression, key: str) -> bool:
    """Whether `value` is a dict literal with the string key `key`."""
    return isinstance(value, cst.Dict) and any(
        isinstance(e, cst.DictElement) and string_value(e.key) == key for e in value.elements
    )
