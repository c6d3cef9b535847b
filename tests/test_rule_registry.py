"""The rule registry: every rule module declares a checked `RULE`, the index the runner's filters read is the
declarations written out (so a new rule cannot be filtered out by a stale index), `aoai-migrate rules CODE` prints
a rule's full text, and a malformed declaration is an error that says what to fix."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

from codemod import rules
from codemod.rule_index import summaries
from codemod.rules import INDEX, Rule, RuleError, all_rules, check, docs_text, index_data


def test_the_index_is_the_declarations_written_out() -> None:
    """Run `python -m codemod.rules` when this fails: the index is what the filters and the CLI read."""
    assert json.loads(INDEX.read_text(encoding="utf-8")) == json.loads(json.dumps(index_data()))


def test_docs_are_the_docstrings_written_out() -> None:
    assert rules.DOCS.read_text(encoding="utf-8") == docs_text()


def test_every_code_has_one_rule_and_every_module_rule_acts() -> None:
    codes = [code for rule in all_rules() for code in rule.codes]
    assert len(codes) == len(set(codes))
    assert set(summaries()) == {"AOAI000", *codes}
    for rule in all_rules():
        assert rule.scope == "project" or rule.apply is not None or rule.blocker is not None


def test_a_misspelled_argument_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(TypeError):
        Rule(__name__, codes={"AOAI999": "x"}, aply=lambda ctx: None)  # type: ignore[call-arg]


def _module(name: str, doc: str) -> str:
    module = types.ModuleType(name, doc)
    sys.modules[name] = module
    return name


GOOD_DOC = "X.\n\n## What it does\na\n## Why\nb\n## Example\nc\n## Fix safety\nd\n"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"module": "elsewhere"}, "pass __name__"),
        ({"codes": {"AOAI1": "x"}}, "three digits"),
        ({"codes": {"AOAI999": ""}}, "summary"),
        ({"apply": None}, "needs apply"),
        ({"apply": lambda: None}, "takes 1 argument"),
        ({"blocker": lambda ctx: None}, "takes 2 argument"),
        ({"words": ("OpenAI",)}, "lower-case"),
        ({"needs": "openai"}, "Need"),
        ({"scope": "file"}, "scope"),
    ],
)
def test_the_registry_rejects_a_malformed_rule(changes: dict, message: str) -> None:
    name = _module("codemod_test_rule_bad", GOOD_DOC)
    fields = {"module": name, "codes": {"AOAI999": "x"}, "apply": lambda ctx: ctx}
    fields.update(changes)
    with pytest.raises(RuleError, match=message):
        check(Rule(**fields), name)


def test_the_registry_rejects_a_docstring_without_the_sections() -> None:
    name = _module("codemod_test_rule_undocumented", "X.\n\n## What it does\na\n")
    with pytest.raises(RuleError, match="Why, Example, Fix safety"):
        check(Rule(name, codes={"AOAI999": "x"}, apply=lambda ctx: ctx), name)


def test_a_good_rule_passes() -> None:
    name = _module("codemod_test_rule_good", GOOD_DOC)
    check(Rule(name, codes={"AOAI999": "x"}, apply=lambda ctx: ctx), name)


def test_a_module_without_a_rule_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "codemod.rules.stray", types.ModuleType("codemod.rules.stray"))
    with pytest.raises(RuleError, match="defines no RULE"):
        rules._load("stray")


def test_rules_code_prints_the_whole_text() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "codemod", "rules", "AOAI104"], capture_output=True, text=True, check=True
    )
    for part in ("AOAI104  ", "## What it does", "## Why", "## Example", "## Fix safety", "asyncio.to_thread"):
        assert part in done.stdout
    listing = subprocess.run([sys.executable, "-m", "codemod", "rules"], capture_output=True, text=True, check=True)
    assert listing.stdout.splitlines()[0].startswith("AOAI000  ")
    unknown = subprocess.run([sys.executable, "-m", "codemod", "rules", "AOAI999"], capture_output=True, text=True)
    assert unknown.returncode == 2 and "no rule has the code" in unknown.stderr


def test_the_readme_rule_table_is_generated_from_the_rules() -> None:
    """`python -m codemod.rules` rewrites it; a new rule or a changed summary without that fails here."""
    readme = rules.README.read_text(encoding="utf-8")
    assert readme == rules.readme_with_table(readme)
    for rule in all_rules():
        for code, summary in rule.codes.items():
            assert f"| [{code}](docs/rules.md#{code.lower()}) | {summary} |" in readme
