"""Builds the generated "LLM application" corpus: projects laid out like real LLM applications, in which about
a quarter of the files mention openai (OpenAI.com clients, LangChain, tools, mocked tests, type hints,
settings, retries, prompts) and under 2% hold an Azure OpenAI client. Deterministic for a given seed.

Sizes were calibrated on real LLM repositories (benchmarks/RESULTS.md names them): files that mention openai
have a median of about 250 lines (mean about 400), the others about 100 (mean about 200).

Layout: `<root>/x<N>/copy<i>/` holds N different projects (copy i is generated from seed + i, so x1/copy0,
x2/copy0 and x4/copy0 are the same files); each x<N> is its own git work tree.
"""

from __future__ import annotations

import ast
import json
import math
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from string import Template

from llm_azure import AZURE_KINDS, AZURE_VERSIONS, AZURE_WEIGHTS, SHARED_CLIENT_USER
from llm_blocks import BLOCKS, IMPORT_POOL, TEST_BLOCKS
from llm_openai import CHANGED_OPENAI_KINDS, MODELS, OPENAI_KINDS, OPENAI_WEIGHTS

FILES_PER_COPY = 1000
OPENAI_SHARE = 0.25  # files that mention openai (any case), the Azure ones included
AZURE_SHARE = 0.015  # files that hold an Azure OpenAI client or module settings
# (median lines, sigma of the log): lognormal sizes matching the real repositories' quartiles
SIZE_OPENAI = (250, 1.0)
SIZE_OTHER = (100, 1.2)
SIZE_TEST = (120, 0.9)
MAX_LINES = 3000
PACKAGES = ["agents", "tools", "llm", "rag", "retrieval", "api", "models", "services", "utils", "prompts",
            "evaluation", "memory", "integrations", "storage", "workflows", "cli"]
NOUNS = ["document", "ticket", "invoice", "order", "message", "report", "query", "session", "answer", "profile",
         "chunk", "citation", "feedback", "dataset", "task", "event"]


@dataclass(frozen=True)
class LlmCorpus:
    root: Path
    base_files: int  # files in one copy (the x1 tree)
    openai_files: int  # of which mention openai
    azure_files: int  # of which hold Azure OpenAI code
    changed_files: int  # of which `aoai-migrate --check` would change
    base_bytes: int
    copies: list[dict[str, int]]  # the counts of each generated project (copy i)

    def size_dir(self, factor: int) -> Path:
        return self.root / f"x{factor}"

    def expected(self, factor: int, key: str) -> int:
        """A count ("files", "openai", "azure", "changed", "bytes") summed over the copies of size `factor`."""
        return sum(copy[key] for copy in self.copies[:factor])


def build(root: Path, factors: list[int], seed: int = 7) -> LlmCorpus:
    """(Re)build the corpus under `root` unless a build with the same parameters is already there."""
    stamp = f"llm seed={seed} factors={factors} files={FILES_PER_COPY} version=1\n"
    stamp_file = root / "BUILD"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return _describe(root)
    if root.exists():
        shutil.rmtree(root)
    pool = root / "copies"
    manifests = [generate_project(pool / f"copy{c}", seed + c) for c in range(max(factors))]
    for factor in factors:
        for c in range(factor):
            shutil.copytree(pool / f"copy{c}", root / f"x{factor}" / f"copy{c}")
        subprocess.run(["git", "init", "-q", str(root / f"x{factor}")], check=True)
    shutil.rmtree(pool)
    (root / "MANIFEST.json").write_text(json.dumps(manifests, indent=1))
    stamp_file.write_text(stamp)
    return _describe(root)


def generate_project(directory: Path, seed: int) -> dict[str, int]:
    """One project of FILES_PER_COPY files; returns its counts (all checked against the written text)."""
    rng = random.Random(seed)
    plan = _plan(rng)
    counts = {"files": 0, "openai": 0, "azure": 0, "changed": 0, "bytes": 0}
    for rel, kind in plan:
        text = _module(rng, kind, rel)
        ast.parse(text)  # every generated module is valid Python
        (directory / rel).parent.mkdir(parents=True, exist_ok=True)
        (directory / rel).write_text(text, encoding="utf-8")
        counts["files"] += 1
        counts["bytes"] += len(text.encode())
        counts["openai"] += "openai" in text.lower()
        counts["azure"] += kind in AZURE_KINDS
        counts["changed"] += (kind in AZURE_KINDS and AZURE_KINDS[kind][2]) or kind in CHANGED_OPENAI_KINDS
    return counts


