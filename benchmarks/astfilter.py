"""A prototype of issue 14's second filter, for measuring only: from CPython's `ast` and a small import
resolver, the reasons a rule could act on a module (an empty set: no rule can, LibCST need not parse it).

It mirrors what the engine's analysis (codemod/analysis.py) and the rules start from, erring on the side of
keeping a file: names are resolved through every import in the module, wherever it is (no scopes, no
shadowing), and a module that `ast` cannot parse, or that star-imports openai, is kept. benchmarks/
profile_llm.py checks it against the engine's real outcome on every file it classifies.
"""

from __future__ import annotations

import ast
import json
import re

from codemod.engine import names

# Names that hold an api-version outside a client call (codemod/rules/advisor_checks.py _VERSION_NAME).
VERSION_NAME = re.compile(r"openai.*version", re.IGNORECASE | re.ASCII)
LEGACY_ARGUMENTS = frozenset({"engine", "deployment_id"})  # codemod/rules/legacy_sdk.py
AZURE_URL = re.compile(r"/openai/v1|\.openai\.azure\.com|\.services\.ai\.azure\.com|azure", re.IGNORECASE)
OPENAI_MODULES = ("openai",)
# Module settings that only hold a credential or the OpenAI URL: no rule acts on them alone.
CREDENTIAL_SETTINGS = frozenset({"openai.api_key", "openai.azure_ad_token", "openai.base_url"})
NOT_LITERAL = (ast.Call, ast.Subscript, ast.Attribute)

# Reasons, as reported (profile_llm.py counts files per reason).
AZURE_CLASS = "Azure client class of openai"
MODULE_SETTING = "module setting of openai"
LEGACY = "openai<1.0 call or argument"
VERSION = "api-version name or dated version"
V1_AT_AZURE = "OpenAI(...) at an Azure endpoint"
MODULE_REQUEST = "module-client request the advisor reads"
UNPARSEABLE = "ast cannot parse it"
STAR = "star import from openai"


# A word screen before ast: every reason above needs one of these spellings in the text (an Azure class, a
# setting's attribute, an openai<1.0 resource or argument, an api-version name, a module-client responses
# request, a star import), so a module without any of them has no reason and needs no ast.parse.
SCREEN = re.compile(
    r"(?i:azure)|/openai/v1|api-version|api_version|default_query|(?i:openai[^\n]*version)"
    r"|\.(?:api_key|azure_ad_token|base_url|api_type|api_base)\s*=(?!=)"
    r"|\b(?:ChatCompletion|Completion|Embedding|Image|Audio|Edit|Moderation|FineTune|Deployment)\b"
    r"|\b(?:engine|deployment_id)\s*=|\bresponses\b|import\s*\*"
)


def screen(source: str) -> bool:
    """Whether the text has a word some reason needs (False: no reason, without parsing)."""
    return SCREEN.search(source) is not None


def reasons(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {UNPARSEABLE}
    return reasons_of_tree(tree, source)


def reasons_of_tree(tree: ast.Module, source: str) -> set[str]:
    bound = _bindings(tree)
    if bound is None:
        return {STAR}
    found: set[str] = set()
    values = _assigned_values(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)):
            _name_reasons(node, bound, found)
        elif isinstance(node, ast.Call):
            _call_reasons(node, bound, source, found)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and VERSION_NAME.search(t.id) for t in targets):
                found.add(VERSION)
            if any(_acting_setting(t, node.value, bound, values) for t in targets):
                found.add(MODULE_SETTING)
        elif isinstance(node, ast.Dict):
            if any(isinstance(k, ast.Constant) and isinstance(k.value, str) and (
                    VERSION_NAME.search(k.value) or k.value == "api-version") for k in node.keys):
                found.add(VERSION)
    return found


def _bindings(tree: ast.Module) -> dict[str, set[str]] | None:
    """Local name -> the qualified names any import in the module binds it to (None: `from openai import *`)."""
    bound: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                bound.setdefault(local, set()).add(alias.name if alias.asname else local)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            for alias in node.names:
                if alias.name == "*":
                    if node.module.split(".")[0] in OPENAI_MODULES:
                        return None
                    continue
                bound.setdefault(alias.asname or alias.name, set()).add(f"{node.module}.{alias.name}")
    return bound


