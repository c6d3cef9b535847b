"""Environment samples (`.env.example`, `.env.sample`, `.env.template`; never `.env`, which holds secrets and
is the user's own): a line setting a dated Azure OpenAI api-version is removed when no code of the run
mentions the variable any more (AOAI307, fixed), else reported; deployment variables the migrated code reads
and the sample lacks are reported (AOAI201), or added with `--unsafe-fixes` (an unsafe fix: labelled so in every
report, and counted among the hidden fixes without the flag).

Whether code still reads a variable is judged from names, conservatively: the variable itself, or a
setting that could read it (`api_version` under an `AZURE_OPENAI_` prefix in pydantic-settings), or a client
still on the dated API (it reads `OPENAI_API_VERSION` without saying so). Fixtures: fixtures/kinds/env_samples/."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePath

from codemod.findings import Finding
from codemod.kinds.base import KindResult, RunFacts

_SETTING = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)[ \t]*=")
_VERSION = re.compile("[Vv][Ee][Rr][Ss][Ii][Oo][Nn]")  # ASCII only, as the words are
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
# A client or framework class still on the dated API: `AzureOpenAI()` reads OPENAI_API_VERSION when no
# api_version is passed (openai's lib/azure.py), and so do LangChain's Azure classes.
_DATED_CLIENT = re.compile(r"Azure\w*OpenAI|AzureChat")
_IMPLICIT = "OPENAI_API_VERSION"


def mentioned_names(code: str) -> set[str]:
    """What one migrated module or notebook may still read as an api-version variable: its words with
    `version` in them, upper-cased, and OPENAI_API_VERSION when it still holds a dated client. The runner
    passes the union over the run as `RunFacts.mentioned`."""
    names = set()
    for found in _VERSION.finditer(code):  # each word around a `version`: a word is a run of ASCII letters,
        start, end = found.span()  # digits and underscores, without its leading digits
        while start and code[start - 1] in _WORD_CHARS:
            start -= 1
        while end < len(code) and code[end] in _WORD_CHARS:
            end += 1
        names.add(code[start:end].lstrip("0123456789").upper())
    if _DATED_CLIENT.search(code):
        names.add(_IMPLICIT)
    return names


def still_read(variable: str, mentioned: Iterable[str]) -> bool:
    """`variable` is named, or ends with a mentioned name of two words or more (`API_VERSION` read under a
    prefix): a lone `VERSION` (`__version__`) says nothing about it."""
    variable = variable.upper()
    for name in mentioned:
        word = name.strip("_").upper()
        if variable == word or ("_" in word and variable.endswith("_" + word)):
            return True
    return False


def rewrite(text: str, path: PurePath, facts: RunFacts) -> KindResult:
    # the configuration scanner (and the api-version data it loads) only for a sample that is rewritten; the
    # runner reads `mentioned_names` of every module
    from codemod.advisor.config_scan import dated_values, finding_for, known_message

    lines = text.splitlines(keepends=True)
    findings: list[Finding] = []
    removed: set[int] = set()
    for dated in dated_values(path, text):
        message = known_message(dated.value)
        setting = _SETTING.match(lines[dated.line - 1])
        if message is None or setting is None:
            reported = finding_for(dated)  # a malformed value, or not a plain `KEY=value` line: reported
            findings += [reported] if reported is not None else []
            continue
        key = setting["key"]
        if facts.mentioned is None or still_read(key, facts.mentioned):
            reads = "may still be read by" if facts.mentioned is None else "is still read by"
            note = f"`{key}` {reads} the code of the run; remove this line once nothing reads it."
            findings.append(Finding("AOAI307", f"{message} {note}", dated.line, dated.column, level="info"))
            continue
        removed |= _lines_to_remove(lines, dated.line - 1)
        message = (f"`{key}` (api-version {dated.value}) removed: the migrated code sends no api-version and no "
                   "code of the run reads this variable any more.")
        findings.append(Finding("AOAI307", message, dated.line, 1, fixed=True))
    kept = [line for index, line in enumerate(lines) if index not in removed]
    new_text, missing = _deployments(kept, facts.deployments, facts.unsafe_fixes, max(len(lines), 1))
    findings += missing
    return KindResult(new_text, findings)


def _lines_to_remove(lines: list[str], index: int) -> set[int]:
    """The setting's line; with it, the comments above it and one blank line when they and it are a
    paragraph of their own (`# API version` over `AZURE_OPENAI_API_VERSION=...`)."""
    start = index
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    below_blank = index + 1 >= len(lines) or not lines[index + 1].strip()
    above_blank = start == 0 or not lines[start - 1].strip()
    if not (below_blank and above_blank):
        return {index}
    span = set(range(start, index + 1))
    if start > 0:
        span.add(start - 1)
    elif index + 1 < len(lines):
        span.add(index + 1)
    return span


def _deployments(lines: list[str], deployments: Mapping[str, str], add: bool, end: int) -> tuple[str, list[Finding]]:
    """The deployment variables the sample lacks: appended (`add`; the findings point at line `end`, the
    original last line), or reported on line 1."""
    present = {m["key"] for line in lines if (m := _SETTING.match(line))}
    missing = sorted(name for name in deployments if name not in present)
    if not missing:
        return "".join(lines), []
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    added, findings = [], []
    for name in missing:
        literal = deployments[name]
        setting = f"{name}={_quoted(literal)}"
        message = f"The migrated code reads the deployment name from {name} (default {literal!r}); this sample "
        if add:
            added += [f"# Deployment name used where the code had {literal!r}; set it to the deployment name "
                      f"shown in the Azure portal.{newline}", setting + newline]
            findings.append(Finding("AOAI201", message + "did not set it: added.", end, 1, fixed=True,
                                    applicability="unsafe"))
        else:  # a hidden fix: the summary counts it among those --unsafe-fixes would apply
            findings.append(Finding("AOAI201", message + f"does not set it. Add `{setting}`.", 1, 1, level="info",
                                    applicability="unsafe"))
    if added and lines:
        if not lines[-1].endswith(("\n", "\r")):
            lines = [*lines[:-1], lines[-1] + newline]
        if lines[-1].strip():
            added.insert(0, newline)
    return "".join(lines + added), findings


def _quoted(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_.:/@+-]*", value) else '"' + value.replace('"', '\\"') + '"'

