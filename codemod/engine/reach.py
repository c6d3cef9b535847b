"""Everything a client reaches besides its constructor and its requests: the copies made from it (`copy()` /
`with_options()`, through names, `self.<attr>` and chains such as `client.with_options(timeout=5).chat...`), the
private Azure attributes used on it or on a copy (`client._api_version`, `getattr(c, "_azure_endpoint")`) and the
attributes whose value the migration changes (`client.base_url`, names.CHANGED_ATTRIBUTES).

A migrated client is an `OpenAI` client at every one of these places: OpenAI's `copy()` takes no `api_version`,
`azure_ad_token` or `azure_ad_token_provider`, and it has none of AzureOpenAI's private attributes. Uses whose
receiver the tool cannot follow (a parameter, a factory's result) are kept apart: they may be any client that
goes out of sight. Read by rules/client_reach.py and the engine's planning."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from codemod.engine import names
from codemod.engine.analysis import Analysis, Client, string_value
from codemod.engine.class_checks import CHECK_FUNCTIONS, type_of

# builtins that read, test, set or delete an attribute named by a string: getattr(client, "_api_version")
_ATTRIBUTE_BUILTINS = frozenset({"builtins.getattr", "builtins.hasattr", "builtins.setattr", "builtins.delattr"})


@dataclass
class ClientReach:
    copies: list[cst.Call] = field(default_factory=list)  # copy()/with_options() of the client or of a copy
    private: list[cst.CSTNode] = field(default_factory=list)  # private Azure attribute uses (Attribute or Call)
    changed: list[cst.Attribute] = field(default_factory=list)  # attributes whose value the migration changes
    # `type(c)` / `c.__class__` in a test (`"Azure" in type(c).__name__`): it is OpenAI after the migration
    class_reads: list[cst.CSTNode] = field(default_factory=list)


@dataclass
class Reach:
    by_client: dict[Client, ClientReach]
    loose_copies: list[cst.Call]  # copies with Azure-only arguments on a receiver that is no client in sight
    loose_private: list[cst.CSTNode]  # private Azure attribute uses on such a receiver

    def of(self, client: Client) -> ClientReach:
        return self.by_client.get(client) or ClientReach()

    def shared(self, analysis: Analysis) -> list[tuple[cst.CSTNode, list[Client]]]:
        """Requests, copies and private attribute uses reached through more than one Azure constructor (one name or
        attribute assigned in two branches): those clients move to v1 together or stay together."""
        holders: dict[cst.CSTNode, list[Client]] = {}
        for request in analysis.requests:
            client = request.client
            if client is not None and client.call is not None and client.azure:
                holders.setdefault(request.call, []).append(client)
        for client, reach in self.by_client.items():
            for node in [*reach.copies, *reach.private, *reach.changed, *reach.class_reads]:
                holders.setdefault(node, []).append(client)
        return [(node, clients) for node, clients in holders.items() if len(set(clients)) > 1]


def reach_of(analysis: Analysis) -> Reach:
    reach = Reach({}, [], [])
    for call in analysis.calls:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in names.CLIENT_COPY_METHODS:
            _place(analysis, reach, call, func.value, "copies")
        elif private_name(analysis, call) is not None:
            _place(analysis, reach, call, call.args[0].value, "private")
        elif _class_read(analysis, call):
            _place(analysis, reach, call, call.args[0].value, "class_reads")
    for attribute in analysis.watched_attributes:
        if attribute.attr.value == "__class__":
            if _class_read(analysis, attribute):
                _place(analysis, reach, attribute, attribute.value, "class_reads")
            continue
        kind = "private" if names.is_private_azure_attribute(attribute.attr.value) else "changed"
        _place(analysis, reach, attribute, attribute.value, kind)
    return reach


def _class_read(analysis: Analysis, node: cst.Call | cst.Attribute) -> bool:
    """`type(x)` or `x.__class__` whose value decides something: inside a comparison (`"Azure" in
    type(c).__name__`) or the test of an if/while/assert/conditional expression. Not when it is the value an
    isinstance/issubclass check or a `type(x) is AzureOpenAI` comparison tests: those are checks of the class
    (codemod/engine/class_checks.py, reported by AOAI101 with what they test)."""
    if type_of(node) is None or (isinstance(node, cst.Call) and not analysis.qualified(node.func) & {"builtins.type"}):
        return False
    parent = analysis.meta.parent(node)
    if isinstance(parent, cst.Arg):
        call = analysis.meta.parent(parent)
        if isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in CHECK_FUNCTIONS:
            return False
    checks = {ref.check for ref in analysis.class_refs if ref.kind == "check"}
    child: cst.CSTNode = node
    for ancestor in analysis.meta.ancestors(node):
        if isinstance(ancestor, cst.Comparison):
            return ancestor not in checks
        if isinstance(ancestor, (cst.If, cst.While, cst.IfExp, cst.Assert)) and ancestor.test is child:
            return True
        if isinstance(ancestor, (cst.BaseSmallStatement, cst.BaseCompoundStatement, cst.Lambda)):
            return False
        child = ancestor
    return False


def private_name(analysis: Analysis, node: cst.CSTNode) -> str | None:
    """The private Azure attribute a node uses: `x._api_version`, or `getattr(x, "_api_version")` and its kin."""
    if isinstance(node, cst.Attribute):
        return node.attr.value if names.is_private_azure_attribute(node.attr.value) else None
    if not isinstance(node, cst.Call) or len(node.args) < 2 or not isinstance(node.func, cst.Name):
        return None
    if node.func.value not in ("getattr", "hasattr", "setattr", "delattr"):
        return None
    if not analysis.qualified(node.func) & _ATTRIBUTE_BUILTINS:
        return None
    name = string_value(node.args[1].value)
    return name if name is not None and names.is_private_azure_attribute(name) else None


def azure_copy_args(call: cst.Call) -> list[cst.Arg]:
    """The arguments of a copy() call that only AzureOpenAI's copy() understood (or that neither takes)."""
    return [
        arg
        for arg in call.args
        if arg.keyword is not None and arg.keyword.value in names.AZURE_COPY_ARGS | names.UNCOPYABLE_ARGS
    ]


