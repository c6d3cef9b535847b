"""Private Azure attributes read in one file of a run through a client another file stores (guarantee 1, AOAI101).

A file stores a client on an object (`bp.openai_client = AsyncAzureOpenAI(...)`) and another one, often a test,
reads one of AzureOpenAI's private attributes through it (`app.blueprints["chat"].openai_client._azure_endpoint`).
OpenAI has none of them, so after a move to the v1 API that read raises AttributeError. The reading file may have
no Azure import at all (the filters skip it), so the engine cannot see the read: this module finds it with a
cheap, over-approximating look at the text of every Python file of the run, by the attribute name the client is
reached through, and the runner migrates the storing file again with that client left on the dated API and
reported (Options.private_reads, codemod/rules/_client_reach.py). Files outside the run cannot be seen."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from codemod.record import FileRecord

_PRIVATE = r"(_api_version|_azure_\w+)"  # names.is_private_azure_attribute, as a pattern
# `<anything>.NAME._azure_endpoint`, and getattr(<anything>.NAME, "_azure_endpoint") and its kin (a notebook's
# JSON escapes the quotes)
_READ = re.compile(rf"\.\s*(\w+)\s*\.\s*{_PRIVATE}\b")
_BUILTIN = re.compile(rf"\b(?:get|has|set|del)attr\s*\(\s*[^,()]*\.\s*(\w+)\s*,\s*\\?[\"']{_PRIVATE}\\?[\"']")
_MARKERS = (b"_azure_", b"_api_version")
# an import names modules (`from pkg.client._azure_utils import x`): no attribute of a client is read there
_IMPORT_LINE = re.compile(r"[ \t]*(?:from|import)[ \t]")


def stored_names(records: Iterable[FileRecord]) -> set[str]:
    """The attribute names under which the files of the run store a migrated client."""
    return {name for record in records for name in record.client_attributes}


def reads_through(names: set[str], files: Sequence[tuple[Path, str]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """For each of `names` read through in a Python file of the run: ((shown path:line, private attribute), ...)."""
    found: dict[str, list[tuple[str, str]]] = {}
    if not names:
        return {}
    for path, shown in files:
        if path.suffix not in (".py", ".pyi", ".ipynb"):
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue  # reported by the run itself
        if not any(marker in data for marker in _MARKERS):
            continue
        text = data.decode("utf-8", errors="replace")
        for pattern in (_READ, _BUILTIN):
            for match in pattern.finditer(text):
                if match.group(1) in names and not _IMPORT_LINE.match(text, text.rfind("\n", 0, match.start()) + 1):
                    # a notebook's line would be one of its JSON text: its path alone says where
                    line = "" if path.suffix == ".ipynb" else f":{text.count(chr(10), 0, match.start()) + 1}"
                    found.setdefault(match.group(1), []).append((shown + line, match.group(2)))
    return {name: tuple(sorted(set(places), key=_order)) for name, places in found.items()}


def _order(place: tuple[str, str]) -> tuple[str, int]:
    shown, _, line = place[0].rpartition(":")
    return (shown, int(line)) if line.isdigit() else (place[0], 0)
