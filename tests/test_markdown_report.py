"""`--output-format markdown`, the pull-request body: a snapshot on a small repository (two migrated clients,
a deployment variable to set, two findings for a person), its rendering as CommonMark with task-list items
(markdown-it-py with the GitHub table and task-list extensions), links that land on the right line, ordering,
masking and the length limit.

The snapshot lives in tests/snapshots/; run with UPDATE_SNAPSHOTS=1 to rewrite it after a deliberate change."""

from __future__ import annotations

import html as html_module
import os
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

from codemod import __version__
from codemod.advisor.checks import Place as AdvisorPlace
from codemod.advisor.checks import version_finding
from codemod.advisor.config_scan import scan_config_file
from codemod.cli import main
from codemod.commands.markdown_report import MAX_CHARS, cell, code, escape, render
from codemod.commands.pr_body import Place, PullRequestBody, Setting, Verdict, version_named
from codemod.findings import Finding

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
KEY = "3f9a1c2e4b5d6f708192a3b4c5d6e7f8"  # an Azure-key-shaped literal: must never reach the body

CHAT = '''import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
    api_key=os.getenv("AZURE_OPENAI_API_KEY"),
    api_version="2024-02-01",
)


def answer(question: str) -> str:
    response = client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[{"role": "user", "content": question}],
    )
    return response.choices[0].message.content


def client_from(settings):
    return AzureOpenAI(**settings)
'''
FACTORY = f'''from openai import AzureOpenAI


def test_client():
    return AzureOpenAI(
        azure_endpoint="https://contoso.openai.azure.com",
        api_key="{KEY}",
        api_version="2024-02-01",
    )
'''


def markdown() -> MarkdownIt:
    """CommonMark, plus the two GitHub extensions the body uses: tables and task lists."""
    return MarkdownIt("commonmark").enable("table").use(tasklists_plugin)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "src" / "chat.py").write_text(CHAT)
    (root / "src" / "factory.py").write_text(FACTORY)
    return root


