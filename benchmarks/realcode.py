"""Real-code check: run aoai-migrate over public repositories at pinned commits and check every file it touches.

    python benchmarks/realcode.py benchmarks/realcode-manifest.tsv /work/.mirror
    python benchmarks/realcode.py MANIFEST DIR [--only REPO] [--keep] [--scratch DIR [--reuse]] [--json FILE]
                                  [--tool CMD]

MANIFEST: tab-separated `repo  commit  [path]` (see realcode_source.py). DIR holds each repository's bare git
directory (`<owner>+<name>/...`, as the search tool's `fetch` lays them out). Each repository at its commit is
read into a scratch folder outside the project (text files only; `--scratch`, default a new temporary folder,
removed afterwards unless `--keep`; `--reuse` checks again what a kept folder holds, without running the tool),
copied twice, and the tool runs three times: `--diff` on one copy, then a real write run on the other, then a
second write run on it. Per file it checks:

  tool          the tool did not crash, and parsed every file that Python compiles
  dry-run       the --diff run wrote nothing
  diff          the files --diff showed are the files the write run changed
  compile       the output compiles (`compile()`; notebook code cells with IPython lines masked) where the input did
  import-order  an import the run added comes before the first module-level use of its name (notebook cells run
                top to bottom: `import os` added to cell 8 does not serve cell 1)
  second-run    the second write run changed nothing
  azure-left    no AzureOpenAI / AsyncAzureOpenAI of the openai package (resolved through imports) is left in the
                output without a finding that needs a person on or near its statement (findings of the second
                run, whose lines are the output's); an import of the class counts only when nothing uses it
  private-attr  no `_azure_*` / `_api_version` read (attribute, getattr, hasattr) on a migrated client
  copy-args     no `api_version=` / `azure_ad_token_provider=` / `azure_ad_token=` / `azure_deployment=` in a
                copy()/with_options() call on a migrated client
  deployment    a migrated client built with azure_deployment=D has a request in its file that now passes D as
                model= (else its requests are made out of sight and no longer go to D)
  isinstance    every isinstance/issubclass check naming an Azure class is unchanged (not widened to OpenAI)
  annotation    no annotation naming an Azure class is rewritten while an Azure client constructor stays in the
                output (in the same file, or anywhere in the repository)

A migrated client is a name (`x`, `self.x`, a function returning one) bound to AzureOpenAI(...) before the run and
to OpenAI(...) after it; names used for clients in several files count in every file where no Azure client
keeps that name. It prints a table per repository and every failure with path:line, and exits 1 when any check
fails (2 when the manifest or a repository cannot be used). The checks use `ast` alone, not the tool's code.
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import realcode_files  # noqa: E402
from realcode_checks import Failure  # noqa: E402
from realcode_source import ManifestError, Unit, all_files, extract, find_git_dir, read_manifest  # noqa: E402

CHECKS = ("tool", "dry-run", "diff", "compile", "import-order", "second-run", "azure-left", "private-attr", "copy-args",
          "deployment", "isinstance", "annotation")


@dataclass
class UnitResult:
    unit: Unit
    files: int = 0
    azure_files: int = 0
    changed: int = 0
    person: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("manifest", type=Path, help="tab-separated repo, commit, optional path")
    parser.add_argument("dir", type=Path, help="folder holding the bare git directories (<owner>+<name>/...)")
    parser.add_argument("--only", action="append", default=[], help="check only this repository (repeatable)")
    parser.add_argument("--scratch", type=Path, help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies for reading")
    parser.add_argument("--reuse", action="store_true",
                        help="with --scratch: check units whose runs are complete there without running the tool again")
    parser.add_argument("--json", type=Path, help="also write every result as JSON to this file")
    parser.add_argument("--tool", help="the command to test (default: aoai-migrate next to this Python)")
    return parser.parse_args(argv)


def default_tool() -> list[str]:
    script = Path(sys.executable).with_name("aoai-migrate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "codemod"]


def run_tool(tool: list[str], cwd: Path, paths: list[str], report: Path, *extra: str) -> tuple[int, str, str]:
    command = [*tool, *extra, "--output-format", "json", "--output", str(report), *paths]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def read_findings(report: Path) -> list[dict]:
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    for item in data:
        item["path"] = re.sub(r"^(\./)+", "", str(item.get("path", "")))
    return data


def diff_paths(diff: str) -> set[str]:
    found = set()
    for line in diff.splitlines():
        if line.startswith("+++ b/"):
            found.add(re.sub(r"^(\./)+", "", re.sub(r" \(cell \d+\)$", "", line[6:])))
    return found


def run_unit(unit: Unit, mirrors: Path, work: Path, tool: list[str], result: UnitResult) -> list[str] | None:
    """Read the unit into `work` and run the tool three times; the paths the tool was given (None: nothing to run).
    Everything the checks need is left in `work`: src/, dry/, first/ (after the first write run), write/ (after
    the second), the three JSON reports, the --diff output (dry.diff) and the exit codes (runs.json)."""
    src, dry, write = work / "src", work / "dry", work / "write"
    shutil.rmtree(work, ignore_errors=True)  # what an interrupted run left there
    _, result.missing = extract(find_git_dir(mirrors, unit.repo), unit, src)
    paths = [p for p in unit.paths if (src / p).exists()] or ["."]
    if unit.paths and paths == ["."]:
        result.failures.append(Failure("tool", unit.label, 0, "none of the manifest's paths is in the snapshot"))
        return None
    shutil.copytree(src, dry)
    shutil.copytree(src, write)
    runs = {}
    for name, cwd, extra in (("dry", dry, ("--diff",)), ("first", write, ()), ("second", write, ())):
        code, out, err = run_tool(tool, cwd, paths, work / f"{name}.json", *extra)
        runs[name] = [code, err[-4000:]]
        if name == "dry":
            (work / "dry.diff").write_text(out, encoding="utf-8")
        if name == "first":
            shutil.copytree(write, work / "first")
    (work / "runs.json").write_text(json.dumps({"paths": paths, **runs}), encoding="utf-8")
    return paths


def check_unit(unit: Unit, mirrors: Path, work: Path, tool: list[str], reuse: bool = False) -> UnitResult:
    """Run the unit (or, with `reuse`, take a kept scratch folder whose runs are complete) and check it."""
    result = UnitResult(unit)
    started = time.perf_counter()
    if reuse and (work / "second.json").exists():
        paths = _reused_paths(unit, work)
        if not (work / "dry.diff").exists():  # kept before dry.diff was saved: run the --diff step again
            _dry_run(tool, work, paths)
    else:
        paths = run_unit(unit, mirrors, work, tool, result)
        if paths is None:
            return result
    first_dir = work / "first" if (work / "first").is_dir() else work / "write"
    tree = realcode_files.Trees(all_files(work / "src"), all_files(work / "dry"), all_files(first_dir),
                                all_files(work / "write"))
    result.failures += realcode_files.tool_failures(unit.label, _runs(work))
    first = read_findings(work / "first.json")
    result.person = sum(1 for f in first if not f.get("fixed") and f.get("level") != "info")
    result.failures += realcode_files.run_failures(tree, _shown(work), first)
    report = realcode_files.file_checks(tree, realcode_files.in_scope(work / "src", paths),
                                        read_findings(work / "second.json"))
    result.files, result.azure_files, result.changed = report.files, report.azure_files, len(tree.changed())
    result.failures += report.failures
    result.seconds = time.perf_counter() - started
    return result


def _reused_paths(unit: Unit, work: Path) -> list[str]:
    kept = work / "runs.json"
    if kept.exists():
        return json.loads(kept.read_text(encoding="utf-8"))["paths"]
    return [p for p in unit.paths if (work / "src" / p).exists()] or ["."]


def _dry_run(tool: list[str], work: Path, paths: list[str]) -> None:
    shutil.rmtree(work / "dry", ignore_errors=True)
    shutil.copytree(work / "src", work / "dry")
    code, out, err = run_tool(tool, work / "dry", paths, work / "dry.json", "--diff")
    (work / "dry.diff").write_text(out, encoding="utf-8")
    if code not in (0, 1, 3) or "Traceback" in err:
        (work / "dry.err").write_text(f"{code}\n{err[-4000:]}", encoding="utf-8")


def _runs(work: Path) -> dict[str, tuple[int, str, str]]:
    """Exit code and stderr per run; for a scratch folder kept before runs.json existed, a report that is missing
    or not JSON stands for a run that failed (the tool writes --output last)."""
    kept = work / "runs.json"
    if kept.exists():
        data = json.loads(kept.read_text(encoding="utf-8"))
        return {name: (data[name][0], "", data[name][1]) for name in ("dry", "first", "second")}
    runs = {}
    for name in ("dry", "first", "second"):
        try:
            json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
            runs[name] = (0, "", "")
        except (OSError, ValueError):
            runs[name] = (-1, "", f"no JSON report from the {name} run")
    if (work / "dry.err").exists():
        code, err = (work / "dry.err").read_text(encoding="utf-8").split("\n", 1)
        runs["dry"] = (int(code), "", err)
    return runs


def _shown(work: Path) -> set[str]:
    """The files the --diff run showed."""
    return diff_paths((work / "dry.diff").read_text(encoding="utf-8"))


def render(results: list[UnitResult]) -> str:
    head = ["repository", "files", "Azure files", "changed", "need a person", *CHECKS]
    rows = []
    for r in results:
        counts = [sum(1 for f in r.failures if f.check == c) for c in CHECKS]
        rows.append([r.unit.label, r.files, r.azure_files, r.changed, r.person, *counts])
    total = ["total", *(sum(row[i] for row in rows) for i in range(1, len(head)))]
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in [*rows, total]]
    return "\n".join(lines)


def failure_list(results: list[UnitResult]) -> str:
    lines = []
    for check in CHECKS:
        for r in results:
            for f in (f for f in r.failures if f.check == check):
                lines.append(f"[{check}] {r.unit.repo} {f.where()}  {f.message}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        # a unit's scratch folder is named after its place in the whole manifest, so --only finds kept runs again
        units = [(i, u) for i, u in enumerate(read_manifest(args.manifest)) if not args.only or u.repo in args.only]
    except (OSError, ManifestError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    tool = shlex.split(args.tool) if args.tool else default_tool()
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="realcode-"))
    started, results = time.perf_counter(), []
    try:
        for count, (index, unit) in enumerate(units):
            print(f"[{count + 1}/{len(units)}] {unit.label}", file=sys.stderr, flush=True)
            results.append(check_unit(unit, args.dir, scratch / f"{index:03d}", tool, args.reuse))
    except ManifestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(render(results))
    missing = [f"{r.unit.label}: {p}" for r in results for p in r.missing]
    if missing:
        print("\nNot in the snapshots (skipped):\n" + "\n".join(missing))
    print("\nFailures:\n" + (failure_list(results) or "none"))
    print(f"\n{len(results)} repositories, {sum(r.files for r in results)} files, "
          f"{time.perf_counter() - started:.1f} s" + (f"; scratch kept in {scratch}" if args.keep else ""))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1, default=str), encoding="utf-8")
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
