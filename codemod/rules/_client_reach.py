"""What keeps a client on the dated API because of something it reaches besides its constructor (AOAI101's
blocker, codemod/rules/client_class.py). The copies themselves are rewritten by AOAI103 and AOAI104.

The client stays on the dated API, reported, when:
- AzureOpenAI's private attributes (`_api_version`, `_azure_endpoint`, `_azure_deployment`, `_azure_ad_token`,
  `_azure_ad_token_provider`) are used on it or on a copy: OpenAI has none of them (AttributeError);
- an attribute whose value the migration changes is used: `base_url`, `default_query`, `auth_headers`, and
  `api_key` of a client given a token or token provider (names.CHANGED_ATTRIBUTES);
- its class decides something (`"Azure" in type(client).__name__`): it is OpenAI after the move;
- a copy takes arguments that can't be carried over: `azure_deployment=` / `azure_endpoint=` (AzureOpenAI's copy()
  rejects them too), its own `base_url=`, `**kwargs`, a query that is not a dict literal, or two credentials;
- the client goes out of sight and such a use is made on a receiver the tool cannot follow (a parameter, a
  factory's result): it may be this client;
- it is stored under an attribute name (`bp.openai_client = ...`) through which a file of the run reads a private
  attribute (`app.blueprints["chat"].openai_client._azure_ad_token_provider` in a test): Options.private_reads,
  found by codemod/run/private_reads.py.
Fixtures: fixtures/client_reach/."""

from __future__ import annotations

import re

import libcst as cst

from codemod.engine import names
from codemod.engine.analysis import Client, is_none_arg, keyword_arg
from codemod.engine.context import RuleContext
from codemod.engine.escapes import how_it_escapes, module_level_names, out_of_sight_uses
from codemod.engine.names import CREDENTIALS
from codemod.engine.reach import azure_copy_args, private_name, stored_attributes

QUERIES = ("default_query", "set_default_query")
_WHAT = {
    "_api_version": "api-version",
    "_azure_endpoint": "endpoint",
    "_azure_deployment": "deployment",
    "_azure_ad_token": "token",
    "_azure_ad_token_provider": "token provider",
}
Blocker = tuple[cst.CSTNode, str, str]
# what, in code the engine cannot see, may be a copy()/with_options() argument or a private attribute of a client
_HIDDEN_USE = re.compile(r"\b_api_version\b|\b_azure_\w+|\b(?:api_version|azure_ad_token(?:_provider)?)\s*=(?!=)")


def reach_blocker(ctx: RuleContext, client: Client) -> Blocker | None:
    hidden_use = _HIDDEN_USE.search(ctx.hidden_code) if ctx.hidden_code else None
    if hidden_use and any(ctx.hidden_mentions(n) for n in module_level_names(ctx.analysis, client)):
        return client.call, (
            f"the client is used in code the tool cannot see (an IPython magic line or a cell that does not parse), "
            f"which has {hidden_use.group(0)!r}: a copy() / with_options() argument or a private attribute that "
            "OpenAI does not take; migrate this client and that code by hand."
        ), "AOAI101"
    reach = ctx.reach().of(client)
    if reach.private:
        return _private_use(ctx, client, reach.private[0], loose=False)
    changed = next((a for a in reach.changed if a.attr.value != "api_key" or _given_token(ctx, client)), None)
    if changed is not None:
        name = changed.attr.value
        return changed, (
            f"{ctx.code_for(changed).strip()[:60]} (line {_line(ctx, changed)}) uses the client's {name}, and after "
            f"the migration {names.CHANGED_ATTRIBUTES[name]}, so the client stays on the dated API. Check what the "
            "code does with the value; once it works with the v1 one, migrate the client by hand."
        ), "AOAI101"
    for copy in reach.copies:
        problem = _copy_problem(ctx, copy)
        if problem is not None:
            return problem
    everywhere = ctx.reach()
    if not everywhere.loose_private and not everywhere.loose_copies:
        return None
    hidden = out_of_sight_uses(ctx.analysis, client)
    if not hidden:
        return None
    escape = f"goes out of sight at line {_line(ctx, hidden[0])} ({how_it_escapes(ctx.analysis, hidden[0])})"
    if everywhere.loose_private:
        node, message, code = _private_use(ctx, client, everywhere.loose_private[0], loose=True)
        return client.call, f"the client {escape}, and {message}", code
    copy = everywhere.loose_copies[0]
    args = ", ".join(f"{a.keyword.value}=" for a in azure_copy_args(copy) if a.keyword is not None)
    return client.call, (
        f"the client {escape}, and {_method(copy)}() at line {ctx.position(copy).start.line}, on a client the tool "
        f"cannot follow, passes {args}, which OpenAI's {_method(copy)}() does not take (TypeError); migrate the "
        "client and that call by hand."
    ), "AOAI101"


def private_read_blocker(ctx: RuleContext, client: Client) -> Blocker | None:
    """A private Azure attribute read, in a file of the run, through an attribute name the client is stored under."""
    reads = ctx.options.private_reads
    stored = [name for name in stored_attributes(ctx.analysis, client) if name in reads] if reads else []
    if not stored:
        return None
    (place, private), *more = reads[stored[0]]
    also = f" (and {len(more)} more place{'s' if len(more) > 1 else ''})" if more else ""
    return client.call, (
        f"{place}{also} reads AzureOpenAI's private attribute {private} through .{stored[0]}, which holds this client; "
        "OpenAI has no such attribute (reading it raises AttributeError), so the client stays on the dated API. "
        f"Keep the {_WHAT.get(private, 'setting')} you pass to the constructor in a variable or attribute of your "
        "own and read that there instead, then run aoai-migrate again."
    ), "AOAI101"


