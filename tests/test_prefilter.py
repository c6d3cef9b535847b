"""The pre-filter is sound: a file that `could_match` rejects is one the full pipeline (decode + engine)
would neither change nor report on. Property over the fixture corpus plus random mutations."""

from __future__ import annotations

import ast
import keyword
import os
import re
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from codemod import migration
from codemod.options import Options
from codemod.rules import module_rules
from codemod.run import runner
from codemod.run.runner import could_match, migrate_file
from codemod.run.source import decode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(ROOT.glob("fixtures/**/*.in.py")) + sorted(ROOT.glob("tests/e2e/programs/*.py"))
SEED_TEXTS = [decode(p.read_bytes()).text for p in SEEDS]  # keeps CRLF; some fixtures are Latin-1
EXAMPLES = int(os.environ.get("AOAI_PROPERTY_EXAMPLES", "200"))

# Whole statements a rule or the advisor acts on, in every spelling the engine reads: the openai package,
# module settings, api-version names (AOAI301 reads `openai.*version` case-insensitively), other libraries'
# Azure classes, hard-coded keys, suppression comments.
SNIPPETS = [
    "from openai import AzureOpenAI\n",
    "from openai import AsyncAzureOpenAI as Client\n",
    "from openai.lib.azure import AzureOpenAI\n",
    "import openai\n",
    "import openai as oa\n",
    'openai.api_type = "azure"\n',
    'openai.api_version = "2023-05-15"\n',
    'openai.azure_endpoint = "https://res.openai.azure.com"\n',
    'client = AzureOpenAI(api_version="2024-02-01", azure_endpoint="https://res.openai.azure.com")\n',
    'aclient = AsyncAzureOpenAI(azure_deployment="gpt-4o", api_version="2024-06-01", api_key="sk-0000")\n',
    'other = oa.AzureOpenAI(api_version="2024-10-21")\n',
    'OPENAI_API_VERSION = "2024-10-21"\n',
    'version = os.getenv("AZURE_OPENAI_API_VERSION", "2024-02-01")\n',
    "from langchain_community.chat_models import AzureChatOpenAI\n",
    'llm = AzureChatOpenAI(api_version="2024-02-01", azure_deployment="chat")\n',
    'settings = {"openai_api_version": "2024-02-01", "api_key": "sk-test-0000"}\n',
    'reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[])\n',
    'legacy = openai.ChatCompletion.create(engine="gpt-35", messages=[])\n',
    "x = 1  # aoai-migrate: ignore[AOAI201]\n",
    "import os\n",
    "def helper(client):\n    return client.embeddings.create(model=\"emb\", input=[])\n",
    "class Settings:\n    api_version = \"2024-02-01\"\n",
]
NAMES = ["openai", "OpenAI", "AzureOpenAI", "AsyncAzureOpenAI", "client", "os", "model", "api_version",
         "azure", "oa", "Client", "settings", "x", "helper", "OPENAI_API_VERSION"]
IDENTIFIER = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
WORD = re.compile(r"openai", re.IGNORECASE | re.ASCII)  # ASCII: "ı" is a near miss, not the word
# Replacements for an occurrence of the word: other spellings of it (which a pre-filter must still treat as
# possible matches if the engine reads them) and near misses that are no longer the word in any case.
SPELLINGS = ["OpenAI", "OPENAI", "Openai", "openAI"]
NEAR_MISSES = ["openal", "open_ai", "opena1", "0penai", "opn_ai", "OpenAl", "OPEN_AI", "ｏｐｅｎａｉ", "openaı"]


