"""Rendering advisor reports: plain text (pipes, files, tests) or rich (a terminal). Both read the same
sections, so the snapshot tests of the plain form cover what a terminal shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from codemod.advisor.data import VersionInfo
from codemod.advisor.explain import Later, UnknownVersion, VersionReport
from codemod.advisor.versions import unknown_version_message


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[str, ...] = ()
    inline: bool = False  # items joined on one line after the heading


def version_sections(report: VersionReport) -> list[Section]:
    info = report.info
    added = "Added in this version" + ("" if info.verified else " (documented as; its spec was not read)")
    lacks = tuple(_lack(i) for i in report.lacks) or ("nothing: it has every tracked parameter and API",)
    sections = [
        Section(info.status_note),
        Section(added, info.features or ("nothing documented",)),
        Section("Has", report.has or ("none of the tracked parameters and APIs",), inline=True),
        Section("Lacks (first version that has it)", lacks),
        Section("Newer dated versions", _newer(report), inline=True),
        Section(f"Moving to the v1 API (GA since {report.v1_ga_since})", report.v1_changes),
    ]
    if report.policy:
        sections.append(Section("Preview support", (report.policy,), inline=True))
    sections.append(Section("Source", (info.source,), inline=True))
    return sections


def _lack(item: Later) -> str:
    return f"{item.name}: {'' if item.verified else 'documented as '}first in {item.first}"


def _newer(report: VersionReport) -> tuple[str, ...]:
    parts = ["GA " + ", ".join(report.newer_ga) if report.newer_ga else "no newer GA"]
    if report.newer_preview:
        previews = report.newer_preview
        span = previews[0] if len(previews) == 1 else f"{previews[0]} to {previews[-1]}"
        parts.append(f"{len(previews)} preview ({span})")
    if len(parts) == 1 and not report.newer_ga:
        return ("none: this is the last dated version",)
    return tuple(parts)


def title(report: VersionReport) -> str:
    return f"{report.info.version}  {report.info.label}"


def unknown_line(report: UnknownVersion) -> str:
    return f"AOAI308 {unknown_version_message(report.text)}"


def plain_report(report: VersionReport | UnknownVersion) -> str:
    if isinstance(report, UnknownVersion):
        return unknown_line(report)
    lines = [title(report)]
    for section in version_sections(report):
        if not section.items:
            lines.append(f"  {section.heading}")
        elif section.inline:
            lines.append(f"  {section.heading}: {'; '.join(section.items)}")
        else:
            lines.append(f"  {section.heading}:")
            lines.extend(f"    - {item}" for item in section.items)
    return "\n".join(lines)


def rich_report(console: Console, report: VersionReport | UnknownVersion) -> None:
    if isinstance(report, UnknownVersion):
        console.print(Text(unknown_line(report), style="bold red"))
        return
    parts: list[Text] = []
    for section in version_sections(report):
        if not section.items:
            parts.append(Text(section.heading, style="italic"))
            continue
        block = Text()
        block.append(section.heading + (": " if section.inline else "\n"), style="bold")
        bullets = "\n".join(f"  • {item}" for item in section.items)
        block.append("; ".join(section.items) if section.inline else bullets)
        parts.append(block)
    console.print(Panel(Group(*parts), title=Text(title(report), style="bold cyan"), title_align="left"))


def plain_versions(versions: Sequence[VersionInfo]) -> str:
    width = max(len(v.version) for v in versions)
    lines = [f"{'version':<{width}}  channel  status"]
    lines.extend(f"{v.version:<{width}}  {v.channel:<7}  {v.label}" for v in versions)
    return "\n".join(lines)


def rich_versions(console: Console, versions: Sequence[VersionInfo]) -> None:
    table = Table(title="Azure OpenAI dated api-versions")
    for column in ("version", "channel", "status"):
        table.add_column(column)
    for v in versions:
        table.add_row(v.version, v.channel, v.label)
    console.print(table)
