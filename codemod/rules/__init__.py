"""The rule registry. Every public module of this package is one rule family and defines
`RULE = Rule(__name__, ...)`: its codes with one-line summaries, what it needs to see (`words` for the byte
filter, `needs` for the syntax filter), and `apply(ctx) -> Changes` and/or `blocker(ctx, client)`. Its docstring
is the rule's documentation in ruff's shape (What it does / Why / Example / Fix safety), printed by
`aoai-migrate rules CODE`. Modules whose name starts with `_` are helpers, not rules.

Adding a rule is adding a file. The registry checks each declaration (`RuleError` names the module and what is
wrong) and writes `codemod/data/rules.json`, the index the runner's filters and the command line read without
importing LibCST (`python -m codemod.rules` rewrites it; tests/test_rule_registry.py fails when it is stale)."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codemod.engine.syntax import ALWAYS, Need, need_from_data

if TYPE_CHECKING:
    from codemod.engine.analysis import Client
    from codemod.engine.context import Changes, RuleContext

INDEX = Path(__file__).resolve().parent.parent / "data" / "rules.json"
SECTIONS = ("What it does", "Why", "Example", "Fix safety")
_CODE = re.compile(r"AOAI\d{3}")

Blocked = tuple  # (node, message), (node, message, code) or (node, message, code, unsafe_fix): why a client
# stays on the dated API; a blocker returns one of them, a list of them, or None. `unsafe_fix` says what an unsafe
# fix would do instead: with --unsafe-fixes, a client whose every reason has one moves (codemod/plan.py).


class RuleError(Exception):
    """A rule module that does not declare a rule as the registry expects; the message says what to fix."""


@dataclass(frozen=True)
class Rule:
    """One rule family, declared by its module: `RULE = Rule(__name__, codes={...}, apply=apply)`.

    - `codes`: code -> one-line summary (what `aoai-migrate rules` lists).
    - `words`: the byte filter. The rule cannot act on a file that contains none of these alternatives (an
      alternative is a word, or a tuple of words that must all appear), in any ASCII case.
    - `needs`: the syntax filter. The rule cannot act on a module whose facts (codemod/engine/syntax.py) do not
      meet this.
    - `apply(ctx) -> Changes`: the rule's findings and edits for one module.
    - `blocker(ctx, client) -> (node, message[, code]) | None`: consulted before any Azure client moves to the
      v1 API; a reason keeps the client (and every client sharing its uses) on the dated API.
    - `advisor`: a report-only rule that `aoai-migrate advise` runs too (on a module where nothing is planned).
    - `scope`: "module" for rules the engine runs on Python code, "project" for findings made from other files
      (dependency pins, configuration), documented here and produced by codemod/kinds and codemod/advisor.
    """

    module: str
    codes: Mapping[str, str]
    apply: Callable[[RuleContext], Changes] | None = None
    blocker: Callable[[RuleContext, Client], Blocked | list[Blocked] | None] | None = None
    words: tuple[str | tuple[str, ...], ...] = ("openai",)
    needs: Need = ALWAYS
    scope: str = "module"
    advisor: bool = False  # report-only: also runs in `aoai-migrate advise`, where nothing is planned

    @property
    def name(self) -> str:
        return self.module.rsplit(".", 1)[-1]

    @property
    def doc(self) -> str:
        return inspect.getdoc(sys.modules[self.module]) or ""


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, checked, in the order of their first codes (which is the order their edits compose in)."""
    rules = [_load(info.name) for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    _check_unique(rules)
    return tuple(sorted(rules, key=lambda rule: min(rule.codes)))


def module_rules() -> tuple[Rule, ...]:
    return tuple(rule for rule in all_rules() if rule.scope == "module")


def rule_for(code: str) -> Rule | None:
    return next((rule for rule in all_rules() if code in rule.codes), None)


def _load(name: str) -> Rule:
    module = importlib.import_module(f"{__name__}.{name}")
    rule = getattr(module, "RULE", None)
    if not isinstance(rule, Rule):
        raise RuleError(f"codemod/rules/{name}.py defines no RULE = Rule(__name__, ...); a module of this package is "
                        "a rule (or, named with a leading _, a helper).")
    check(rule, module.__name__)
    return rule


def check(rule: Rule, module_name: str) -> None:
    """The contract every declaration meets; raises RuleError saying what is wrong."""
    where = f"rule {module_name}"
    if rule.module != module_name:
        raise RuleError(f"{where}: Rule(...) is given {rule.module!r} as its module; pass __name__.")
    if not rule.codes or not all(_CODE.fullmatch(code) for code in rule.codes):
        raise RuleError(f"{where}: codes must be AOAI followed by three digits, got {sorted(rule.codes)}.")
    if not all(isinstance(summary, str) and summary.strip() for summary in rule.codes.values()):
        raise RuleError(f"{where}: every code needs a one-line summary.")
    if rule.scope not in ("module", "project"):
        raise RuleError(f"{where}: scope must be 'module' or 'project', not {rule.scope!r}.")
    if rule.scope == "module" and rule.apply is None and rule.blocker is None:
        raise RuleError(f"{where}: a module rule needs apply(ctx) or blocker(ctx, client).")
    if rule.scope == "project" and (rule.apply is not None or rule.blocker is not None):
        raise RuleError(f"{where}: a project rule's findings come from codemod/kinds; it has no apply or blocker.")
    _check_callable(where, "apply", rule.apply, 1)
    _check_callable(where, "blocker", rule.blocker, 2)
    if not rule.words or not all(_is_word(word) for word in rule.words):
        raise RuleError(f"{where}: words must be non-empty lower-case ASCII strings or tuples of them.")
    if not isinstance(rule.needs, Need):
        raise RuleError(f"{where}: needs must be a codemod.engine.syntax.Need.")
    doc = inspect.getdoc(sys.modules[module_name]) or ""
    missing = [section for section in SECTIONS if f"## {section}" not in doc]
    if missing:
        raise RuleError(f"{where}: its docstring lacks the section(s) {', '.join(missing)} (as '## {missing[0]}').")


def _check_callable(where: str, what: str, value: object, arity: int) -> None:
    if value is None:
        return
    if not callable(value):
        raise RuleError(f"{where}: {what} must be a function.")
    parameters = [p for p in inspect.signature(value).parameters.values() if p.default is p.empty]
    if len(parameters) != arity:
        raise RuleError(f"{where}: {what} takes {arity} argument(s) without defaults, not {len(parameters)}.")


def _is_word(word: object) -> bool:
    parts = word if isinstance(word, tuple) else (word,)
    return bool(parts) and all(isinstance(p, str) and p and p.isascii() and p == p.lower() for p in parts)


def _check_unique(rules: list[Rule]) -> None:
    owners: dict[str, str] = {}
    for rule in rules:
        for code in rule.codes:
            if code in owners:
                raise RuleError(f"{code} is declared by both rule {owners[code]} and rule {rule.name}.")
            owners[code] = rule.name


# ---- the index: what the runner's filters and the command line read without importing the rules --------------


def index_data() -> dict[str, Any]:
    return {
        "generated_by": "python -m codemod.rules (from each rule's RULE declaration; do not edit)",
        "rules": [
            {
                "name": rule.name,
                "scope": rule.scope,
                "codes": dict(rule.codes),
                "words": [list(w) if isinstance(w, tuple) else w for w in rule.words],
                "needs": rule.needs.data(),
            }
            for rule in all_rules()
        ],
    }


def write_index(path: Path = INDEX) -> bool:
    """Write the index; True when it changed."""
    text = json.dumps(index_data(), indent=1, sort_keys=True) + "\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old != text:
        path.write_text(text, encoding="utf-8")
    return old != text


def needs_from_index(data: Mapping[str, Any]) -> Need:
    return need_from_data(data)


# ---- documentation: `aoai-migrate rules CODE` and docs/rules.md print the rules' docstrings -----------------------

DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "rules.md"


def rule_text(code: str) -> str:
    """The full text of the rule that has `code`: its codes and summaries, then its docstring."""
    from codemod.findings import FILE_ERROR, FILE_ERROR_SUMMARY

    if code == FILE_ERROR:
        return (
            f"{FILE_ERROR}  {FILE_ERROR_SUMMARY}\n\nThe file is reported with the reason (it cannot be read, is not "
            "text in its declared encoding, does not parse, is too deeply nested, or is over 10 MiB) and left as it "
            "is; the other files of the run are migrated. Exit code 3."
        )
    rule = rule_for(code)
    if rule is None:
        raise KeyError(code)
    heading = "\n".join(f"{c}  {summary}" for c, summary in rule.codes.items())
    body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
    return f"{heading}\n\n{body}\n"


def docs_text() -> str:
    """docs/rules.md: every rule's full text, in code order, one section per code family."""
    parts = [
        "# aoai-migrate rules",
        "",
        "Generated from the rules' docstrings by `python -m codemod.rules` (`aoai-migrate rules CODE` prints the same "
        "text); do not edit.",
    ]
    for rule in all_rules():
        anchors = "".join(f'<a id="{c.lower()}"></a>' for c in rule.codes)
        title = ", ".join(rule.codes)
        text = rule_text(min(rule.codes)).rstrip().replace("\n## ", "\n### ")
        parts += ["", f"## {anchors}{title}", "", text]
    return "\n".join(parts) + "\n"


def write_docs(path: Path = DOCS) -> bool:
    text = docs_text()
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if old != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return old != text


# ---- the README's rule table --------------------------------------------------------------------------------------

README = DOCS.parent.parent / "README.md"
TABLE_START, TABLE_END = "<!-- rules table: generated by python -m codemod.rules -->", "<!-- end of rules table -->"


def readme_table() -> str:
    """One row per code: the code (linked to its full text in docs/rules.md) and its summary."""
    from codemod.findings import FILE_ERROR, FILE_ERROR_SUMMARY

    summaries = {code: summary for rule in all_rules() for code, summary in rule.codes.items()}
    rows = ["| code | summary |", "|---|---|", f"| {FILE_ERROR} | {FILE_ERROR_SUMMARY} |"]
    rows += [f"| [{code}](docs/rules.md#{code.lower()}) | {summaries[code]} |" for code in sorted(summaries)]
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    """`text` (the README) with the part between the table's markers replaced by the current table."""
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    return f"{text[:start]}\n{readme_table()}\n{text[end:]}"


def write_readme(path: Path = README) -> bool:
    old = path.read_text(encoding="utf-8")
    new = readme_with_table(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
