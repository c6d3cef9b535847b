"""The syntax filter is sound: the filtered run (a module whose facts meet no enabled rule's needs is left alone
after one `ast.parse`; a module that goes on runs only the rules whose needs it meets) and the unfiltered run
(every module to LibCST, every rule on it) give byte-identical output and the same findings, on every fixture
input and on generated modules. Also: what the facts resolve through imports."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st

from codemod import migration
from codemod.engine.syntax import Credentials, Identifiers, Keyword, Names, Strings, read_facts, read_text_facts
from codemod.options import Options
from codemod.rules import module_rules
from codemod.run import runner
from codemod.run.filters import filters_for, may_act
from tests.fixture_cases import FIXTURES
from tests.test_fuzz import _GENERATOR_WARNINGS, spliced_modules
from tests.test_prefilter import candidate_files

EXAMPLES = int(os.environ.get("AOAI_PROPERTY_EXAMPLES", "200"))
SEEDS = sorted(FIXTURES.rglob("*.in.py")) + sorted(FIXTURES.rglob("*.in.ipynb"))


def _run(data: bytes, suffix: str, options: Options, *, filtered: bool) -> runner.FileOutcome:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, f"candidate{suffix}")
        path.write_bytes(data)
        if filtered:
            return runner.migrate_bytes(path, data, options, path.name)
        every_rule = mock.patch.object(migration, "needed_rules", lambda *_: module_rules())
        with mock.patch.object(runner, "may_act", lambda *_: True), every_rule:
            return runner.migrate_bytes(path, data, options, path.name)


def assert_same(data: bytes, suffix: str = ".py", options: Options | None = None) -> str:
    """The filtered and unfiltered runs agree; returns what happened, for the test's statistics."""
    options = options or Options()
    whole = _run(data, suffix, options, filtered=False)
    if whole.status == "error":
        # CPython parses it (or the filter would pass it on) but LibCST does not: with no rule's needs met,
        # the filtered run skips what the unfiltered one reports as unparseable. Nothing to migrate either way.
        return "LibCST cannot parse it"
    quick = _run(data, suffix, options, filtered=True)
    assert (quick.status, quick.new) == (whole.status, whole.new)
    assert quick.findings == whole.findings
    assert quick.record == whole.record
    return "acted on" if whole.findings or whole.status == "changed" else "left alone"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_input_gives_the_same_result_filtered(seed: Path) -> None:
    assert_same(seed.read_bytes(), ".ipynb" if seed.suffix == ".ipynb" else ".py")


def test_the_filter_lets_every_fixture_that_the_engine_acts_on_through() -> None:
    """Not vacuous: the fixtures the engine acts on pass the filter, and it does rule modules out."""
    need = filters_for(Options())[1]
    passed = [seed for seed in SEEDS if seed.suffix == ".py" and may_act(seed.read_text("latin-1"), need)]
    assert len(passed) > len(SEEDS) // 2
    assert not may_act('from openai import OpenAI\n\nOpenAI().chat.completions.create(model="gpt-4o")\n', need)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate_files())
def test_mutated_fixtures_give_the_same_result_filtered(data: bytes) -> None:
    event(assert_same(data))


