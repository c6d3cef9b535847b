"""AOAI105 one call deep: a module-level function (a factory) that returns a client with a literal client-level
deployment D. The client can move to the v1 API safely when every use of the factory in the run is in sight: each
use calls it, and what the call returns is followed as a client is (names, `self.<attr>`, method calls), reaching
requests, never a copy, a watched attribute (`_azure_*`, `base_url`...) or a place out of sight. Those requests
then get `model=D`, in the factory's own file and in each file of the run that imports the factory
(codemod/run/factories.py decides across the files)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ScopeProvider

from codemod.engine import names
from codemod.engine.analysis import Client, keyword_arg, own_returns, string_value
from codemod.engine.context import Changes, RuleContext
from codemod.engine.deployments import deployment_of
from codemod.engine.escapes import holder_class_of, how_it_escapes, module_level_names_of, out_of_sight_from
from codemod.rules._deployment_vars import env_lookup


@dataclass(frozen=True)
class Factory:
    name: str
    deployment: str  # the literal client-level deployment
    function: cst.FunctionDef


def factory_of(ctx: RuleContext, client: Client, deployment: cst.BaseExpression, hidden: list) -> Factory | None:
    """The factory, when every out-of-sight use of the client is a `return` in one plain module-level function
    whose every `return` gives this client."""
    literal = string_value(deployment)
    if literal is None or not hidden:
        return None
    functions = set()
    for node in hidden:
        if not isinstance(ctx.meta.parent(node), cst.Return):
            return None
        functions.add(next((a for a in ctx.meta.ancestors(node) if isinstance(a, cst.FunctionDef)), None))
    if len(functions) != 1:
        return None
    (function,) = functions
    if function is None or function.decorators or function.asynchronous is not None:
        return None
    if ctx.meta.parent(function) is not ctx.module or not _returns_only(ctx, function, client):
        return None
    return Factory(function.name.value, literal, function)


def _returns_only(ctx: RuleContext, function: cst.FunctionDef, client: Client) -> bool:
    """Every `return` of the function gives the client: the constructor itself, or a name bound once, to it. A
    path that returned something else would send its requests with model=D too."""
    found = own_returns(function)
    if found.yields:
        return False
    for value in found.values:
        if value is client.call:
            continue
        if not isinstance(value, cst.Name) or ctx.analysis.bound_values(value) != [client.call]:
            return False
        if len([b for b in ctx.bindings().of(function, value.value) if b.rebinds]) != 1:
            return False
    return True


@dataclass(frozen=True)
class Uses:
    requests: tuple[cst.Call, ...]  # deployment-route requests made on what the factory returns
    problem: tuple[cst.CSTNode, str] | None  # the first use that cannot be followed, and why
    # what holds the returned client where another module can import it: module-level names and classes
    exported: tuple[str, ...] = ()


def uses_of(ctx: RuleContext, local: str, label: str) -> Uses:
    """How the module uses the factory bound to `local` (defined here or imported)."""
    scope = ctx.meta.get(ScopeProvider, ctx.module)
    assignments = list(scope.assignments[local]) if scope is not None else []
    if len(assignments) != 1:
        return Uses((), (ctx.module, f"{local} is bound more than once in this module"))
    if ctx.hidden_mentions(local):
        return Uses((), (ctx.module, f"{local} is named in code the tool cannot see"))
    calls = []
    for reference in assignments[0].references:
        parent = ctx.meta.parent(reference.node)
        if not isinstance(parent, cst.Call) or parent.func is not reference.node:
            return Uses((), (reference.node, f"{label} is used here other than by calling it"))
        calls.append(parent)
    for call in calls:
        hidden = out_of_sight_from(ctx.analysis, call)
        if hidden:
            how = how_it_escapes(ctx.analysis, hidden[0])
            return Uses((), (hidden[0], f"the client {label} returns goes out of sight here ({how})"))
    requests = []
    for node, path in ctx.analysis.made_through(calls):
        if isinstance(node, cst.Attribute) or path[-1] in names.CLIENT_COPY_METHODS:
            what = f"reads {path[-1]}" if isinstance(node, cst.Attribute) else f"makes a copy ({path[-1]}())"
            return Uses((), (node, f"this code {what} of the client {label} returns"))
        if path in names.DEPLOYMENT_ROUTE_REQUESTS:
            if keyword_arg(node, "model") is None and any(a.star == "**" for a in node.args):
                return Uses((), (node, "this request takes its arguments from **, which may hold model="))
            requests.append(node)
    holders = [holder_class_of(ctx.analysis, call) for call in calls]
    exported = [name for call in calls for name in module_level_names_of(ctx.analysis, call)]
    exported += [holder.name.value for holder in holders if holder is not None]
    return Uses(tuple(requests), None, tuple(sorted(set(exported))))


def give_model(ctx: RuleContext, out: Changes, requests: tuple[cst.Call, ...], deployment: str) -> None:
    """`model=D` on each request (through AOAI201's variable when that rule is on): the dated client sent them to D
    whatever their model= said."""
    for call in requests:
        literal = cst.SimpleString(f'"{deployment}"') if '"' not in deployment else cst.SimpleString(repr(deployment))
        value = env_lookup(ctx, out, deployment, literal) if ctx.active("AOAI201", call) else literal
        ops = out.edits.call(call)
        if keyword_arg(call, "model") is not None:
            ops.replace["model"] = ("model", value)
        else:
            ops.add.append(("model", value))


def imported_as(ctx: RuleContext, module: str, name: str) -> str | None:
    """The local name of `from ...module import name [as local]` at the top of this module."""
    for statement in ctx.module.body:
        for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else []:
            if not isinstance(small, cst.ImportFrom) or small.module is None or isinstance(small.names, cst.ImportStar):
                continue
            dotted = ctx.code_for(small.module)
            if dotted.rsplit(".", 1)[-1] != module:
                continue
            for alias in small.names:
                if ctx.code_for(alias.name) == name:
                    return alias.evaluated_alias or name
    return None


def followed(ctx: RuleContext, client: Client, deployment: cst.BaseExpression, hidden: list) -> Factory | None:
    """The factory that returns the client, when the run found every use of it in sight (the runner's
    `followed_factories`) and this module's uses are."""
    factory = factory_of(ctx, client, deployment, hidden)
    if factory is None or factory.name not in ctx.options.followed_factories.get(ctx.path, ()):
        return None
    return factory if uses_of(ctx, factory.name, f"{factory.name}()").problem is None else None


def note_factories(ctx: RuleContext, out: Changes) -> None:
    """What the runner needs across files: the factories defined here whose uses here are in sight (record
    `factories`), and for each factory another file defines and this one imports, whether its uses here are
    followed (record `factory_uses`, "" when they are); those requests get model=D."""
    if ctx.plan is None:
        return
    for client in ctx.analysis.clients:
        # only a client that nothing but its factory keeps on the dated API (an unsafe fix would move it)
        if not any(client is c for c in (*ctx.plan.unsafe, *ctx.plan.held_back)):
            continue
        deployment = deployment_of(client)
        hidden = out_of_sight_from(ctx.analysis, client.call)
        factory = factory_of(ctx, client, deployment, hidden) if deployment is not None else None
        uses = uses_of(ctx, factory.name, f"{factory.name}()") if factory is not None else None
        if factory is not None and uses is not None and uses.problem is None:
            out.record.factories[factory.name] = (factory.deployment, ctx.position(factory.function.name).start.line)
            out.record.factory_exports[factory.name] = uses.exported
    for name, (module, deployment) in ctx.options.factory_imports.get(ctx.path, {}).items():
        local = imported_as(ctx, module, name)
        uses = uses_of(ctx, local, f"{local}()") if local is not None else None
        if uses is None or uses.problem is not None:
            node, why = uses.problem if uses is not None and uses.problem else (ctx.module, f"{name} is not imported "
                                                                                 f"here with from ... import {name}")
            out.record.factory_uses[f"{module}:{name}"] = why
            out.report("AOAI105", node, (
                f"{name}() (module {module}) returns a client whose requests go to deployment {deployment!r}, and "
                f"{why}, so the tool can't give them model={deployment!r}: that client stays on the dated API. "
                f"Pass model={deployment!r} on the requests made through it here, then migrate it by hand."
            ))
            continue
        out.record.factory_uses[f"{module}:{name}"] = ""
        out.record.factory_exports[f"{module}:{name}"] = uses.exported
        give_model(ctx, out, uses.requests, deployment)
        for call in uses.requests:
            out.report("AOAI105", call, f"model={deployment!r}: the request goes through {local}() (module {module}), "
                       f"whose client's deployment {deployment!r} moved to its requests", fixed=True)
