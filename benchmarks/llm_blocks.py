"""Ordinary application code for the generated LLM-application corpus (benchmarks/llm_corpus.py): the blocks
that fill every module to its drawn size. None of them mentions openai. `$i` is a number that makes the
names of one block unique within its module; the other `$names` are drawn per block."""

from __future__ import annotations

IMPORT_POOL = [
    "import asyncio",
    "import json",
    "import logging",
    "import os",
    "import re",
    "import time",
    "import uuid",
    "from collections import defaultdict",
    "from dataclasses import dataclass, field",
    "from datetime import datetime, timezone",
    "from enum import Enum",
    "from pathlib import Path",
    "from typing import Any, Dict, List, Optional",
    "from collections.abc import Iterable, Sequence",
    "import httpx",
    "from pydantic import BaseModel, Field",
    "import numpy as np",
    "from fastapi import APIRouter, HTTPException",
    "import yaml",
]

# Each block is valid at module level. Sizes from 6 to about 40 lines, as in real modules.
BLOCKS = [
    '''

@dataclass
class ${Noun}Record$i:
    """A ${noun} as stored in the ${store}."""

    id: str
    name: str
    created_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    tags: List[str] = field(default_factory=list)
    score: float = 0.0
    metadata: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "tags": list(self.tags),
            "score": round(self.score, $k),
            "metadata": dict(self.metadata),
        }
''',
    '''

class ${Noun}Request$i(BaseModel):
    """Body of the ${noun} endpoint."""

    query: str = Field(..., min_length=1, max_length=$size)
    top_k: int = Field(default=$k, ge=1, le=100)
    filters: Optional[Dict[str, str]] = None
    include_sources: bool = True

    def cache_key(self) -> str:
        parts = [self.query.strip().lower(), str(self.top_k)]
        if self.filters:
            parts.extend(f"{key}={value}" for key, value in sorted(self.filters.items()))
        return "|".join(parts)
''',
    '''

def chunk_${noun}_text$i(text: str, size: int = $size, overlap: int = $k) -> List[str]:
    """Split text into overlapping chunks of at most `size` characters, breaking on whitespace."""
    if size <= overlap:
        raise ValueError("size must be larger than overlap")
    chunks = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start, end)
            if space > start:
                end = space
        chunks.append(text[start:end].strip())
        start = max(end - overlap, start + 1)
    return [chunk for chunk in chunks if chunk]
''',
    '''

async def fetch_${noun}_pages$i(urls: Sequence[str], timeout: float = $k.0) -> Dict[str, str]:
    """Download the pages concurrently; failures are logged and left out."""
    results: Dict[str, str] = {}
    async with httpx.AsyncClient(timeout=timeout) as http:
        responses = await asyncio.gather(*(http.get(url) for url in urls), return_exceptions=True)
    for url, response in zip(urls, responses):
        if isinstance(response, Exception):
            logger.warning("could not fetch %s: %s", url, response)
            continue
        if response.status_code != 200:
            logger.info("skipping %s (HTTP %d)", url, response.status_code)
            continue
        results[url] = response.text
    return results
''',
    '''

class ${Noun}Repository$i:
    """Keeps ${noun}s in memory, indexed by id and by tag."""

    def __init__(self) -> None:
        self._items: Dict[str, Any] = {}
        self._by_tag: Dict[str, set] = defaultdict(set)

    def add(self, item_id: str, item: Any, tags: Iterable[str] = ()) -> None:
        self._items[item_id] = item
        for tag in tags:
            self._by_tag[tag].add(item_id)

    def get(self, item_id: str) -> Optional[Any]:
        return self._items.get(item_id)

    def with_tag(self, tag: str) -> List[Any]:
        return [self._items[item_id] for item_id in sorted(self._by_tag.get(tag, ()))]

    def remove(self, item_id: str) -> bool:
        if item_id not in self._items:
            return False
        del self._items[item_id]
        for ids in self._by_tag.values():
            ids.discard(item_id)
        return True

    def __len__(self) -> int:
        return len(self._items)
''',
    '''

class ${Noun}Status$i(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (${Noun}Status$i.SUCCEEDED, ${Noun}Status$i.FAILED, ${Noun}Status$i.CANCELLED)
''',
    '''

router_$i = APIRouter(prefix="/${noun}s", tags=["${noun}"])


@router_$i.get("/{item_id}")
async def read_${noun}_$i(item_id: str) -> Dict[str, Any]:
    item = STORE_$i.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail=f"${noun} {item_id} not found")
    return {"id": item_id, "item": item}


@router_$i.delete("/{item_id}", status_code=204)
async def delete_${noun}_$i(item_id: str) -> None:
    if STORE_$i.pop(item_id, None) is None:
        raise HTTPException(status_code=404, detail=f"${noun} {item_id} not found")


STORE_$i: Dict[str, Any] = {}
''',
    '''

_PATTERN_$i = re.compile(r"(?P<key>[a-z_]+)\\s*[:=]\\s*(?P<value>[^,;]+)")


def parse_${noun}_options$i(text: str) -> Dict[str, str]:
    """Parse `key: value, key=value` pairs; later keys win."""
    options = {}
    for match in _PATTERN_$i.finditer(text):
        key = match.group("key")
        value = match.group("value").strip().strip('"').strip("'")
        options[key] = value
    return options
''',
    '''

def load_${noun}_config$i(path: Path) -> Dict[str, Any]:
    """Read a YAML or JSON configuration file, with environment overrides for top-level keys."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        data = yaml.safe_load(text) or {}
    else:
        data = json.loads(text)
    for key in list(data):
        override = os.environ.get(f"${NOUN}_{key.upper()}")
        if override is not None:
            data[key] = override
    return data
''',
    '''

def cosine_similarity_$i(a: "np.ndarray", b: "np.ndarray") -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    if denominator == 0.0:
        return 0.0
    return float(np.dot(a, b) / denominator)


def top_k_${noun}s_$i(query: "np.ndarray", matrix: "np.ndarray", k: int = $k) -> List[int]:
    scores = matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query) + 1e-9)
    return [int(i) for i in np.argsort(-scores)[:k]]
''',
    '''

class ${Noun}Timer$i:
    """Context manager that logs how long a block took."""

    def __init__(self, label: str, threshold: float = 0.$k) -> None:
        self.label = label
        self.threshold = threshold
        self.elapsed = 0.0

    def __enter__(self) -> "${Noun}Timer$i":
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.elapsed = time.perf_counter() - self._start
        if self.elapsed > self.threshold:
            logger.info("%s took %.3f s", self.label, self.elapsed)
''',
    '''

def summarize_${noun}_stats$i(values: List[float]) -> Dict[str, float]:
    if not values:
        return {"count": 0, "mean": 0.0, "min": 0.0, "max": 0.0}
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {
        "count": len(values),
        "mean": sum(values) / len(values),
        "median": median,
        "min": ordered[0],
        "max": ordered[-1],
        "p$k": ordered[min(len(ordered) - 1, int(len(ordered) * 0.$k))],
    }
''',
    '''

def render_${noun}_table$i(rows: List[Dict[str, Any]], columns: Optional[List[str]] = None) -> str:
    """A Markdown table of the rows (the union of their keys when no columns are given)."""
    if not rows:
        return ""
    columns = columns or sorted({key for row in rows for key in row})
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join("{}".format(row.get(column, "")) for column in columns) + " |")
    return "\\n".join(lines)
''',
]

TEST_BLOCKS = [
    '''

def test_${noun}_roundtrip_$i(tmp_path):
    path = tmp_path / "${noun}.json"
    data = {"name": "${noun}-$i", "values": list(range($k))}
    path.write_text(json.dumps(data))
    loaded = json.loads(path.read_text())
    assert loaded == data
    assert len(loaded["values"]) == $k
''',
    '''

@pytest.mark.parametrize("text, expected", [("", 0), ("a b", 2), ("a  b   c", 3), ("x" * $k, 1)])
def test_${noun}_word_count_$i(text, expected):
    assert len(text.split()) == expected
''',
    '''

class Test${Noun}Cache$i:
    def setup_method(self):
        self.cache = {}

    def test_miss(self):
        assert self.cache.get("${noun}") is None

    def test_hit(self):
        self.cache["${noun}"] = $k
        assert self.cache["${noun}"] == $k

    def test_overwrite(self):
        self.cache["${noun}"] = 1
        self.cache["${noun}"] = 2
        assert self.cache == {"${noun}": 2}
''',
]
