"""AOAI103 — `api_version=` and `"api-version"` query parameters are removed.

## What it does
For a client that moves to the v1 API, and for its copies (`copy()` / `with_options()`): `api_version=` is
removed, and so is an `"api-version"` key of `default_query=` / `set_default_query=`; requests made through it lose
the key from `extra_query=`. An emptied `default_query` or `extra_query` drops its argument; an emptied
`set_default_query` stays as `{}` (it still replaces the client's query). The v1 API's own values stay
where requests already go to the v1 path: `"v1"` and `"preview"` (which turns on preview features);
`AzureOpenAI(base_url=<.../openai/v1/>, api_version="preview")` becomes
`OpenAI(..., default_query={"api-version": "preview"})`; `"latest"`, which the v1 API does not list, is
reported. An `OpenAI` client already on the v1 API that still sends an api-version is AOAI403's.

## Why
The v1 API has no dated versions: a request that carries one is rejected. Its api-version takes `v1` and
`preview` only (the v1 GA spec). `OpenAI` and its `copy()` take no
`api_version` argument (TypeError).

## Example
```python
# before
client = AzureOpenAI(azure_endpoint=endpoint, api_key=key, api_version="2024-02-01")
client.chat.completions.create(model=deployment, messages=msgs, extra_query={"api-version": "2024-02-01"})
# after
client = OpenAI(base_url=endpoint.rstrip("/") + "/openai/v1/", api_key=key)
client.chat.completions.create(model=deployment, messages=msgs)
```

## Fix safety
Safe. The client stays on the dated API, reported, when an api-version it sends cannot be removed: a query that is
not a dict literal, `**params` carrying an `extra_query`, or requests in code the tool cannot see or follow.

Fixtures: fixtures/api_version/, fixtures/client_reach/.
"""

from __future__ import annotations

import libcst as cst

from codemod.engine.analysis import Client, has_key, keyword_arg, string_value
from codemod.engine.base_urls import V1_VERSIONS, on_v1_path
from codemod.engine.context import Changes, RuleContext
from codemod.engine.edits import drop_dict_elements
from codemod.engine.escapes import module_level_names, out_of_sight_uses
from codemod.rules import Rule
from codemod.rules._needs import ANY_CLIENT

KEY = "api-version"
# LiteLLM's alias for the newest version; not a value the v1 API lists, so a person checks what it should be.
UNLISTED_VERSIONS = frozenset({"latest"})
SETTINGS_VERSION = frozenset({"api_version"})  # the key in a settings dict (codemod/engine/settings_dicts.py)


def blocker(ctx: RuleContext, client: Client) -> tuple[cst.CSTNode, str] | None:
    """The client stays on the dated API when an api-version it sends could not be removed: the v1 API
    rejects every request that carries one."""
    if KEY in ctx.hidden_code and any(ctx.hidden_mentions(n) for n in module_level_names(ctx.analysis, client)):
        return client.call, (
            "the client is used in code the tool cannot see (an IPython magic line or a cell that does not parse) "
            "that passes api-version, which the v1 API rejects; migrate this client and those requests by hand."
        )
    query = client.kwarg("default_query")
    if query is not None and not isinstance(query.value, cst.Dict):
        return query, _UNREADABLE.format(what=f"default_query={ctx.code_for(query.value)}")
    version = client.kwarg("api_version")
    v1 = on_v1_path(ctx.analysis, client)
    settings = ctx.settings(client)
    if v1 and settings is not None and settings.entries_for(SETTINGS_VERSION):
        return settings.entries_for(SETTINGS_VERSION)[0].key_node, (
            f"{settings.name} holds an api_version for a client already on the v1 path, where the v1 API's own "
            '"preview" turns on preview features; the tool does not carry it over from a settings dict. Move it to '
            'default_query={"api-version": ...} by hand, or migrate this client by hand.'
        )
    if query is not None and version is not None and string_value(version.value) == "preview" and v1:
        return version, (
            'api_version="preview" turns on the v1 API\'s preview features, and the tool does not merge it into '
            'this client\'s own default_query; add "api-version": "preview" to default_query by hand and drop '
            "api_version, or migrate this client by hand."
        )
    for request in client.requests:
        extra = keyword_arg(request.call, "extra_query")
        if extra is not None and not isinstance(extra.value, cst.Dict):
            return extra, _UNREADABLE.format(what=f"extra_query={ctx.code_for(extra.value)} on this request")
        spread = _spread_with_query(ctx, request.call)
        if spread is not None:
            return spread, (
                f"**{ctx.code_for(spread.value)} carries an extra_query, which the tool does not rewrite there, and "
                "the v1 API rejects requests that carry an 'api-version'; pass extra_query= as a literal on the "
                "call, or migrate this client by hand."
            )
    loose = _loose_version_query(ctx) if out_of_sight_uses(ctx.analysis, client) else None
    if loose is not None:
        line = ctx.position(loose).start.line
        return client.call, (
            f"the client goes out of sight, and a request at line {line}, through a client the tool cannot follow "
            "(a parameter, say), passes an extra_query with (or maybe with) api-version, which the v1 API rejects; "
            "migrate the client and that request by hand."
        )
    return None


