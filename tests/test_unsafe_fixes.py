"""--unsafe-fixes (ruff's contract): without the flag nothing unsafe is written or shown in --diff and the summary
counts the hidden fixes; with it (or `unsafe-fixes = true` in [tool.aoai-migrate]) they are applied, and every
report format labels them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from codemod.cli import main
from codemod.migration import migrate_source
from codemod.options import Options
from tests.fixture_cases import FIXTURES
from tests.test_reporting import SCHEMA

FACTORY = FIXTURES / "unsafe_fixes" / "factory_without_flag.in.py"
HIDDEN = "1 hidden fix can be enabled with the `--unsafe-fixes` option."


@pytest.fixture
def app(tmp_path: Path) -> Path:
    shutil.copyfile(FACTORY, tmp_path / "app.py")
    return tmp_path


def _run(*args: str) -> tuple[int, str, str]:
    """Exit code, standard output, and everything printed (the summary goes to stderr after a diff)."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.output


def test_without_the_flag_the_fix_is_held_back_and_marked() -> None:
    result = migrate_source(FACTORY.read_text(), Options(), "app.py")
    assert result.source == FACTORY.read_text()
    (finding,) = [f for f in result.findings if f.code == "AOAI105"]
    assert finding.hidden_fix and finding.applicability == "unsafe" and not finding.fixed
    assert 'Unsafe fix (--unsafe-fixes): drop azure_deployment, relying on every request' in finding.message
    # the requests seen through the factory, and whether each passes the deployment
    assert 'line 21 passes model="gpt-4o-prod-01"' in finding.message
    assert 'line 25 passes model="gpt-4o", not the deployment' in finding.message


def test_with_the_flag_the_client_moves_and_its_findings_are_unsafe() -> None:
    result = migrate_source(FACTORY.read_text(), Options(unsafe_fixes=True), "app.py")
    assert "OpenAI(" in result.source and "azure_deployment" not in result.source
    fixed = [f for f in result.findings if f.fixed]
    assert fixed and all(f.applicability == "unsafe" for f in fixed if f.line in range(10, 16))
    assert any(f.code == "AOAI105" and f.unsafe for f in fixed)
    (astray,) = [f for f in result.findings if f.needs_person]
    assert (astray.line, astray.code, astray.applicability) == (25, "AOAI105", "safe")


def test_another_reason_leaves_no_unsafe_fix_to_offer() -> None:
    source = (FIXTURES / "unsafe_fixes" / "factory_with_private_attribute_refused.in.py").read_text()
    result = migrate_source(source, Options(), "app.py")
    assert not any(f.unsafe for f in result.findings)
    assert all("Unsafe fix" not in f.message for f in result.findings)


def test_diff_without_the_flag_shows_nothing_and_counts_the_hidden_fix(app: Path) -> None:
    code, out, printed = _run("--diff", str(app))
    assert code == 1
    assert "+++ " not in out and "-        azure_deployment" not in out
    assert HIDDEN in printed
    assert (app / "app.py").read_bytes() == FACTORY.read_bytes()


def test_diff_with_the_flag_shows_the_unsafe_fix(app: Path) -> None:
    code, out, err = _run("--diff", "--unsafe-fixes", str(app))
    assert code == 1
    assert '-        azure_deployment="gpt-4o-prod-01",' in out and "+from openai import OpenAI" in out
    assert "hidden fix" not in err
    assert (app / "app.py").read_bytes() == FACTORY.read_bytes()


def test_writing_without_the_flag_writes_nothing_unsafe(app: Path) -> None:
    code, out, printed = _run(str(app))
    assert code == 1  # the finding needs a person
    assert (app / "app.py").read_bytes() == FACTORY.read_bytes()
    assert "AOAI105 (unsafe fix available)" in out
    assert HIDDEN in printed


@pytest.mark.parametrize("how", ["flag", "config"])
def test_writing_with_the_flag_or_the_setting_applies_it(app: Path, how: str) -> None:
    if how == "config":
        (app / "pyproject.toml").write_text("[tool.aoai-migrate]\nunsafe-fixes = true\n")
    code, _, _ = _run(*(["--unsafe-fixes"] if how == "flag" else []), str(app))
    assert code == 1  # line 25 passes another model= and needs a person
    text = (app / "app.py").read_text()
    assert "azure_deployment" not in text and "AzureOpenAI" not in text


def test_a_wrong_type_for_the_setting_is_a_usage_error(app: Path) -> None:
    (app / "pyproject.toml").write_text('[tool.aoai-migrate]\nunsafe-fixes = "yes"\n')
    code, _, err = _run("--diff", str(app))
    assert code == 2 and "unsafe-fixes" in err and "boolean" in err


def _report(app: Path, fmt: str, *flags: str) -> str:
    _, out, _ = _run("--check", "--output-format", fmt, *flags, str(app))
    return out


def test_json_marks_applicability(app: Path) -> None:
    hidden = json.loads(_report(app, "json"))
    assert [f["applicability"] for f in hidden if f["code"] == "AOAI105"] == ["unsafe"]
    assert {f["applicability"] for f in hidden if f["code"] != "AOAI105"} == {"safe"}
    applied = json.loads(_report(app, "json", "--unsafe-fixes"))
    assert any(f["code"] == "AOAI105" and f["fixed"] and f["applicability"] == "unsafe" for f in applied)


