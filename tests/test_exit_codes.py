"""Exit codes (README "Exit codes") for every mode (in place, --diff, --check) with --exit-zero and
--exit-non-zero-on-fix, on trees with nothing to do, changes only, findings for a person only, both, and a file
that cannot be parsed; then the same policy from `[tool.aoai-migrate]`, standard input and --interactive."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main

MIGRATABLE = (
    "import os\nfrom openai import AzureOpenAI\n\n"
    'client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-02-01")\n'
)
ALREADY_V1 = (
    "import os\n\nfrom openai import OpenAI\n\n"
    'client = OpenAI(base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/", '
    'api_key=os.environ["AZURE_OPENAI_API_KEY"])\n'
)
NEEDS_PERSON = "from openai import AzureOpenAI\n\nsettings = load()\nclient = AzureOpenAI(**settings)\n"
UNPARSEABLE = "from openai import AzureOpenAI\ndef (:\n"

TREES = {
    "nothing to do": {"v1.py": ALREADY_V1},
    "changes": {"app.py": MIGRATABLE},
    "person": {"kw.py": NEEDS_PERSON},
    "changes and person": {"app.py": MIGRATABLE, "kw.py": NEEDS_PERSON},
    "file error": {"app.py": MIGRATABLE, "broken.py": UNPARSEABLE},
}
FLAGS = {"no flag": [], "--exit-zero": ["--exit-zero"], "--exit-non-zero-on-fix": ["--exit-non-zero-on-fix"]}

# (tree, mode) -> exit code without a flag, with --exit-zero, with --exit-non-zero-on-fix.
EXPECTED = {
    ("nothing to do", "write"): (0, 0, 0),
    ("nothing to do", "--diff"): (0, 0, 0),
    ("nothing to do", "--check"): (0, 0, 0),
    ("changes", "write"): (0, 0, 1),  # rewritten in place: only --exit-non-zero-on-fix makes that a 1
    ("changes", "--diff"): (1, 0, 1),  # pending changes
    ("changes", "--check"): (1, 0, 1),
    ("person", "write"): (1, 0, 1),  # nothing rewritten, a finding needs a person
    ("person", "--diff"): (1, 0, 1),
    ("person", "--check"): (1, 0, 1),
    ("changes and person", "write"): (1, 0, 1),
    ("changes and person", "--diff"): (1, 0, 1),
    ("changes and person", "--check"): (1, 0, 1),
    ("file error", "write"): (3, 3, 3),  # never hidden
    ("file error", "--diff"): (3, 3, 3),
    ("file error", "--check"): (3, 3, 3),
}


def _tree(root: Path, name: str) -> dict[str, str]:
    files = TREES[name]
    for filename, text in files.items():
        (root / filename).write_text(text)
    return files


@pytest.mark.parametrize("flag", list(FLAGS))
@pytest.mark.parametrize(("tree", "mode"), list(EXPECTED))
def test_exit_code(tmp_path: Path, tree: str, mode: str, flag: str) -> None:
    files = _tree(tmp_path, tree)
    args = ([] if mode == "write" else [mode]) + FLAGS[flag] + [str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == EXPECTED[tree, mode][list(FLAGS).index(flag)], result.output
    rewritten = (tmp_path / "app.py").read_text() != MIGRATABLE if "app.py" in files else False
    assert rewritten == (mode == "write" and "app.py" in files)  # the flags change the code, not the run
    if tree == "file error":
        assert "AOAI000" in result.output


@pytest.mark.parametrize("mode", ["write", "--diff", "--check"])
def test_the_two_flags_together_are_a_usage_error_that_writes_nothing(tmp_path: Path, mode: str) -> None:
    _tree(tmp_path, "changes")
    args = ([] if mode == "write" else [mode]) + ["--exit-zero", "--exit-non-zero-on-fix", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--exit-zero and --exit-non-zero-on-fix contradict each other" in result.output
    assert (tmp_path / "app.py").read_text() == MIGRATABLE


def _config(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f"[tool.aoai-migrate]\n{body}\n")


def test_exit_zero_from_the_configuration(tmp_path: Path) -> None:
    _tree(tmp_path, "changes and person")
    _config(tmp_path, "exit-zero = true")
    assert CliRunner().invoke(main, ["--check", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(main, [str(tmp_path / "kw.py")]).exit_code == 0


def test_exit_non_zero_on_fix_from_the_configuration(tmp_path: Path) -> None:
    _tree(tmp_path, "changes")
    _config(tmp_path, "exit-non-zero-on-fix = true")
    assert CliRunner().invoke(main, [str(tmp_path)]).exit_code == 1
    assert CliRunner().invoke(main, [str(tmp_path)]).exit_code == 0  # the second run rewrites nothing


def test_a_flag_replaces_the_configured_policy(tmp_path: Path) -> None:
    _tree(tmp_path, "changes")
    _config(tmp_path, "exit-zero = true")
    assert CliRunner().invoke(main, ["--exit-non-zero-on-fix", str(tmp_path)]).exit_code == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("exit-zero = true\nexit-non-zero-on-fix = true", "sets both exit-zero and exit-non-zero-on-fix"),
        ('exit-zero = "yes"', "exit-zero in"),
    ],
)
def test_bad_exit_settings_are_configuration_errors(tmp_path: Path, body: str, message: str) -> None:
    _tree(tmp_path, "changes")
    _config(tmp_path, body)
    result = CliRunner().invoke(main, [str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output and "pyproject.toml" in result.output
    assert (tmp_path / "app.py").read_text() == MIGRATABLE


@pytest.mark.parametrize(("flags", "expected"), [([], 1), (["--exit-zero"], 0), (["--exit-non-zero-on-fix"], 1)])
def test_standard_input(flags: list[str], expected: int) -> None:
    result = CliRunner().invoke(main, [*flags, "-"], input=NEEDS_PERSON)
    assert result.exit_code == expected
    assert result.stdout == NEEDS_PERSON  # nothing could be rewritten: the input comes back unchanged


def test_standard_input_is_not_a_rewrite_in_place() -> None:
    result = CliRunner().invoke(main, ["--exit-non-zero-on-fix", "-"], input=MIGRATABLE)
    assert result.exit_code == 0
    assert "OpenAI(base_url=" in result.stdout


@pytest.mark.parametrize(
    ("answer", "flags", "expected"),
    [("a\n", [], 0), ("a\n", ["--exit-non-zero-on-fix"], 1), ("s\n", [], 1), ("s\n", ["--exit-zero"], 0)],
)
def test_interactive(tmp_path: Path, answer: str, flags: list[str], expected: int) -> None:
    _tree(tmp_path, "changes")
    result = CliRunner().invoke(main, ["-i", *flags, str(tmp_path)], input=answer)
    assert result.exit_code == expected, result.output
    assert ((tmp_path / "app.py").read_text() != MIGRATABLE) == (answer == "a\n")