_UNREADABLE = (
    "{what} is not a dict literal, so the tool cannot remove an 'api-version' from it, and the v1 API rejects "
    "requests that carry one; make it a literal, or migrate this client by hand."
)


def _spread_with_query(ctx: RuleContext, call: cst.Call) -> cst.Arg | None:
    """`create(**params)` where params is a dict literal (in sight) with an "extra_query" key."""
    for arg in call.args:
        if arg.star == "**" and isinstance(arg.value, cst.Name):
            if any(has_key(value, "extra_query") for value in ctx.analysis.bound_values(arg.value) or []):
                return arg
    return None


def _loose_version_query(ctx: RuleContext) -> cst.Arg | None:
    """An `extra_query=` that has or may have api-version (not a dict literal), or `**params` carrying one, on
    a call that is no request of a client built in this module."""
    known = {r.call for r in ctx.analysis.requests if r.client is not None and r.client.call is not None}
    for call in ctx.analysis.calls:
        if call in known:
            continue
        extra = keyword_arg(call, "extra_query")
        if extra is not None and (has_key(extra.value, KEY) or not isinstance(extra.value, cst.Dict)):
            return extra
        spread = _spread_with_query(ctx, call)
        if spread is not None:
            return spread
    return None


def _drop_from_settings(ctx: RuleContext, out: Changes, client: Client) -> None:
    """`"api_version": V` in the settings dict literal is removed (codemod/engine/settings_dicts.py keeps the
    key to the literal, where removing an element leaves valid code)."""
    settings = ctx.settings(client)
    for entry in settings.entries_for(SETTINGS_VERSION) if settings is not None else []:
        assert entry.literal is not None
        out.edits.replace(entry.literal, lambda updated: drop_dict_elements(
            updated, lambda e: isinstance(e, cst.DictElement) and string_value(e.key) == "api_version"
        ))
        out.report("AOAI103", entry.key_node, f'"api_version" removed from {settings.name} (the v1 API has none)',
                   fixed=True)


def apply(ctx: RuleContext) -> Changes:
    out = ctx.changes()
    for client in ctx.migrated:
        version = client.kwarg("api_version")
        if version is not None and not _keep_preview(ctx, out, client, version):
            out.edits.call(client.call).remove.add("api_version")
            out.report("AOAI103", version, "api_version removed (the v1 API has none)", fixed=True)
        _drop_from_settings(ctx, out, client)
        drop_query_key(ctx, out, client.call, "default_query", v1=on_v1_path(ctx.analysis, client))
        for copy in ctx.reach().of(client).copies:
            _migrate_copy(ctx, out, copy)
    for request in ctx.analysis.requests:
        client = request.client
        if client is not None and ctx.is_migrated(client):
            if ctx.active("AOAI103", request.call):
                drop_query_key(ctx, out, request.call, "extra_query", v1=on_v1_path(ctx.analysis, client))
        elif client is not None and client.call is None:
            extra = keyword_arg(request.call, "extra_query")
            if extra is not None and has_key(extra.value, KEY):
                out.report(
                    "AOAI103",
                    extra,
                    "this request's client is a parameter built elsewhere; once that client is on the v1 API, "
                    "remove 'api-version' here (the v1 API rejects it).",
                )
    return out