def statement_starts(text: str) -> list[int] | None:
    """0-based line numbers where top-level statements start (plus the end), or None if it does not parse."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    return [node.lineno - 1 for node in tree.body] + [len(text.splitlines())]


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    starts = statement_starts(text)
    kind = draw(st.sampled_from(["delete", "insert", "rename", "splice"]))
    if kind == "rename":
        words = sorted({w for w in IDENTIFIER.findall(text) if not keyword.iskeyword(w)})
        if not words:
            return text
        old = draw(st.sampled_from(words))
        new = draw(st.sampled_from(NAMES) | st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True))
        if keyword.iskeyword(new) or keyword.issoftkeyword(new):
            return text
        return re.sub(rf"\b{re.escape(old)}\b", new, text)
    # Line edits at top-level statement boundaries keep the module parseable; line-level ones otherwise.
    points = starts if starts else list(range(len(lines) + 1))
    at = draw(st.sampled_from(points))
    if kind == "delete" and starts and len(starts) > 1:
        index = starts.index(at) if at in starts[:-1] else 0
        del lines[starts[index] : starts[index + 1]]
    elif kind == "delete" and lines:
        del lines[min(at, len(lines) - 1)]
    elif kind == "insert":
        lines.insert(at, draw(st.sampled_from(SNIPPETS)))
    else:  # splice: a top-level statement of another seed
        other = draw(st.sampled_from(SEED_TEXTS))
        other_starts = statement_starts(other) or [0, 0]
        pick = draw(st.integers(0, max(0, len(other_starts) - 2)))
        chunk = other.splitlines(keepends=True)[other_starts[pick] : other_starts[pick + 1]]
        lines[at:at] = chunk
    return "".join(lines)


@st.composite
def respell(draw: st.DrawFn, text: str) -> str:
    """Replace occurrences of the word (any case). "hide": every one becomes a near miss; "mixed": each one
    becomes another spelling, a near miss or stays; "keep": unchanged."""
    mode = draw(st.sampled_from(["hide", "hide", "mixed", "mixed", "keep"]))
    if mode == "keep":
        return text
    pool = NEAR_MISSES if mode == "hide" else [*SPELLINGS, *NEAR_MISSES, None]
    choices = draw(st.lists(st.sampled_from(pool), min_size=len(WORD.findall(text)),
                            max_size=len(WORD.findall(text))))
    replacements = iter(choices)

    def replace(match: re.Match[str]) -> str:
        choice = next(replacements)
        return match.group(0) if choice is None else choice

    return WORD.sub(replace, text)


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """The file's bytes: UTF-8, UTF-8 with a BOM, or Latin-1 with a PEP 263 cookie (when it can be)."""
    how = draw(st.sampled_from(["utf-8", "bom", "latin-1"]))
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if how == "latin-1":
        try:
            return b"# -*- coding: latin-1 -*-\n" + text.encode("latin-1")
        except UnicodeEncodeError:
            pass
    return text.encode("utf-8")


@st.composite
def candidate_files(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(0, 6))):
        text = draw(mutation(text))
    return draw(encoded(draw(respell(text))))


def full_pipeline(data: bytes, directory: Path):
    """What the runner does with a file when the pre-filter lets it through."""
    path = directory / "candidate.py"
    path.write_bytes(data)
    unfiltered = mock.patch.object(runner, "could_match", lambda *_: True)
    every_rule = mock.patch.object(migration, "needed_rules", lambda *_: module_rules())
    with unfiltered, every_rule, mock.patch.object(runner, "may_act", lambda *_: True):
        return migrate_file(path, Options(), "candidate.py")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate_files())
def test_a_file_the_prefilter_skips_is_one_the_engine_leaves_alone(data: bytes) -> None:
    if could_match(data):
        event("pre-filter: might match")
        return
    event("pre-filter: skipped")
    with tempfile.TemporaryDirectory() as tmp:
        outcome = full_pipeline(data, Path(tmp))
    if outcome.status == "error":
        reject()  # a mutation that no longer parses: nothing a rule could act on either way
    assert outcome.status == "unchanged", outcome.new_text
    assert outcome.findings == []


