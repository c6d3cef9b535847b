"""run.py --llm / --corpus: aoai-migrate --check against grep -rli and ruff check --select UP on the generated
LLM-application corpus (1x, 2x, 4x) and on checkouts of real repositories (benchmarks/checkout.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import llm_corpus
from compare import Comparison, compare, load_average
from llm_report import render, write_section


def main(args: argparse.Namespace) -> int:
    loads: list[str] = []
    generated: list[Comparison] = []
    notes: list[str] = []
    if args.llm:
        factors = sorted({int(f) for f in args.sizes.split(",")} | {1})
        print(f"building the LLM corpus in {args.build_dir / 'llm'} ...", file=sys.stderr)
        built = llm_corpus.build(args.build_dir / "llm", factors, args.seed)
        notes.append(describe(built, args.seed))
        for factor in factors:
            loads.append(f"{factor}x {load_average()}")
            row = compare(f"{factor}x", built.size_dir(factor), args.repeats, args.jobs)
            check_generated(row, built, factor)
            generated.append(row)
    checkouts = []
    for spec in args.corpus:
        name, _, directory = spec.rpartition("=")
        path = Path(directory).resolve()
        name = name or path.name
        notes.append(f"- {name}: {source_of(path)}")
        loads.append(f"{name} {load_average()}")
        row = compare(name, path, args.repeats, args.jobs)
        if row.parsed > row.grep_hits:
            raise SystemExit(f"{name}: LibCST parsed {row.parsed} files, more than grep finds ({row.grep_hits})")
        checkouts.append(row)
    text = render(args.title, generated, checkouts, notes, loads, args)
    print(text)
    if args.results:
        write_section(args.results, args.section, text)
    return 0


def describe(built: llm_corpus.LlmCorpus, seed: int) -> str:
    return (
        f"Generated corpus (benchmarks/llm_corpus.py, seed {seed}): each copy is a different"
        f" project of {built.base_files} files, {built.openai_files} of them mentioning openai"
        f" ({built.openai_files / built.base_files:.0%}) and {built.azure_files} holding Azure OpenAI code"
        f" ({built.azure_files / built.base_files:.1%}; {built.changed_files} of which aoai-migrate changes),"
        f" {built.base_bytes / 1e6:.1f} MB; 2x and 4x hold 2 and 4 such projects."
    )


def source_of(path: Path) -> str:
    """What benchmarks/checkout.py noted about the checkout (repository and commit), else its path."""
    noted = path / ".git" / "benchmark-source"
    return noted.read_text().strip() if noted.exists() else str(path)


def check_generated(row: Comparison, built: llm_corpus.LlmCorpus, factor: int) -> None:
    expected = {
        "files": (row.files, built.expected(factor, "files")),
        "files mentioning openai (grep)": (row.grep_hits, built.expected(factor, "openai")),
        "files aoai-migrate would change": (row.changed, built.expected(factor, "changed")),
    }
    wrong = [f"{what}: {got}, expected {want}" for what, (got, want) in expected.items() if got != want]
    if row.parsed > row.grep_hits:
        wrong.append(f"LibCST parsed {row.parsed} files, more than grep finds ({row.grep_hits})")
    if wrong:
        raise SystemExit(f"benchmark corpus mismatch at {factor}x: " + "; ".join(wrong))
