"""Rendering a doctor `Report`: plain text (pipes, files, tests), the same text coloured by rich (a
terminal), or JSON (CI). Pure: report in, text out; the command scrubs secrets and prints."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.text import Text

from codemod.doctor.checks import Deployment, Report

STATUS_LABEL = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "skip": "SKIP"}
STATUS_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "skip": "dim"}
METHOD_LABEL = {"data-plane": "data-plane listing", "arm": "Azure Resource Manager listing",
                "probe": "zero-token probe"}
HEADER_INDENT = " " * len("  deployments  ")


def header_lines(report: Report) -> list[str]:
    lines = [f"aoai-migrate doctor: {report.endpoint}",
             f"  base URL     {report.base_url} (what the migrated code calls)",
             f"  credential   {report.credential}"]
    if report.method:
        lines.append(f"  deployments  {METHOD_LABEL[report.method]}: {report.method_note}")
        if report.method_reason:
            lines.append(f"{HEADER_INDENT}used because {report.method_reason}")
    return lines


def summary_line(report: Report) -> str:
    counts = Counter(check.status for check in report.checks)
    parts = [f"{counts[status]} {word}" for status, word in
             (("pass", "passed"), ("warn", "warnings"), ("fail", "failed"), ("skip", "skipped")) if counts[status]]
    verdict = "Problems found" if report.failed else "All checks passed"
    return f"{verdict}: {', '.join(parts)}."


def render_text(report: Report, colour: bool = False, width: int = 100) -> str:
    """The text report; with `colour`, ANSI-styled by rich."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=colour, no_color=not colour, width=width,
                      highlight=False, soft_wrap=True)
    for line in header_lines(report):
        console.print(Text(line))
    console.print()
    name_width = max((len(check.name) for check in report.checks), default=0)
    for check in report.checks:
        row = Text(STATUS_LABEL[check.status], style=STATUS_STYLE[check.status])
        row.append(f"  {check.name.ljust(name_width)}  {check.summary}")
        console.print(row)
        indent = " " * (len("PASS") + 2)
        if check.reason:
            console.print(Text(f"{indent}why: {check.reason}", style="dim" if colour else ""))
        if check.fix:
            console.print(Text(f"{indent}fix: {check.fix}", style="cyan" if colour else ""))
    console.print()
    console.print(Text(summary_line(report), style=("bold red" if report.failed else "bold green") if colour
                       else ""))
    return buffer.getvalue()


def render_json(report: Report) -> str:
    data = {
        "ok": not report.failed,
        "endpoint": report.endpoint,
        "base_url": report.base_url,
        "credential": report.credential,
        "deployment_method": report.method,
        "deployment_method_note": report.method_note,
        "deployment_method_reason": report.method_reason,
        "checks": [asdict(check) for check in report.checks],
        "deployments": [_deployment(item) for item in report.deployments],
        "counts": dict(Counter(check.status for check in report.checks)),
    }
    return json.dumps(data, indent=2) + "\n"


def _deployment(item: Deployment) -> dict[str, Any]:
    """A deployment entry; `suggestion` is the best existing deployment for a missing name (None otherwise)."""
    data = asdict(item)
    data["suggestion"] = data["suggestions"][0] if data["suggestions"] else None
    return data
