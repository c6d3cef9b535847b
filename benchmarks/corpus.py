"""Builds the benchmark corpus: a copy of the running Python's standard library `.py` files plus generated
Azure OpenAI files, so that `AZURE_SHARE` of all files use Azure OpenAI. Deterministic for a given seed.

Layout: `<root>/x<N>/copy<i>/...` holds N identical copies of the base corpus (the growth table).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path

AZURE_SHARE = 0.01  # share of all files in the corpus that use Azure OpenAI
# Directory names aoai-migrate prunes by default (codemod/discovery.py DEFAULT_EXCLUDES, e.g. the stdlib's own
# `venv` package): left out of the copy so that every tool sees exactly the same files.
PRUNED = frozenset({"site-packages", "venv", "build", "dist", "__pycache__", "node_modules", ".git"})

CLIENTS = [
    (
        "from openai import AzureOpenAI\n\n"
        "client = AzureOpenAI(\n"
        '    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],\n'
        '    api_key=os.environ["AZURE_OPENAI_API_KEY"],\n'
        '    api_version="{version}",\n'
        ")\n"
    ),
    (
        "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
        "from openai import AzureOpenAI\n\n"
        "token_provider = get_bearer_token_provider(\n"
        '    DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"\n'
        ")\n"
        'client = AzureOpenAI(azure_endpoint="https://{resource}.openai.azure.com", '
        'azure_ad_token_provider=token_provider, api_version="{version}")\n'
    ),
    (
        "import openai\n\n"
        "client = openai.AzureOpenAI(\n"
        '    api_version="{version}",\n'
        ")\n"
    ),
]
REQUESTS = [
    'reply = client.chat.completions.create(model="{deployment}", messages=messages, temperature=0)\n'
    "return reply.choices[0].message.content\n",
    'vectors = client.embeddings.create(model="{deployment}", input=[text for text in messages])\n'
    "return [item.embedding for item in vectors.data]\n",
    'answer = client.responses.create(model="{deployment}", input=str(messages))\n'
    "return answer.output_text\n",
]
VERSIONS = ["2024-02-01", "2024-06-01", "2024-10-21", "2025-03-01-preview"]
FILLER = '''

def {name}(items, limit={limit}):
    """Helper {index}: keep the first `limit` items that are not empty."""
    kept = []
    for item in items:
        if item and len(kept) < limit:
            kept.append(item)
    return kept
'''


@dataclass(frozen=True)
class Corpus:
    root: Path  # x1 holds the base corpus; xN holds N copies of it
    base_files: int  # files in one copy
    azure_files: int  # of which use Azure OpenAI
    base_bytes: int

    def size_dir(self, factor: int) -> Path:
        return self.root / f"x{factor}"


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def stdlib_files(limit: int | None, seed: int) -> list[Path]:
    """The standard library's `.py` files (relative paths, sorted); a seeded sample of `limit` of them."""
    base = stdlib_dir()
    found = []
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in PRUNED)
        found += [Path(directory, f).relative_to(base) for f in files if f.endswith(".py")]
    found.sort()
    if limit is not None and limit < len(found):
        found = sorted(random.Random(seed).sample(found, limit))
    return found


def azure_source(rng: random.Random, index: int) -> str:
    """One generated module using Azure OpenAI's dated API, a few kilobytes like real application code."""
    values = {
        "version": rng.choice(VERSIONS),
        "resource": f"contoso-{index}",
        "deployment": rng.choice(["gpt-4o-prod-01", "gpt-4o-mini-eu", "text-embedding-3-large", "o3-mini-dev"]),
    }
    client = rng.choice(CLIENTS).format(**values)
    request = rng.choice(REQUESTS).format(**values)
    body = "".join("    " + line for line in request.splitlines(keepends=True))
    fillers = "".join(
        FILLER.format(name=f"helper_{index}_{n}", limit=rng.randint(1, 50), index=n) for n in range(rng.randint(8, 20))
    )
    return (
        f'"""Generated benchmark module {index}: an application file that calls Azure OpenAI."""\n\n'
        f"import os\n{client}\n\ndef ask_{index}(messages):\n{body}{fillers}"
    )


def build(root: Path, limit: int | None, factors: list[int], seed: int = 7) -> Corpus:
    """(Re)build the corpus under `root` unless a build with the same parameters is already there."""
    stamp = f"seed={seed} limit={limit} factors={factors} python={stdlib_dir()} share={AZURE_SHARE}\n"
    stamp_file = root / "BUILD"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return _describe(root)
    if root.exists():
        shutil.rmtree(root)
    base = root / "x1" / "copy0"
    files = stdlib_files(limit, seed)
    for rel in files:
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stdlib_dir() / rel, base / rel)
    _add_azure_files(base, files, seed)
    for factor in factors:
        if factor != 1:
            for copy in range(factor):
                shutil.copytree(base, root / f"x{factor}" / f"copy{copy}")
    for factor in factors:
        _mark_repository(root / f"x{factor}")
    stamp_file.write_text(stamp)
    return _describe(root)


def _add_azure_files(base: Path, files: list[Path], seed: int) -> None:
    """Azure files such that they are AZURE_SHARE of the total, in seeded random stdlib folders."""
    count = max(1, round(len(files) * AZURE_SHARE / (1 - AZURE_SHARE)))
    rng = random.Random(seed)
    folders = sorted({rel.parent for rel in files})
    for index in range(count):
        target = base / rng.choice(folders) / f"azure_app_{index:03d}.py"
        target.write_text(azure_source(rng, index), encoding="utf-8")


def _mark_repository(directory: Path) -> None:
    """Make each size its own git work tree: benchmarks/corpus/ is gitignored in this repository, and
    aoai-migrate honours .gitignore files from the top of the enclosing work tree. A LibCST config file
    makes `python -m libcst.tool` find the no-op command without looking further up."""
    subprocess.run(["git", "init", "-q", str(directory)], check=True)
    (directory / ".libcst.codemod.yaml").write_text(
        "generated_code_marker: '@generated'\nformatter: []\nblacklist_patterns: []\n"
        "modules: ['libcst.codemod.commands']\nrepo_root: '.'\n"
    )


def _describe(root: Path) -> Corpus:
    base = root / "x1"
    files = [p for p in base.rglob("*.py") if ".git" not in p.parts]
    azure = [p for p in files if p.name.startswith("azure_app_")]
    return Corpus(root, len(files), len(azure), sum(p.stat().st_size for p in files))
