"""Before/after fixture pairs: `fixtures/<rule>/<case>.in.py` (or `.in.ipynb`) and `<case>.out.py`.

Optional sidecars: `<case>.toml` — a `[tool.aoai-migrate]`-style table of options for the case;
`<case>.findings` — the findings that need a person, one `LINE CODE` per line (when it is absent, the case
must produce none). Files are compared byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass(frozen=True)
class Case:
    source: Path
    expected: Path
    options: Path | None
    findings: Path | None

    @property
    def id(self) -> str:
        return f"{self.source.parent.name}/{self.source.name.split('.in.')[0]}"


def cases(folder: str | None = None) -> list[Case]:
    root = FIXTURES / folder if folder else FIXTURES
    found = []
    for source in sorted(root.rglob("*.in.py")) + sorted(root.rglob("*.in.ipynb")):
        stem = source.name.split(".in.")[0]
        suffix = source.suffix
        expected = source.with_name(f"{stem}.out{suffix}")
        options = source.with_name(f"{stem}.toml")
        findings = source.with_name(f"{stem}.findings")
        found.append(
            Case(source, expected, options if options.exists() else None, findings if findings.exists() else None)
        )
    return found
