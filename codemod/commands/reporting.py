"""Render findings for people and machines: concise, full, json, sarif and github output formats.

Entry point: `render(findings, fmt, counts=..., sources=...) -> str`. Every function here is pure (text in,
text out); the CLI decides where the text goes. Findings are always sorted (`Finding.sort_key`).

Positions are taken from `Finding` as they are: `line` and `column` 1-based, `end_line`/`end_column` the
1-based position just past the end (as in ruff and SARIF). A finding in a notebook has `cell`, the 1-based
number of the cell in the notebook (counting every cell, as editors number them), and its line is counted
from the top of that cell; text formats show it as `nb.ipynb:cell 3:4:1:`.

JSON (`--output-format json`) is a list with one object per finding, in this order of keys:

    path        str            the file, as given on the command line or found by the walk
    cell        int | null     notebook cell number (1-based, every cell counted); null outside notebooks
    line        int            1-based line (within the cell for notebooks)
    column      int            1-based column (Unicode code points)
    end_line    int | null     line of the end of the span
    end_column  int | null     column just past the end of the span
    code        str            rule code, e.g. "AOAI201" (`aoai-migrate rules` lists them)
    message     str            what was found and what to do
    fixed       bool           true when aoai-migrate rewrote it (or would, with --diff/--check)
    level       str            "error", "warning" or "info"
    applicability str          "safe" or "unsafe": how sure the finding's fix is. "unsafe" with fixed true: an
                               unsafe fix was applied (--unsafe-fixes); with fixed false: one is available and
                               was held back (README "Unsafe fixes")

Text formats label unsafe fixes after the code (`AOAI105 (unsafe fix)`, `AOAI105 (unsafe fix available)`); SARIF
puts `applicability` in the result's properties, with the tag "unsafe-fix"; GitHub in the annotation's title.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from codemod import __version__
from codemod.findings import Finding
from codemod.rule_index import summaries

FORMATS: tuple[str, ...] = ("concise", "full", "json", "sarif", "github")

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

# Source text per path, for `full`: the file's text, or for a notebook {cell number: cell source}.
# Findings point into the text *before* the rewrite, so pass the original sources.
Sources = Mapping[str, "str | Mapping[int, str]"]


@dataclass(frozen=True)
class RunCounts:
    """Per-run totals shown under the text formats and stored in SARIF run properties."""

    files_checked: int = 0
    files_changed: int = 0  # rewritten, or that would be with --diff/--check
    files_failed: int = 0  # could not be read, decoded or parsed
    dry_run: bool = False  # --diff/--check: nothing was written


def render(
    findings: Sequence[Finding],
    fmt: str,
    *,
    counts: RunCounts | None = None,
    sources: Sources | None = None,
) -> str:
    """The report in format `fmt` (one of `FORMATS`); raises ValueError for an unknown format."""
    renderers: dict[str, Callable[[], str]] = {
        "concise": lambda: render_concise(findings, counts),
        "full": lambda: render_full(findings, sources or {}, counts),
        "json": lambda: render_json(findings),
        "sarif": lambda: render_sarif(findings, counts),
        "github": lambda: render_github(findings),
    }
    if fmt not in renderers:
        raise ValueError(f"Unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}.")
    return renderers[fmt]()


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def location(finding: Finding) -> str:
    """`path:line:col`, or `path:cell N:line:col` inside a notebook."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{finding.path or '-'}:{cell}{finding.line}:{finding.column}"


def label(finding: Finding) -> str:
    """The code, and for an unsafe fix what became of it: `AOAI105 (unsafe fix)`, `AOAI105 (unsafe fix available)`."""
    if not finding.unsafe:
        return finding.code
    return f"{finding.code} (unsafe fix)" if finding.fixed else f"{finding.code} (unsafe fix available)"


def render_concise(findings: Sequence[Finding], counts: RunCounts | None = None) -> str:
    lines = [f"{location(f)}: {label(f)} {f.message}" for f in ordered(findings)]
    return _with_summary(lines, findings, counts)


def render_full(findings: Sequence[Finding], sources: Sources, counts: RunCounts | None = None) -> str:
    """Like `concise`, plus the source line with the span underlined (as ruff's `full` format)."""
    blocks = []
    for finding in ordered(findings):
        header = f"{location(finding)}: {label(finding)} {finding.message}"
        text = _source_line(finding, sources)
        blocks.append(header if text is None else header + "\n" + _snippet(finding, text))
    return _with_summary(blocks, findings, counts, separator="\n\n")


def _source_line(finding: Finding, sources: Sources) -> str | None:
    source = sources.get(finding.path)
    if isinstance(source, Mapping):
        source = source.get(finding.cell) if finding.cell is not None else None
    elif finding.cell is not None:
        return None  # a notebook's file text: its lines are JSON, not the cell's
    if not isinstance(source, str):
        return None
    lines = source.splitlines()
    return lines[finding.line - 1] if 1 <= finding.line <= len(lines) else None


