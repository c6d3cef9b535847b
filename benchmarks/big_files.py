"""Benchmark: one big file, `aoai-migrate --check FILE`, time and peak memory against the file's size.

    python benchmarks/big_files.py                          # 0.25, 1, 2 and 8 MB
    python benchmarks/big_files.py --results benchmarks/RESULTS.md
    python benchmarks/big_files.py --code /path/to/checkout  # another version of the code, same files
    python benchmarks/big_files.py --before /path/to/old/checkout --before-label "at a13dd91"

Each file holds one Azure OpenAI client and generated functions (benchmarks/corpus.py), as a generated module
does. Two shapes: the functions do not use the client (what slicing leaves out of LibCST's work), or every
tenth one calls it (all of those reach LibCST). `--results` replaces this benchmark's section of the file
and leaves the rest as it is.
"""

from __future__ import annotations

import argparse
import os
import random
import shlex
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from measure import measure  # noqa: E402
from report import machine_line  # noqa: E402

SECTION = "## One big file"
CALL = '    client.chat.completions.create(model="gpt-4o-prod-01", messages=[])\n'


def big_module(size: int, calls_every: int | None) -> str:
    """About `size` bytes: a module with an Azure client, then generated functions."""
    rng = random.Random(size)
    parts = [corpus.azure_source(rng, 0)]
    total, index = len(parts[0]), 0
    while total < size:
        part = corpus.FILLER.format(name=f"generated_{index}", limit=rng.randint(1, 50), index=index)
        if calls_every and index % calls_every == 0:
            part += CALL
        parts.append(part)
        total, index = total + len(part), index + 1
    return "".join(parts)


def command(code: Path | None) -> list[str]:
    if code is None:
        script = Path(sys.executable).with_name("aoai-migrate")
        return [str(script)] if script.exists() else [sys.executable, "-m", "codemod"]
    return [sys.executable, "-m", "codemod"]


def run(sizes: list[float], shapes: dict[str, int | None], repeats: int, code: Path | None) -> list[dict]:
    rows = []
    env_code = {"PYTHONPATH": str(code)} if code is not None else {}
    os.environ.update(env_code)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp, "small.py")  # start-up and a small file: what the per-MB columns leave out
        base.write_text(big_module(0, None), encoding="utf-8")
        timing = measure("start-up", [*command(code), "--check", base.name], Path(tmp), repeats, {1})
        rows.append({"shape": "(one small file)", "mb": 0, "wall": timing.wall, "cpu": timing.cpu,
                     "peak": timing.peak_mib, "bytes": base.stat().st_size})
        for shape, every in shapes.items():
            for megabytes in sizes:
                if every and megabytes > 2:
                    continue  # LibCST's own cost on every kept function: minutes, and no new information
                path = Path(tmp, f"big_{shape}_{megabytes}.py")
                path.write_text(big_module(int(megabytes * 1024 * 1024), every), encoding="utf-8")
                print(f"{shape}, {megabytes} MB ...", file=sys.stderr)
                timing = measure(f"{megabytes} MB", [*command(code), "--check", path.name], Path(tmp), repeats, {1})
                rows.append({"shape": shape, "mb": megabytes, "wall": timing.wall, "cpu": timing.cpu,
                             "peak": timing.peak_mib, "bytes": path.stat().st_size})
    return rows


def render(rows: list[dict], load_before: float, repeats: int, label: str) -> str:
    lines = [
        SECTION,
        "",
        f"Command: `{shlex.join(['python', 'benchmarks/big_files.py', *sys.argv[1:]])}` ({label}).",
        machine_line(load_before) + f" Median of {repeats} runs; peak memory is the largest process.",
        "",
        "| functions | size | wall s | CPU s | CPU s per MB | peak MiB | MiB per MB |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    base = rows[0]
    for row in rows:
        megabytes = row["bytes"] / 1024 / 1024
        per_mb = [f"{(row[k] - base[k]) / megabytes:.{d}f}" if row is not base else "" for k, d in (("cpu", 2),
                                                                                                   ("peak", 0))]
        size = f"{megabytes:.2f} MB" if row is not base else f"{row['bytes'] / 1024:.0f} KB"
        lines.append(f"| {row['shape']} | {size} | {row['wall']:.2f} | {row['cpu']:.2f} | {per_mb[0]} | "
                     f"{row['peak']:.0f} | {per_mb[1]} |")
    return "\n".join(lines) + "\n\nPer MB: above the small file's (start-up, imports, one client).\n"


def write_section(results: Path, section: str) -> None:
    """Replace this benchmark's section of `results` (from its heading to the next `## `), or append it."""
    text = results.read_text() if results.exists() else ""
    start = text.find(SECTION)
    if start < 0:
        results.write_text(text.rstrip("\n") + "\n\n" + section)
        return
    end = text.find("\n## ", start + len(SECTION))
    results.write_text(text[:start] + section + (text[end:] if end >= 0 else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.25,1,2,8", help="file sizes in MB (default 0.25,1,2,8)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--code", type=Path, help="run this checkout's code (PYTHONPATH) instead of the installed")
    parser.add_argument("--results", type=Path, help="write the table into this Markdown file")
    parser.add_argument("--before", type=Path, metavar="CHECKOUT",
                        help="also time an earlier version's code (up to 2 MB, first shape), for comparison")
    parser.add_argument("--before-label", default="before", help="how the table names that version")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    shapes = {"none calls the client": None, "every 10th calls it": 10}
    sizes = [float(s) for s in args.sizes.split(",")]
    rows = run(sizes, shapes, args.repeats, args.code)
    if args.before:
        earlier = run([s for s in sizes if s <= 2], {f"none calls the client, {args.before_label}": None}, 1,
                      args.before)
        rows += earlier[1:]  # the small file's row stays the current code's
    section = render(rows, load_before, args.repeats, f"code: {args.code or 'the installed aoai-migrate'}")
    print(section)
    if args.results:
        write_section(args.results, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