def body_of(cwd: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["--output-format", "markdown", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing snapshot {name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


def test_pull_request_body_snapshot(repo: Path) -> None:
    code_, body = body_of(repo, "--exit-zero", "src")
    assert code_ == 0
    assert_snapshot("pull_request_body.md", body.replace(f"aoai-migrate {__version__}:", "aoai-migrate VERSION:"))
    assert KEY not in body and KEY[-4:] in body  # the AOAI305 finding names the key only as …e7f8


def test_paths_are_relative_to_the_repository_root_from_any_folder(repo: Path) -> None:
    _, from_root = body_of(repo, "--check", "src")
    _, from_src = body_of(repo / "src", "--check", ".")
    assert from_src.replace("markdown .`", "markdown src`") == from_root
    assert "[src/chat.py:21](src/chat.py#L21)" in from_src


def test_without_a_git_repository_paths_are_relative_to_the_current_folder(repo: Path) -> None:
    (repo / ".git").rename(repo / "not-git")
    _, body = body_of(repo / "src", "--check", ".")
    assert "[chat.py:21](chat.py#L21)" in body


def _task_links(body: str) -> list[tuple[str, int, str]]:
    return [(m[1], int(m[2]), m[3]) for m in re.finditer(r"^- \[ \] \[[^\]]+\]\(([^#)]+)#L(\d+)\) (\w+)", body, re.M)]


@pytest.mark.parametrize("mode", ["write", "--check"])
def test_task_links_land_on_the_line_in_the_files_the_reader_sees(repo: Path, mode: str) -> None:
    """In place, the pull request shows the rewritten files (a removed `api_version` line moves what follows);
    with --check the files on disk are the originals."""
    _, body = body_of(repo, *([] if mode == "write" else [mode]), "src")
    links = _task_links(body)
    assert [(path, code_) for path, _, code_ in links] == [("src/chat.py", "AOAI101"), ("src/factory.py", "AOAI305")]
    assert links[0][1] == (20 if mode == "write" else 21)  # below the removed api_version line
    for path, line, code_ in links:
        text = (repo / path).read_text().splitlines()[line - 1]
        assert ("AzureOpenAI(**settings)" if code_ == "AOAI101" else f'api_key="{KEY}"') in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_body_renders_as_commonmark_with_task_list_items_and_tables(repo: Path) -> None:
    _, body = body_of(repo, "src")
    html = markdown().render(body)
    parsed = _Collect()
    parsed.feed(html)
    boxes = [attrs for tag, attrs in parsed.tags if tag == "input"]
    assert len(boxes) == 2 and all(a.get("type") == "checkbox" and "checked" not in a for a in boxes)
    links = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert "src/chat.py#L20" in links and "src/factory.py#L7" in links
    assert [tag for tag, _ in parsed.tags].count("table") == 3  # per rule, per file, variables
    assert [h.strip() for h in re.findall(r"<h3>(.*?)</h3>", html)] == [
        "What changed", "Environment variables to set", "Needs a person", "API versions found"]
    text = "".join(parsed.text)
    assert "AzureOpenAI(**...) hides its settings" in text  # escaped markup comes back as the message's text
    assert "OpenAI(base_url=<endpoint>/openai/v1/" in text
    # plain CommonMark (no extensions) still shows each task as a list item starting with "[ ]"
    items = [t for t in MarkdownIt("commonmark").parse(body) if t.type == "inline" and t.content.startswith("[ ] ")]
    assert len(items) == 2


def test_the_same_run_gives_the_same_body(repo: Path) -> None:
    assert body_of(repo, "--check", "src") == body_of(repo, "--check", "src")


def test_nothing_to_migrate(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("print('no azure here')\n")
    code_, body = body_of(tmp_path, ".")
    assert code_ == 0
    assert body.startswith("aoai-migrate found no code to rewrite.")
    assert "### Needs a person\n\nNothing: every finding was fixed or is informational." in body


def test_diff_keeps_stdout_for_the_body(repo: Path) -> None:
    old = Path.cwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(main, ["--diff", "--output-format", "markdown", "src"])
    finally:
        os.chdir(old)
    assert result.stdout.startswith("aoai-migrate would move 2 files")
    assert "+from openai import OpenAI" in result.stderr


def _finding(code_: str, message: str, line: int, path: str = "a.py", cell_: int | None = None) -> Finding:
    return Finding(code_, message, line, 1, path=path, cell=cell_)


def _body(**kwargs: object) -> PullRequestBody:
    fields: dict[str, object] = dict(mode="write", changes={}, settings=(), person=(), verdicts=(), failed=0,
                                     command="aoai-migrate .", version="9.9")
    fields.update(kwargs)
    return PullRequestBody(**fields)  # type: ignore[arg-type]


def test_notebook_findings_link_to_the_notebook_and_name_the_cell() -> None:
    body = render(_body(person=(_finding("AOAI101", "hidden", 4, "nb/demo.ipynb", 3),)))
    assert "- [ ] [nb/demo.ipynb:cell 3:4](nb/demo.ipynb) AOAI101 hidden" in body


def test_paths_with_spaces_and_markup_are_escaped_in_text_and_encoded_in_links() -> None:
    person = (_finding("AOAI101", "m", 2, "my dir/a_b.py"),)
    body = render(_body(changes={"my dir/a_b|c.py": {"AOAI101": 1}}, person=person))
    assert "| [my dir/a\\_b\\|c.py](my%20dir/a_b%7Cc.py) | `AOAI101` ×1 |" in body
    assert "- [ ] [my dir/a\\_b.py:2](my%20dir/a_b.py#L2) AOAI101 m" in body


def test_credentials_are_masked_in_defaults_and_messages() -> None:
    settings = (Setting("AZURE_OPENAI_API_KEY", None, "…e7f8", ("a.py",)),)
    person = (_finding("AOAI101", f'AzureOpenAI(api_key="{KEY}") is hidden', 1),)
    body = render(_body(settings=settings, person=person))
    assert KEY not in body and "e7f8" in body


def test_a_very_long_body_stays_under_githubs_limit_and_says_what_was_left_out() -> None:
    person = tuple(_finding("AOAI101", "x" * 200, n, f"pkg/module_{n:05}.py") for n in range(1, 3001))
    changes = {f"pkg/module_{n:05}.py": {"AOAI101": 1, "AOAI102": 1} for n in range(1, 3001)}
    body = render(_body(person=person, changes=changes))
    assert len(body) <= MAX_CHARS
    assert re.search(r"…and \d+ more: `aoai-migrate --check \.` lists them all\.", body)
    assert "[pkg/module\\_00001.py:1](pkg/module_00001.py#L1)" in body  # the head of the list is kept
    assert body.endswith("Generated by aoai-migrate 9.9: `aoai-migrate .`\n")


def test_verdicts_read_the_version_from_each_advisor_finding() -> None:
    at = AdvisorPlace(3, 5, "a.py")
    known = version_finding("2024-02-01", at)
    unknown = version_finding("2024-13-01", at)
    config = scan_config_file(".env", "AZURE_OPENAI_API_VERSION=2025-03-01-preview\n")
    assert [version_named(f) for f in (known, unknown, *config)] == ["2024-02-01", "2024-13-01", "2025-03-01-preview"]
    assert version_named(_finding("AOAI101", "api-version 2024-02-01 (GA)", 1)) is None


def test_verdict_lines() -> None:
    verdicts = (
        Verdict("2024-02-01", "GA, superseded; no retirement date found", (Place("a.py", 3), Place("b.py", 1))),
        Verdict("2024-13-01", "is not a valid api-version; closest known: 2024-10-21.", (Place("nb.ipynb", 2, 4),),
                known=False),
    )
    body = render(_body(verdicts=verdicts))
    assert ("- `2024-02-01`: GA, superseded; no retirement date found. Found in [a.py:3](a.py#L3), [b.py:1](b.py#L1)."
            in body)
    assert ("- `2024-13-01` is not a valid api-version; closest known: 2024-10-21. "
            "Found in [nb.ipynb:cell 4:2](nb.ipynb).") in body


def _inline_text(source: str, *, table: bool = False) -> str:
    doc = f"| h |\n|---|\n| {source} |\n" if table else f"x {source}\n"
    parsed = _Collect()
    parsed.feed(markdown().render(doc))
    text = "".join(parsed.text).strip()
    return text.removeprefix("h").strip() if table else text


PRINTABLE = st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="`"), max_size=40)


@given(PRINTABLE)
def test_escaped_text_renders_as_itself(text: str) -> None:
    assert _inline_text(escape(text)) == f"x {text}".strip()


@given(PRINTABLE)
def test_escaped_text_in_a_table_cell_renders_as_itself(text: str) -> None:
    assert _inline_text(cell(escape(text)), table=True) == text.strip()


def _code_text(source: str) -> str:
    match = re.search(r"<code>(.*)</code>", markdown().render(source), re.S)
    assert match is not None
    return html_module.unescape(match[1])


@given(st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=30))
def test_code_spans_hold_any_text(text: str) -> None:
    assert _code_text(f"x {code(text)}\n") == text


@given(st.text(st.characters(min_codepoint=32, max_codepoint=126, blacklist_characters="\\"), min_size=1, max_size=30))
def test_code_spans_hold_any_text_in_a_table_cell(text: str) -> None:
    assert _code_text(f"| h |\n|---|\n| {cell(code(text))} |\n") == text


def test_code_spans_keep_a_message_s_own_backticks() -> None:
    assert escape("run `aoai-migrate advise 2024-02-01` for *more*") == (
        "run `aoai-migrate advise 2024-02-01` for \\*more\\*")


def test_link_base_makes_every_link_absolute(repo: Path) -> None:
    """GitHub resolves a relative link in a pull-request description against the pull request's address."""
    base = "https://github.com/your-org/repo/blob/aoai-migrate/v1-api"
    _, body = body_of(repo, "--link-base", base, "src")
    targets = re.findall(r"\]\(([^)]+)\)", body)
    assert targets and all(t.startswith(base + "/src/") for t in targets)
    assert f"[src/chat.py:20]({base}/src/chat.py#L20) AOAI101" in body
    assert body.endswith(f"`aoai-migrate --link-base {base} --output-format markdown src`\n")