def test_sarif_marks_applicability_and_tags_the_result(app: Path) -> None:
    for flags in ((), ("--unsafe-fixes",)):
        log = json.loads(_report(app, "sarif", *flags))
        jsonschema.validate(log, SCHEMA)
        results = log["runs"][0]["results"]
        unsafe = [r for r in results if r["properties"]["applicability"] == "unsafe"]
        assert unsafe and all(r["properties"]["tags"] == ["unsafe-fix"] for r in unsafe)
        assert any(r["ruleId"] == "AOAI105" for r in unsafe)
        assert all("tags" not in r["properties"] for r in results if r not in unsafe)


def test_github_titles_say_unsafe_fix(app: Path) -> None:
    assert "title=AOAI105 (unsafe fix available)::" in _report(app, "github")
    assert "title=AOAI105 (unsafe fix)::" in _report(app, "github", "--unsafe-fixes")


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_text_formats_label_and_summarise(app: Path, fmt: str) -> None:
    result = CliRunner().invoke(main, ["--check", "--output-format", fmt, str(app)])
    assert "AOAI105 (unsafe fix available)" in result.stdout and HIDDEN in result.output
    result = CliRunner().invoke(main, ["--check", "-v", "--unsafe-fixes", "--output-format", fmt, str(app)])
    assert "AOAI105 (unsafe fix) azure_deployment=" in result.stdout and "hidden fix" not in result.output


def test_markdown_lists_applied_unsafe_fixes_apart(app: Path) -> None:
    hidden = _report(app, "markdown")
    assert "AOAI105 (unsafe fix available: `--unsafe-fixes`)" in hidden and "### Unsafe fixes applied" not in hidden
    applied = _report(app, "markdown", "--unsafe-fixes")
    section = applied.split("### Unsafe fixes applied (confirm each)")[1].split("###")[0]
    assert section.count("- [ ]") == 1 and "AOAI105" in section  # one task per fix, not one per edit in it
    assert "--unsafe-fixes" in applied.split("Generated by")[1]


def test_standard_input_holds_the_fix_back_and_says_so() -> None:
    source = FACTORY.read_text()
    held = CliRunner().invoke(main, ["-"], input=source)
    assert held.stdout == source
    assert "AOAI105 (unsafe fix available)" in held.stderr and HIDDEN in held.stderr
    applied = CliRunner().invoke(main, ["--unsafe-fixes", "-"], input=source)
    assert "azure_deployment" not in applied.stdout and "hidden fix" not in applied.stderr


ENV_APP = '''import os

from openai import AzureOpenAI

safe = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_key="k", api_version="2024-10-21")
safe.chat.completions.create(model="gpt-4o-mini-eu", messages=[])


def get_chat_client():
    client = AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key="k",
        api_version="2024-10-21",
        azure_deployment="gpt-4o-prod-01",
    )
    client.chat.completions.create(model="warm-up", messages=[])
    return client


CLIENTS = {"chat": get_chat_client()}  # stored where the tool can't follow it: only an unsafe fix moves it
'''
SAFE_VAR, UNSAFE_VAR = "AZURE_OPENAI_DEPLOYMENT_GPT_4O_MINI_EU", "AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD_01"


def test_environment_samples_get_no_variable_of_a_client_that_moves_only_by_an_unsafe_fix(tmp_path: Path) -> None:
    """The deployment variable of the factory's client (whose request in sight gets model=D only when the client
    moves) is neither named nor written without the flag; with it, the sample gets both variables, as unsafe
    fixes, like every addition to a sample (codemod/kinds/env_samples.py)."""
    sample = "AZURE_OPENAI_ENDPOINT=https://example.openai.azure.com\n"
    (tmp_path / "app.py").write_text(ENV_APP)
    (tmp_path / ".env.example").write_text(sample)
    _, out, _ = _run("--check", "--output-format", "json", str(tmp_path))
    held = [f for f in json.loads(out) if f["path"].endswith(".env.example")]
    assert [(f["code"], f["fixed"], f["applicability"]) for f in held] == [("AOAI201", False, "unsafe")]
    assert SAFE_VAR in held[0]["message"] and UNSAFE_VAR not in out
    _, _, printed = _run("--check", str(tmp_path))
    assert "2 hidden fixes can be enabled" in printed  # the factory's client, and the sample's variable
    _run(str(tmp_path))
    assert (tmp_path / ".env.example").read_text() == sample
    assert "azure_deployment" in (tmp_path / "app.py").read_text()

    (tmp_path / "app.py").write_text(ENV_APP)  # the safe client moved in the run above
    _, out, _ = _run("--unsafe-fixes", "--output-format", "json", str(tmp_path))
    added = [f for f in json.loads(out) if f["path"].endswith(".env.example")]
    assert [(f["code"], f["fixed"], f["applicability"]) for f in added] == [("AOAI201", True, "unsafe")] * 2
    text = (tmp_path / ".env.example").read_text()
    assert f"{SAFE_VAR}=gpt-4o-mini-eu" in text and f"{UNSAFE_VAR}=gpt-4o-prod-01" in text
