"""`aoai-migrate advise VERSION|PATH...` and `aoai-migrate versions` (registered lazily by codemod.cli).

Rich output on a terminal, plain text otherwise: both come from the same report sections."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

import click

from codemod.advisor.data import load
from codemod.advisor.explain import UnknownVersion, VersionReport, explain
from codemod.advisor.report import plain_report, plain_versions, rich_report, rich_versions
from codemod.advisor.versions import is_v1_value, looks_like_version
from codemod.commands.exit_codes import EXIT_FILE_ERROR, EXIT_OK, EXIT_PENDING, EXIT_USAGE

PATH_FORMATS = ("concise", "json", "sarif", "github")
_VERSION_START = re.compile(r"^\d{4}-")


def _on_terminal() -> bool:
    return sys.stdout.isatty()


def _is_version_argument(target: str) -> bool:
    """Version-shaped arguments are versions; existing paths are paths; any other word is a (bad) version."""
    if looks_like_version(target) or _VERSION_START.match(target) or is_v1_value(target):
        return True
    if Path(target).exists():
        return False
    return "/" not in target and "\\" not in target and "." not in target


@click.command("advise")
@click.argument("targets", nargs=-1, required=True, metavar="VERSION|PATH...")
@click.option(
    "--output-format",
    type=click.Choice(PATH_FORMATS),
    default="concise",
    show_default=True,
    help="How findings for PATH arguments are printed (version reports are json with json, else text).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only findings that need a person, no summary.")
def advise(targets: tuple[str, ...], output_format: str, quiet: bool) -> None:
    """Explain api-versions (`advise 2024-02-01`) or check files and directories (`advise src/`).

    \b
    Exit codes: 0 nothing needs a person; 1 findings need a person; 2 an unknown or malformed
    version, or a path that does not exist; 3 a file could not be read or parsed.
    """
    versions = [t for t in targets if _is_version_argument(t)]
    paths = [t for t in targets if not _is_version_argument(t)]
    codes = [_advise_versions(versions, as_json=output_format == "json")] if versions else []
    if paths:
        codes.append(_advise_paths(paths, output_format, quiet))
    sys.exit(_combined(codes))


def _combined(codes: list[int]) -> int:
    for code in (EXIT_USAGE, EXIT_FILE_ERROR, EXIT_PENDING):
        if code in codes:
            return code
    return EXIT_OK


def _advise_versions(texts: list[str], *, as_json: bool) -> int:
    reports = [None if is_v1_value(t) else explain(t) for t in texts]
    if as_json:
        pairs = zip(texts, reports, strict=True)
        records = [_v1_value_record(t) if r is None else _report_record(r) for t, r in pairs]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    else:
        _print_reports(texts, reports)
    return EXIT_USAGE if any(isinstance(r, UnknownVersion) for r in reports) else EXIT_OK


def _print_reports(texts: list[str], reports: list[VersionReport | UnknownVersion | None]) -> None:
    console = None
    if _on_terminal():
        from rich.console import Console

        console = Console()
    for index, (text, report) in enumerate(zip(texts, reports, strict=True)):
        if index:
            click.echo("")
        if report is None:
            click.echo(_v1_value_line(text))
        elif console is not None:
            rich_report(console, report)
        else:
            click.echo(plain_report(report))


def _v1_value_line(text: str) -> str:
    return (
        f"{text.strip()}: not a dated api-version but a value the v1 API takes (api-version={text.strip()}); "
        "the migrated client sends no api-version."
    )


def _v1_value_record(text: str) -> dict[str, object]:
    return {"version": text.strip(), "known": False, "v1_value": True, "message": _v1_value_line(text)}


def _report_record(report: VersionReport | UnknownVersion) -> dict[str, object]:
    if isinstance(report, UnknownVersion):
        from codemod.advisor.report import unknown_line

        return {"version": report.text, "known": False, "code": "AOAI308", "message": unknown_line(report),
                "closest": list(report.closest)}
    record = asdict(report)
    record["info"]["date"] = report.info.date.isoformat()
    record["info"]["label"] = report.info.label
    return {"version": report.info.version, "known": True, **record}


def _advise_paths(paths: list[str], output_format: str, quiet: bool) -> int:
    from codemod.advisor.tree import advise_paths
    from codemod.commands.reporting import render

    advice = advise_paths(paths)
    for missing in advice.missing:
        click.echo(f"aoai-migrate advise: {missing}: no such file or directory.", err=True)
    findings = [f for f in advice.findings if f.needs_person] if quiet else advice.findings
    output = render(findings, output_format)
    if output:
        click.echo(output, nl=False)
    if output_format == "concise" and not quiet:
        person = sum(f.needs_person for f in advice.findings)
        click.echo(f"Advisor: {len(advice.findings)} findings, {person} need a person.", err=True)
    if advice.missing:
        return EXIT_USAGE
    if advice.failed:
        return EXIT_FILE_ERROR
    return EXIT_PENDING if any(f.needs_person for f in advice.findings) else EXIT_OK


@click.command("versions")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text", show_default=True)
def versions(output_format: str) -> None:
    """List every known dated api-version with its channel and status."""
    known = load().versions
    if output_format == "json":
        records = [
            {"version": v.version, "channel": v.channel, "status": v.status, "label": v.label} for v in known
        ]
        click.echo(json.dumps(records, indent=2))
    elif _on_terminal():
        from rich.console import Console

        rich_versions(Console(), known)
    else:
        click.echo(plain_versions(known))