def class_read_blocker(ctx: RuleContext, client: Client) -> Blocker | None:
    """`"Azure" in type(client).__name__`, `client.__class__ is ...`: the client's class decides something there."""
    reads = ctx.reach().of(client).class_reads
    if not reads:
        return None
    read = min(reads, key=lambda node: ctx.position(node).start)
    cls = client.qualified.rsplit(".", 1)[1]
    return read, (
        f"{ctx.code_for(read).strip()} at line {ctx.position(read).start.line} tests the class of this client, which "
        f"is {cls} now and {names.AZURE_CLIENT_CLASSES[client.qualified]} after a move to the v1 API, so the client "
        'stays on the dated API. If the code tells Azure clients apart, test the endpoint instead ("azure.com" in '
        "str(client.base_url)), then run aoai-migrate again."
    ), "AOAI101"


def _private_use(ctx: RuleContext, client: Client, node: cst.CSTNode, *, loose: bool) -> Blocker:
    name = private_name(ctx.analysis, node) or "_azure_*"
    where = "on a client the tool cannot follow" if loose else f"on the client built at {_built_at(ctx, node)}"
    tested = isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "hasattr"
    effect = "hasattr() turns false for it" if tested else "reading it raises AttributeError"
    return node, (
        f"{ctx.code_for(node).strip()[:60]} (line {_line(ctx, node)}) uses AzureOpenAI's private attribute {name} "
        f"{where}; OpenAI has no such attribute ({effect}), so the client stays on the "
        f"dated API. Keep the {_WHAT.get(name, 'setting')} you pass to the constructor in a variable of your own "
        "and use that instead, then run aoai-migrate again."
    ), "AOAI101"


def _given_token(ctx: RuleContext, client: Client) -> bool:
    """Whether the client or a copy is given a token or a token provider (its api_key is then a placeholder)."""
    calls = [client.call, *ctx.reach().of(client).copies] if client.call is not None else []
    keywords = ("azure_ad_token", "azure_ad_token_provider")
    settings = ctx.settings(client)
    if settings is not None and settings.on_some_path(frozenset(keywords)):
        return True
    return any(not is_none_arg(c, k) and keyword_arg(c, k) is not None for c in calls for k in keywords)


def _built_at(ctx: RuleContext, node: cst.CSTNode) -> str:
    """Where the clients that reach `node` are built: "line 7", "lines 7 and 9" (the same words for each)."""
    lines = sorted(_line(ctx, c.call) for c, r in ctx.reach().by_client.items() if node in r.private and c.call)
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"


def _copy_problem(ctx: RuleContext, copy: cst.Call) -> Blocker | None:
    method = _method(copy)
    hidden = next((a for a in copy.args if a.star or a.keyword is None), None)
    if hidden is not None:
        return hidden, (
            f"{method}({ctx.code_for(hidden).strip().rstrip(',')}) hides its arguments, and OpenAI's {method}() takes "
            "no api_version, azure_ad_token or azure_ad_token_provider; pass them as keywords, or migrate this "
            "client by hand."
        ), "AOAI101"
    for arg in copy.args:
        keyword = arg.keyword.value if arg.keyword is not None else ""
        if keyword in names.UNCOPYABLE_ARGS:
            code = {"azure_deployment": "AOAI105", "azure_endpoint": "AOAI102"}.get(keyword, "AOAI101")
            return arg, (
                f"{method}() takes no {keyword}= (AzureOpenAI's raises TypeError as well); remove it, or build "
                "another client for that setting, then run aoai-migrate again."
            ), code
        if keyword == "base_url":
            return arg, (
                f"{method}(base_url=...) gives the copy a URL of its own, which the tool does not move to "
                "/openai/v1/ (and with which AzureOpenAI dropped the client's deployment); migrate this client and "
                "its copy by hand."
            ), "AOAI102"
        if keyword in QUERIES and not isinstance(arg.value, cst.Dict):
            return arg, (
                f"{keyword}={ctx.code_for(arg.value)} on {method}() is not a dict literal, so the tool cannot remove "
                "an 'api-version' from it, and the v1 API rejects requests that carry one; make it a literal, or "
                "migrate this client by hand."
            ), "AOAI103"
    given = [a.keyword.value for a in copy.args if a.keyword is not None and a.keyword.value in CREDENTIALS]
    if len([k for k in given if not is_none_arg(copy, k)]) > 1:
        return copy, (
            f"{method}() is given {', '.join(k + '=' for k in given)}, which AzureOpenAI rejects together "
            "(MutuallyExclusiveAuthError); keep one credential, then run aoai-migrate again."
        ), "AOAI104"
    return None


def _method(copy: cst.Call) -> str:
    return copy.func.attr.value if isinstance(copy.func, cst.Attribute) else "copy"


def _line(ctx: RuleContext, node: cst.CSTNode) -> int:
    return ctx.position(node).start.line