def _snippet(finding: Finding, text: str) -> str:
    gutter = str(finding.line)
    pad = " " * len(gutter)
    start = min(max(finding.column, 1), len(text) + 1) - 1
    if finding.end_line is None or finding.end_column is None:
        stop = start + 1  # a point, not a span
    elif finding.end_line == finding.line:
        stop = max(start + 1, min(finding.end_column - 1, len(text)))
    else:  # a span over several lines is underlined to the end of its first line
        stop = max(start + 1, len(text))
    indent = "".join(ch if ch == "\t" else " " for ch in text[:start])  # keep tabs so the carets line up
    return f"{pad} |\n{gutter} | {text}\n{pad} | {indent}{'^' * (stop - start)} {finding.code}\n{pad} |"


def _with_summary(
    blocks: list[str], findings: Sequence[Finding], counts: RunCounts | None, separator: str = "\n"
) -> str:
    if counts is not None:
        blocks = [*blocks, summary(findings, counts)]
    return separator.join(blocks) + "\n" if blocks else ""


def summary(findings: Sequence[Finding], counts: RunCounts) -> str:
    """Two sentences: the findings, then the files."""
    fixed = sum(f.fixed for f in findings)
    person = sum(f.needs_person for f in findings)
    if findings:
        first = f"Found {_plural(len(findings), 'finding')}: {fixed} fixed, {person} need a person."
    else:
        first = "No findings."
    changed = "would be changed" if counts.dry_run else "changed"
    second = f"{_plural(counts.files_checked, 'file')} checked, {counts.files_changed} {changed}"
    if counts.files_failed:
        second += f", {counts.files_failed} could not be read or parsed"
    hidden = hidden_fixes(findings)
    return f"{first}\n{second}." + (f"\n{hidden}" if hidden else "")


def hidden_fixes(findings: Sequence[Finding]) -> str:
    """ruff's sentence for the unsafe fixes held back, or "" when there are none."""
    count = sum(f.hidden_fix for f in findings)
    if not count:
        return ""
    return f"{count} hidden fix{'es' if count != 1 else ''} can be enabled with the `--unsafe-fixes` option."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def finding_record(finding: Finding) -> dict[str, object]:
    """One object of the JSON format (see the module docstring for the schema)."""
    return {
        "path": finding.path,
        "cell": finding.cell,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "message": finding.message,
        "fixed": finding.fixed,
        "level": finding.level,
        "applicability": finding.applicability,
    }


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps([finding_record(f) for f in ordered(findings)], indent=2, ensure_ascii=False) + "\n"


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(findings: Sequence[Finding], counts: RunCounts | None = None) -> str:
    """A SARIF 2.1.0 log with one run; every rule of `summaries()` is described in the driver."""
    codes = list(summaries()) + sorted({f.code for f in findings} - summaries().keys())
    index = {code: i for i, code in enumerate(codes)}
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "aoai-migrate",
                "version": __version__,
                "rules": [_sarif_rule(code) for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(f, index[f.code]) for f in ordered(findings)],
    }
    if counts is not None:
        run["properties"] = {
            "filesChecked": counts.files_checked,
            "filesChanged": counts.files_changed,
            "filesFailed": counts.files_failed,
            "dryRun": counts.dry_run,
        }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(code: str) -> dict[str, object]:
    summary_text = summaries().get(code, f"{code} (no description)")
    return {"id": code, "shortDescription": {"text": summary_text}, "fullDescription": {"text": summary_text}}


def _sarif_result(finding: Finding, rule_index: int) -> dict[str, object]:
    region: dict[str, int] = {"startLine": max(finding.line, 1), "startColumn": max(finding.column, 1)}
    if finding.end_line is not None:
        region["endLine"] = max(finding.end_line, region["startLine"])
    if finding.end_column is not None:
        region["endColumn"] = max(finding.end_column, 1)
    place: dict[str, object] = {"physicalLocation": {"artifactLocation": {"uri": _uri(finding.path)}, "region": region}}
    properties: dict[str, object] = {"fixed": finding.fixed, "applicability": finding.applicability}
    if finding.unsafe:
        properties["tags"] = ["unsafe-fix"]
    message = finding.message
    if finding.cell is not None:  # the region counts lines from the top of the cell, not of the file
        place["logicalLocations"] = [{"name": f"cell {finding.cell}"}]
        properties["cell"] = finding.cell
        message = f"cell {finding.cell}: {message}"
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS.get(finding.level, "warning"),
        "message": {"text": message},
        "locations": [place],
        "properties": properties,
    }


def _uri(path: str) -> str:
    """A relative URI reference for a relative path; a file: URI for an absolute one."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(posix or "-")


_GITHUB_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding (`::warning file=...,line=...::message`).

    Notebook findings carry no line properties (GitHub would count lines of the JSON file, not of the
    cell); their message starts with `cell N:line:col:` instead.
    """
    lines = []
    for finding in ordered(findings):
        props = {"file": finding.path or "-"}
        message = finding.message
        if finding.cell is None:
            props.update(line=str(finding.line), col=str(finding.column))
            if finding.end_line is not None:
                props["endLine"] = str(finding.end_line)
            if finding.end_column is not None:
                props["endColumn"] = str(finding.end_column)
        else:
            message = f"cell {finding.cell}:{finding.line}:{finding.column}: {message}"
        props["title"] = label(finding)
        rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
        command = _GITHUB_COMMANDS.get(finding.level, "warning")
        lines.append(f"::{command} {rendered}::{escape_data(message)}")
    return "\n".join(lines) + "\n" if lines else ""


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (GitHub's `escapeProperty`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
