"""Acceptance 5: no output of any command, in any output format, contains a key from the fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from codemod.cli import main
from tests.advisor.helpers import FIXTURES

# Every credential planted in fixtures/advisor (hex keys, an OpenAI-style key, a JWT-shaped token).
KEYS = (
    "3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8",
    "7e4b1d8a2c5f9036b1e7d4a8c2f5b9e3",
    "sk-proj-Zq7Xv3Lm9Np2Rt5Wy8Bc4Df6Gh1Jk0",
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.Sg7h3Kd9Lq2Wm5Zx8Vb1Nc4",
    "8c1e5a9f3b7d2640e8a4c6b2f0d9e7a1",
    "5d2b8f4a1c7e3096d5b1f8a4c2e7d9b0",
)
# Long enough to identify a key, short enough to catch a partly printed one.
FRAGMENT = 12
ADVISE_FORMATS = ("concise", "json", "sarif", "github")
MIGRATE_FORMATS = ("concise", "full", "json", "sarif", "github", "markdown")
FOLDERS = ("python", "config", "repo")  # the folders that hold the keys
def output_of(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.stdout + result.stderr


def assert_no_key(text: str) -> None:
    assert text.strip(), "the command printed nothing: the check would prove nothing"
    for key in KEYS:
        for start in range(0, len(key) - FRAGMENT + 1):
            assert key[start : start + FRAGMENT] not in text, f"part of a fixture key was printed: {key[:6]}…"


def test_every_key_is_really_in_the_fixtures() -> None:
    texts = "".join(p.read_text(encoding="utf-8") for p in FIXTURES.rglob("*") if p.is_file())
    for key in KEYS:
        assert key in texts


@pytest.mark.parametrize("fmt", ADVISE_FORMATS)
@pytest.mark.parametrize("folder", FOLDERS)
def test_advise_outputs(folder: str, fmt: str) -> None:
    assert_no_key(output_of("advise", "--output-format", fmt, str(FIXTURES / folder)))


def test_version_outputs() -> None:
    assert_no_key(output_of("advise", "--output-format", "json", "2024-02-01", "2024-13-01"))
    assert_no_key(output_of("versions", "--output-format", "json"))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The Python files that hold keys (migrate reads only Python) and the repository with its .env."""
    shutil.copyfile(FIXTURES / "python" / "credentials.py", tmp_path / "credentials.py")
    shutil.copytree(FIXTURES / "repo", tmp_path / "repo")
    return tmp_path


@pytest.mark.parametrize("fmt", MIGRATE_FORMATS)
def test_migrate_check_outputs(tree: Path, fmt: str) -> None:
    assert_no_key(output_of("--check", "--jobs", "1", "--output-format", fmt, str(tree)))


def test_migrate_diff_output(tree: Path) -> None:
    assert_no_key(output_of("--diff", "--jobs", "1", str(tree)))


@pytest.mark.parametrize("fmt", ["concise", "markdown"])
def test_migrate_write_output(tree: Path, fmt: str) -> None:
    assert_no_key(output_of("--jobs", "1", "--output-format", fmt, str(tree)))
