"""The two filters in front of LibCST, computed from the rules' declarations (codemod/rules/, read from the index
codemod/data/rules.json). A file reaches LibCST only when one enabled rule could act on it:

1. bytes: the file contains one of the rule's `words` in any ASCII case (at memory speed, on every file; words
   that contain a shorter word of another rule are looked for only where that one is found, so a file that holds
   none of them costs one scan per group, not one per word);
2. syntax: the module's words may meet the rule's `needs` (a look at the text), and then CPython's own parser
   reads the module's facts (codemod/engine/syntax.py: names reached through imports, identifiers, strings) and
   they meet them (one `ast.parse` on the files whose words pass).

Both over-approximate what a rule reads, so a file they rule out is one the engine would neither change nor report
on (tests/test_prefilter.py and tests/test_syntax_filter.py check it), except that a module CPython cannot parse
is reported only when its words show what a rule needs: it then goes on to LibCST, which says why."""

from __future__ import annotations

import re
from collections.abc import Iterable

from codemod.engine.syntax import Need, any_of, compact, read_facts, read_text_facts
from codemod.options import Options
from codemod.rule_index import IndexedRule, indexed_rules

# PEP 263 codecs in which the bytes of an ASCII word are those letters and nothing else decodes to them.
_PLAIN_CODECS = re.compile(
    r"^(utf[-_]?8(-sig)?|ascii|us-ascii|latin[-_]?1|iso[-_]?8859[-_]\d+|cp\d+|windows-\d+|koi8.*|mac.*)$"
)
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")

Words = tuple[tuple[bytes, ...], ...]  # alternatives, each a tuple of words that must all appear
Gated = tuple[tuple[bytes, Words], ...]  # (gate, alternatives that each need the gate) pairs
_CACHE: dict[tuple, tuple[Words, Need]] = {}
_GATED: dict[Words, Gated] = {}


def _enabled(rule: IndexedRule, options: Options) -> bool:
    return rule.scope == "module" and any(options.enabled(code) for code in rule.codes)


def filters_for(options: Options) -> tuple[Words, Need]:
    """The byte words and the syntax need of the rules `options` enable."""
    key = (options.select, options.ignore)
    if key not in _CACHE:
        rules = [rule for rule in indexed_rules() if _enabled(rule, options)]
        words = {tuple(w.encode() for w in (word if isinstance(word, tuple) else (word,)))
                 for rule in rules for word in rule.words}
        _CACHE[key] = (_minimal(words), compact(any_of(rule.needs for rule in rules)))
    return _CACHE[key]


def _minimal(alternatives: set[tuple[bytes, ...]]) -> Words:
    """The same filter with fewer checks: an alternative is dropped when another one is met whenever it is (each
    of the other's words is inside one of its words: `openai` makes `azureopenai` and `("openai", "azure")`
    redundant)."""
    def implied_by(other: tuple[bytes, ...], alternative: tuple[bytes, ...]) -> bool:
        return all(any(word in mine for mine in alternative) for word in other)

    kept = [a for a in sorted(alternatives)
            if not any(other != a and implied_by(other, a) and not (implied_by(a, other) and other > a)
                       for other in alternatives)]
    return tuple(kept)


def gated(words: Words) -> Gated:
    """`words` grouped under gates: each alternative goes under the shortest word of all the alternatives that is
    inside one of its own words (`azure` for `azureaudio` and for `("litellm", "azure")`; the word itself when no
    other is), so a group whose gate is missing costs one scan. Every alternative met has its gate: same filter."""
    if words not in _GATED:
        every = sorted({word for alternative in words for word in alternative}, key=lambda w: (len(w), w))
        groups: dict[bytes, list[tuple[bytes, ...]]] = {}
        for alternative in words:
            gate = next(w for w in every if any(w in mine for mine in alternative))
            groups.setdefault(gate, []).append(alternative)
        _GATED[words] = tuple((gate, tuple(alternatives)) for gate, alternatives in groups.items())
    return _GATED[words]


def could_match(data: bytes, words: Words | None = None) -> bool:
    """The byte filter. A file in a codec such as utf-7 or unicode_escape can spell a word with other bytes: it
    is not skipped."""
    if words is None:
        words = filters_for(Options())[0]
    lowered = data.lower()
    for gate, alternatives in gated(words):
        if gate in lowered and any(all(word in lowered for word in alternative) for alternative in alternatives):
            return True
    for line in data.split(b"\n", 2)[:2]:
        cookie = _COOKIE.match(line)
        if cookie is not None:
            return not _PLAIN_CODECS.match(cookie.group(1).decode("ascii", "replace").lower())
    return False


def may_act(text: str, need: Need, *, parse: bool = True) -> bool:
    """The syntax filter: False when no rule's need can be met; True when one is, or when CPython cannot parse a
    module whose words show a need (LibCST then reports why). A cheap look at the text's words comes first
    (syntax.TextFacts): a module it rules out holds nothing any rule acts on, parsed or not, and is skipped
    unparsed like a file without the byte filter's words, its syntax errors left to the tools that check
    syntax (in LLM repositories most modules that mention openai are ruled out there: their parse was a third
    of the run). `parse=False`: the look alone (a notebook's cells, before they are masked and parsed)."""
    if not need.maybe(read_text_facts(text)):
        return False
    if not parse:
        return True
    facts = read_facts(text)
    return facts is None or need.met(facts)


def words_of(rules: Iterable[IndexedRule]) -> set[str]:
    return {w for rule in rules for word in rule.words for w in (word if isinstance(word, tuple) else (word,))}
