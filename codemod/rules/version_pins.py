"""AOAI301, AOAI308 — each dated api-version pinned in code is explained; an unknown or malformed one is flagged.

## What it does
Finds the api-version literals a module pins — a client's `api_version=` or `default_query={"api-version": ...}`
(followed through constants and `os.getenv` defaults), `openai.api_version`, names such as `OPENAI_API_VERSION`,
`os.getenv("AZURE_OPENAI_API_VERSION", "...")` defaults, `{"openai_api_version": ...}` entries, and `api_version=`
of other libraries' Azure OpenAI classes — and says what each is (AOAI301, info: GA or preview, retired or not,
what the v1 API brings), or, for a string shaped like a version that is not a known one, which known versions are
closest (AOAI308). `aoai-migrate advise VERSION` prints the whole story of one version.

## Why
A dated version decides which parameters and APIs a request may use; knowing it is the first step of a migration
and of every "400 unrecognized parameter" investigation. A mistyped version fails every request.

## Example
```python
client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-02-01")   # AOAI301 (info)
client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-02-31")   # AOAI308
```

## Fix safety
No fix: report only. AOAI301 is information and never fails a run. An unknown version that the migration itself
removes (the `api_version=` of a client that moves, the `openai.api_version` line of settings that move) is listed
as fixed, not as needing a person.

Fixtures: fixtures/advisor/python/, fixtures/version_pins/.
"""

from __future__ import annotations

import dataclasses

import libcst as cst

from codemod.advisor import checks
from codemod.engine.analysis import Client, keyword_arg, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.syntax import Identifiers, Keyword, Strings
from codemod.rules import Rule
from codemod.rules._advisor import DATED, GETENV, VERSION_NAME, Literal, pinned_literals, place
from codemod.rules._needs import AZURE_CLASSES, MODULE_VERSION


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    seen: set[int] = set()
    for owner, found in pinned_literals(ctx):
        for literal in found:
            _report(ctx, out, literal, seen, removed=_removed_with(ctx, owner, literal))
    for literal in _named_version_literals(ctx):
        _report(ctx, out, literal, seen)
    return out


def _report(ctx: RuleContext, out: Changes, literal: Literal, seen: set[int], removed: bool = False) -> None:
    if id(literal.node) in seen:
        return
    seen.add(id(literal.node))
    finding = checks.version_finding(literal.value, place(ctx, literal.node), literal.origin)
    if finding is not None and removed and finding.code == "AOAI308":
        # the finding and the rewrite agree: what the migration removes needs no person
        message = f"{finding.message} Removed with the move to the v1 API, which takes no dated version."
        finding = dataclasses.replace(finding, message=message, fixed=True)
    if finding is not None:
        out.add(finding, literal.node)


def _removed_with(ctx: RuleContext, owner: Client | None, literal: Literal) -> bool:
    """Whether the literal is written in what the migration removes: the `api_version=` or `default_query`
    api-version of a client that moves, or the `openai.api_version = ...` line of module settings that move."""
    if owner is not None:
        containers: list[cst.CSTNode] = [owner.call] if owner.call is not None and ctx.is_migrated(owner) else []
    elif ctx.plan is not None and ctx.plan.module_settings_move:
        # AOAI106 removes the line when the assignment is alone on it
        containers = [
            line
            for statement, qual in ctx.analysis.module_settings
            if qual == "openai.api_version"
            and isinstance(line := ctx.meta.parent(statement), cst.SimpleStatementLine)
            and len(line.body) == 1
        ]
    else:
        containers = []
    return any(a is c for a in ctx.meta.ancestors(literal.node) for c in containers)


def _named_version_literals(ctx: RuleContext) -> list[Literal]:
    """Version literals held under an api-version name outside client calls: `OPENAI_API_VERSION = "..."`,
    `os.getenv("AZURE_OPENAI_API_VERSION", "...")`, `{"api_version": "..."}`, and `api_version=` of
    other libraries' Azure OpenAI classes (`AzureChatOpenAI(api_version=...)`). Read from the lists the
    analysis pass collected, so no extra walk of the tree."""
    found: list[Literal] = []

    def add(node: cst.BaseExpression | None, origin: str) -> None:
        value = string_value(node)
        if node is not None and value is not None:
            found.append(Literal(node, value, origin))

    analysis = ctx.analysis
    for assign in analysis.assigns:
        for target in assign.targets:
            if isinstance(target.target, cst.Name) and VERSION_NAME.search(target.target.value):
                add(assign.value, f"constant {target.target.value}")
            elif isinstance(target.target, cst.Subscript) and len(target.target.slice) == 1:
                # `os.environ["OPENAI_API_VERSION"] = "..."`: read by AzureOpenAI() and the module client
                index = target.target.slice[0].slice
                key = string_value(index.value) if isinstance(index, cst.Index) else None
                if key is not None and VERSION_NAME.search(key):
                    add(assign.value, f"the {key!r} entry")
    for element in analysis.dict_elements:
        key = string_value(element.key)
        if key is not None and VERSION_NAME.search(key):
            add(element.value, f"the {key!r} entry")
    for call in analysis.calls:
        last = _last_name(call.func)
        if last in ("getenv", "get") and len(call.args) >= 2 and analysis.qualified(call.func) & GETENV:
            variable = string_value(call.args[0].value)
            if variable and VERSION_NAME.search(variable):
                add(call.args[1].value, f"the default of os.getenv({variable!r})")
            continue
        if last is None or "OpenAI" not in last:
            continue
        # Imported classes only (a qualified name with a module): a class of the user's own is not Azure's.
        imported = [q for q in analysis.qualified(call.func) if "." in q]
        if any("OpenAI" in q.rsplit(".", 1)[-1] for q in imported):
            for keyword in ("api_version", "openai_api_version"):  # LangChain takes either
                arg = keyword_arg(call, keyword)
                if arg is not None:
                    add(arg.value, f"{keyword} of {ctx.module.code_for_node(call.func)}")
    return found


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


RULE = Rule(
    __name__,
    codes={
        "AOAI301": "A dated api-version is pinned: what it is and what moving to v1 brings.",
        "AOAI308": "An unknown or malformed api-version string.",
    },
    apply=apply,
    needs=DATED
    & (
        AZURE_CLASSES
        | MODULE_VERSION
        | Identifiers(r"openai.*version")
        | Strings(r"openai.*version", plain=True)  # dict keys and getenv names: plain literals only
        # api_version= given to a class whose name holds "OpenAI" (case counts: `is_openai_model` is no such class)
        | Keyword(r"(?-i:OpenAI)", "api_version")
    ),
    advisor=True,
)
