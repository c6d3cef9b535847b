"""What a rule reports: `Finding`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]
# How sure a fix is (ruff's contract): "safe" fixes keep the program's behaviour and are applied by default;
# "unsafe" ones rely on something the tool cannot see and are applied only with --unsafe-fixes.
Applicability = Literal["safe", "unsafe"]

# The code of a file that could not be read, decoded or parsed; every other code belongs to a rule
# (codemod/rules/, listed without importing them by codemod/rule_index.py).
FILE_ERROR = "AOAI000"
FILE_ERROR_SUMMARY = "A file could not be read, decoded or parsed."


@dataclass(frozen=True)
class Finding:
    """One report about one place in one file.

    `fixed` is True when the tool rewrote the code (or would, in --diff/--check); such findings need no
    person. `level == "info"` findings explain and never fail a run on their own. `applicability` is that
    of the finding's fix: "unsafe" on a fixed finding means the rewrite was an unsafe fix (--unsafe-fixes); on
    a finding that is not fixed, that an unsafe fix is available and was held back (a hidden fix).
    """

    code: str
    message: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    fixed: bool = False
    level: Level = "warning"
    path: str = ""
    cell: int | None = None  # notebook cell number (from 1), for .ipynb inputs
    applicability: Applicability = "safe"

    @property
    def needs_person(self) -> bool:
        return not self.fixed and self.level != "info"

    @property
    def unsafe(self) -> bool:
        return self.applicability == "unsafe"

    @property
    def hidden_fix(self) -> bool:
        """An unsafe fix held back because --unsafe-fixes was not given."""
        return self.unsafe and not self.fixed

    def with_path(self, path: str) -> Finding:
        data = asdict(self)
        data["path"] = path
        return Finding(**data)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.path, self.cell if self.cell is not None else -1, self.line, self.column, self.code)
