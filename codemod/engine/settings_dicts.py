"""Settings dicts built in the client's own scope: `client_args = {}` (or a dict literal), then literal-keyed
writes, some in `if`/`else` branches, then `AzureOpenAI(azure_endpoint=E, api_version=V, **client_args)` (the
shape of Azure's own samples). When every write is in sight, the tool knows which keys may reach the constructor
on each path through those branches, and the rules rewrite the keys where they are written.

A dict is followed only when all of this holds, otherwise `settings_of` returns None and the client is reported as
any `**settings` client: the name is bound once, in the constructor's scope, to `{}` or a dict literal with string
keys; its every other use is `NAME["literal"] = value`, written in the same block as the constructor's statement
and before it, or in `if`/`elif`/`else` branches of that block (not in loops, `try`, `with` or nested functions);
the constructor is in a simple statement of that block; and every key is one the rules know how to carry over."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment, ScopeProvider

from codemod.engine.analysis import Analysis, Client, is_none, string_value

CREDENTIAL_KEYS = frozenset({"api_key", "azure_ad_token_provider", "azure_ad_token"})
# keys OpenAI takes with the same meaning as AzureOpenAI: they are left as they are
NEUTRAL_KEYS = frozenset({"timeout", "max_retries", "default_headers", "http_client", "organization", "project"})
# keys carried over only where the dict literal holds them (a written `api_version` would leave an empty branch)
LITERAL_ONLY_KEYS = frozenset({"api_version"})
KNOWN_KEYS = CREDENTIAL_KEYS | NEUTRAL_KEYS | LITERAL_ONLY_KEYS | {"azure_endpoint"}
MAX_PATHS = 64


@dataclass(frozen=True)
class Entry:
    """One place a key is set: a dict literal's element, or a `NAME["key"] = value` statement."""

    key: str
    key_node: cst.SimpleString
    value: cst.BaseExpression
    literal: cst.Dict | None  # the dict literal that holds the element (None: a subscript write)
    element: cst.DictElement | None


@dataclass(frozen=True)
class SettingsDict:
    name: str
    spread: cst.Arg
    entries: tuple[Entry, ...]
    paths: tuple[frozenset[str], ...]  # the keys the dict may hold at the constructor, one set per path

    def entries_for(self, keys: frozenset[str]) -> list[Entry]:
        return [e for e in self.entries if e.key in keys]

    def on_every_path(self, keys: frozenset[str]) -> bool:
        return all(path & keys for path in self.paths)

    def on_some_path(self, keys: frozenset[str]) -> bool:
        return any(path & keys for path in self.paths)


def settings_of(analysis: Analysis, client: Client) -> SettingsDict | None:
    """The settings dict spread into the client's constructor, when the tool can follow every write to it."""
    call = client.call
    if call is None:
        return None
    spreads = [a for a in call.args if a.star]
    if len(spreads) != 1 or spreads[0].star != "**" or not isinstance(spreads[0].value, cst.Name):
        return None
    if any(a.keyword is None and not a.star for a in call.args):
        return None
    spread = spreads[0]
    assignment = _single_assignment(analysis, spread.value)
    if assignment is None:
        return None
    binding = analysis.meta.parent(analysis.meta.parent(assignment.node))
    literal = analysis.bound_value_of(assignment.node)
    if not isinstance(binding, cst.Assign) or len(binding.targets) != 1 or not isinstance(literal, cst.Dict):
        return None
    entries = _literal_entries(literal)
    writes = _writes(analysis, assignment, spread.value)
    if entries is None or writes is None:
        return None
    block, first, last = _block_between(analysis, binding, call)
    if block is None:
        return None
    paths = _paths(analysis, block[first + 1 : last], frozenset(e.key for e in entries), writes)
    entries += [entry for _, entry in writes]
    if paths is None or not _keys_fit(call, entries):
        return None
    return SettingsDict(spread.value.value, spread, tuple(entries), tuple(paths))


def _single_assignment(analysis: Analysis, name: cst.Name) -> Assignment | None:
    referents = analysis.referents(name)
    if len(referents) != 1:
        return None
    (referent,) = referents
    if not isinstance(referent, Assignment) or not isinstance(referent.node, cst.Name):
        return None
    if len(list(referent.scope.assignments[referent.name])) != 1:
        return None
    return referent


def _literal_entries(literal: cst.Dict) -> list[Entry] | None:
    out = []
    for element in literal.elements:
        key = string_value(element.key) if isinstance(element, cst.DictElement) else None
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString) or key is None:
            return None
        out.append(Entry(key, element.key, element.value, literal, element))
    return out


