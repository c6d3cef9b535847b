"""Where aoai-migrate's time goes on one corpus, phase by phase, in one process on one core.

    python benchmarks/phases.py DIRECTORY      # prints one JSON object

Run by run.py in a fresh interpreter so that the import times are real.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def main(directory: Path) -> dict[str, float]:
    start = time.perf_counter()
    from codemod.run.discovery import discover
    from codemod.run.runner import could_match

    imported = time.perf_counter()
    files = [f.path for f in discover([directory]).files]
    discovered = time.perf_counter()
    data = [path.read_bytes() for path in files]
    read = time.perf_counter()
    candidates = [d for d in data if could_match(d)]
    filtered = time.perf_counter()
    import libcst

    from codemod.engine.slicing import slice_module
    from codemod.migration import migrate_source
    from codemod.run.source import SourceError, decode

    engine_loaded = time.perf_counter()
    texts = []
    for candidate in candidates[:20]:
        try:
            texts.append(decode(candidate).text)
        except SourceError:  # reported by the tool, not migrated: no engine time to measure
            continue
    engine, sliced, parse, whole = [], [], [], []
    for text in texts:
        began = time.perf_counter()
        migrate_source(text)
        engine.append(time.perf_counter() - began)
        began = time.perf_counter()
        cut = slice_module(text)
        sliced.append(time.perf_counter() - began)
        began = time.perf_counter()
        libcst.parse_module(cut.text if cut is not None else text)
        parse.append(time.perf_counter() - began)
        began = time.perf_counter()
        migrate_source(text, whole_module=True)
        whole.append(time.perf_counter() - began)
    return {
        "files": len(files),
        "megabytes": sum(map(len, data)) / 1e6,
        "candidates": len(candidates),
        "import_cli_modules": imported - start,
        "discover": discovered - imported,
        "read": read - discovered,
        "prefilter": filtered - read,
        "import_engine": engine_loaded - filtered,
        "engine_per_candidate": statistics.median(engine) if engine else 0.0,
        "slice_per_candidate": statistics.median(sliced) if sliced else 0.0,
        "parse_per_candidate": statistics.median(parse) if parse else 0.0,
        "whole_per_candidate": statistics.median(whole) if whole else 0.0,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
