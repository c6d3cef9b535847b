"""How fast any LibCST-based aoai-migrate could be on a tree: the least work a run must do before it can say
what changes, measured, next to issue 14's targets measured in the same run.

    python benchmarks/floor.py --llm --corpus haystack=/tmp/llmrepos/haystack ...   # --results FILE: a section

A file that a rule acts on must go through the engine, which starts from LibCST's parse and scope analysis
(codemod/migration.py `prepare`; the rules read qualified names and assignments from ScopeProvider). So no run
can finish before

    start-up (a Python that has imported LibCST) + the files' LibCST work spread over the jobs

however fast the filters, the rules and everything else become. This script measures both terms:

- the files: those `aoai-migrate --check` hands to LibCST ($AOAI_MIGRATE_PARSE_LOG), each as the engine gets it
  (the sliced text where codemod/engine/slicing.py applies, a notebook's code cells joined);
- their CPU seconds for `libcst.parse_module` alone and with `MetadataWrapper.resolve(ScopeProvider)` as the
  engine runs it (with its read-only walk, codemod/engine/walk.py; least of `--repeats`), placed on `--jobs`
  processes longest first (the makespan of that schedule; no schedule of whole files does better than the
  longest file or the total divided by the jobs);
- start-up: the wall time of `python -c "import libcst"` (median).

and prints the two floors (parse only: an engine without scope analysis; parse + scope: today's engine) against
the target, min(15x `grep -rli`, 4x `ruff check --select UP`), with grep, ruff and aoai-migrate timed in turns.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import llm_corpus  # noqa: E402
import tools  # noqa: E402
from compare import TARGET_GREP, TARGET_RUFF, compare  # noqa: E402
from llm_report import write_section  # noqa: E402
from measure import measure  # noqa: E402

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Floor:
    label: str
    files: int  # handed to LibCST
    kib: float  # the text LibCST gets, summed
    parse: list[float]  # CPU seconds per file
    scope: list[float]  # parse + scope analysis, CPU seconds per file
    largest: str  # the file whose parse + scope costs most
    startup: float  # python -c "import libcst", wall seconds
    aoai: float
    grep: float
    ruff: float
    jobs: int

    @property
    def target(self) -> float:
        return min(TARGET_GREP * self.grep, TARGET_RUFF * self.ruff)

    def floor(self, costs: list[float]) -> float:
        return self.startup + makespan(costs, self.jobs)


def makespan(costs: list[float], jobs: int) -> float:
    """The longest-first schedule of `costs` on `jobs` processes: when the last one is done."""
    loads = [0.0] * max(1, jobs)
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def engine_text(path: Path) -> str:
    """The text the engine parses first: the sliced module where slicing applies, a notebook's code cells."""
    from codemod.engine.slicing import slice_module

    if path.suffix == ".ipynb":
        from codemod.notebook import code_cells

        text = "\n".join(code_cells(path.read_bytes()).values())
    else:
        text = path.read_bytes().decode("utf-8", "replace")
    sliced = slice_module(text)
    return sliced.text if sliced is not None else text


