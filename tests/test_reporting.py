"""Output formats: concise, full, json, sarif (validated against the vendored 2.1.0 schema), github."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codemod.commands.reporting import (
    FORMATS,
    RunCounts,
    escape_data,
    escape_property,
    render,
)
from codemod.findings import Finding
from codemod.rule_index import summaries

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

SOURCE = (
    "from openai import AzureOpenAI\n"
    "client = AzureOpenAI(api_version='2024-02-01')\n"
    "\tresp = client.chat.completions.create(model='gpt-4o-prod')\n"
)

FINDINGS = [
    Finding(
        "AOAI201",
        "Deployment moved to AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD.",
        3,
        46,
        3,
        59,
        fixed=True,
        path="src/app.py",
    ),
    Finding("AOAI101", "AzureOpenAI becomes OpenAI.", 2, 10, 2, 21, fixed=True, path="src/app.py"),
    Finding(
        "AOAI105",
        "The client is returned: set model= by hand.",
        2,
        10,
        4,
        2,
        level="error",
        path="src/app.py",
    ),
    Finding(
        "AOAI301",
        "api-version 2024-02-01 is GA; v1 adds the Responses API.",
        1,
        1,
        level="info",
        path="nb/demo nb.ipynb",
        cell=3,
    ),
    Finding(
        "AOAI305",
        "A hard-coded key, 50%: move it to AZURE_OPENAI_API_KEY,\nthen rotate it.",
        4,
        1,
        4,
        9,
        path="a,b:c.py",
    ),
]

RULES = summaries()  # every code with its one-line summary, from the rules' declarations


def test_concise_lists_sorted_findings_with_cells_and_summary() -> None:
    out = render(FINDINGS, "concise", counts=RunCounts(files_checked=3, files_changed=1, files_failed=1))
    assert out.splitlines() == [
        "a,b:c.py:4:1: AOAI305 A hard-coded key, 50%: move it to AZURE_OPENAI_API_KEY,",
        "then rotate it.",
        "nb/demo nb.ipynb:cell 3:1:1: AOAI301 api-version 2024-02-01 is GA; v1 adds the Responses API.",
        "src/app.py:2:10: AOAI101 AzureOpenAI becomes OpenAI.",
        "src/app.py:2:10: AOAI105 The client is returned: set model= by hand.",
        "src/app.py:3:46: AOAI201 Deployment moved to AZURE_OPENAI_DEPLOYMENT_GPT_4O_PROD.",
        "Found 5 findings: 2 fixed, 2 need a person.",
        "3 files checked, 1 changed, 1 could not be read or parsed.",
    ]


def test_concise_without_findings() -> None:
    assert render([], "concise") == ""
    dry = render([], "concise", counts=RunCounts(files_checked=1, dry_run=True))
    assert dry == "No findings.\n1 file checked, 0 would be changed.\n"


def test_full_underlines_the_span_below_the_source_line() -> None:
    notebook_cells = {3: "%pip install openai\nimport openai\n", 4: "x = 1\n"}
    sources = {"src/app.py": SOURCE, "nb/demo nb.ipynb": notebook_cells}
    out = render(FINDINGS, "full", sources=sources)
    blocks = out.rstrip("\n").split("\n\n")
    assert blocks[0].startswith("a,b:c.py:4:1: AOAI305 ")  # no source given: header only
    assert "|" not in blocks[0]
    whole_file = render(FINDINGS, "full", sources={"nb/demo nb.ipynb": '{"cells": []}\n'})
    assert '"cells"' not in whole_file  # a notebook's JSON text is never shown as a cell's line
    assert blocks[1] == (
        "nb/demo nb.ipynb:cell 3:1:1: AOAI301 api-version 2024-02-01 is GA; v1 adds the Responses API.\n"
        "  |\n"
        "1 | %pip install openai\n"
        "  | ^ AOAI301\n"
        "  |"
    )
    assert blocks[2].splitlines()[1:] == [
        "  |",
        "2 | client = AzureOpenAI(api_version='2024-02-01')",
        "  |          ^^^^^^^^^^^ AOAI101",
        "  |",
    ]
    # a span over several lines is underlined to the end of its first line
    assert blocks[3].splitlines()[3] == "  |          " + "^" * 37 + " AOAI105"
    # a tab before the span is kept so the carets sit under the span
    assert blocks[4].splitlines()[2:4] == [
        "3 | \tresp = client.chat.completions.create(model='gpt-4o-prod')",
        "  | \t" + " " * 44 + "^" * 13 + " AOAI201",
    ]
    line = SOURCE.splitlines()[2]
    assert line[45:58] == "'gpt-4o-prod'"


def test_json_round_trips_with_the_documented_fields() -> None:
    records = json.loads(render(FINDINGS, "json"))
    fields = ["path", "cell", "line", "column", "end_line", "end_column", "code", "message", "fixed", "level",
              "applicability"]
    assert all(list(record) == fields for record in records)
    assert [r["code"] for r in records] == ["AOAI305", "AOAI301", "AOAI101", "AOAI105", "AOAI201"]
    assert records[1] == {
        "path": "nb/demo nb.ipynb",
        "cell": 3,
        "line": 1,
        "column": 1,
        "end_line": None,
        "end_column": None,
        "code": "AOAI301",
        "message": "api-version 2024-02-01 is GA; v1 adds the Responses API.",
        "fixed": False,
        "level": "info",
        "applicability": "safe",
    }
    assert records[4]["fixed"] is True and records[4]["end_column"] == 59
    assert json.loads(render([], "json")) == []


def sarif_log(findings: list[Finding], counts: RunCounts | None = None) -> dict:
    log = json.loads(render(findings, "sarif", counts=counts))
    validator = jsonschema.validators.validator_for(SCHEMA)
    validator(SCHEMA, format_checker=validator.FORMAT_CHECKER).validate(log)
    return log


def test_sarif_validates_against_the_2_1_0_schema_and_describes_every_rule() -> None:
    log = sarif_log(FINDINGS, RunCounts(files_checked=3, files_changed=1))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(RULES)
    assert all(rule["shortDescription"]["text"] == RULES[rule["id"]] for rule in rules)
    results = run["results"]
    assert len(results) == len(FINDINGS)
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert [r["level"] for r in results] == ["warning", "note", "warning", "error", "warning"]
    notebook = results[1]
    assert notebook["message"]["text"].startswith("cell 3: ")
    assert notebook["properties"] == {"fixed": False, "applicability": "safe", "cell": 3}
    assert notebook["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "nb/demo%20nb.ipynb"
    assert results[4]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 46,
        "endLine": 3,
        "endColumn": 59,
    }
    assert run["properties"]["filesChecked"] == 3


def test_sarif_with_no_findings_and_unknown_codes_still_validates() -> None:
    assert sarif_log([])["runs"][0]["results"] == []
    odd = Finding("AOAI999", "future rule", 1, 1, path="/abs/path/x.py")
    run = sarif_log([odd])["runs"][0]
    assert run["tool"]["driver"]["rules"][-1]["id"] == "AOAI999"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ("file:///abs/path/x.py")


def test_sarif_schema_check_is_real() -> None:
    log = json.loads(render(FINDINGS[:1], "sarif"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startColumn"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, SCHEMA)


GITHUB_LINE = re.compile(
    r"^::(?P<command>error|warning|notice) (?P<props>(?:[A-Za-z]+=[^,:\r\n]*)(?:,[A-Za-z]+=[^,:\r\n]*)*)"
    r"::(?P<message>[^\r\n]*)$"
)


def test_github_lines_match_the_workflow_command_syntax() -> None:
    lines = render(FINDINGS, "github").splitlines()
    assert len(lines) == len(FINDINGS)
    parsed = [GITHUB_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert lines[0] == (
        "::warning file=a%2Cb%3Ac.py,line=4,col=1,endLine=4,endColumn=9,title=AOAI305"
        "::A hard-coded key, 50%25: move it to AZURE_OPENAI_API_KEY,%0Athen rotate it."
    )
    assert lines[1] == (
        "::notice file=nb/demo nb.ipynb,title=AOAI301"
        "::cell 3:1:1: api-version 2024-02-01 is GA; v1 adds the Responses API."
    )
    assert lines[3].startswith("::error file=src/app.py,line=2,col=10,endLine=4,endColumn=2,title=AOAI105::")
    assert render([], "github") == ""


def unescape(text: str) -> str:
    for escaped, raw in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


@given(st.text())
def test_github_escaping_round_trips(text: str) -> None:
    prop, data = escape_property(text), escape_data(text)
    assert not set(prop) & {",", ":", "\r", "\n"}
    assert not set(data) & {"\r", "\n"}
    assert unescape(prop) == text
    assert unescape(data) == text


def test_every_format_is_rendered_and_unknown_formats_are_refused() -> None:
    for fmt in FORMATS:
        assert render(FINDINGS, fmt)
    with pytest.raises(ValueError, match="Unknown output format 'xml'"):
        render(FINDINGS, "xml")


# --- the summary of a migrate run counts exactly the findings it lists ------------------------------------

HEADER = re.compile(r"^\S.*?:(?:cell \d+:)?\d+:\d+: (AOAI\d{3}) ", re.MULTILINE)
SUMMARY = re.compile(r"^\d+ files? (?:migrated|would be migrated), \d+ unchanged.*$", re.MULTILINE)


def mixed_project(root: Path) -> Path:
    """Every kind of finding a run lists: fixed rewrites, information (AOAI301, AOAI307), findings that
    need a person in code, in a notebook cell and in project files (AOAI306, AOAI308), and a file that
    cannot be parsed."""
    root.mkdir()
    (root / "app.py").write_text(
        "from openai import AzureOpenAI\n"
        "settings = load()\n"
        "legacy = AzureOpenAI(**settings)\n"
        "def provider():\n    return 'token'\n"
        "client = AzureOpenAI(azure_endpoint='https://r.openai.azure.com', azure_ad_token_provider=provider,\n"
        "                     api_version='2024-02-01')\n"
        "client.chat.completions.create(model='gpt-4o-prod-01', messages=[])\n"
    )
    (root / "broken.py").write_text("from openai import AzureOpenAI\ndef (:\n")
    client = "from openai import AzureOpenAI\nc = AzureOpenAI(api_version='2024-06-01')"
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
             for s in ("pip install openai", client, "def (:")]
    (root / "nb.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (root / "requirements.txt").write_text("openai>=1.40,<1.50\n")  # an upper bound: reported, not raised
    (root / ".env").write_text("AZURE_OPENAI_ENDPOINT=https://r.openai.azure.com\nOPENAI_API_VERSION=2024-02-01\n")
    (root / "deploy.yaml").write_text("env:\n  AZURE_OPENAI_API_VERSION: 2024-13-01\n")
    return root


def summary_counts(text: str) -> dict[str, int]:
    (line,) = SUMMARY.findall(text)
    counts = {"need": 0, "failed": 0, "info": 0, "fixed": 0}
    labels = {"need": "needs? a person", "failed": "could not be migrated", "info": "for information", "fixed": "fixed"}
    for key, label in labels.items():
        found = re.search(rf"(\d+) (?:findings? |files? )?{label}", line)
        counts[key] = int(found.group(1)) if found else 0
    return counts


@pytest.mark.parametrize("fmt", ["concise", "full"])
@pytest.mark.parametrize("flag", [None, "--verbose", "--quiet"])
@pytest.mark.parametrize("mode", ["--check", "--diff"])
def test_the_summary_counts_exactly_the_findings_printed(tmp_path: Path, fmt: str, flag: str | None, mode: str) -> None:
    from click.testing import CliRunner

    from codemod.cli import main

    root = mixed_project(tmp_path / "project")
    records = json.loads(CliRunner().invoke(main, [mode, "--output-format", "json", str(root)]).stdout)
    failed = sum(1 for r in records if r["code"] == "AOAI000" and r["cell"] is None)
    need = sum(1 for r in records if not r["fixed"] and r["level"] != "info") - failed
    info = sum(1 for r in records if not r["fixed"] and r["level"] == "info")
    fixed = sum(1 for r in records if r["fixed"])
    assert failed == 1 and need >= 4 and info >= 2 and fixed >= 4  # every kind is there
    assert {"AOAI000", "AOAI306", "AOAI307", "AOAI308"} <= {r["code"] for r in records}

    result = CliRunner().invoke(main, [a for a in (mode, "--output-format", fmt, flag, str(root)) if a])
    printed = HEADER.findall(result.stdout)
    if flag == "--quiet":
        assert not SUMMARY.findall(result.output) and len(printed) == need + failed
        return
    counts = summary_counts(result.output)
    listed_fixed = fixed if flag == "--verbose" else 0
    assert counts == {"need": need, "failed": failed, "info": info, "fixed": listed_fixed}
    assert len(printed) == sum(counts.values())
