"""What a module says, read with CPython's own parser: the facts that rules' declarations are checked
against before LibCST parses a module.

Every rule declares what it needs to see (`codemod/rules/`: `words` for the byte filter, `needs` here). A
module whose facts meet no enabled rule's `needs` is left alone after one `ast.parse`, which costs a small
part of LibCST's parse, scope analysis and transformation. The facts over-approximate what the engine can
see (imports bind everywhere, whatever the scope; identifiers are NFKC-normalized as the compiler does),
so a rule that reads only what it declared is never filtered out: `tests/test_syntax_filter.py` checks the
filtered and unfiltered runs agree on every fixture and on generated modules."""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any

from codemod.advisor.credentials import looks_like_secret


@dataclass(frozen=True)
class Facts:
    names: frozenset[str]  # dotted names reached through imports, with every prefix: "openai", "openai.OpenAI"
    identifiers: frozenset[str]  # names, attributes, keywords, parameters, imported and bound names
    strings: tuple[str, ...]  # string constants, f-string literal parts included
    star_imports: frozenset[str]  # modules imported with `*`: any name may come from them
    plain_strings: tuple[str, ...] = ()  # string constants that are whole literals (no f-string parts)
    # (callee, keyword) for each keyword argument of a call: the callee's last name (`b` of `a.b(...)`), or "" when
    # the call is not made through a name or an attribute (`f()(k=1)`, `x[0](k=1)`)
    keywords: frozenset[tuple[str, str]] = frozenset()
    # what each condition said of these facts: the rules' needs share most of their conditions
    memo: dict[Need, bool] = field(default_factory=dict, compare=False, repr=False)


def read_facts(source: str | ast.Module) -> Facts | None:
    """The facts of a module, or None when CPython cannot parse it (the caller then lets LibCST decide)."""
    if isinstance(source, ast.Module):
        return _Collector().collect(source)
    return _facts_of_text(source)


@lru_cache(maxsize=4)  # the runner's filter and then the engine's choice of rules read the same text
def _facts_of_text(source: str) -> Facts | None:
    tree = _parse(source)
    return None if tree is None else _Collector().collect(tree)