def _migrate_copy(ctx: RuleContext, out: Changes, copy: cst.Call) -> None:
    """copy() / with_options() of a migrated client: OpenAI's copy() takes no api_version (TypeError)."""
    method = copy.func.attr.value if isinstance(copy.func, cst.Attribute) else "copy"
    version = keyword_arg(copy, "api_version")
    if version is not None:
        out.edits.call(copy).remove.add("api_version")
        out.report("AOAI103", version, f"api_version removed from {method}() (the v1 API has none)", fixed=True)
    # default_query= merges into the client's query, so a key-less one can go; set_default_query= replaces the
    # client's query, so an emptied one stays as `{}` (it still clears the client's other keys).
    drop_query_key(ctx, out, copy, "default_query")
    replaced = keyword_arg(copy, "set_default_query")
    if replaced is None or not isinstance(replaced.value, cst.Dict):
        return
    keys = [string_value(e.key) if isinstance(e, cst.DictElement) else None for e in replaced.value.elements]
    if keys and all(key == KEY for key in keys):
        out.edits.replace(replaced.value, cst.Dict([]))
        out.report("AOAI103", replaced, "'api-version' removed from set_default_query (now {})", fixed=True)
    else:
        drop_query_key(ctx, out, copy, "set_default_query")


def _keep_preview(ctx: RuleContext, out: Changes, client: Client, version: cst.Arg) -> bool:
    """AzureOpenAI(base_url=<.../openai/v1/>, api_version="preview") sent api-version=preview to the v1 API, which
    turns on its preview features: the migrated client sends it as default_query. True when rewritten so."""
    if string_value(version.value) != "preview" or client.kwarg("default_query"):
        return False
    if not on_v1_path(ctx.analysis, client):
        return False
    assert client.call is not None
    query = cst.Dict([cst.DictElement(cst.SimpleString(f'"{KEY}"'), version.value.deep_clone())])
    out.edits.call(client.call).replace["api_version"] = ("default_query", query)
    out.report(
        "AOAI103",
        version,
        'api_version="preview" -> default_query={"api-version": "preview"} (the v1 API takes "preview" to turn on '
        "its preview features)",
        fixed=True,
    )
    return True


def drop_query_key(
    ctx: RuleContext, out: Changes, call: cst.Call, keyword: str, code: str = "AOAI103", v1: bool = False
) -> None:
    """Remove the "api-version" key of `keyword`'s dict; on a request to the v1 path (`v1`), a value the v1 API
    takes stays, and one it may not take is reported."""
    arg = keyword_arg(call, keyword)
    if arg is None:
        return
    if not isinstance(arg.value, cst.Dict):
        out.report(
            code,
            arg,
            f"{keyword} is not a dict literal; make sure it carries no 'api-version' (the v1 API rejects it).",
        )
        return
    elements = arg.value.elements
    has_key = [e for e in elements if isinstance(e, cst.DictElement) and string_value(e.key) == KEY]
    if not has_key:
        return
    value = string_value(has_key[0].value)
    if v1 and value in V1_VERSIONS:
        return
    if v1 and value in UNLISTED_VERSIONS:
        out.report(
            code,
            has_key[0],
            f"api-version {value!r} is not one the v1 API lists (it takes 'v1' and 'preview'): send 'preview' "
            "for its preview features, or remove the key.",
        )
        return
    out.report(code, has_key[0], f"'api-version' removed from {keyword}", fixed=True)
    if len(has_key) == len(elements):
        out.edits.call(call).remove.add(keyword)
        return

    def without_key(updated: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(updated, cst.Dict)
        return drop_dict_elements(updated, lambda e: isinstance(e, cst.DictElement) and string_value(e.key) == KEY)

    out.edits.replace(arg.value, without_key)


RULE = Rule(
    __name__,
    codes={"AOAI103": "api_version and 'api-version' query parameters are removed (the v1 API rejects them)."},
    apply=apply,
    blocker=blocker,
    needs=ANY_CLIENT,
)
