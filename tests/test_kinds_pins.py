"""Dependency pins (codemod/kinds/requirements, pyproject, setup_cfg, pipfile, pin_raise): what a raised
requirement means to `packaging` — it admits the version the migrated code needs and nothing older — and
that everything else about the requirement (name, extras, markers, the other lines) is what it was."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement
from packaging.version import Version

from codemod.advisor.pin_files import read_pins
from codemod.advisor.pins import allowed_around, to_specifier
from codemod.cli import main
from codemod.kinds import RunFacts, rewrite_file
from codemod.kinds.pin_raise import Raised, Refused, raise_constraint
from tests.test_kinds import CASES, KindCase, read

NEEDED = Version("1.106.0")
PIN_KINDS = ("requirements", "pyproject", "setup_cfg", "pipfile")
RAISED = [c for c in CASES if c.kind in PIN_KINDS and read(c.source) != read(c.expected)]


def pins(case: KindCase, text: str):
    return read_pins(case.name, text)


@pytest.mark.parametrize("case", RAISED, ids=[c.id for c in RAISED])
def test_raised_pins_admit_the_needed_version_and_exclude_the_old_ones(case: KindCase) -> None:
    before, after = pins(case, read(case.source)), pins(case, read(case.expected))
    assert [p.line for p in before] == [p.line for p in after]
    for old, new in zip(before, after, strict=True):
        old_spec, new_spec = to_specifier(old.constraint, old.poetry), to_specifier(new.constraint, new.poetry)
        assert old_spec is not None and new_spec is not None
        if old.constraint == new.constraint:
            continue
        assert allowed_around(new_spec, NEEDED) == (True, False), new.constraint
        assert new_spec.contains(NEEDED)
        lowest_old = min(v for v in _PROBES if old_spec.contains(v))
        assert not new_spec.contains(lowest_old), (old.constraint, new.constraint)


@pytest.mark.parametrize("case", RAISED, ids=[c.id for c in RAISED])
def test_only_the_version_changes(case: KindCase) -> None:
    before, after = read(case.source).splitlines(), read(case.expected).splitlines()
    changed = {p.line for p in pins(case, read(case.source))}
    assert len(before) == len(after)
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if number not in changed:
            assert old == new
    for old, new in zip(pins(case, read(case.source)), pins(case, read(case.expected)), strict=True):
        if old.poetry or case.kind == "pipfile":
            continue  # a TOML key, not a PEP 508 string
        old_req, new_req = Requirement(old.written), Requirement(new.written)
        assert (old_req.name, old_req.extras) == (new_req.name, new_req.extras)
        assert str(old_req.marker) == str(new_req.marker)
        comment = before[old.line - 1].partition("#")[2]
        assert after[new.line - 1].partition("#")[2] == comment


_PROBES = [Version(f"1.{minor}.{micro}") for minor in range(0, 120) for micro in (0, 5)] + [Version("2.0.0")]


@pytest.mark.parametrize(
    ("constraint", "poetry", "expected"),
    [
        ("==1.40.0", False, "==1.106.0"),
        (">=1.0", False, ">=1.106.0"),
        (">= 1.30, <2", False, ">= 1.106.0, <2"),
        (">1.50", False, ">=1.106.0"),
        ("~=1.40", False, "~=1.106"),
        ("~=1.40.0", False, "~=1.106.0"),
        ("<2", False, ">=1.106.0,<2"),
        ("!=1.5", False, ">=1.106.0,!=1.5"),
        ("==1.*", False, ">=1.106.0,==1.*"),
        ("^1.40", True, "^1.106"),
        ("~1.50", True, "~1.106"),
        ("1.40.0", True, "1.106.0"),
        (">=1.2 <2", True, ">=1.106.0 <2"),
    ],
)
def test_raise_constraint(constraint: str, poetry: bool, expected: str) -> None:
    assert raise_constraint(constraint, "1.106.0", poetry) == Raised(expected)


@pytest.mark.parametrize(
    ("constraint", "poetry", "reason"),
    [
        (">=1.30,<1.100", False, "upper bound"),
        ("==1.40.*", False, "wildcard"),
        ("===1.40.0", False, "arbitrary-equality"),
        ("==0.28.1", False, "0.x"),
        ("^0.28", True, "0.x"),
        ("^1.2 || ^2.0", True, "can edit safely"),
        ("1.40.0", False, "PEP 440"),
        (">=1.2 <1.50", True, "upper bound"),
    ],
)
def test_raise_constraint_refuses_what_is_not_certain(constraint: str, poetry: bool, reason: str) -> None:
    outcome = raise_constraint(constraint, "1.106.0", poetry)
    assert isinstance(outcome, Refused) and reason in outcome.reason


def test_a_need_for_responses_alone_raises_to_1_66() -> None:
    facts = RunFacts(needs={"client.responses": "1.66.0"})
    result = rewrite_file("openai==1.40.0\n", PurePath("requirements.txt"), facts)
    assert result.text == "openai==1.66.0\n" and "client.responses" in result.findings[0].message


def test_nothing_needed_nothing_changed() -> None:
    for name in ("requirements.txt", "pyproject.toml", "setup.cfg", "Pipfile", "poetry.lock"):
        result = rewrite_file("openai==1.0\n", PurePath(name), RunFacts())
        assert result.text == "openai==1.0\n" and not [f for f in result.findings if f.code == "AOAI306"]


def test_requirements_folder_and_in_files_are_dependency_files() -> None:
    from codemod.advisor.pin_files import is_dependency_file

    for name in ("requirements/base.txt", "requirements/dev.in", "requirements-dev.in", "requirements.txt"):
        assert is_dependency_file(PurePath(name)), name
    for name in ("docs/notes.txt", "constraints.txt", "requirements.md"):
        assert not is_dependency_file(PurePath(name)), name


def test_messages_show_the_change_and_the_reason() -> None:
    (finding,) = rewrite_file("openai==1.40.0\n", PurePath("requirements.txt"), RunFacts(needs={
        "a token provider passed as api_key": "1.106.0"})).findings
    assert finding.fixed and "`==1.40.0` -> `==1.106.0`" in finding.message and "token provider" in finding.message


def test_lock_files_name_the_command() -> None:
    facts = RunFacts(needs={"a token provider passed as api_key": "1.106.0"})
    text = '[[package]]\nname = "openai"\nversion = "1.40.0"\n'
    (finding,) = rewrite_file(text, PurePath("uv.lock"), facts).findings
    assert "uv lock --upgrade-package openai" in finding.message and finding.needs_person


LANGCHAIN_APP = '''import os

from langchain_openai import AzureChatOpenAI

llm = AzureChatOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], azure_deployment="chat",
                      api_version="2024-10-21", api_key=os.environ["AZURE_OPENAI_API_KEY"])
'''


@pytest.mark.parametrize(
    ("name", "requirement", "moves"),
    [
        ("requirements.txt", "langchain-openai==0.2.9\n", False),
        ("pyproject.toml", '[tool.poetry.dependencies]\nlangchain_openai = "^0.1.1"\n', False),
        ("requirements.txt", "langchain-openai>=0.3\n", True),  # allows 1.x: the newest is installed
        ("requirements.txt", "langchain-openai==1.0.1\n", True),
    ],
)
def test_langchain_classes_stay_under_a_langchain_openai_pin_older_than_1_0_1(
    tmp_path: Path, name: str, requirement: str, moves: bool
) -> None:
    """The v1 form of LangChain's classes relies on langchain-openai 1.0.1 (a callable api_key, usage streamed by
    default, which the rewrite writes out): under a pin that rules it out they stay, reported with the pin
    (Azure-Samples/agent-openai-python-prompty-langchain-pinecone pins `^0.1.1` and passes a token provider)."""
    (tmp_path / name).write_text(requirement)
    (tmp_path / "app.py").write_text(LANGCHAIN_APP)
    result = CliRunner().invoke(main, [str(tmp_path), "--output-format", "concise"])
    migrated = (tmp_path / "app.py").read_text()
    if moves:
        assert "ChatOpenAI(" in migrated and "AzureChatOpenAI" not in migrated, result.output
    else:
        assert migrated == LANGCHAIN_APP
        assert "AOAI502" in result.output and f"({tmp_path / name}:" in result.output, result.output