def _plan(rng: random.Random) -> list[tuple[str, str]]:
    """(relative path, kind) for every file of one project. Kinds: an OPENAI_KINDS or AZURE_KINDS key,
    "shared_user", "init", "test" or "plain"."""
    pkg = "src/app"
    inits = [(f"{pkg}/__init__.py", "init")] + [(f"{pkg}/{p}/__init__.py", "init") for p in PACKAGES]
    azure = _weighted(rng, AZURE_WEIGHTS, round(FILES_PER_COPY * AZURE_SHARE))
    shared = [k for k in azure if k == "azure_shared_client"]
    openai_count = round(FILES_PER_COPY * OPENAI_SHARE) - len(azure) - len(shared)
    kinds = azure + ["shared_user"] * len(shared) + _weighted(rng, OPENAI_WEIGHTS, openai_count)
    rest = FILES_PER_COPY - len(inits) - len(kinds)
    tests = round(rest * 0.2)
    kinds += ["test"] * tests + ["plain"] * (rest - tests)
    rng.shuffle(kinds)
    kinds.sort(key=lambda kind: (kind != "azure_shared_client", kind == "shared_user"))  # clients, then users
    plan, shared_dirs = list(inits), []
    for number, kind in enumerate(kinds):
        package = rng.choice(PACKAGES)
        stem = f"{rng.choice(NOUNS)}_{rng.choice(['service', 'handler', 'pipeline', 'utils', 'client', 'store'])}"
        if kind == "azure_shared_client":
            package = PACKAGES[len(shared_dirs) % len(PACKAGES)]
            shared_dirs.append(package)
            rel = f"{pkg}/{package}/llm_client.py"
        elif kind == "shared_user":
            rel = f"{pkg}/{shared_dirs.pop()}/{stem}_{number}.py"
        elif kind in ("test", "mock_test"):
            rel = f"tests/{package}/test_{stem}_{number}.py"
        elif rng.random() < 0.08:
            rel = f"examples/{stem}_{number}.py"
        else:
            rel = f"{pkg}/{package}/{stem}_{number}.py"
        plan.append((rel, kind))
    return plan


def _weighted(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names], k=count)


def _module(rng: random.Random, kind: str, rel: str) -> str:
    if kind == "init":
        names = rng.sample(NOUNS, rng.randint(0, 6))
        body = "".join(f"from .{n}_service import {n.title()}Service\n" for n in names)
        return f'"""{rel.split("/")[-2]} package."""\n' + body
    median, sigma = SIZE_OPENAI if kind in OPENAI_KINDS or kind in AZURE_KINDS else (
        SIZE_TEST if kind == "test" else SIZE_OTHER)
    target = min(MAX_LINES, max(12, round(math.exp(rng.gauss(math.log(median), sigma)))))
    core_imports, core = _core(kind)
    is_test = kind in ("test", "mock_test")
    imports = sorted(rng.sample(IMPORT_POOL, rng.randint(5, 12)))
    head = [f'"""{rel}: generated benchmark module."""', "", "from __future__ import annotations", "",
            "import logging", *imports]
    if is_test:
        head.append("import pytest")
    if core_imports:
        head += ["", core_imports]
    head += ["", "logger = logging.getLogger(__name__)"]
    fillers = TEST_BLOCKS if is_test else BLOCKS
    blocks: list[str] = []
    lines = len(head) + core.count("\n")
    while lines < target:
        block = rng.choice(fillers)
        blocks.append(block)
        lines += block.count("\n")
    if core:
        blocks.insert(0 if rng.random() < 0.5 else rng.randint(0, len(blocks)), core)
    return "\n".join(head) + "\n" + "".join(_fill(rng, b, n) for n, b in enumerate(blocks))


def _core(kind: str) -> tuple[str, str]:
    if kind in OPENAI_KINDS:
        return OPENAI_KINDS[kind]
    if kind in AZURE_KINDS:
        return AZURE_KINDS[kind][:2]
    if kind == "shared_user":
        return "", SHARED_CLIENT_USER
    return "", ""


def _fill(rng: random.Random, block: str, number: int) -> str:
    noun = rng.choice(NOUNS)
    return Template(block).substitute(
        i=number, noun=noun, Noun=noun.title(), NOUN=noun.upper(), k=rng.randint(2, 9),
        size=rng.choice([256, 512, 1024, 2000]), store=rng.choice(["database", "cache", "index"]),
        model=rng.choice(MODELS), version=rng.choice(AZURE_VERSIONS),
    )


def _describe(root: Path) -> LlmCorpus:
    copies = json.loads((root / "MANIFEST.json").read_text())
    first = copies[0]
    return LlmCorpus(root, first["files"], first["openai"], first["azure"], first["changed"], first["bytes"], copies)
