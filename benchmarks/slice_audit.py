"""Slicing on real code: the engine on a sliced module must give what it gives on the whole module.

    python benchmarks/slice_audit.py DIR [DIR ...]

For every `.py` file under the directories that passes both filters (the byte words and the syntax needs of
the default options), runs the engine twice, sliced (as the tool does) and over the whole module, and compares
the new text, the findings and the record. Prints each file that differs and a count; exits 1 when one does.
The property tests (tests/test_slicing.py) splice chosen statements into the fixtures; this reads what real
repositories hold (for example the trees `benchmarks/realcode.py --keep` leaves, or `benchmarks/checkout.py`'s).
"""

from __future__ import annotations

import sys
from pathlib import Path

from codemod.migration import migrate_source
from codemod.options import Options
from codemod.record import MigrationResult
from codemod.run.filters import could_match, filters_for, may_act

SKIPPED_FOLDERS = {".git", "node_modules", ".venv", "venv", "__pycache__"}


def same(sliced: MigrationResult, whole: MigrationResult) -> bool:
    return sliced.source == whole.source and sliced.findings == whole.findings and sliced.record == whole.record


def audit(roots: list[Path]) -> tuple[int, list[Path]]:
    options = Options()
    words, need = filters_for(options)
    checked, different = 0, []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if SKIPPED_FOLDERS.intersection(path.parts):
                continue
            try:
                data = path.read_bytes()
                if not could_match(data, words):
                    continue
                text = data.decode("utf-8")
                if not may_act(text, need):
                    continue
                sliced = migrate_source(text, options, str(path))
                whole = migrate_source(text, options, str(path), whole_module=True)
            except Exception:  # noqa: BLE001 - unreadable or unparseable files are the tool's report, not this check's
                continue
            checked += 1
            if not same(sliced, whole):
                different.append(path)
                print(f"differs: {path}", flush=True)
    return checked, different


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    checked, different = audit([Path(a) for a in argv])
    print(f"{checked} files checked, {len(different)} differ")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
