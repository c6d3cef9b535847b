"""Base URLs the tool can read although they are not literals at the constructor (AOAI102):

- a module-level constant assigned once whose value ends in `/openai` (`OPENAI_BASE = ENDPOINT.rstrip("/") +
  "/openai/"`): its v1 form is the constant without trailing slashes + `/v1/`, written where it is passed;
- an environment variable (`os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`, directly or through a
  module-level constant) on a client whose `api_version` is `"v1"` or `"preview"`: only the v1 API takes those
  values, so a working program's variable already holds the v1 URL, which is kept as it is.

`on_v1_path` says whether a client's requests already went to `/openai/v1/`: a base URL literal on that path, or
such a variable (AOAI103 keeps the v1 API's own api-versions there)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment
from libcst.metadata.scope_provider import GlobalScope

from codemod.engine import exprs
from codemod.engine.analysis import Analysis, Client, string_value

# The v1 API's own api-version values (the v1 GA spec's enum): "v1", the default, and "preview", which turns on
# the preview features. Sent to /openai/v1/ they are accepted; no dated route takes them. ("latest", which 2025
# samples used, is not in the enum: a person checks it, see AOAI103.)
V1_VERSIONS = frozenset({"v1", "preview"})
_OPENAI_END = re.compile(r"/openai/*$")
_ENV_READERS = frozenset({"os.getenv", "os.environ.get"})


@dataclass(frozen=True)
class ReadBaseUrl:
    kind: str  # "constant": a constant ending in /openai; "v1 variable": a variable holding the v1 URL
    name: str  # the constant or the environment variable, for messages
    v1: cst.BaseExpression | None = None  # the v1 base URL to write ("constant"); None: keep the argument


def read_base_url(analysis: Analysis, client: Client) -> ReadBaseUrl | None:
    arg = client.kwarg("base_url")
    if arg is None:
        return None
    value, constant = arg.value, None
    if isinstance(value, cst.Name):
        constant = module_constant(analysis, value)
        if constant is None:
            return None
    variable = env_variable(analysis, constant if constant is not None else value)
    if variable is not None:
        return ReadBaseUrl("v1 variable", variable) if _v1_version(client) else None
    if constant is not None and isinstance(value, cst.Name) and _ends_in_openai(constant):
        rstrip = cst.Call(cst.Attribute(value.deep_clone(), cst.Name("rstrip")), [cst.Arg(exprs.string("/"))])
        return ReadBaseUrl("constant", value.value, cst.BinaryOperation(rstrip, cst.Add(), exprs.string("/v1/")))
    return None


def on_v1_path(analysis: Analysis, client: Client) -> bool:
    """The client's base_url is already on the v1 path (a literal that says so, or a v1 variable), so its requests
    went to /openai/v1/."""
    base_url = client.kwarg("base_url")
    if base_url is None:
        return False
    if "/openai/v1" in cst.Module(body=[]).code_for_node(base_url.value):
        return True
    read = read_base_url(analysis, client)
    return read is not None and read.kind == "v1 variable"


def module_constant(analysis: Analysis, name: cst.Name) -> cst.BaseExpression | None:
    """The value of a module-level name assigned once (one target, never rebound, no `global` rebinding)."""
    referents = analysis.referents(name)
    if len(referents) != 1:
        return None
    (referent,) = referents
    if not isinstance(referent, Assignment) or not isinstance(referent.scope, GlobalScope):
        return None
    if len(list(referent.scope.assignments[referent.name])) != 1 or not isinstance(referent.node, cst.Name):
        return None
    statement = analysis.meta.parent(analysis.meta.parent(referent.node))
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    return analysis.bound_value_of(referent.node)


def env_variable(analysis: Analysis, expr: cst.BaseExpression) -> str | None:
    """X of `os.environ["X"]`, `os.environ.get("X"[, default])` or `os.getenv("X"[, default])`."""
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and "os.environ" in analysis.qualified(expr.value):
        index = expr.slice[0].slice
        return string_value(index.value) if isinstance(index, cst.Index) else None
    if isinstance(expr, cst.Call) and analysis.qualified(expr.func) & _ENV_READERS and expr.args:
        first = expr.args[0]
        return string_value(first.value) if first.keyword is None and not first.star else None
    return None


def _v1_version(client: Client) -> bool:
    version = client.kwarg("api_version")
    return version is not None and string_value(version.value) in V1_VERSIONS


def _ends_in_openai(value: cst.BaseExpression) -> bool:
    """Whether a string expression certainly ends in /openai (its last part a literal that does)."""
    last = value
    while isinstance(last, cst.BinaryOperation) and isinstance(last.operator, cst.Add):
        last = last.right
    while isinstance(last, cst.ConcatenatedString):
        last = last.right
    if isinstance(last, cst.FormattedString):
        tail = last.parts[-1] if last.parts else None
        return isinstance(tail, cst.FormattedStringText) and _OPENAI_END.search(tail.value) is not None
    text = string_value(last)
    return text is not None and _OPENAI_END.search(text) is not None
