"""Benchmark: `aoai-migrate --check` against LibCST's no-op codemod and `grep -rl` on the same corpus.

    python benchmarks/run.py                 # full standard library (LibCST no-op takes a few minutes)
    python benchmarks/run.py --quick         # a 300-file sample of it, under a minute
    python benchmarks/run.py --results benchmarks/RESULTS.md

LLM repositories, where a quarter of the files mention openai (against grep -rli and ruff check --select UP):

    python benchmarks/run.py --llm                          # the generated LLM-application corpus, 1x 2x 4x
    python benchmarks/run.py --corpus haystack=/tmp/haystack --corpus /tmp/camel   # any checkouts
    python benchmarks/run.py --llm --corpus ... --results benchmarks/RESULTS.md --section llm

The corpora (benchmarks/corpus/, gitignored) are rebuilt only when their parameters change. --results
replaces only its own section of the file (the standard-library tables, or --section NAME).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import llm_run  # noqa: E402
import tools  # noqa: E402
from llm_report import write_section  # noqa: E402
from measure import measure, warm_cache  # noqa: E402
from report import Row, render  # noqa: E402

HERE = Path(__file__).resolve().parent
QUICK_LIMIT = 300


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"use a seeded sample of {QUICK_LIMIT} stdlib files")
    parser.add_argument("--limit", type=int, help="use a seeded sample of this many stdlib files")
    parser.add_argument("--sizes", default="1,2,4", help="corpus copies for the growth table (default 1,2,4)")
    parser.add_argument("--repeats", type=int, help="runs of each command per corpus (median; 5, with --llm or"
                        " --corpus 3)")
    parser.add_argument("--libcst-repeats", type=int, default=1, help="runs of the LibCST no-op (1x only)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for both codemods")
    parser.add_argument("--build-dir", type=Path, default=HERE / "corpus", help="where to build the corpora")
    parser.add_argument("--llm", action="store_true", help="time the generated LLM-application corpus")
    parser.add_argument("--corpus", action="append", default=[], metavar="[NAME=]DIR",
                        help="time this checkout (repeatable) against grep and ruff")
    parser.add_argument("--results", type=Path, help="also write the tables as Markdown to this file")
    parser.add_argument("--section", default="llm", help="with --llm/--corpus: the section of --results to replace")
    parser.add_argument("--title", default="LLM repositories", help="with --llm/--corpus: the section's heading")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.repeats is None:
        args.repeats = 3 if args.llm or args.corpus else 5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tools.byte_compile()
    if args.llm or args.corpus:
        return llm_run.main(args)
    load_before = os.getloadavg()[0]
    limit = args.limit or (QUICK_LIMIT if args.quick else None)
    factors = sorted({int(f) for f in args.sizes.split(",")} | {1})
    print(f"building corpus in {args.build_dir / 'stdlib'} ...", file=sys.stderr)
    built = corpus.build(args.build_dir / "stdlib", limit, factors, args.seed)
    print(f"{built.base_files} files ({built.azure_files} Azure), {built.base_bytes / 1e6:.1f} MB per copy",
          file=sys.stderr)
    startup = measure("aoai-migrate --version", tools.aoai_version(), HERE, 10, {0})
    python = measure("python -c pass", tools.python_startup(), HERE, 10, {0})
    rows = [measure_size(built, factor, args) for factor in factors]
    phases = measure_phases(built.size_dir(factors[-1]))
    text = render(built, rows, startup, python, phases, args, limit, load_before)
    print(text)
    if args.results:
        write_section(args.results, "stdlib", text)  # the other sections (big files, LLM corpora) are kept
    return 0


def measure_size(built: corpus.Corpus, factor: int, args: argparse.Namespace) -> Row:
    directory = built.size_dir(factor)
    files = built.base_files * factor
    print(f"x{factor}: {files} files", file=sys.stderr)
    warm_cache(directory)
    # Exit 1: changes pending; 3: also files it reports as unreadable (see tools.aoai_counts).
    aoai = measure("aoai-migrate --check", tools.aoai_migrate(args.jobs), directory, args.repeats, {1, 3})
    changed, unchanged, failed = tools.aoai_counts(aoai.samples[0].stdout)
    others = sum(1 for _ in directory.glob("*.yaml"))  # LibCST's .libcst.codemod.yaml: read by the file kinds too
    check(changed == built.azure_files * factor and changed + unchanged + failed == files + others,
          f"aoai-migrate saw {changed} + {unchanged} + {failed} files, expected {built.azure_files * factor}"
          f" changed of {files} (+ {others} configuration files)")
    found = measure("grep -rli", tools.grep(), directory, args.repeats, {0})
    hits = tools.grep_count(found.samples[0].stdout)
    check(hits == built.azure_files * factor, f"grep found {hits} files, expected {built.azure_files * factor}")
    row = Row(factor, files, aoai, found)
    if factor == 1 and args.libcst_repeats > 0:
        print("x1: LibCST no-op codemod (slow)", file=sys.stderr)
        row.libcst = measure("LibCST no-op", tools.libcst_noop(args.jobs), directory, args.libcst_repeats, {0, 1})
        total, _ = tools.libcst_counts(row.libcst.samples[0].stdout)
        check(total == files, f"LibCST processed {total} files, expected {files}")
    return row


def measure_phases(directory: Path) -> dict[str, float]:
    """Phase times of one in-process run (benchmarks/phases.py) in a fresh interpreter."""
    done = subprocess.run([sys.executable, str(HERE / "phases.py"), str(directory)], capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def check(ok: bool, message: str) -> None:
    if not ok:
        raise SystemExit(f"benchmark corpus mismatch: {message}")


if __name__ == "__main__":
    sys.exit(main())
