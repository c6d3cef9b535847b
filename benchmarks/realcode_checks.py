"""The per-file checks of the real-code check, on the text before (`old`) and after (`new`) the tool's write run.

Each check returns `Failure`s with the line in the file after the run (and the notebook cell). The checks use
`ast` alone, not the tool's code, so that the tool cannot hide its own mistakes from them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from realcode_python import AZURE, V1, Module, Names

# Attributes that exist on AzureOpenAI only: reading one on OpenAI raises AttributeError.
PRIVATE = frozenset({"_api_version", "_azure_endpoint", "_azure_deployment", "_azure_ad_token_provider",
                     "_azure_ad_token"})
# Arguments that AzureOpenAI.copy()/with_options() take and OpenAI's do not (TypeError at run time).
AZURE_COPY_ARGS = frozenset({"api_version", "azure_ad_token_provider", "azure_ad_token", "azure_deployment"})
NEAR = 1  # lines around a statement in which a finding counts as "on or near" it


@dataclass(frozen=True)
class Failure:
    check: str
    path: str
    line: int
    message: str
    cell: int | None = None

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.cell is None else f"{self.path}:cell {self.cell}:{self.line}"


def place(mod: Module, line: int) -> tuple[int | None, int]:
    return mod.origin[line - 1] if 0 < line <= len(mod.origin) else (None, line)


def failure_at(check: str, path: str, mod: Module, line: int, message: str) -> Failure:
    cell, cell_line = place(mod, line)
    return Failure(check, path, cell_line, message, cell)


# --- AzureOpenAI left without a finding ------------------------------------------------------------------


def azure_references(tree: ast.Module, names: Names) -> Iterator[ast.expr]:
    """Every expression naming openai's AzureOpenAI/AsyncAzureOpenAI (outermost attribute only)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Name, ast.Attribute)) and names.qualify(node) in AZURE:
            yield node
            continue
        stack.extend(ast.iter_child_nodes(node))


def azure_module_settings(tree: ast.Module, names: Names) -> Iterator[ast.AST]:
    """Azure code of openai<1.0 and of the module-level client: `openai.api_type = "azure"` (or "azure_ad"), and
    a call of openai<1.0's resources (`openai.ChatCompletion.create`) with `engine=` or `deployment_id=`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if str(node.value.value).lower() in ("azure", "azure_ad") and any(
                names.qualify(t) == "openai.api_type" for t in node.targets
            ):
                yield node
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            resource = names.qualify(node.func.value) or ""
            if resource.startswith("openai.") and resource[7:8].isupper() and "." not in resource[7:] and any(
                k.arg in ("engine", "deployment_id") for k in node.keywords
            ):
                yield node


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _statement_span(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[int, int]:
    """Lines of the innermost statement holding `node`; for a compound statement, its header only."""
    while not isinstance(node, ast.stmt):
        node = parents[node]
    body = getattr(node, "body", None)
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        return first, max(node.lineno, body[0].lineno - 1)
    return node.lineno, node.end_lineno or node.lineno


def azure_left(path: str, mod: Module, finding_lines: set[int]) -> list[Failure]:
    """An openai Azure class still in the output with no finding that needs a person on or near it.
    `finding_lines` are module lines. An import of the class counts only when nothing else in the file uses it."""
    names = Names(mod.tree)
    parents = _parents(mod.tree)
    failures, uses = [], 0
    for ref in azure_references(mod.tree, names):
        uses += 1
        start, end = _statement_span(ref, parents)
        if not any(start - NEAR <= line <= end + NEAR for line in finding_lines):
            what = ast.unparse(ref)
            failures.append(failure_at("azure-left", path, mod, ref.lineno, f"{what} left, no finding on it"))
    for node in azure_module_settings(mod.tree, names):
        # openai<1.0 code is reported at its calls (move to the 1.x client first), so any finding in the file
        # that needs a person covers the module settings it leaves
        if not finding_lines:
            what = ast.unparse(node)[:80]
            failures.append(failure_at("azure-left", path, mod, node.lineno, f"{what} left, no finding in the file"))
    if uses == 0:
        for node in names.azure_imports:
            start, end = node.lineno, node.end_lineno or node.lineno
            if not any(start - NEAR <= line <= end + NEAR for line in finding_lines):
                failures.append(failure_at("azure-left", path, mod, node.lineno,
                                         "import of an Azure client class kept with no use and no finding"))
    return failures


# --- migrated clients: which names hold one ---------------------------------------------------------------


def client_keys(tree: ast.Module, names: Names, classes: frozenset[str]) -> set[str]:
    """Names under which the file keeps a client built by one of `classes`: `x` for `x = C(...)` and
    `self.x = C(...)`, `f()` for a function returning one, and names assigned from such a function's call."""
    keys: set[str] = set()
    for _ in range(2):  # a second pass sees assignments from functions found in the first
        for node in ast.walk(tree):
            for target, value in _bindings(node):
                if _builds(value, names, classes, keys):
                    keys.update(k for k in (_key(target),) if k)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                returns = (n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None)
                if any(_builds(v, names, classes, keys) for v in returns):
                    keys.add(f"{node.name}()")
    return keys


