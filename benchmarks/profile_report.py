"""Markdown from benchmarks/profile_llm.py's JSON: where the time goes per repository, which files a rule acts
on, what the prototype second filter (astfilter.py) keeps, and what it would save.

    python benchmarks/profile_report.py haystack=h.json camel=c.json [--results FILE --section NAME]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_report import write_section  # noqa: E402

STEPS = ("slicing", "LibCST parse", "metadata (scopes)", "analysis", "rules", "codegen")
FIXED = ("import the CLI modules", "discovery", "read", "byte pre-filter")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profiles", nargs="+", metavar="NAME=JSON")
    parser.add_argument("--results", type=Path)
    parser.add_argument("--section", default="profile")
    parser.add_argument("--title", default="Where the time goes, and what a second filter can win")
    args = parser.parse_args(argv)
    trees = {}
    for spec in args.profiles:
        name, _, path = spec.partition("=")
        trees[name] = json.loads(Path(path).read_text())[0]
    text = render(args.title, trees)
    print(text)
    if args.results:
        write_section(args.results, args.section, text)
    return 0


def render(title: str, trees: dict[str, dict]) -> str:
    parts = [f"## {title}", "", files_table(trees), "", reasons_table(trees), "", phase_table(trees), "",
             parse_table(trees), "", estimate_table(trees), "", acting_files(trees), "", legend()]
    return "\n".join(parts) + "\n"


def _acts(f: dict) -> bool:
    return bool(f["acts"])


def files_table(trees: dict[str, dict]) -> str:
    lines = ["### Files", "",
             "| repository | files | pass the byte filter (.py + .ipynb) | a rule acts on | kept by the prototype"
             " filter | ruled out | acted on, yet ruled out | pass the word screen | kept, yet not screened |"
             " timed steps = the engine's result |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, tree in trees.items():
        survivors = tree["survivors"]
        notebooks = sum(f["notebook"] for f in survivors)
        acting = [f for f in survivors if _acts(f)]
        kept = [f for f in survivors if f["reasons"]]
        missed = [f for f in acting if not f["reasons"]]
        cells = [f for f in missed if _only_cell_errors(f)]
        compared = [f for f in survivors if f["faithful"] is not None]
        agree = sum(f["faithful"] for f in compared)
        lines.append(f"| {name} | {tree['files']:,} | {len(survivors)} ({len(survivors) - notebooks} + {notebooks}) |"
                     f" {len(acting)} | {len(kept)} | {len(survivors) - len(kept)} ({_share(survivors, kept)}) |"
                     f" {len(missed) - len(cells)}{f' (+ {len(cells)} notebook cell errors)' if cells else ''} |"
                     f" {sum(_screened(f) for f in survivors)} | {sum(not _screened(f) for f in kept)} |"
                     f" {agree} of {len(compared)} compared |")
    return "\n".join(lines)


def _screened(f: dict) -> bool:
    return f.get("screened", True)


def _only_cell_errors(f: dict) -> bool:
    """A notebook whose only finding is AOAI000 for cells that do not parse: reported by the notebook reader
    before the engine runs (codemod/notebook/masking.py), so a filter placed after that step keeps it."""
    return f["notebook"] and set(f["acts"]) == {"AOAI000"}


def _share(survivors: list, kept: list) -> str:
    return f"{1 - len(kept) / len(survivors):.0%}" if survivors else "-"


def reasons_table(trees: dict[str, dict]) -> str:
    counts = {name: Counter(r for f in tree["survivors"] for r in f["reasons"]) for name, tree in trees.items()}
    acts = {name: Counter(a for f in tree["survivors"] for a in f["acts"]) for name, tree in trees.items()}
    reasons = sorted(set().union(*counts.values()))
    outcomes = sorted(set().union(*acts.values()))
    names = list(trees)
    lines = ["### Why the prototype filter keeps a file, and what the engine did (files; one file can count in"
             " several rows)", "", "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines += [f"| kept: {r} | " + " | ".join(str(counts[n][r]) for n in names) + " |" for r in reasons]
    lines += [f"| engine: {a} | " + " | ".join(str(acts[n][a]) for n in names) + " |" for a in outcomes]
    return "\n".join(lines)


def phase_table(trees: dict[str, dict]) -> str:
    names = list(trees)
    lines = ["### Where the time goes (CPU seconds in one process, one core)", "",
             "| phase | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for phase in (*FIXED, "import the engine (LibCST)"):
        lines.append(f"| {phase} | " + " | ".join(f"{trees[n]['phases'][phase]:.3f}" for n in names) + " |")
    totals = {n: sum(sum(f["steps"].values()) for f in trees[n]["survivors"]) for n in names}
    for step in STEPS:
        cells = []
        for n in names:
            seconds = sum(f["steps"].get(step, 0.0) for f in trees[n]["survivors"])
            cells.append(f"{seconds:.2f} ({seconds / totals[n]:.0%})" if totals[n] else "-")
        lines.append(f"| engine: {step}, summed over the files that pass | " + " | ".join(cells) + " |")
    lines.append("| engine, all steps | " + " | ".join(f"{totals[n]:.2f}" for n in names) + " |")
    lines.append("| engine as the runner calls it (codemod.run.runner.migrate_bytes) | "
                 + " | ".join(f"{sum(f['engine'] for f in trees[n]['survivors']):.2f}" for n in names) + " |")
    return "\n".join(lines)


def parse_table(trees: dict[str, dict]) -> str:
    lines = ["### `ast.parse` against LibCST on the files that pass the byte filter (CPU seconds, summed)", "",
             "| repository | files | MB | ast.parse | the filter's walk | LibCST parse of the whole module |"
             " engine | LibCST parse / ast.parse | engine / (ast.parse + walk) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, tree in trees.items():
        survivors = [f for f in tree["survivors"] if f["steps"]]
        ast_s = sum(f["ast_parse"] for f in survivors)
        walk = sum(f["ast_reasons"] for f in survivors)
        whole = sum(f["libcst_whole"] for f in survivors)
        engine = sum(f["engine"] for f in survivors)
        megabytes = sum(f["bytes"] for f in survivors) / 1e6
        lines.append(f"| {name} | {len(survivors)} | {megabytes:.1f} | {ast_s:.2f} | {walk:.2f} | {whole:.2f} |"
                     f" {engine:.2f} | {whole / ast_s:.0f}x | {engine / (ast_s + walk):.0f}x |")
    return "\n".join(lines)


def estimate_table(trees: dict[str, dict]) -> str:
    lines = ["### What the second filter would save (CPU seconds, one core; wall time assumes 2 idle cores)", "",
             "| repository | fixed: imports, walk, read, byte filter | engine today | filter: ast.parse on all,"
             " screen on all, walk on screened | engine on kept | engine work saved | total today | total with the"
             " filter | wall today (est.) | wall with the filter (est.) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, tree in trees.items():
        fixed = sum(tree["phases"][p] for p in FIXED)
        engine_import = tree["phases"]["import the engine (LibCST)"]
        survivors = tree["survivors"]
        today = sum(f["engine"] for f in survivors)
        kept = [f for f in survivors if f["reasons"]]
        # ast.parse stays on every file: a file that does not parse is reported (AOAI000), filtered or not.
        filtering = sum(f["ast_parse"] + f.get("screen_seconds", 0.0) + (f["ast_reasons"] if _screened(f) else 0.0)
                        for f in survivors)
        on_kept = sum(f["engine"] for f in kept)
        # Each of the 2 workers imports LibCST once (today always; with the filter only if a file is kept).
        imports_today, imports_after = 2 * engine_import, (2 * engine_import if kept else 0.0)
        total_today = fixed + imports_today + today
        total_after = fixed + imports_after + filtering + on_kept
        wall_today = fixed + (imports_today + today) / 2
        wall_after = fixed + (imports_after + filtering + on_kept) / 2
        lines.append(f"| {name} | {fixed:.2f} | {today:.2f} | {filtering:.2f} | {on_kept:.2f} |"
                     f" {1 - (filtering + on_kept) / today:.0%} | {total_today:.2f} | {total_after:.2f} |"
                     f" {wall_today:.2f} | {wall_after:.2f} |")
    return "\n".join(lines)


def acting_files(trees: dict[str, dict], limit: int = 16) -> str:
    lines = ["### The files a rule acts on", ""]
    for name, tree in trees.items():
        root = tree["directory"].rstrip("/") + "/"
        acting = [f for f in tree["survivors"] if _acts(f)]
        shown = "; ".join(f"`{f['path'].removeprefix(root)}` ({', '.join(f['acts'])})" for f in acting[:limit])
        more = f"; and {len(acting) - limit} more" if len(acting) > limit else ""
        lines.append(f"- **{name}** ({len(acting)}): {shown}{more}" if acting else f"- **{name}**: none")
    return "\n".join(lines)


def legend() -> str:
    return (
        "Measured with `python benchmarks/profile_llm.py DIR --json OUT` (one process per tree, CPU seconds from"
        " `time.process_time`, garbage collected before the filter's and LibCST's parse are timed) and rendered by"
        " `benchmarks/profile_report.py`. *A rule acts on*: the engine changes the file, reports a finding, or"
        " records something for the run (deployment names, environment variables, SDK needs, exported clients)."
        " *Kept by the prototype filter*: `benchmarks/astfilter.py` (ast.parse, a flow-insensitive import"
        " resolver, and a walk for the triggers named in the reasons table) finds a reason to keep it. *Acted on,"
        " yet ruled out* must be 0 for a sound filter; *notebook cell errors* are AOAI000 findings for notebook"
        " cells that do not parse, which the notebook reader reports before the engine runs (a filter placed"
        " after that step keeps them). *Timed steps = the engine's result*: `benchmarks/engine_steps.py` repeats"
        " the engine step by step; it is compared with `codemod.run.runner.migrate_bytes` on every fifth file and on"
        " every file where anything happens (the cell errors above are the only differences). *Word screen*:"
        " `astfilter.screen`, a regular expression for the words every reason needs; it can spare the walk, not"
        " `ast.parse`, which every file needs so that one that does not parse is still reported. The estimate"
        " assumes the filter runs in the workers beside the engine, each of the 2 workers imports LibCST once"
        " when any file is kept, and the per-file work splits evenly over 2 idle cores; the CPU seconds were"
        " taken on a loaded machine and are higher than on an idle one."
    )


if __name__ == "__main__":
    sys.exit(main())
