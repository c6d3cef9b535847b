"""The real-code check's view of one repository after the three runs: what each run wrote, and the per-file checks."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import realcode_checks as checks
import realcode_types as types_checks
from realcode_checks import Failure
from realcode_python import AZURE, V1, Module, Names, compile_error, module, pieces
from realcode_source import source_files

# Bytes without which a file cannot hold what a check looks for (a cheap filter before `ast`).
_CLIENT_WORDS = (b"openai", b"OpenAI")
_USE_WORDS = (b"_api_version", b"_azure_", b"with_options", b".copy(")


@dataclass
class Trees:
    """Every file's bytes: the input, after the --diff run, after the first and after the second write run."""

    src: dict[str, bytes]
    dry: dict[str, bytes]
    first: dict[str, bytes]
    second: dict[str, bytes]

    def changed(self) -> set[str]:
        return {p for p in self.src.keys() | self.first.keys() if self.src.get(p) != self.first.get(p)}


@dataclass
class Report:
    files: int = 0
    azure_files: int = 0
    failures: list[Failure] = field(default_factory=list)


def in_scope(root: Path, paths: list[str]) -> list[str]:
    return source_files(root, [] if paths == ["."] else paths)


def tool_failures(label: str, runs: dict[str, tuple[int, str, str]]) -> list[Failure]:
    failures = []
    for name, (code, _, err) in runs.items():
        if code not in (0, 1, 3) or "Traceback (most recent call last)" in err:
            tail = " | ".join(err.strip().splitlines()[-3:])
            failures.append(Failure("tool", label, 0, f"{name} run exited {code}: {tail}"))
    return failures


def _first_difference(before: bytes | None, after: bytes | None) -> tuple[int, str]:
    old = (before or b"").decode("utf-8", "replace").splitlines()
    new = (after or b"").decode("utf-8", "replace").splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            return j1 + 1, f"-{' / '.join(old[i1:i2])[:160]!r} +{' / '.join(new[j1:j2])[:160]!r}"
    return 1, "same lines, different bytes (line endings or encoding)"


def run_failures(tree: Trees, shown: set[str], findings: list[dict]) -> list[Failure]:
    """dry-run, diff and second-run failures, and files the tool could not parse although Python can."""
    failures = []
    for path in sorted(p for p in tree.src.keys() | tree.dry.keys() if tree.src.get(p) != tree.dry.get(p)):
        line, what = _first_difference(tree.src.get(path), tree.dry.get(path))
        failures.append(Failure("dry-run", path, line, f"the --diff run wrote this file: {what}"))
    changed = tree.changed()
    for path in sorted(changed - shown):
        failures.append(Failure("diff", path, 1, "changed by the write run but not shown by --diff"))
    for path in sorted(shown - changed):
        failures.append(Failure("diff", path, 1, "shown by --diff but left alone by the write run"))
    for path in sorted(p for p in tree.first.keys() | tree.second.keys() if tree.first.get(p) != tree.second.get(p)):
        line, what = _first_difference(tree.first.get(path), tree.second.get(path))
        failures.append(Failure("second-run", path, line, f"the second run changed it again: {what}"))
    for finding in findings:
        if finding.get("code") == "AOAI000" and _compiles(tree, finding["path"], finding.get("cell")):
            message = f"not parsed although Python compiles it: {finding.get('message', '')[:160]}"
            line = int(finding.get("line") or 0)
            failures.append(Failure("tool", finding["path"], line, message, finding.get("cell")))
    return failures


def _compiles(tree: Trees, path: str, cell: int | None) -> bool:
    """Whether the input file (or its notebook cell, IPython lines masked) compiles."""
    if path not in tree.src or not path.endswith((".py", ".ipynb")):
        return False
    try:
        parts = [p for p in pieces(path, tree.src[path]) if p.cell == cell]
    except (ValueError, KeyError, UnicodeDecodeError, SyntaxError):
        return False
    return bool(parts) and compile_error(parts[0], path) is None


@dataclass
class _File:
    path: str
    old: Module | None
    new: Module | None