@_GENERATOR_WARNINGS
@settings(max_examples=max(10, EXAMPLES // 4), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(spliced_modules())
def test_generated_modules_give_the_same_result_filtered(source: str) -> None:
    try:
        data = source.encode("utf-8")
    except UnicodeEncodeError:
        reject()  # lone surrogates from the generator cannot be a file
    event(assert_same(data))


@pytest.mark.parametrize("selected", ["AOAI1", "AOAI2", "AOAI3", "AOAI4", "AOAI107"])
def test_selecting_rules_narrows_the_filter_without_changing_results(selected: str) -> None:
    options = Options(select=frozenset({selected}))
    for seed in SEEDS[::3]:
        if seed.suffix == ".py":
            assert_same(seed.read_bytes(), ".py", options)


# ---- the facts --------------------------------------------------------------------------------------------


def test_names_resolve_through_every_kind_of_import() -> None:
    facts = read_facts(
        "import openai as oa\n"
        "from openai.lib import azure as az\n"
        "from openai import AzureOpenAI as Client\n"
        "def f():\n    import openai.types\n"
        "c = oa.AzureOpenAI()\nd = az.AsyncAzureOpenAI\n"
    )
    assert facts is not None
    for name in ("openai", "openai.AzureOpenAI", "openai.lib.azure", "openai.lib.azure.AsyncAzureOpenAI",
                 "openai.types"):
        assert name in facts.names
    assert Names("openai.AzureOpenAI").met(facts)
    assert not Names("openai.OpenAI").met(facts)


def test_a_star_import_may_bring_any_name_of_its_module() -> None:
    facts = read_facts("from openai import *\nclient = AzureOpenAI()\n")
    assert facts is not None and Names("openai.AzureOpenAI").met(facts)


def test_identifiers_are_read_as_the_compiler_reads_them() -> None:
    facts = read_facts("ａpi_version = 1\nf(engine=2)\n")  # NFKC: the fullwidth a is an a
    assert facts is not None
    assert Identifiers(r"^api_version$").met(facts) and Identifiers(r"^engine$").met(facts)


def test_strings_include_f_string_parts_and_exclude_comments() -> None:
    facts = read_facts('url = f"{base}/openai/v1/"  # https://x.openai.azure.com\n')
    assert facts is not None
    assert Strings(r"/openai/v1").met(facts) and not Strings(r"azure\.com").met(facts)


def test_a_module_cpython_cannot_parse_goes_on_to_libcst_when_its_words_show_a_need(tmp_path: Path) -> None:
    """LibCST then reports it (AOAI000). A module whose words show nothing a rule needs is ruled out before any
    parse, broken or not, as a file without `openai` is: parsing it only to report a syntax error cost a third
    of a run on real LLM repositories."""
    need = filters_for(Options())[1]
    broken = "from openai import AzureOpenAI\ndef broken(:\n"
    assert read_facts(broken) is None and may_act(broken, need)
    assert not may_act("import openai  # the OpenAI.com client\ndef broken(:\n", need)
    assert not may_act("import openai  # the OpenAI.com client\ndef fine():\n    pass\n", need)
    path = tmp_path / "m.py"
    for text, status in ((broken, "error"), ("import openai\ndef broken(:\n", "unchanged")):
        path.write_text(text)
        assert runner.migrate_bytes(path, text.encode(), Options(), "m.py").status == status


def test_text_that_is_not_ascii_is_read_as_the_compiler_reads_identifiers() -> None:
    """The compiler reads identifiers NFKC-normalized: the cheap look at the words does too, and keeps the runs
    that identifiers with non-ASCII letters lie in; a text with nothing a rule needs is still ruled out."""
    need = filters_for(Options())[1]
    assert may_act("from openai import ＡzureOpenAI  # fullwidth A\nＡzureOpenAI(api_version='2024-02-01')\n", need)
    cheap = read_text_facts("café_openai_version = «2024-02-01»\n")
    assert cheap is not None and Identifiers("openai.*version").maybe(cheap)
    plain = read_text_facts("# “curly quotes” and an émoji 🎉\nimport openai\nclient = openai.OpenAI()\n")
    assert plain is not None and not need.maybe(plain)


def test_a_comment_inside_an_argument_is_not_an_azure_host() -> None:
    """The analysis reads strings, as the filter does: a host named in a comment makes no client Azure's."""
    source = (
        "from openai import OpenAI\n\n"
        "client = OpenAI(\n"
        "    base_url=(  # was https://res.openai.azure.com/openai/v1/\n"
        "        PROXY_URL\n"
        "    ),\n"
        '    default_query={"api-version": "2024-02-01"},\n'
        ")\n"
    )
    assert_same(source.encode())


def test_plain_strings_leave_out_the_literal_parts_of_f_strings() -> None:
    """A rule that reads only plain string values (dict keys, getenv names) is not woken by a URL's f-string
    (`f"/jsonl/openai_ft?version_id={v}"` in a large test module held LibCST for seconds)."""
    facts = read_facts('u = f"/jsonl/openai_ft?version_id={v:>{w}}"\nd = {"openai_api_version": "2024-10-21"}\n')
    assert facts is not None
    assert facts.plain_strings == ("openai_api_version", "2024-10-21")
    assert Strings("openai.*version").met(facts) and Strings("openai.*version", plain=True).met(facts)
    url_only = read_facts('u = f"/jsonl/openai_ft?version_id={v}"\nd = "2024-10-21"\n')
    assert url_only is not None and not Strings("openai.*version", plain=True).met(url_only)


def test_a_name_bound_by_two_imports_names_both() -> None:
    """The engine cannot tell which of two imports of a name runs (it reports the client): the facts hold both,
    so the filter lets the module through whichever import comes last."""
    for first, second in (("openai", "llama_index.llms.azure_openai"), ("llama_index.llms.azure_openai", "openai")):
        facts = read_facts(f"from {first} import AzureOpenAI\nfrom {second} import AzureOpenAI\nAzureOpenAI()\n")
        assert facts is not None
        assert {"openai.AzureOpenAI", "llama_index.llms.azure_openai.AzureOpenAI"} <= facts.names


# ---- declarations narrowed to what the rules read (issue 14: real repositories) ---------------------------

_KEY = "0123456789abcdef0123456789abcdef"  # 32 hex digits: the shape of an Azure OpenAI key (not a real one)


@pytest.mark.parametrize(
    "source",
    [
        # AOAI305: a key written into the module client's settings, directly or through a constant
        f'import openai\nopenai.api_key = "{_KEY}"\n',
        f'import openai\nKEY = "  {_KEY}\\n"\nopenai.api_key = KEY\n',
        f'import openai\nopenai.api_key = ("{_KEY[:16]}"\n                  "{_KEY[16:]}")\n',  # wrapped
        'import openai\nopenai.azure_ad_token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9abc"\n',
        # AOAI301 / AOAI302 of the module client's pinned version, without api_type or an endpoint
        'import openai\nopenai.api_version = "2024-02-01"\nopenai.chat.completions.create(model="m", store=True)\n',
        # AOAI106 / AOAI201 / AOAI107 of an Azure module client
        'import openai\nopenai.api_type = "azure"\nopenai.api_key = k\nopenai.chat.completions.create(model="gpt")\n',
        'import openai\nopenai.api_type = "azure"\nopenai.api_base = "https://r.openai.azure.com"\n',
        'import openai\nopenai.api_key = k\nopenai.ChatCompletion.create(engine="gpt", messages=[])\n',
        'import openai\nopenai.chat.completions.create(engine="gpt", messages=[])\n',
        'import openai as oa\noa.embeddings.create(deployment_id="ada", input="x")\n',
        # AOAI301 of another library's Azure class, and of names that hold a version
        'from langchain_openai import AzureChatOpenAI\nAzureChatOpenAI(api_version="2024-02-01")\n',
        'import langchain_openai as lc\nllm = lc.AzureChatOpenAI(api_version="2023-05-15", openai_api_key=k)\n',
        'import os\nv = os.getenv("AZURE_OPENAI_API_VERSION", "2024-02-01")\n',
        # AOAI515: LiteLLM's azure/ model with a dated version, in a call and in a Router's model list
        'import litellm\nlitellm.completion(model="azure/gpt-4o", api_version="2024-02-01", messages=[])\n',
        'from litellm import Router\nRouter(model_list=[{"model_name": "m", "litellm_params": '
        '{"model": "azure/gpt", "api_version": "2024-08-01-preview"}}])\n',
    ],
)
def test_narrowed_declarations_still_let_what_a_rule_reads_through(source: str) -> None:
    """Each case is one a narrowed declaration must keep: the engine acts on it, and the filtered run agrees."""
    assert may_act(source, filters_for(Options())[1])
    assert assert_same(source.encode()) == "acted on"


@pytest.mark.parametrize(
    "source",
    [
        # a notebook's OpenAI.com module client: a key read from the user, a date in the data
        'import openai\nfrom getpass import getpass\nopenai.api_key = getpass()\nDAY = "2024-02-01"\n'
        'openai.chat.completions.create(model="gpt-4o", messages=[])\n',
        # a LiteLLM wrapper with no azure/ literal, and one whose model is built at run time
        'import litellm\nlitellm.completion(model=name, api_version="2024-02-01", messages=[])\n',
        'import litellm\nlitellm.completion(model=f"azure/{d}", api_version="2024-02-01", messages=[])\n',
        # another provider's client with an api_version, in a module that mentions openai, and a class named
        # like OpenAI's built without one beside a dict that holds one
        'from azure.ai.inference import ChatCompletionsClient\nis_openai_model = True\n'
        'ChatCompletionsClient(endpoint=e, credential=c, api_version="2024-06-01")\n',
        'from app.llms import OpenAICompletion\nkw = {"api_version": "2024-06-01"}\nOpenAICompletion(**kw)\n',
        # a key that is a placeholder, a model name, an environment variable's name
        'import openai\nopenai.api_key = "your-api-key-goes-here-0000"\nM = "gpt-4o-mini-2024-07-18"\n'
        'openai.api_key = "AZURE_OPENAI_API_KEY_FOR_TESTS"\n',
        # a SQL engine beside the OpenAI.com client
        'import openai\nfrom sqlalchemy import create_engine\nengine = create_engine(url)\n'
        'openai.OpenAI().chat.completions.create(model="gpt-4o", messages=[])\n',
    ],
)
def test_narrowed_declarations_rule_out_what_no_rule_acts_on(source: str) -> None:
    """What held LibCST for seconds in real LLM repositories (phoenix's tutorials, crewAI's LiteLLM and Azure AI
    Inference code) is ruled out, and the unfiltered engine indeed does nothing with it."""
    assert not may_act(source, filters_for(Options())[1])
    assert assert_same(source.encode()) == "left alone"


def test_the_facts_hold_each_call_s_keywords_under_its_callee_s_last_name() -> None:
    facts = read_facts("a.b.AzureChatOpenAI(api_version=v)\nf()(engine=e)\nOpenAICompletion(**kw)\ng(x, k=1)\n")
    assert facts is not None
    assert facts.keywords == {("AzureChatOpenAI", "api_version"), ("", "engine"), ("g", "k")}
    assert Keyword(r"(?-i:OpenAI)", "api_version").met(facts) and not Keyword(r"(?-i:openai)", "api_version").met(facts)
    assert Keyword("", "engine").met(facts) and not Keyword("OpenAI", "kw").met(facts)
    assert not Keyword(r"(?-i:OpenAI)", "api_version").maybe(read_text_facts("OpenAI(api_key=k)  # api-version\n"))


def test_credentials_are_the_literals_aoai305_would_report() -> None:
    facts = read_facts('k = "0123456789abcdef0123456789abcdef"\nu = f"{x}0123456789abcdef0123456789abcdef"\n')
    assert facts is not None and Credentials().met(facts)
    only_f_string = read_facts('u = f"{x}0123456789abcdef0123456789abcdef"\nm = "gpt-4o-mini-2024-07-18"\n')
    assert only_f_string is not None and not Credentials().met(only_f_string)


# ---- the look at the words: a name below a package (issue 14: real repositories) ----------------------------


def _declared_names() -> list[str]:
    """Every dotted name a rule's needs declare."""
    from codemod.engine.syntax import AllOf, AnyOf
    from codemod.rule_index import indexed_rules

    found: set[str] = set()

    def collect(need: object) -> None:
        if isinstance(need, (AllOf, AnyOf)):
            for part in need.parts:
                collect(part)
        elif isinstance(need, Names):
            found.update(need.dotted)

    for rule in indexed_rules():
        collect(rule.needs)
    return sorted(found)


def test_a_name_below_a_package_is_looked_for_where_an_import_could_reach_it() -> None:
    """`openai.api_key` needs `api_key` after a dot that follows `openai` or an alias, or imported from openai:
    the keyword `api_key=` of an OpenAI.com client, `self.api_key`, or a `ChatCompletion` imported from another
    module does not wake it (most modules of LLM repositories that mention openai say those words)."""
    key = Names("openai.api_key")
    completion = Names("openai.ChatCompletion")
    for text in (
        "from openai import OpenAI\nclient = OpenAI(api_key=key)\n",
        "import openai\nfrom camel.types import ChatCompletion, api_key\n",
        "import openai  # ChatCompletion api_key\n",
        "import openai\nclass Settings:\n    def key(self):\n        return self.api_key or config.ChatCompletion\n",
        "import openai\nfrom openai.types.chat import ChatCompletion\n",
    ):
        facts = read_text_facts(text)
        assert not key.maybe(facts) and not completion.maybe(facts), text
    for text, condition in (
        ("import openai\nopenai.api_key = k\n", key),
        ("import openai as oa\nx = (oa.  # the module's key\n     api_key)\n", key),
        ("import openai\nx = openai \\\n    .api_key\n", key),
        ("from openai import (  # settings (old)\n    ChatCompletion,\n    api_key as k,\n)\n", key),
        ("from openai import (  # settings (old)\n    ChatCompletion,\n    api_key as k,\n)\n", completion),
        ("from openai \\\n    import api_key\n", key),
        ("from openai import ChatCompletion as CC\n", completion),
        ("from openai import *\nprint(api_key)\n", key),
        ('import openai\nx = ("#", openai  # a comment\n     # and another\n     .api_key)\n', key),
        ("import openai.lib as ol\nx = (ol\n     ).azure.AzureOpenAI\n", Names("openai.lib.azure.AzureOpenAI")),
        ("from ｏpenai import ａpi_key\n", key),  # fullwidth letters: NFKC reads them as ASCII
    ):
        assert condition.maybe(read_text_facts(text)), text
        facts = read_facts(text)
        assert facts is not None and condition.met(facts), text


_GAPS = st.sampled_from(["", " ", "\\\n", "\n", "  # a comment (with a parenthesis)\n", " \\\n  "])
_ALIASES = st.sampled_from(["m", "oa", "ｍod", "_x1"])


@st.composite
def _import_and_reference(draw: st.DrawFn) -> tuple[str, str]:
    """(a dotted name a rule declares, a module that imports it some way and refers to it), with white space,
    comments, continuations and parentheses wherever Python allows them (inside the parentheses of the
    reference or of the imported names)."""
    dotted = draw(st.sampled_from(_declared_names()))
    parts = dotted.split(".")
    split = draw(st.integers(0, len(parts) - 1))
    gap = lambda: draw(_GAPS)  # noqa: E731 - one draw per place
    form = draw(st.sampled_from(["import", "import as", "from", "from as", "from parens", "star"]))
    alias = draw(_ALIASES)
    below = parts[split + 1 :]
    if form == "import":
        head, imported = parts[0], "import " + ".".join(parts[: split + 1])
        below = parts[1:]
    elif form == "import as":
        head, imported = alias, "import " + ".".join(parts[: split + 1]) + " as " + alias
    elif form == "star" and split > 0:
        head, imported = parts[split], "from " + ".".join(parts[:split]) + " import *"
    elif split == 0:
        head, imported = parts[0], "import " + parts[0]
        below = parts[1:]
    else:
        module, name = ".".join(parts[:split]), parts[split]
        local = alias if form == "from as" else name
        listed = f"{name} as {alias}" if form == "from as" else name
        if form == "from parens":
            listed = f"({gap()}other,{gap()}{listed},{gap()})"
        head, imported = local, f"from {module} {gap() if gap() else ''}import {listed}"
    if draw(st.booleans()):  # parentheses around the name, a comment or a continuation before the dot
        head = f"({gap()}{head}{gap()})"
    reference = head + "".join(f"{draw(_GAPS)}.{gap()}{part}" for part in below)
    return dotted, f"{imported}\nvalue = ({reference})\n"


@settings(max_examples=max(50, EXAMPLES), deadline=None)
@given(_import_and_reference())
def test_the_look_at_the_words_passes_every_name_the_facts_resolve(case: tuple[str, str]) -> None:
    """`maybe` is True whenever `met` can be: for every dotted name the rules declare, imported and referred to
    in every way Python allows."""
    dotted, source = case
    facts = read_facts(source)
    if facts is None:
        reject()  # a gap where Python does not allow it: the filter then lets LibCST report the module
    condition = Names(dotted)
    met = condition.met(facts)
    event("resolved" if met else "not resolved (an alias the reference does not use)")
    if met:
        assert condition.maybe(read_text_facts(source)), source


def test_the_look_at_the_words_takes_linear_time_on_banners_of_comments() -> None:
    """A comment runs to the end of its line: with a `#` allowed to start another comment inside one, a failed
    search after a dot, `import`, `as` or an open parenthesis tried every way of splitting a banner of `#`s
    (getzep/graphiti@05645d2: an example whose imports are followed by `#####...` held a worker for minutes)."""
    import signal

    banner = "#" * 60 + "\n" + "# " * 40 + "\n"
    source = ("import openai\napi_key = 1\nx = 1.\n" + banner + "import\n" + banner + "y as\n" + banner
              + "from openai import (\n" + banner + "z = ChatCompletion\n")

    def too_long(*_: object) -> None:
        raise TimeoutError("the look did not finish in 20 s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(20)
    try:
        text = read_text_facts(source)
        assert not Names("openai.api_key").maybe(text)
        assert not Names("openai.ChatCompletion").maybe(text)
        filters_for(Options())[1].maybe(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _declared_strings() -> list[Strings]:
    from codemod.engine.syntax import AllOf, AnyOf
    from codemod.rule_index import indexed_rules

    found: list[Strings] = []

    def collect(need: object) -> None:
        if isinstance(need, (AllOf, AnyOf)):
            for part in need.parts:
                collect(part)
        elif isinstance(need, Strings) and need not in found:
            found.append(need)

    for rule in indexed_rules():
        collect(rule.needs)
    return found


_PIECES = st.sampled_from(["AOAI-Evals", "aoai-evals", "OpenAI", "openai_api_", "Version", "2024-10-21", "2024-1-2",
                           "-preview", "https://r.OpenAI.Azure.com/openai/v1/", "azure/gpt-4o", "api-version",
                           "x", " ", "\n", "é", "verſion", "\u212aey", "AOAI-EVAL\u017f"])  # ſ and the Kelvin sign fold


@settings(max_examples=max(50, EXAMPLES), deadline=None)
@given(st.sampled_from(_declared_strings()), st.lists(_PIECES, max_size=12))
def test_the_words_a_string_pattern_requires_are_looked_for_first_without_changing_the_look(
    condition: Strings, pieces: list[str]
) -> None:
    """`Strings` looks first for the runs of plain characters every match holds (in the text lowered, when the
    text is ASCII); the look says what the pattern's search says, in any case and in text that is not ASCII."""
    import re

    source = "".join(pieces)
    searched = re.search(condition.pattern.replace("^", "").replace("$", ""), source, re.IGNORECASE) is not None
    assert condition.maybe_in(read_text_facts(source)) == searched


def test_the_words_a_pattern_requires_are_read_on_the_safe_side() -> None:
    from codemod.engine.syntax import _required_words

    assert _required_words(r"^aoai-evals$") == ("aoai-evals",)
    assert _required_words(r"openai.*version") == ("openai", "version")
    assert _required_words(r"ab{2}cde") == ("cde",) and _required_words(r"abc+def") == ("abc", "def")
    for nothing in (r"\d{4}-\d{1,2}-\d{1,2}", r"a|bcd", r"(?-i:OpenAI)", r"[abc]def"):
        assert _required_words(nothing) == ()
