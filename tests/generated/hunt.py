"""A longer hunt over the generated programs that does not stop at the first failure:

    python -m tests.generated.hunt --examples 400 --seed 1 --out /tmp/hunt-1 [--workers 2] [--known]

Draws the programs tests/test_e2e_property.py draws (the same strategy and check), runs them two at a time, and
writes each failing program to OUT/NNN-<kind>/ (app.py, the migrated file, the tool's output, the assertion), then
prints how many failed per kind. `--known` also draws the kinds KNOWN_TOOL_BUGS leaves out (to see whether a fix
landed). Hypothesis does not shrink here: minimise a failure by hand, or rerun the property test with its seed.
"""

from __future__ import annotations

import argparse
import queue
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

import tests.azure_server as azure_server
import tests.test_e2e_property as prop
from tests.azure_server import AzureServer
from tests.generated.render import TEAM_HEADER, render
from tests.generated.space import Program, programs
from tests.test_e2e import API_KEY, DEPLOYMENTS, ENTRA_TOKEN
from tests.test_e2e_property import check, known_tool_bug


def draw(count: int, seed_value: int, known: bool) -> tuple[list[Program], Counter[str]]:
    """The programs to run, and how many of each known kind were left out."""
    drawn: list[Program] = []
    left_out: Counter[str] = Counter()

    @seed(seed_value)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(program=programs())
    def collect(program: Program) -> None:
        bug = known_tool_bug(program)
        if known or bug is None:
            drawn.append(program)
        else:
            left_out[bug] += 1

    collect()
    return drawn, left_out


def kind_of(error: BaseException) -> str:
    """A short name for what went wrong: the assertion's first line, or the migrated program's last error line."""
    text = str(error)
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    if "the migrated program fails" in first:
        errors = re.findall(r"^(\w+(?:Error|Exception)\b.*)$", text, re.M)
        return "migrated program fails: " + (errors[-1][:80] if errors else "?")
    return re.sub(r"\d+", "N", first)[:100]


def one(index: int, program: Program, servers: queue.Queue[AzureServer], out: Path) -> str | None:
    server = servers.get()  # each server's request log belongs to one run at a time
    try:
        return _checked(index, program, server, out)
    finally:
        servers.put(server)


def _checked(index: int, program: Program, server: AzureServer, out: Path) -> str | None:
    with tempfile.TemporaryDirectory(prefix="aoai-hunt-") as folder:
        try:
            check(program, server, Path(folder))
            return None
        except Exception as error:  # every failure is recorded, none stops the hunt
            kind = kind_of(error)
            where = out / f"{index:03d}-{re.sub(r'[^a-z0-9]+', '-', kind.lower())[:50]}"
            where.mkdir(parents=True, exist_ok=True)
            (where / "app.py").write_text(render(program, server.endpoint), encoding="utf-8")
            migrated = Path(folder) / "after" / "app.py"
            if migrated.exists():
                (where / "migrated.py").write_text(migrated.read_text(encoding="utf-8"), encoding="utf-8")
            (where / "failure.txt").write_text(f"{program!r}\n\n{traceback.format_exc()}", encoding="utf-8")
            return kind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--known", action="store_true", help="also draw the kinds of KNOWN_TOOL_BUGS")
    args = parser.parse_args(argv)
    started = time.monotonic()
    drawn, left_out = draw(args.examples, args.seed, args.known)
    done = iter(range(1, len(drawn) + 1))

    def run(item: tuple[int, Program]) -> str | None:
        kind = one(*item, servers, args.out)
        if (count := next(done)) % 25 == 0:
            print(f"{count}/{len(drawn)} programs, {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        return kind

    azure_server.RECORDED_HEADERS = (*azure_server.RECORDED_HEADERS, TEAM_HEADER)
    prop.note = prop.event = lambda *_: None  # hypothesis' notes need a test context; failures are written out
    with ExitStack() as stack:
        servers: queue.Queue[AzureServer] = queue.Queue()
        for _ in range(args.workers):
            servers.put(stack.enter_context(
                AzureServer(deployments=set(DEPLOYMENTS), api_keys={API_KEY}, tokens={ENTRA_TOKEN})))
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            kinds = list(pool.map(run, enumerate(drawn)))
    counts = Counter(kind for kind in kinds if kind is not None)
    print(f"{len(drawn)} programs, {sum(counts.values())} failed, {time.monotonic() - started:.0f} s")
    for bug, count in left_out.most_common():
        print(f"{count:4d}  left out (KNOWN_TOOL_BUGS): {bug}")
    for kind, count in counts.most_common():
        print(f"{count:4d}  {kind}")
    return 1 if counts else 0


if __name__ == "__main__":
    sys.exit(main())