def file_checks(tree: Trees, files: list[str], second: list[dict]) -> Report:
    report = Report(files=len(files))
    parsed: list[_File] = []
    for path in files:
        old, new = tree.src[path], tree.first.get(path)
        if new is None:
            report.failures.append(Failure("compile", path, 1, "the write run removed this file"))
            continue
        words = _CLIENT_WORDS + _USE_WORDS
        if not any(w in old or w in new for w in words):
            continue
        item = _parse(path, old, new, report)
        if item is not None:
            parsed.append(item)
    by_path: dict[str, list[dict]] = {}
    for finding in second:
        by_path.setdefault(finding["path"], []).append(finding)
    staying = {i.path: lines for i in parsed if i.new is not None and (lines := types_checks.azure_constructors(i.new))}
    for item in parsed:
        if item.new is not None:
            report.failures += checks.azure_left(item.path, item.new, _finding_lines(item.new, by_path.get(item.path)))
        if item.old is not None and item.new is not None and tree.src[item.path] != tree.first[item.path]:
            report.failures += types_checks.type_checks_changed(item.path, item.old, item.new)
            report.failures += types_checks.annotations_changed(item.path, item.old, item.new, _staying(item, staying))
            report.failures += types_checks.imports_after_use(item.path, item.old, item.new)
    report.failures += _client_use_failures(parsed)
    return report


def _staying(item: _File, staying: dict[str, list[int]]) -> str | None:
    """Where an Azure client stays after the run: in this file if one does, else elsewhere in the repository."""
    if item.path in staying and item.new is not None:
        cell, line = item.new.origin[staying[item.path][0] - 1]
        return f"the Azure client at line {line}" + (f" of cell {cell}" if cell else "")
    other = min(staying, default=None)
    return f"the Azure client in {other}" if other else None


def _parse(path: str, old: bytes, new: bytes, report: Report) -> _File | None:
    try:
        old_parts, new_parts = pieces(path, old), pieces(path, new)
    except (ValueError, KeyError, UnicodeDecodeError, SyntaxError) as error:
        try:
            pieces(path, old)
        except (ValueError, KeyError, UnicodeDecodeError, SyntaxError):
            return None  # the input itself is not readable Python or a notebook: nothing to compare
        report.failures.append(Failure("compile", path, 1, f"the output cannot be read: {error}"))
        return None
    if old != new:
        report.failures += _compile_failures(path, old_parts, new_parts)
    item = _File(path, module(path, old_parts), module(path, new_parts))
    if item.old is not None and any(checks.azure_references(item.old.tree, Names(item.old.tree))):
        report.azure_files += 1
    return item


def _compile_failures(path: str, old_parts: list, new_parts: list) -> list[Failure]:
    if [p.cell for p in old_parts] != [p.cell for p in new_parts]:
        return [Failure("compile", path, 1, "the write run changed the notebook's code cells")]
    failures = []
    for before, after in zip(old_parts, new_parts, strict=True):
        error = compile_error(after, path)
        if error is not None and compile_error(before, path) is None:
            message = f"the output does not compile: {error.msg}"
            failures.append(Failure("compile", path, error.lineno or 1, message, after.cell))
    return failures


def _finding_lines(mod: Module, findings: list[dict] | None) -> set[int]:
    """Module lines of the findings that need a person (not fixed, not info)."""
    lines = set()
    for f in findings or []:
        if f.get("fixed") or f.get("level") == "info":
            continue
        line = mod.module_line(f.get("cell"), int(f.get("line") or 0))
        if line is not None:
            lines.add(line)
    return lines


def _client_use_failures(parsed: list[_File]) -> list[Failure]:
    """private-attr, copy-args and deployment: the names that hold migrated clients, in the file and across the
    repository."""
    migrated, still_azure = {}, {}
    for item in parsed:
        if item.old is None or item.new is None:
            continue
        new_names = Names(item.new.tree)
        still_azure[item.path] = checks.client_keys(item.new.tree, new_names, AZURE)
        before = checks.client_keys(item.old.tree, Names(item.old.tree), AZURE)
        migrated[item.path] = (before & checks.client_keys(item.new.tree, new_names, V1)) - still_azure[item.path]
    everywhere = set().union(*migrated.values()) - set().union(*still_azure.values())
    failures = []
    for item in parsed:
        if item.new is None:
            continue
        keys = (migrated.get(item.path, set()) | everywhere) - still_azure.get(item.path, set())
        failures += checks.private_reads(item.path, item.new, keys)
        failures += checks.copy_arguments(item.path, item.new, keys)
        if item.old is not None:
            failures += checks.deployment_dropped(item.path, item.old, item.new, migrated.get(item.path, set()))
    return failures