def _parse(source: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like: not ours to print
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Collector:
    def __init__(self) -> None:
        # local name -> every dotted name an import binds it to (a second import of the name, or a fallback in
        # `except ImportError:`, leaves the engine unsure which one runs: it must see them all)
        self.bound: dict[str, set[str]] = {}
        self.identifiers: set[str] = set()
        self.strings: list[str] = []
        self.string_ids: list[int] = []
        self.parts: set[int] = set()  # ids of the literal parts of f-strings
        self.stars: set[str] = set()
        self.chains: list[list[str]] = []  # name, then attributes: ["oa", "AzureOpenAI"]
        self.keywords: set[tuple[str, str]] = set()

    def collect(self, tree: ast.Module) -> Facts:
        add_identifier, add_string = self.identifiers.add, self.strings.append
        for node in ast.walk(tree):
            kind = type(node)
            if kind is ast.Name:
                add_identifier(node.id)
                self.chains.append([node.id])
            elif kind is ast.Attribute:
                add_identifier(node.attr)
                chain = _chain(node)
                if chain is not None:
                    self.chains.append(chain)
            elif kind is ast.Constant:
                if type(node.value) is str:
                    add_string(node.value)
                    self.string_ids.append(id(node))
            elif kind is ast.JoinedStr:  # ast.walk visits it before its parts
                self.parts.update(id(part) for part in node.values)
            elif kind is ast.keyword or kind is ast.arg:
                if node.arg:
                    add_identifier(node.arg)
            elif kind is ast.Call and node.keywords:
                func = node.func
                callee = func.id if type(func) is ast.Name else func.attr if type(func) is ast.Attribute else ""
                self.keywords.update((callee, keyword.arg) for keyword in node.keywords if keyword.arg)
            elif kind is ast.Import or kind is ast.ImportFrom:
                self._imported(node)
            elif kind in _NAMED:
                add_identifier(node.name)
        plain = tuple(value for value, node_id in zip(self.strings, self.string_ids, strict=True)
                      if node_id not in self.parts)
        return Facts(frozenset(self._names()), frozenset(self.identifiers), tuple(self.strings), frozenset(self.stars),
                     plain, frozenset(self.keywords))

    def _imported(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.bound.setdefault(alias.asname, set()).add(alias.name)
                    self.identifiers.add(alias.asname)
                else:  # `import a.b.c` binds `a`, and names the whole path
                    top = alias.name.split(".")[0]
                    self.bound.setdefault(top, set()).add(top)
                    self.chains.append(alias.name.split("."))
                self.identifiers.update(alias.name.split("."))
            return
        module = "." * node.level + (node.module or "")
        self.identifiers.update((node.module or "").split("."))
        for alias in node.names:
            if alias.name == "*":
                self.stars.add(module)
                continue
            local = alias.asname or alias.name
            self.bound.setdefault(local, set()).add(f"{module}.{alias.name}")
            self.identifiers.update((alias.name, local))
            self.chains.append([local])

    def _names(self) -> set[str]:
        names: set[str] = set()
        for chain in self.chains:
            for base in self.bound.get(chain[0], ()):
                dotted = base
                names.add(dotted)
                for attr in chain[1:]:
                    dotted = f"{dotted}.{attr}"
                    names.add(dotted)
        for dotted in list(names):  # `openai.lib.azure.AzureOpenAI` also names `openai`, `openai.lib`, ...
            while "." in dotted:
                dotted = dotted.rsplit(".", 1)[0]
                names.add(dotted)
        return names


_NAMED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _chain(node: ast.Attribute) -> list[str] | None:
    """`a.b.c` -> ["a", "b", "c"]; None when the chain does not start at a plain name."""
    attrs: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        attrs.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return [current.id, *reversed(attrs)]


# ---- what a rule needs to see ---------------------------------------------------------------------------
# Declarative, so that a rule's declaration can be written to codemod/data/rules.json and read back by the
# runner without importing the rule (and LibCST).


@dataclass(frozen=True)
class TextFacts:
    """What the text itself shows, before any parse: its raw text and every word shaped like an identifier (in
    code, strings and comments alike). A need that these rule out cannot be met by the module's facts in a way a
    rule acts on: an identifier is a word of it, a string's contents are in it (as written: like the byte filter, a
    string whose letters are escapes is not seen), and a name reached through an import spells its top-level
    package and, below it, its last part after a dot that follows the part before it or an alias, or among the
    names a `from` import of the module above it lists (`Names`). Text that is not ASCII is read NFKC-normalized for
    its words and its code (`code`), as the compiler reads identifiers."""

    raw: str
    words: frozenset[str]
    code: str  # the text the words were read from: `raw`, NFKC-normalized when it is not ASCII
    memo: dict[Need, bool] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def lines(self) -> str:
        """The words, one per line: one regular-expression search over them all instead of one per word."""
        return "\n".join(self.words)

    def after(self, head: str, word: str) -> bool:
        """Whether `word` is written after a dot that follows `head` or an alias (a name after `as`): `head.word`,
        `(head  # comment\n ).word`, `alias.word`; white space, backslash continuations and comments may stand on
        both sides of the dot, closing parentheses before it."""
        key = (head, word)
        seen = self._seen.get(key)
        if seen is None:
            code = self.code
            heads = self.aliases | {head}
            seen = self._seen[key] = any(
                candidate in heads for dot in _after_gap(word).finditer(code) for candidate in _heads(code, dot.start())
            )
        return seen

    def from_imported(self, module: str, word: str) -> bool:
        """Whether a `from` import of `module` (a dotted name) lists `word` (`from openai import (A, B)`). Text in
        strings and comments may read as one too: that only makes the look less sharp."""
        listed = self._seen.get(module)
        if listed is None:
            found = _from_import(module).findall(self.code)
            listed = self._seen[module] = frozenset(w for names in found for w in _WORD.findall(names))
        return word in listed

    @cached_property
    def aliases(self) -> frozenset[str]:
        """The names written after the word `as` (imports' aliases; `with` and `except` targets too)."""
        code = self.code
        return frozenset(found.group(1) for found in _ALIAS.finditer(code)
                         if found.start() == 0 or not _is_identifier_char(code[found.start() - 1]))

    @cached_property
    def lowered(self) -> str:
        return self.raw.lower()

    @cached_property
    def star_import(self) -> bool:
        return _STAR_IMPORT.search(self.code) is not None

    @cached_property
    def _seen(self) -> dict[Any, Any]:
        return {}


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# Runs of characters that are not ASCII punctuation, controls or white space: an identifier with non-ASCII letters
# lies within one of them.
_TOKEN = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\s]+")

# A comment runs to the end of its line: the pattern says so, so that a `#` in it (a banner of `#`s, a comment
# after a comment's words) cannot start another one, nor its characters be read as anything else (a search that
# fails would try every way of splitting the line: exponential in its `#`s).
_COMMENT = r"#[^\r\n]*(?![^\r\n])"
# Between two tokens of one statement: white space (new lines inside brackets), a backslash continuation, a comment.
_GAP = rf"(?:\s|\\|{_COMMENT})*"
# Patterns start with a literal where they can: the search then skips ahead to it (a leading `\b` would make it
# try every position). A match inside a longer word only makes the look less sharp.
_STAR_IMPORT = re.compile(rf"import{_GAP}\*")


_ALIAS = re.compile(rf"as(?:\s|\\|{_COMMENT})+([A-Za-z_][A-Za-z0-9_]*)")
_LAST_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BEFORE_DOT = " \t\f\r\\)"  # what may stand between an expression's last name and a dot, comments aside


def _is_identifier_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@lru_cache(maxsize=256)
def _after_gap(word: str) -> re.Pattern[str]:
    return re.compile(rf"\.{_GAP}{re.escape(word)}(?![A-Za-z0-9_])")


def _heads(code: str, dot: int) -> Iterator[str]:
    """The names that may end the expression before the dot at `dot`. Going up from the dot, lines that hold
    only white space, closing parentheses and a comment are passed over; on the first other line the last name
    before its end counts, and so does the last name before each `#` in it (a `#` may be in a string, so any of
    them may start the comment)."""
    end = dot
    while True:
        start = max(code.rfind("\n", 0, end), code.rfind("\r", 0, end)) + 1
        line = code[start:end]
        lead = line.lstrip(_BEFORE_DOT)
        if lead and not lead.startswith("#"):
            for cut in (len(line), *(i for i, char in enumerate(line) if char == "#")):
                found = _LAST_WORD.search(line[:cut].rstrip(_BEFORE_DOT))
                if found is not None:
                    yield found.group()
            return
        if start == 0:
            return
        end = start - 1


@lru_cache(maxsize=64)
def _from_import(module: str) -> re.Pattern[str]:
    """`from MODULE import NAMES`, NAMES captured: a parenthesized list (a comment in it may hold a
    parenthesis) or the rest of the logical line, backslash continuations included."""
    gap = r"(?:[ \t\f]|\\[\s\S])"
    path = rf"{gap}*\.{gap}*".join(re.escape(part) for part in module.split("."))
    return re.compile(rf"from{gap}+{path}{gap}+import\b"
                      rf"({gap}*(?:\((?:[^)#]|{_COMMENT})*\)|(?:[^\r\n\\]|\\[\s\S])*))")


def read_text_facts(source: str) -> TextFacts:
    """The text's words. The compiler reads identifiers NFKC-normalized (`ＡzureOpenAI` is `AzureOpenAI`), so a
    text that is not ASCII gives the words of its normalized form, and the runs an identifier with non-ASCII
    letters lies in; `raw` stays the text as written (string contents are not normalized)."""
    if source.isascii():
        return TextFacts(source, frozenset(_WORD.findall(source)), source)
    normalized = unicodedata.normalize("NFKC", source)
    return TextFacts(source, frozenset(_WORD.findall(normalized)) | frozenset(_TOKEN.findall(normalized)), normalized)


class Need:
    """A condition on a module's facts. Combine with `&` and `|`. `maybe` is the cheap look at the text: it is
    True whenever `met` could be."""

    def met(self, facts: Facts) -> bool:
        raise NotImplementedError

    def maybe(self, text: TextFacts) -> bool:
        raise NotImplementedError

    def data(self) -> dict[str, Any]:
        raise NotImplementedError

    def __and__(self, other: Need) -> Need:
        return AllOf((self, other))

    def __or__(self, other: Need) -> Need:
        return AnyOf((self, other))


class Condition(Need):
    """A need that looks at the facts (not a combination of needs): what it said of a module's facts or text is
    remembered with them, as the rules' needs repeat the same conditions."""

    cost = 1  # a combination looks at its cheaper parts first

    def met(self, facts: Facts) -> bool:
        memo = facts.memo
        if (said := memo.get(self)) is None:
            said = memo[self] = self.met_by(facts)
        return said

    def maybe(self, text: TextFacts) -> bool:
        memo = text.memo
        if (said := memo.get(self)) is None:
            said = memo[self] = self.maybe_in(text)
        return said

    def met_by(self, facts: Facts) -> bool:
        raise NotImplementedError

    def maybe_in(self, text: TextFacts) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class AllOf(Need):
    parts: tuple[Need, ...]

    def met(self, facts: Facts) -> bool:
        return all(part.met(facts) for part in self.parts)

    def maybe(self, text: TextFacts) -> bool:
        return all(part.maybe(text) for part in self.parts)

    def data(self) -> dict[str, Any]:
        return {"all": [part.data() for part in self.parts]}


@dataclass(frozen=True)
class AnyOf(Need):
    parts: tuple[Need, ...]

    def met(self, facts: Facts) -> bool:
        return any(part.met(facts) for part in self.parts)

    def maybe(self, text: TextFacts) -> bool:
        return any(part.maybe(text) for part in self.parts)

    def data(self) -> dict[str, Any]:
        return {"any": [part.data() for part in self.parts]}


@dataclass(frozen=True, init=False)
class Names(Condition):
    """One of these dotted names is reached through an import (a star import from a module on their path
    counts too). Name a module to accept everything below it."""

    dotted: tuple[str, ...]

    def __init__(self, *dotted: str) -> None:
        object.__setattr__(self, "dotted", tuple(sorted(set(dotted))))

    cost = 0

    def met_by(self, facts: Facts) -> bool:
        if any(name in facts.names for name in self.dotted):
            return True
        return any(_on_path(star, name) for star in facts.star_imports for name in self.dotted)

    def maybe_in(self, text: TextFacts) -> bool:
        # An import statement spells the top-level package. Below it, the name's last part is written after a dot
        # that follows the part before it or an alias (a reference `openai.api_key`, `oa.api_key`, a module
        # `openai.lib.azure`), or listed by a `from` import of the module above it (`from openai import api_key`);
        # a star import may bring any name. `self.api_key`, `api_key=...` and `from camel.types import
        # ChatCompletion` are not `openai.api_key` or `openai.ChatCompletion`.
        words = text.words
        for name in self.dotted:
            top, _, rest = name.partition(".")
            parent, _, last = name.rpartition(".")
            if top not in words or last not in words:
                continue
            if (not rest or not last.isascii() or text.star_import or text.after(parent.rpartition(".")[2], last)
                    or text.from_imported(parent, last)):
                return True
        return False

    def data(self) -> dict[str, Any]:
        return {"names": list(self.dotted)}


def _on_path(module: str, dotted: str) -> bool:
    return dotted == module or dotted.startswith(module + ".")


@dataclass(frozen=True)
class Identifiers(Condition):
    """An identifier in which `pattern` (a regular expression) is found, ignoring case."""

    pattern: str

    def met_by(self, facts: Facts) -> bool:
        found = _compiled(self.pattern).search
        return any(found(name) for name in facts.identifiers)

    def maybe_in(self, text: TextFacts) -> bool:
        # Over the words one per line, `^` and `$` match where a word starts and ends: a word in which the pattern
        # is found gives a match there (a match across two lines only makes the look less sharp, never wrong).
        # `\A` and `\Z` would not: such a pattern looks at each word.
        if "\\A" in self.pattern or "\\Z" in self.pattern:
            found = _compiled(self.pattern).search
            return any(found(word) for word in text.words)
        return _compiled(self.pattern, re.MULTILINE).search(text.lines) is not None

    def data(self) -> dict[str, Any]:
        return {"identifiers": self.pattern}


@dataclass(frozen=True)
class Keyword(Condition):
    """A call that passes keyword `keyword` (a name) to a callee whose last name `callee` (a regular expression)
    is found in, ignoring case unless the pattern says otherwise (`(?-i:OpenAI)`): `AzureChatOpenAI(api_version=...)`,
    `lc.AzureChatOpenAI(api_version=...)`. A keyword spread from a dict (`**{"api_version": v}`) is not one."""

    callee: str
    keyword: str

    def met_by(self, facts: Facts) -> bool:
        found = _compiled(self.callee).search
        return any(keyword == self.keyword and found(callee) for callee, keyword in facts.keywords)

    def maybe_in(self, text: TextFacts) -> bool:
        # both are written: the keyword as a word, the callee's last name as a word the pattern is found in
        return self.keyword in text.words and Identifiers(self.callee).maybe_in(text)

    def data(self) -> dict[str, Any]:
        return {"callee": self.callee, "keyword": self.keyword}


@dataclass(frozen=True)
class Credentials(Condition):
    """A whole string literal (no f-string part) that AOAI305 calls a hard-coded key or token."""

    cost = 2

    def met_by(self, facts: Facts) -> bool:
        return any(looks_like_secret(value) for value in facts.plain_strings)

    def maybe_in(self, text: TextFacts) -> bool:
        # No look at the text: a key split over implicitly joined literals (`"0123456789abcdef" "0123..."`, a long
        # token wrapped at the line length) shows no long run in it. The rule's other needs are looked at.
        return True

    def data(self) -> dict[str, Any]:
        return {"credentials": True}


@dataclass(frozen=True)
class Strings(Condition):
    """A string constant in which `pattern` (a regular expression) is found, ignoring case. `plain`: only whole
    literals count, not the literal parts of f-strings (for a rule that reads plain string values only)."""

    pattern: str
    plain: bool = False

    @property
    def cost(self) -> int:  # type: ignore[override]
        # a search that can skip ahead to a word the pattern must find is cheaper than one that tries every place
        return 2 if _required_words(self.pattern) else 3

    def met_by(self, facts: Facts) -> bool:
        found = _compiled(self.pattern).search
        return any(found(value) for value in (facts.plain_strings if self.plain else facts.strings))

    def maybe_in(self, text: TextFacts) -> bool:
        # What every match contains, looked for first in the text lowered (where lowering is ASCII's, as the
        # search ignores ASCII case); anchors of the pattern apply to whole strings: look for what they anchor
        # anywhere in the text.
        required = _required_words(self.pattern)
        if required and text.raw.isascii() and not all(word in text.lowered for word in required):
            return False
        return _compiled(self.pattern.replace("^", "").replace("$", "")).search(text.raw) is not None

    def data(self) -> dict[str, Any]:
        return {"strings": self.pattern, "plain": True} if self.plain else {"strings": self.pattern}


@dataclass(frozen=True)
class Always(Need):
    """For a rule that reads something the facts do not hold: every module goes to LibCST."""

    def met(self, facts: Facts) -> bool:
        return True

    def maybe(self, text: TextFacts) -> bool:
        return True

    def data(self) -> dict[str, Any]:
        return {"always": True}


ALWAYS = Always()
NEVER = AnyOf(())


@cache
def _required_words(pattern: str) -> tuple[str, ...]:
    """Runs of three or more plain characters that every match of `pattern` holds, lower-cased; none when the
    pattern has alternatives, groups or character sets (a reading that stays on the safe side, not a parser)."""
    if any(char in pattern for char in "|()["):
        return ()
    runs, run, at = [], "", 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            escaped = pattern[at + 1 : at + 2]
            if escaped and not escaped.isalnum():  # `\.`: the character itself
                run += escaped
            else:  # `\d`, `\w`, `\b`, ...: a class or an assertion
                runs.append(run)
                run = ""
            at += 2
            continue
        if char in "*?{":  # the character before may be missing
            runs.append(run[:-1])
            run = ""
            at = pattern.find("}", at) + 1 if char == "{" else at + 1
            if at == 0:
                return ()
            continue
        if char in "+.^$":
            runs.append(run)
            run = ""
        else:
            run += char
        at += 1
    runs.append(run)
    return tuple(run.lower() for run in runs if len(run) >= 3)


@cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | flags)


