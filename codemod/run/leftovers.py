"""Temporary files that a killed earlier run left (`.NAME.XXXXXXXX.aoai-tmp`, see codemod/writer.py): each
holds a copy of the file named in it, complete or not, while that file itself was never touched. A run
reports them, and removes them when asked (`--clean-temp`). Discovery finds them in the directories it
walks; `leftovers_beside` looks next to named files (pre-commit's runs walk no directory)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import click

from codemod.run.discovery import display_path
from codemod.run.writer import TEMP_NAME


def report_leftovers(found: list[Path], files: list[Path], remove: bool) -> None:
    """Print what an interrupted earlier run left (on standard error: reports on standard output stay
    parseable), and remove it when `remove`."""
    found = sorted({*found, *leftovers_beside(files)})
    if not found:
        return
    shown = ", ".join(display_path(p) for p in found)
    files_word = "file" if len(found) == 1 else "files"
    if not remove:
        click.echo(f"warning: {len(found)} temporary {files_word} left by an interrupted earlier run (the files "
                   f"they were made for are unchanged or fully migrated): {shown}. Run again with --clean-temp "
                   "to remove them.", err=True)
        return
    failed = []
    for path in found:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            failed.append(f"{display_path(path)} ({exc.strerror or exc})")
    click.echo(f"Removed {len(found) - len(failed)} temporary {files_word} left by an interrupted earlier run: "
               f"{shown}.", err=True)
    if failed:
        click.echo(f"warning: could not remove {', '.join(failed)}.", err=True)


def leftovers_beside(files: Iterable[Path]) -> list[Path]:
    """Temporary files of an interrupted earlier run next to `files` (a run on named files, such as
    pre-commit's, walks no directory; a walk finds them itself)."""
    names: dict[Path, set[str]] = {}
    for file in files:
        names.setdefault(file.parent, set()).add(file.name)
    found = []
    for directory, wanted in names.items():
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        found += [directory / e for e in entries if (m := TEMP_NAME.match(e)) and m.group("name") in wanted]
    return sorted(found)