def test_the_seed_corpus_is_what_the_rules_act_on() -> None:
    """The property is not vacuous: the seeds pass the pre-filter and most of them are rewritten."""
    assert len(SEEDS) >= 20
    assert all(could_match(text.encode("utf-8")) for text in SEED_TEXTS)
    pairs = [(p, p.with_name(p.name.replace(".in.py", ".out.py"))) for p in SEEDS if p.name.endswith(".in.py")]
    rewritten = [p for p, out in pairs if out.exists() and p.read_bytes() != out.read_bytes()]
    assert len(rewritten) >= len(pairs) // 2


# Files that once showed the pre-filter and the engine disagreeing (each found by the property above): the
# engine acts on them although their bytes do not spell the word in ASCII. They pass if the pre-filter lets
# them through or the engine leaves them alone, whichever side is fixed.
KNOWN: dict[str, bytes] = {
    # AOAI301 reads api-version names case-insensitively.
    "getenv-version-name": b'import os\n\nVERSION = os.getenv("AZURE_OPENAI_API_VERSION", "2024-02-01")\n',
    "constant-version-name": b'OPENAI_API_VERSION = "2024-10-21"\n',
    "langchain-class": b"from langchain_community.chat_models import AzureChatOpenAI\n\n"
    b'llm = AzureChatOpenAI(api_version="2024-02-01", azure_deployment="chat")\n',
    # re.IGNORECASE on str patterns also folds U+0131 (dotless i) to "i": `openaı_api_version` is read as an
    # api-version name (codemod/rules/advisor_checks.py _VERSION_NAME has no re.ASCII).
    "dotless-i-version-name": 'settings = {"openaı_api_version": "2024-02-01"}\n'.encode(),
    # PEP 263 codecs in which the source text says `openai` while the bytes do not (CPython runs such files):
    # `from openai import AzureOpenAI` with the o and the O written as escapes.
    "utf-7": b"# coding: utf-7\nfrom +AG8-penai import Azure+AE8-penAI\n\n"
    b'client = Azure+AE8-penAI(azure_endpoint="https://r.example.com", api_version="2024-02-01")\n',
    "unicode_escape": b"# coding: unicode_escape\nfrom \\u006fpenai import Azure\\u004fpenAI\n\n"
    b'client = Azure\\u004fpenAI(azure_endpoint="https://r.example.com", api_version="2024-02-01")\n',
    "raw_unicode_escape": b"# coding: raw_unicode_escape\nfrom \\u006fpenai import Azure\\u004fpenAI\n\n"
    b'client = Azure\\u004fpenAI(azure_endpoint="https://r.example.com", api_version="2024-02-01")\n',
}


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_disagreements(name: str, tmp_path: Path) -> None:
    data = KNOWN[name]
    if could_match(data):
        return
    outcome = full_pipeline(data, tmp_path)
    assert outcome.status == "unchanged" and not outcome.findings, (
        f"the pre-filter skips a file the engine {outcome.status} with {[f.code for f in outcome.findings]}"
    )


_WORD = st.text(alphabet="abcz-", min_size=1, max_size=4).map(str.encode)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.lists(_WORD, min_size=1, max_size=3).map(tuple), min_size=1, max_size=6),
       st.text(alphabet="abcz-ABZ \n", max_size=40).map(str.encode))
def test_the_gated_byte_filter_is_the_plain_one(words: list[tuple[bytes, ...]], data: bytes) -> None:
    """Grouping the words under gates (a word found once for all the alternatives that contain it) only saves
    scans: it accepts exactly the files that one of the alternatives accepts, all its words present."""
    alternatives = tuple(words)
    plain = any(all(word in data.lower() for word in alternative) for alternative in alternatives)
    assert could_match(data, alternatives) == plain


def test_the_default_words_cost_a_file_that_has_none_three_scans() -> None:
    """openai, azure (LiteLLM's azure/ model and the other libraries' Azure classes), the aoai-evals header."""
    from codemod.run.filters import filters_for, gated

    assert [gate for gate, _ in gated(filters_for(Options())[0])] == [b"aoai-evals", b"azure", b"openai"]