def _writes(
    analysis: Analysis, assignment: Assignment, spread: cst.Name
) -> list[tuple[cst.SimpleStatementLine, Entry]] | None:
    """Every `NAME["key"] = value` (with the line it is on); None if the name is used any other way."""
    out = []
    for reference in assignment.references:
        node = reference.node
        if node is spread:
            continue
        if analysis.meta.get(ScopeProvider, node) is not assignment.scope:
            return None  # a nested function or comprehension: not followed
        subscript = analysis.meta.parent(node)
        target = analysis.meta.parent(subscript)
        statement = analysis.meta.parent(target)
        line = analysis.meta.parent(statement)
        if not (
            isinstance(subscript, cst.Subscript)
            and subscript.value is node
            and isinstance(target, cst.AssignTarget)
            and isinstance(statement, cst.Assign)
            and len(statement.targets) == 1
            and isinstance(line, cst.SimpleStatementLine)
            and len(subscript.slice) == 1
        ):
            return None
        index = subscript.slice[0].slice
        key_node = index.value if isinstance(index, cst.Index) else None
        key = string_value(key_node) if isinstance(key_node, cst.SimpleString) else None
        if key is None or not isinstance(key_node, cst.SimpleString):
            return None
        out.append((line, Entry(key, key_node, statement.value, None, None)))
    return out


def _block_between(analysis: Analysis, binding: cst.Assign, call: cst.Call):
    """(statements of the block, index of the binding's line, index of the constructor's line), or (None, 0, 0)
    unless both are simple statements of one block, the binding first."""
    line = analysis.meta.parent(binding)
    block = analysis.meta.parent(line)
    statements = getattr(block, "body", None)
    if not isinstance(line, cst.SimpleStatementLine) or not isinstance(statements, (list, tuple)):
        return None, 0, 0
    holder = next((a for a in analysis.meta.ancestors(call) if analysis.meta.parent(a) is block), None)
    if not isinstance(holder, cst.SimpleStatementLine) or holder not in statements:
        return None, 0, 0
    first, last = statements.index(line), statements.index(holder)
    return (statements, first, last) if first < last else (None, 0, 0)


def _paths(
    analysis: Analysis,
    statements,
    start: frozenset[str],
    writes: list[tuple[cst.SimpleStatementLine, Entry]],
) -> list[frozenset[str]] | None:
    """The key sets each path through `statements` leaves, or None when a write is somewhere not followed."""
    lines = {line: [] for line, _ in writes}
    for line, entry in writes:
        lines[line].append(entry.key)
    placed: set[cst.SimpleStatementLine] = set()
    paths = _walk(statements, [start], lines, placed)
    if paths is None or placed != set(lines) or len(paths) > MAX_PATHS:
        return None
    return paths


def _walk(statements, paths, lines, placed) -> list[frozenset[str]] | None:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            if statement in lines:
                placed.add(statement)
                paths = [path | frozenset(lines[statement]) for path in paths]
        elif isinstance(statement, cst.If):
            paths = _walk_if(statement, paths, lines, placed)
        elif _holds_any(statement, lines):
            return None
        if paths is None or len(paths) > MAX_PATHS:
            return None
    return list(dict.fromkeys(paths))


def _walk_if(statement: cst.If, paths, lines, placed) -> list[frozenset[str]] | None:
    taken = _walk(_body(statement.body), paths, lines, placed)
    if statement.orelse is None:
        other = paths
    elif isinstance(statement.orelse, cst.If):
        other = _walk_if(statement.orelse, paths, lines, placed)
    else:
        other = _walk(_body(statement.orelse.body), paths, lines, placed)
    if taken is None or other is None:
        return None
    return [*taken, *other]


def _body(suite: cst.BaseSuite):
    return suite.body if isinstance(suite, cst.IndentedBlock) else [cst.SimpleStatementLine(body=suite.body)]


def _holds_any(statement: cst.CSTNode, lines) -> bool:
    found = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if node in lines:
                found.append(node)
            return not found

    statement.visit(Finder())
    return bool(found)


def _keys_fit(call: cst.Call, entries: list[Entry]) -> bool:
    """Only keys the rules carry over, none also given to the constructor, `api_version` only in the literal, and no
    credential or endpoint set to None (AzureOpenAI took None as "not given" and read its variable instead)."""
    given = {a.keyword.value for a in call.args if a.keyword is not None}
    for entry in entries:
        if entry.key not in KNOWN_KEYS or entry.key in given:
            return False
        if entry.key in CREDENTIAL_KEYS | {"azure_endpoint"} and is_none(entry.value):
            return False
        if entry.key in LITERAL_ONLY_KEYS and entry.literal is None:
            return False
    return True


def with_text(key: cst.SimpleString, text: str) -> cst.SimpleString:
    """The key string with another text, in the same quotes and prefix."""
    return key.with_changes(value=f"{key.prefix}{key.quote}{text}{key.quote}")
