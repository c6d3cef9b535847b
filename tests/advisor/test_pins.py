"""AOAI306: openai requirements in every dependency file format, judged against what the code needs."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from codemod.advisor.checks import sdk_needs
from codemod.advisor.pin_files import read_pins
from codemod.advisor.pins import allowed_around, check_openai_pins, to_specifier
from tests.advisor.helpers import FIXTURES, sidecar

TOKEN = {"a token provider passed as api_key": "1.106.0"}
PINS = FIXTURES / "pins"


def test_fixture_tree_reports_each_file_line_and_level() -> None:
    found = check_openai_pins(PINS, TOKEN)
    got = sorted((Path(f.path).relative_to(PINS).as_posix(), str(f.line), f.code, f.level) for f in found)
    assert got == sorted(sidecar(PINS / "expected.findings"))


def test_messages_name_the_requirement_as_written_and_the_minimum() -> None:
    by_file = {Path(f.path).name: f for f in check_openai_pins(PINS / "requirements.txt", TOKEN)}
    message = by_file["requirements.txt"].message
    assert "`openai==1.40.0`" in message and ">=1.106.0" in message and "token provider" in message


def test_nothing_needed_nothing_reported() -> None:
    assert check_openai_pins(PINS, {}) == []


def test_the_strictest_need_wins_and_is_explained() -> None:
    needs = sdk_needs(token_provider_as_api_key=True, uses_responses=True)
    assert set(needs.values()) == {"1.106.0", "1.66.0"}
    (finding,) = check_openai_pins(PINS / "requirements.txt", needs)
    assert "1.106.0" in finding.message and "Responses" not in finding.message


def test_responses_alone_needs_1_66(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai==1.70.0\n")
    assert check_openai_pins(tmp_path, sdk_needs(False, True)) == []
    (tmp_path / "requirements.txt").write_text("openai==1.65.5\n")
    (finding,) = check_openai_pins(tmp_path, sdk_needs(False, True))
    assert finding.level == "warning" and "1.66.0" in finding.message


def test_unconstrained_and_satisfying_pins_are_fine(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("openai\nopenai[datalib]>=1.106.0 ; python_version >= '3.9'\n")
    (tmp_path / "Pipfile").write_text('[packages]\nopenai = "*"\n')
    assert check_openai_pins(tmp_path, TOKEN) == []


def test_skips_virtualenvs_and_unreadable_files(tmp_path: Path) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "requirements.txt").write_text("openai==1.0.0\n")
    (tmp_path / "requirements.txt").write_bytes(b"\xff\xfe openai==1.0.0")
    (tmp_path / "pyproject.toml").write_text("[project\nbroken")
    assert check_openai_pins(tmp_path, TOKEN) == []


def test_requirements_lines_options_comments_and_hashes() -> None:
    text = "-r base.txt\n--index-url https://x\n# openai==1.0\nopenai==1.2.3 --hash=sha256:abc  # why\n"
    (pin,) = read_pins(Path("requirements.txt"), text)
    assert (pin.line, pin.column, pin.constraint) == (4, 1, "==1.2.3")


def test_pep621_locates_the_quoted_requirement() -> None:
    text = '[project]\nname = "openai"\ndependencies = [\n  "httpx",\n  "openai>=1.2",\n]\n'
    (pin,) = read_pins(Path("pyproject.toml"), text)
    assert (pin.line, pin.column, pin.constraint) == (5, 3, ">=1.2")


def test_poetry_sections_only() -> None:
    text = '[tool.other]\nopenai = "==1.0"\n[tool.poetry.dev-dependencies]\nopenai = "1.2.0"\n'
    (pin,) = read_pins(Path("pyproject.toml"), text)
    assert (pin.line, pin.constraint, pin.poetry) == (4, "1.2.0", True)


def test_other_file_names_are_not_read() -> None:
    assert read_pins(Path("constraints.txt"), "openai==1.0\n") == []


@pytest.mark.parametrize(
    ("constraint", "poetry", "expected"),
    [
        ("^1.40", True, "<2,>=1.40"),
        ("^0.28.1", True, "<0.29,>=0.28.1"),
        ("~1.50", True, "<1.51,>=1.50"),
        ("~1", True, "<2,>=1"),
        ("1.40.0", True, "==1.40.0"),
        (">=1.2 <1.50", True, "<1.50,>=1.2"),
        ("*", True, ""),
        ("==1.40.0", False, "==1.40.0"),
        ("~=1.40", False, "~=1.40"),
    ],
)
def test_to_specifier(constraint: str, poetry: bool, expected: str) -> None:
    assert str(to_specifier(constraint, poetry)) == expected


def test_to_specifier_rejects_garbage() -> None:
    assert to_specifier("not a version", False) is None


@pytest.mark.parametrize(
    ("spec", "new", "old"),
    [
        ("==1.40.0", False, True),
        (">=1.0", True, True),
        (">=1.106", True, False),
        (">1.106.0", True, False),
        ("<1.106", False, True),
        ("<=1.106.0", True, True),
        ("==1.*", True, True),
        ("==1.40.*", False, True),
        ("~=1.40", True, True),
        ("~=1.40.0", False, True),
        (">=2", True, False),
        ("!=1.106.0", True, True),
    ],
)
def test_allowed_around(spec: str, new: bool, old: bool) -> None:
    specifier = to_specifier(spec)
    assert specifier is not None
    assert allowed_around(specifier, Version("1.106.0")) == (new, old)