def _bindings(node: ast.AST) -> Iterator[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Assign):
        yield from ((t, node.value) for t in node.targets)
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        yield node.target, node.value
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        yield from ((i.optional_vars, i.context_expr) for i in node.items if i.optional_vars is not None)


def _builds(value: ast.expr, names: Names, classes: frozenset[str], keys: set[str]) -> bool:
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.IfExp):
        return _builds(value.body, names, classes, keys) or _builds(value.orelse, names, classes, keys)
    if not isinstance(value, ast.Call):
        return False
    return names.qualify(value.func) in classes or _key(value) in keys


def _key(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Call):
        inner = _key(node.func)
        return f"{inner}()" if inner else None
    return None


# --- what a migrated client must not meet ------------------------------------------------------------------


def private_reads(path: str, mod: Module, migrated: set[str]) -> list[Failure]:
    failures = []
    for node in ast.walk(mod.tree):
        receiver, attr = None, None
        if isinstance(node, ast.Attribute) and _private(node.attr):
            receiver, attr = node.value, node.attr
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) >= 2
              and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and _private(node.args[1].value)):
            receiver, attr = node.args[0], node.args[1].value
        if receiver is not None and _key(receiver) in migrated:
            message = f"{ast.unparse(receiver)}.{attr}: the migrated OpenAI client has no such attribute"
            failures.append(failure_at("private-attr", path, mod, node.lineno, message))
    return failures


def _private(attr: str) -> bool:
    return attr in PRIVATE or attr.startswith("_azure_")


def copy_arguments(path: str, mod: Module, migrated: set[str]) -> list[Failure]:
    failures = []
    for node in ast.walk(mod.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("copy", "with_options") and _key(node.func.value) in migrated):
            continue
        bad = sorted(k.arg for k in node.keywords if k.arg in AZURE_COPY_ARGS)
        if bad:
            message = f"{ast.unparse(node.func)}({', '.join(bad)}=...) on a migrated client: TypeError"
            failures.append(failure_at("copy-args", path, mod, node.lineno, message))
    return failures


def _deployments(mod: Module, classes: frozenset[str]) -> dict[str, list[tuple[int, str | None]]]:
    """Per client name: the line of each constructor of `classes` bound to it and its azure_deployment= text."""
    names, out = Names(mod.tree), {}
    for node in ast.walk(mod.tree):
        for target, value in _bindings(node):
            key = _key(target)
            if key and isinstance(value, ast.Call) and names.qualify(value.func) in classes:
                found = next((k.value for k in value.keywords if k.arg == "azure_deployment"), None)
                out.setdefault(key, []).append((value.lineno, ast.unparse(found) if found is not None else None))
    return out


def deployment_dropped(path: str, old: Module, new: Module, migrated: set[str]) -> list[Failure]:
    """A migrated client built with azure_deployment=D sent every deployment request to D whatever model= said;
    the v1 client sends model=. Unless a request through it in this file now passes D as model=, its requests
    are made out of sight (a base class, another module, an object the client was handed to) and go elsewhere."""
    after = _deployments(new, V1)
    failures = []
    for key, built in _deployments(old, AZURE).items():
        for line, deployment in built:
            if deployment is None or key not in migrated or key not in after:
                continue
            carried = any(
                isinstance(n, ast.Call) and any(_key(part) == key for part in ast.walk(n.func))
                and any(k.arg == "model" and deployment in ast.unparse(k.value) for k in n.keywords)
                for n in ast.walk(new.tree))
            if not carried:
                twin = min(after[key], key=lambda b: abs(b[0] - line))[0]  # the constructor that replaced it
                message = (f"azure_deployment={deployment} was dropped from {key} and no request through it here "
                           "passes it as model=: requests made elsewhere now go to the deployment their model= names")
                failures.append(failure_at("deployment", path, new, twin, message))
    return failures
