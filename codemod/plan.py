"""What moves to the v1 API in a module, decided once before any rule rewrites: the Azure clients every
blocker lets through (all of AOAI101-AOAI105 apply to a client, or none does), whether the module-level
client's settings move, and which requests take their `model=` from their client's deployment."""

from __future__ import annotations

import dataclasses

from codemod.engine import names
from codemod.engine.analysis import Client
from codemod.engine.context import CLIENT_GROUP, Changes, Plan, RuleContext
from codemod.engine.deployments import deployment_of
from codemod.engine.module_settings import (
    azure_anchor,
    base_url_setting,
    legacy_setting,
    other_api_type,
    token_provider_setting,
)
from codemod.findings import Finding
from codemod.rules import module_rules


def plan(ctx: RuleContext) -> tuple[RuleContext, Changes]:
    """The context with its plan, and the findings that say why clients stay on the dated API."""
    out = ctx.changes()
    unsafe: list[Client] = []
    held_back: list[Client] = []
    migrated = _clients_that_move(ctx, out, unsafe, held_back)
    model_from_client = frozenset(
        request.call
        for client in migrated
        if deployment_of(client) is not None
        for request in client.requests
        if request.path in names.DEPLOYMENT_ROUTE_REQUESTS
    )
    moved_unsafely = tuple(c for c in unsafe if c in migrated)
    decided = Plan(tuple(migrated), _module_settings_move(ctx), model_from_client, moved_unsafely, tuple(held_back))
    return dataclasses.replace(ctx, plan=decided), out


def _clients_that_move(ctx: RuleContext, out: Changes, unsafe: list[Client], held_back: list[Client]) -> list[Client]:
    """A rule's `blocker` returns `(node, message)`, or `(node, message, code)` to report under another code of the
    group than the rule's first, or `(node, message, code, unsafe_fix)`, or a list of them, or None.

    A client whose every reason has an unsafe fix moves with --unsafe-fixes (added to `unsafe`); without it, its
    reasons are reported with the fix described and marked "unsafe" (a hidden fix, counted in the summary), and
    it is added to `held_back`."""
    blockers = [(rule, rule.blocker) for rule in module_rules() if rule.blocker is not None]
    candidates: list[Client] = []
    staying: set[Client] = set()
    for client in ctx.analysis.clients:
        if not client.azure:
            continue
        assert client.call is not None
        if not all(ctx.enabled(code) for code in CLIENT_GROUP) or any(
            ctx.suppressed(code, client.call) for code in CLIENT_GROUP
        ):
            staying.add(client)
            continue
        reasons = []
        for rule, blocker in blockers:
            found = blocker(ctx, client)
            for node, message, *rest in found if isinstance(found, list) else [found] if found else []:
                code, fix = (rest + [None, None])[:2]
                reasons.append((code or min(rule.codes), node, message, fix))
        fixable = bool(reasons) and all(fix for *_, fix in reasons)
        if fixable and ctx.options.unsafe_fixes:
            unsafe.append(client)
            reasons = []
        elif fixable:
            held_back.append(client)
        for code, node, message, fix in reasons:
            if fixable:
                out.report(code, node, f"{message} {fix}", applicability="unsafe")
            else:
                out.report(code, node, message)
        if reasons:
            staying.add(client)
        else:
            candidates.append(client)
    _hold_back_shared(ctx, out, candidates, staying)
    return [c for c in candidates if c not in staying]


def _hold_back_shared(ctx: RuleContext, out: Changes, candidates: list[Client], staying: set[Client]) -> None:
    """A request, copy or private attribute reached through two constructions (`self.client` built in two
    branches) is rewritten for both or for neither: a client that shares one with a client staying on the dated
    API stays too."""
    if not staying or not candidates:
        return
    shared = ctx.reach().shared(ctx.analysis)
    changed = True
    while changed:
        changed = False
        for node, clients in shared:
            kept = next((c for c in clients if c in staying), None)
            if kept is None:
                continue
            for client in (c for c in clients if c not in staying and c in candidates):
                assert kept.call is not None and client.call is not None
                out.report(
                    "AOAI101",
                    client.call,
                    f"{ctx.code_for(node).strip().splitlines()[0][:60]} (line {ctx.position(node).start.line}) may "
                    f"use this client or the one built at line {ctx.position(kept.call).start.line}, which stays on "
                    "the dated API (see its finding), so this client stays too; migrate them together by hand.",
                )
                staying.add(client)
                changed = True


def _module_settings_move(ctx: RuleContext) -> bool:
    """The module client's Azure settings move unless the module is openai<1.0 code (AOAI107: the 1.x client
    comes first; the project may pin openai<1.0), a token provider is set (the module client takes none in OpenAI
    mode), `openai.api_type` is also set to something else (the mode depends on the path taken), `openai.base_url` is
    set (the dated base URL, see rules/module_client.py), or AOAI106 is off here."""
    anchor = azure_anchor(ctx.analysis)
    if anchor is None or ctx.analysis.legacy_calls or ctx.hidden_legacy_call() is not None:
        return False
    if ctx.options.openai_0x_pin or legacy_setting(ctx.analysis) is not None:
        return False
    if other_api_type(ctx.analysis) is not None or base_url_setting(ctx.analysis) is not None:
        return False
    return token_provider_setting(ctx.analysis) is None and ctx.active("AOAI106", anchor)


def label_unsafe(ctx: RuleContext, findings: list[Finding]) -> list[Finding]:
    """The fixed findings inside the constructor of a client that moved by an unsafe fix are that fix's, and say
    so (`applicability` "unsafe"): every report format lists them apart."""
    if ctx.plan is None or not ctx.plan.unsafe:
        return findings
    spans = []
    for client in ctx.plan.unsafe:
        assert client.call is not None
        span = ctx.position(client.call)
        spans.append(((span.start.line, span.start.column + 1), (span.end.line, span.end.column + 1)))

    def inside(f: Finding) -> bool:
        return any(start <= (f.line, f.column) <= end for start, end in spans)

    return [dataclasses.replace(f, applicability="unsafe") if f.fixed and inside(f) else f for f in findings]