def _place(analysis: Analysis, reach: Reach, node: cst.CSTNode, receiver: cst.BaseExpression, kind: str) -> None:
    clients = [c for c, path in analysis.clients_of(receiver) if path == () and c.call is not None]
    for client in dict.fromkeys(clients):
        getattr(reach.by_client.setdefault(client, ClientReach()), kind).append(node)
    if clients or _is_self(analysis, receiver):
        return  # a private attribute of the user's own class (`self._azure_endpoint`) is no client's
    if kind == "private":  # only AzureOpenAI has these; `x.base_url` of an unknown x may be anything's
        reach.loose_private.append(node)
    elif isinstance(node, cst.Call) and azure_copy_args(node):
        reach.loose_copies.append(node)


def _is_self(analysis: Analysis, receiver: cst.BaseExpression) -> bool:
    return isinstance(receiver, cst.Name) and analysis.enclosing_class_of_self(receiver) is not None


def stored_attributes(analysis: Analysis, client: Client) -> list[str]:
    """The attribute names an assignment stores the client under (`bp.openai_client = AsyncAzureOpenAI(...)`,
    `self.client = client`): code in another file can reach the client, and its private attributes, through them
    (codemod/run/private_reads.py)."""
    found: list[str] = []
    for stmt in analysis.assigns:
        targets = [t.target for t in stmt.targets if isinstance(t.target, cst.Attribute)]
        if targets and any(c is client and path == () for c, path in analysis.clients_of(stmt.value)):
            found += [target.attr.value for target in targets]
    parent = analysis.meta.parent(client.call) if client.call is not None else None
    if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Attribute):
        found.append(parent.target.attr.value)
    return list(dict.fromkeys(found))