def any_of(needs: Iterable[Need]) -> Need:
    parts = tuple(needs)
    return parts[0] if len(parts) == 1 else AnyOf(parts)


def compact(need: Need) -> Need:
    """The same condition, looked at faster: nested combinations of one kind flattened, repeated parts dropped,
    cheap parts (names) looked at before dear ones (searches of the whole text)."""
    if isinstance(need, (AnyOf, AllOf)):
        kind = type(need)
        parts: list[Need] = []
        for part in (compact(p) for p in need.parts):
            for each in part.parts if type(part) is kind else (part,):
                if each not in parts:
                    parts.append(each)
        if kind is AnyOf and ALWAYS in parts:
            return ALWAYS
        if len(parts) == 1:
            return parts[0]
        return kind(tuple(sorted(parts, key=_cost)))
    return need


def _cost(need: Need) -> int:
    if isinstance(need, Condition):
        return need.cost
    return max((_cost(part) for part in getattr(need, "parts", ())), default=0)


def need_from_data(data: dict[str, Any]) -> Need:
    """The inverse of `Need.data()`."""
    if "all" in data:
        return AllOf(tuple(need_from_data(part) for part in data["all"]))
    if "any" in data:
        return AnyOf(tuple(need_from_data(part) for part in data["any"]))
    if "names" in data:
        return Names(*data["names"])
    if "identifiers" in data:
        return Identifiers(data["identifiers"])
    if "strings" in data:
        return Strings(data["strings"], plain=data.get("plain", False))
    if data.get("credentials"):
        return Credentials()
    if "callee" in data:
        return Keyword(data["callee"], data["keyword"])
    if data.get("always"):
        return ALWAYS
    raise ValueError(f"not a need: {data!r}")