def libcst_costs(paths: list[Path], repeats: int) -> tuple[list[float], list[float], float]:
    """(parse, parse + scope) CPU seconds per file, least of `repeats`, and the texts' size in KiB. A text LibCST
    cannot parse (the engine reports it) costs what its failed parse costs."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, ScopeProvider

    from codemod.engine import walk

    walk.install()  # the scope analysis as the engine runs it (codemod/engine/walk.py)
    parse: list[float] = []
    scope: list[float] = []
    size = 0
    for path in paths:
        text = engine_text(path)
        size += len(text.encode())
        best_parse = best_scope = float("inf")
        for _ in range(repeats):
            gc.collect()
            start = time.process_time()
            try:
                module = cst.parse_module(text)
            except Exception:  # noqa: BLE001 - a failed parse is all the engine does with it
                best_parse = best_scope = min(best_parse, time.process_time() - start)
                continue
            parsed = time.process_time()
            MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
            done = time.process_time()
            best_parse = min(best_parse, parsed - start)
            best_scope = min(best_scope, done - start)
        parse.append(best_parse)
        scope.append(best_scope)
    return parse, scope, size / 1024


def measure_tree(label: str, directory: Path, repeats: int, jobs: int) -> Floor:
    row = compare(label, directory, repeats, jobs)  # aoai-migrate, grep and ruff in turns, and the files parsed
    startup = measure("import libcst", [sys.executable, "-c", "import libcst"], directory, repeats, {0})
    names = list(row.parsed_files)
    print(f"{label}: LibCST on {len(names)} files", file=sys.stderr)
    parse, scope, kib = libcst_costs([directory / name for name in names], repeats)
    largest = names[scope.index(max(scope))] if scope else "-"
    return Floor(label, len(names), kib, parse, scope, largest, startup.wall, row.aoai.wall, row.grep.wall,
                 row.ruff.wall, jobs)


def table(rows: list[Floor]) -> str:
    head = ("| corpus | files to LibCST | KiB | LibCST parse, CPU s | parse + scope, CPU s | start-up s | "
            "floor, parse only s | floor, parse + scope s | aoai-migrate s | target s | floor (parse + scope) / "
            "target | aoai-migrate / floor |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        low, engine = r.floor(r.parse), r.floor(r.scope)
        lines.append(
            f"| {r.label} | {r.files} | {r.kib:,.0f} | {sum(r.parse):.2f} | {sum(r.scope):.2f} | {r.startup:.2f} | "
            f"{low:.2f} | {engine:.2f} | {r.aoai:.2f} | {r.target:.2f} | "
            f"{'**' if engine > r.target else ''}{engine / r.target:.1f}x{'**' if engine > r.target else ''} | "
            f"{r.aoai / engine:.1f}x |")
    return "\n".join(lines)


def render(rows: list[Floor], args: argparse.Namespace, notes: list[str]) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE).stdout.strip()
    largest = "; ".join(f"{r.label}: `{r.largest}` ({max(r.scope, default=0):.2f} s)" for r in rows)
    return "\n".join([
        "## The floor of a LibCST engine",
        "",
        f"Command: `python benchmarks/floor.py {' '.join(sys.argv[1:])}`; {time.strftime('%Y-%m-%d')}, "
        f"aoai-migrate at commit {commit}, `--jobs {args.jobs}`, {args.repeats} run{'s' * (args.repeats != 1)} of "
        "each command (median wall; least CPU per file). How to read it: benchmarks/floor.py's docstring.",
        *notes,
        "",
        table(rows),
        "",
        "*target*: min(15x `grep -rli`, 4x `ruff check --select UP`), both timed in turns with aoai-migrate in this "
        "run. *floor*: start-up (`python -c \"import libcst\"`) plus the files' LibCST CPU time on the jobs, "
        "longest first: what a run costs before any filter, rule or report, on a quiet machine. Bold: the floor of "
        "today's engine (which needs the scope analysis) is above the target, so no change outside LibCST can "
        "meet it. The file that costs most: " + largest + ".",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", action="store_true", help="the generated LLM-application corpus (1x and 4x)")
    parser.add_argument("--corpus", action="append", default=[], metavar="[NAME=]DIR")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-dir", type=Path, default=HERE / "corpus")
    parser.add_argument("--results", type=Path)
    parser.add_argument("--section", default="floor")
    args = parser.parse_args(argv)
    tools.byte_compile()
    rows: list[Floor] = []
    notes: list[str] = []
    if args.llm:
        built = llm_corpus.build(args.build_dir / "llm", [1, 4], args.seed)
        for factor in (1, 4):
            rows.append(measure_tree(f"{factor}x", built.size_dir(factor), args.repeats, args.jobs))
    for spec in args.corpus:
        name, _, directory = spec.rpartition("=")
        path = Path(directory).resolve()
        noted = path / ".git" / "benchmark-source"
        notes.append(f"- {name or path.name}: {noted.read_text().strip() if noted.exists() else path}")
        rows.append(measure_tree(name or path.name, path, args.repeats, args.jobs))
    text = render(rows, args, notes)
    print(text)
    if args.results:
        write_section(args.results, args.section, text)
    print(json.dumps({r.label: {"parse": sum(r.parse), "scope": sum(r.scope), "startup": r.startup}
                      for r in rows}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