def qualified(node: ast.expr, bound: dict[str, set[str]]) -> set[str]:
    """`oa.lib.azure.AzureOpenAI` -> {"openai.lib.azure.AzureOpenAI"} when `import openai as oa`."""
    tail: list[str] = []
    while isinstance(node, ast.Attribute):
        tail.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bound:
        return set()
    suffix = "".join("." + part for part in reversed(tail))
    return {qual + suffix for qual in bound[node.id]}


def _name_reasons(node: ast.Name | ast.Attribute, bound: dict[str, set[str]], found: set[str]) -> None:
    quals = qualified(node, bound)
    if not quals:
        return
    if quals & names.AZURE_CLIENT_CLASSES.keys():
        found.add(AZURE_CLASS)
    if any(q == r or q.startswith(r + ".") for q in quals for r in names.LEGACY_RESOURCES):
        found.add(LEGACY)


def _call_reasons(call: ast.Call, bound: dict[str, set[str]], source: str, found: set[str]) -> None:
    keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
    quals = qualified(call.func, bound)
    if quals & names.V1_CLIENT_CLASSES.keys():
        url = keywords.get("base_url")
        query = keywords.get("default_query")
        if (url is not None and AZURE_URL.search(ast.get_source_segment(source, url) or "")) or (
                query is not None and not isinstance(query, ast.Dict)) or (
                isinstance(query, ast.Dict) and _has_key(query, "api-version")):
            found.add(V1_AT_AZURE)
    for qual in quals:
        parts = tuple(p for p in qual.split(".")[1:] if p not in names.TRANSPARENT_ATTRS)
        if qual.startswith("openai.") and parts in names.MODEL_REQUESTS:
            if keywords.keys() & LEGACY_ARGUMENTS:
                found.add(LEGACY)
            if parts[:1] == ("responses",):
                found.add(MODULE_REQUEST)  # sdk_needs: the migrated code needs openai>=1.66 (AOAI306)
    last = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    if last is not None and "OpenAI" in last and "api_version" in keywords:
        found.add(VERSION)  # another library's Azure class with a dated api_version (AOAI301)
    if len(call.args) >= 2 and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str) \
            and VERSION_NAME.search(call.args[0].value):
        found.add(VERSION)  # os.getenv("OPENAI_API_VERSION", "2024-02-01")


def _acting_setting(target: ast.expr, value: ast.expr | None, bound: dict[str, set[str]],
                    values: dict[str, list[ast.expr]]) -> bool:
    """An assignment to a module setting of openai a rule reads. A credential (`openai.api_key = ...`) only
    matters when its value can be a literal (AOAI305; an Azure setting beside it is a reason of its own):
    a call (`os.getenv(...)`, whose default the check skips), a subscript or an attribute never is one, nor
    a name that is only ever assigned such values (`key = getpass()`)."""
    quals = qualified(target, bound) & names.MODULE_SETTINGS
    if not quals:
        return False
    if quals <= CREDENTIAL_SETTINGS:
        if isinstance(value, ast.Name) and values.get(value.id):
            return not all(isinstance(v, NOT_LITERAL) for v in values[value.id])
        return not isinstance(value, NOT_LITERAL)
    return True


def _assigned_values(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """Name -> every value assigned to it by `name = value` anywhere in the module."""
    values: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) and isinstance(node.target, ast.Name):
            values.setdefault(node.target.id, []).append(node.value if node.value is not None else node.target)
    return values


def _has_key(node: ast.Dict, key: str) -> bool:
    return any(isinstance(k, ast.Constant) and k.value == key for k in node.keys)


def notebook_source(data: bytes) -> str | None:
    """The code cells of a notebook, one after the other, IPython magic and shell lines blanked (their text
    is still scanned for the reasons' words); None when it is not a notebook this can read."""
    try:
        cells = json.loads(data)["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    lines: list[str] = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        for line in text.splitlines():
            lines.append("" if line.lstrip().startswith(("%", "!")) else line)
    return "\n".join(lines) + "\n"
