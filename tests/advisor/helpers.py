"""Shared helpers for the advisor tests: fixture paths and `.findings` sidecars."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "advisor"


def sidecar(path: Path) -> list[tuple[str, ...]]:
    """Rows of a `.findings`/`expected.findings` file: whitespace-separated fields, `#` lines skipped."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append(tuple(line.split()))
    return rows
