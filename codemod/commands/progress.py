"""A progress bar on standard error for long runs on a terminal (never when piped or under CI)."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, total: int) -> None:
        self._bar = RichProgress(
            TextColumn("migrating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
        )
        self._task = self._bar.add_task("files", total=total)

    def __enter__(self) -> Callable[[object], None]:
        self._bar.start()
        return lambda _outcome: self._bar.advance(self._task)

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()
