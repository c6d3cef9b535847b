"""Where aoai-migrate's time goes on a checkout, and what issue 14's second filter could win there.

    python benchmarks/profile_llm.py DIR [DIR...] [--json OUT]      # one process, one core, CPU seconds
    python benchmarks/profile_llm.py --update-reasons OUT           # after a change to astfilter.py

Per tree: discovery, read, the byte pre-filter, then for every file that passes it the engine's steps timed
one by one (slicing, LibCST parse, metadata/scope, analysis, rules, codegen; engine_steps.py), the engine's
real outcome (codemod.run.runner.migrate_bytes: changed, findings, deployments...), `ast.parse` and LibCST's
parse of the whole module, and the reasons the prototype second filter (astfilter.py) finds. Times are CPU
seconds of this process (time.process_time), so the load of the machine changes them less than wall time.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import astfilter  # noqa: E402

NO_MODULE = "the engine gets no module (undecodable, or a notebook not in Python)"
COMPARE_EVERY = 5  # the real engine runs beside the timed copy on every 5th file (and wherever anything happens)


@dataclass
class FileProfile:
    path: str
    notebook: bool
    bytes: int
    acts: list[str]  # what the engine produced: "changed", finding codes, "deployments", ...
    reasons: list[str]  # the prototype filter's reasons to keep it (empty: it would be ruled out)
    steps: dict[str, float]  # CPU seconds per engine step
    engine: float  # CPU seconds of the engine (runner.migrate_bytes when it ran, else the sum of the steps)
    ast_parse: float
    ast_reasons: float  # the filter's walk after ast.parse
    libcst_whole: float  # LibCST's parse of the whole module (the engine parses the sliced one)
    faithful: bool | None  # engine_steps produced the real engine's output (None: not compared)
    screened: bool = True  # the word screen (astfilter.screen) lets it through to ast
    screen_seconds: float = 0.0


@dataclass
class TreeProfile:
    directory: str
    files: int = 0
    megabytes: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    survivors: list[FileProfile] = field(default_factory=list)


def profile_tree(directory: Path) -> TreeProfile:
    clock = time.process_time
    start = clock()
    from codemod.run.discovery import discover
    from codemod.run.runner import could_match

    tree = TreeProfile(str(directory))
    tree.phases["import the CLI modules"] = clock() - start
    began = clock()
    files = [f.path for f in discover([directory]).files]
    tree.phases["discovery"] = clock() - began
    began = clock()
    data = [path.read_bytes() for path in files]
    tree.phases["read"] = clock() - began
    began = clock()
    survivors = [(path, d) for path, d in zip(files, data, strict=True) if could_match(d)]
    tree.phases["byte pre-filter"] = clock() - began
    began = clock()
    import engine_steps  # noqa: F401 - loads LibCST and the engine (timed: what each worker pays once)

    tree.phases["import the engine (LibCST)"] = clock() - began
    tree.files, tree.megabytes = len(files), sum(map(len, data)) / 1e6
    for number, (path, raw) in enumerate(survivors, start=1):
        if number % 25 == 0:
            print(f"{directory.name}: {number} of {len(survivors)}", file=sys.stderr)
        tree.survivors.append(profile_file(path, raw, compare=number % COMPARE_EVERY == 1))
    return tree


def profile_file(path: Path, raw: bytes, compare: bool) -> FileProfile:
    """Profile one file that passed the byte filter. The real engine (runner.migrate_bytes) runs too for
    notebooks, for files the timed copy says something happens in, and when `compare` is set, and the two
    results are compared; elsewhere the timed copy stands for it (that halves the profile's time)."""
    import engine_steps

    from codemod.options import Options
    from codemod.run.runner import migrate_bytes

    clock = time.process_time
    text, hidden = engine_steps.engine_input(path, raw)
    steps, result = engine_steps.timed(text, hidden, str(path)) if text is not None else ({}, None)
    acts = engine_steps.acts(result, text or "")
    faithful = None
    engine = sum(steps.values())
    if text is None or compare or acts or path.suffix == ".ipynb":
        began = clock()
        outcome = migrate_bytes(path, raw, Options(), str(path))
        engine = clock() - began
        faithful = engine_steps.agrees(result, text or "", str(path), outcome) if text is not None else None
        acts = engine_steps.acts(outcome)
    if text is None:  # LibCST never sees it: undecodable (reported), or a notebook whose language is not Python
        return FileProfile(str(path), path.suffix == ".ipynb", len(raw), acts, [NO_MODULE], {}, engine, 0.0, 0.0,
                           0.0, faithful)
    gc.collect()  # the engine's garbage is not the filter's cost
    began = clock()
    try:
        parsed = astfilter.ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        parsed = None
    ast_parse = clock() - began
    began = clock()
    # A notebook's hidden code (magic lines, cells that do not parse) only matters to the rules beside a
    # client or a setting in the parsed cells (codemod/context.py hidden_*), which give their own reasons.
    reasons = astfilter.reasons_of_tree(parsed, text) if parsed is not None else {astfilter.UNPARSEABLE}
    ast_reasons = clock() - began
    gc.collect()
    whole = engine_steps.libcst_parse_seconds(text)
    screened, screen_seconds = _screen(text)
    return FileProfile(str(path), path.suffix == ".ipynb", len(raw), acts, sorted(reasons), steps, engine,
                       ast_parse, ast_reasons, whole, faithful, screened, screen_seconds)


def _screen(text: str) -> tuple[bool, float]:
    began = time.process_time()
    passed = astfilter.screen(text)
    return passed, time.process_time() - began


def update_reasons(profile: Path) -> None:
    """Recompute only the prototype filter's reasons and word screen in a profile written earlier (after
    astfilter.py changed): seconds instead of the engine's minutes."""
    import engine_steps

    trees = json.loads(profile.read_text())
    for tree in trees:
        for entry in tree["survivors"]:
            path = Path(entry["path"])
            text, _ = engine_steps.engine_input(path, path.read_bytes())
            entry["reasons"] = sorted(astfilter.reasons(text)) if text is not None else [NO_MODULE]
            entry["screened"], entry["screen_seconds"] = _screen(text) if text is not None else (True, 0.0)
    profile.write_text(json.dumps(trees, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path)
    parser.add_argument("--json", type=Path, help="write every file's profile to this file")
    parser.add_argument("--update-reasons", type=Path, metavar="JSON",
                        help="recompute the filter's reasons in this profile, nothing else")
    args = parser.parse_args(argv)
    if args.update_reasons:
        update_reasons(args.update_reasons)
        return 0
    trees = [profile_tree(directory.resolve()) for directory in args.directories]
    if args.json:
        args.json.write_text(json.dumps([asdict(t) for t in trees], indent=1))
    for tree in trees:
        print(json.dumps({"directory": tree.directory, "files": tree.files, "survivors": len(tree.survivors)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
