"""The rules' declarations as data (codemod/data/rules.json, written from each rule's `RULE` by
`python -m codemod.rules`): what the command line and the runner's filters read without importing the rules,
which import LibCST. tests/test_rule_registry.py fails when the index is stale."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from codemod.engine.syntax import Need, need_from_data
from codemod.findings import FILE_ERROR, FILE_ERROR_SUMMARY


@dataclass(frozen=True)
class IndexedRule:
    name: str
    scope: str
    codes: dict[str, str]
    words: tuple[str | tuple[str, ...], ...]
    needs: Need


@cache
def indexed_rules() -> tuple[IndexedRule, ...]:
    data: dict[str, Any] = json.loads(resources.files("codemod.data").joinpath("rules.json").read_text("utf-8"))
    return tuple(
        IndexedRule(
            entry["name"],
            entry["scope"],
            dict(entry["codes"]),
            tuple(tuple(w) if isinstance(w, list) else w for w in entry["words"]),
            need_from_data(entry["needs"]),
        )
        for entry in data["rules"]
    )


def summaries() -> dict[str, str]:
    """Every code the tool can emit, with its one-line summary, in code order."""
    found = {FILE_ERROR: FILE_ERROR_SUMMARY}
    for rule in indexed_rules():
        found.update(rule.codes)
    return dict(sorted(found.items()))
