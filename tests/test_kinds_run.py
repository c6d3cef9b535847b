"""The file kinds inside a migrate run (codemod/run/kind_files.py, codemod/run/kind_run.py): a sample repository
with one file of each kind, `fixtures/kinds_repo/before/` -> `after/` byte for byte through the command itself,
with its findings in `fixtures/kinds_repo/findings.txt` (`PATH LINE CODE fixed|info|person`).

The repository's Python code moves a client with a token provider (so it needs openai>=1.106.0) and no longer
reads AZURE_OPENAI_API_VERSION; besides it: pins in every format, a lock file, documents with Python, shell and
JSON blocks, a fragment, an indented reST block and doctests, an environment sample and a `.env` with a key,
a `.http` file, and infrastructure that must not change (ARM resource `apiVersion`s, an AI Search index)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.version import Version

from codemod.advisor.pin_files import read_pins
from codemod.advisor.pins import to_specifier
from codemod.cli import main
from codemod.options import Options
from codemod.run import runner

REPO = Path(__file__).resolve().parent.parent / "fixtures" / "kinds_repo"
KEY = "0123456789abcdef0123456789abcdef"  # the key in before/.env: never printed
CHANGED = ["Pipfile", "README.md", "api.http", "app/chat.py", "docs/guide.rst", ".env.example", "pyproject.toml",
           "requirements/dev.in", "requirements.txt", "setup.cfg"]


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "before", root)
    monkeypatch.chdir(root)
    return root


def migrate(*args: str) -> tuple[int, str]:
    """Exit code and standard output (standard error too for the text formats, where diffs and notes go)."""
    result = CliRunner().invoke(main, [*args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout if "json" in args or "sarif" in args else result.output


def rows(findings: list[dict]) -> list[tuple[str, int, str, str]]:
    state = {True: "fixed"}
    return sorted((f["path"], f["line"], f["code"],
                   state.get(f["fixed"], "info" if f["level"] == "info" else "person")) for f in findings)


def expected_rows() -> list[tuple[str, int, str, str]]:
    found = []
    for line in (REPO / "findings.txt").read_text().splitlines():
        path, number, code, state = line.split()
        found.append((path, int(number), code, state))
    return sorted(found)


def test_every_kind_of_file_is_migrated_in_place_byte_for_byte(repo: Path) -> None:
    code, output = migrate("--output-format", "json", ".")
    assert tree(repo) == tree(REPO / "after")
    findings = json.loads(output)
    assert rows(findings) == expected_rows()
    assert code == 1  # the lock file needs a person: `poetry update openai`


def test_nothing_is_said_twice(repo: Path) -> None:
    _, output = migrate("--check", "--output-format", "json", ".")
    said = [(f["path"], f["line"], f["code"]) for f in json.loads(output)]
    assert len(said) == len(set(said))
    pins = [f for f in json.loads(output) if f["code"] == "AOAI306"]
    assert sorted({f["path"] for f in pins}) == ["Pipfile", "poetry.lock", "pyproject.toml", "requirements.txt",
                                                  "requirements/dev.in", "setup.cfg"]


def test_a_second_run_changes_nothing(repo: Path) -> None:
    migrate(".")
    code, output = migrate("--check", ".")
    assert tree(repo) == tree(REPO / "after")
    assert "would migrate" not in output and "0 files would be migrated" in output
    # The lock file still holds the old openai until the user runs the command it names: the migrated code (a
    # token provider as api_key, now on the v1 API) keeps needing 1.106.0, so the second run says so again.
    needs_person = [line for line in output.splitlines() if ": AOAI" in line and "1 finding needs a person" not in line
                    and " AOAI307 " not in line and " AOAI102 " not in line]
    assert [line.split(":")[0] for line in needs_person] == ["poetry.lock"], output
    assert code == 1 and "1 finding needs a person" in output


def test_diff_and_check_write_nothing_and_show_every_kind(repo: Path) -> None:
    before = tree(repo)
    code, output = migrate("--diff", ".")
    assert code == 1
    assert tree(repo) == before
    for name in CHANGED:
        assert f"+++ b/{name}\n" in output, name
    assert "b/.env\n" not in output and "poetry.lock\n" not in output
    code, output = migrate("--check", ".")
    assert code == 1
    assert sorted(line.removeprefix("would migrate ") for line in output.splitlines()
                  if line.startswith("would migrate ")) == sorted(CHANGED)
    assert tree(repo) == before


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "sarif", "github", "markdown"])
def test_every_output_format_reports_the_other_files_and_never_the_key(repo: Path, fmt: str) -> None:
    code, output = migrate("--check", "--output-format", fmt, ".")
    assert code == 1
    assert KEY not in output
    assert "poetry.lock" in output  # the finding that needs a person
    if fmt in ("json", "sarif"):
        data = json.loads(output)
        paths = [f["path"] for f in data] if fmt == "json" else [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]]
        assert {"infra/main.bicep", ".env", "poetry.lock"} <= set(paths)


def test_full_format_shows_the_secrets_file_masked(repo: Path) -> None:
    _, output = migrate("--check", "--output-format", "full", "--select", "AOAI307", ".env")
    assert "AZURE_OPENAI_API_VERSION=2024-02-01" in output
    assert KEY not in output


def test_raised_pins_admit_the_needed_version_and_exclude_the_old() -> None:
    needed = Version("1.106.0")
    for name in ["requirements.txt", "requirements/dev.in", "pyproject.toml", "setup.cfg", "Pipfile"]:
        old = read_pins(Path(name), (REPO / "before" / name).read_text())
        new = read_pins(Path(name), (REPO / "after" / name).read_text())
        assert old and len(old) == len(new)
        for before, after in zip(old, new, strict=True):
            spec = to_specifier(after.constraint, after.poetry)
            lowest_old = to_specifier(before.constraint, before.poetry)
            assert spec is not None and lowest_old is not None
            assert spec.contains(needed) and not spec.contains(Version("1.105.9")), (name, after.constraint)
            first_old = min(v for v in (Version("1.30"), Version("1.40"), Version("1.45.0"), Version("1.50"))
                            if lowest_old.contains(v))
            assert not spec.contains(first_old)


@pytest.mark.parametrize(
    ("ignored", "untouched", "still_said"),
    [("AOAI306", ["requirements.txt", "pyproject.toml", "Pipfile"], "AOAI307"),
     ("AOAI307", [".env.example"], "AOAI201"),
     ("AOAI1,AOAI2", ["README.md", "docs/guide.rst", "app/chat.py", "requirements.txt"], "AOAI307")],
)
def test_ignore_turns_a_kind_off(repo: Path, ignored: str, untouched: list[str], still_said: str) -> None:
    _, output = migrate("--ignore", ignored, "--output-format", "json", ".")
    for name in untouched:
        assert (repo / name).read_bytes() == (REPO / "before" / name).read_bytes(), name
    codes = {f["code"] for f in json.loads(output)}
    assert not any(c.startswith(tuple(ignored.split(","))) for c in codes)
    assert still_said in codes


def test_txt_documents_are_read_when_named_or_included(repo: Path) -> None:
    migrate(".")
    assert (repo / "docs/notes.txt").read_bytes() == (REPO / "before/docs/notes.txt").read_bytes()
    code, output = migrate("--diff", "docs/notes.txt")
    assert code == 1 and "+>>> from openai import OpenAI" in output.replace("+    ", "+")
    (repo / "pyproject.toml").write_text('[tool.aoai-migrate]\nextend-include = ["docs/*.txt"]\n')
    migrate(".")
    assert b"from openai import OpenAI" in (repo / "docs/notes.txt").read_bytes()


def test_extend_include_flag_and_extend_exclude(repo: Path) -> None:
    migrate("--extend-include", "*.txt", "--extend-exclude", "*.md", ".")
    assert b"from openai import OpenAI" in (repo / "docs/notes.txt").read_bytes()
    assert (repo / "README.md").read_bytes() == (REPO / "before/README.md").read_bytes()


def test_written_files_keep_their_mode(repo: Path) -> None:
    os.chmod(repo / "requirements.txt", 0o640)
    migrate(".")
    assert (repo / "requirements.txt").stat().st_mode & 0o777 == 0o640
    assert (repo / "requirements.txt").read_bytes() == (REPO / "after/requirements.txt").read_bytes()


def test_an_environment_sample_alone_is_only_reported(repo: Path) -> None:
    code, output = migrate("--output-format", "json", ".env.example")
    assert (repo / ".env.example").read_bytes() == (REPO / "before/.env.example").read_bytes()
    assert [(f["code"], f["fixed"]) for f in json.loads(output)] == [("AOAI307", False)]
    assert code == 0


def test_a_document_that_is_not_utf8_is_reported_and_left_alone(repo: Path) -> None:
    data = "# Caf\u00e9\n\n```python\nfrom openai import AzureOpenAI\n```\n".encode("latin-1")
    (repo / "latin.md").write_bytes(data)
    code, output = migrate("--output-format", "json", "latin.md")
    assert code == 3
    assert (repo / "latin.md").read_bytes() == data
    assert [f["code"] for f in json.loads(output)] == ["AOAI000"]


def test_documents_without_the_word_are_not_decoded(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"# Notes\n\n```python\nprint(1)\n```\n\xff\xfe not even text\n")
    code = "from openai import AzureOpenAI\nAzureOpenAI(api_version='2024-02-01')\n"
    (tmp_path / "b.md").write_text(f"```python\n{code}```\n")
    files = [(tmp_path / "a.md", "a.md"), (tmp_path / "b.md", "b.md")]
    result = runner.run([], Options(), "check", jobs=1, kind_files=files)
    assert [o.status for o in result.outcomes] == ["skipped", "changed"]


def test_the_pull_request_body_lists_only_what_the_program_reads(repo: Path) -> None:
    _, output = migrate("--check", "--output-format", "markdown", ".")
    settings = output.split("### Environment variables to set")[1].split("\n### ")[0]
    assert "`app/chat.py`" in settings
    assert "README.md" not in settings and "docs/guide.rst" not in settings  # examples, not the program
    assert "[requirements.txt](requirements.txt)" in output


def test_a_byte_order_mark_and_crlf_are_kept(repo: Path) -> None:
    (repo / "requirements.txt").write_bytes(b"\xef\xbb\xbfopenai==1.40.0  # pinned\r\nrequests\r\n")
    migrate(".")
    assert (repo / "requirements.txt").read_bytes() == b"\xef\xbb\xbfopenai==1.106.0  # pinned\r\nrequests\r\n"


def test_pages_without_the_word_load_no_parser(tmp_path: Path) -> None:
    from tests.test_startup import HEAVY, imported_by

    for n in range(40):
        (tmp_path / f"page_{n}.md").write_text(f"# Page {n}\n\n```python\nprint({n})\n```\n")
    (tmp_path / "requirements.txt").write_text("requests\n")
    code, modules = imported_by(["--check", "."], tmp_path)
    assert code == 0
    assert modules & HEAVY == set()


def test_the_process_pool_gives_the_same_files(repo: Path) -> None:
    for n in range(runner.POOL_THRESHOLD + 6):  # enough files for the pool: documents go through it too
        (repo / "app" / f"plain_{n}.py").write_text(f"import os\n\nVALUE = os.getenv('X{n}')\n")
    migrate("--jobs", "2", ".")
    assert {k: v for k, v in tree(repo).items() if "/plain_" not in k} == tree(REPO / "after")


def test_extend_include_must_be_a_list_of_strings(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.aoai-migrate]\nextend-include = "*.txt"\n')
    code, output = migrate("--check", ".")
    assert code == 2
    assert "extend-include" in output and "must be a list of strings" in output


def test_only_the_python_blocks_of_a_document_change() -> None:
    def fences(text: str) -> list[tuple[str, str]]:
        parts = text.split("```")[1::2]  # the fenced blocks of this page: (info string, body)
        return [(part.split("\n", 1)[0], part.split("\n", 1)[1]) for part in parts]

    before = fences((REPO / "before/README.md").read_text())
    after = fences((REPO / "after/README.md").read_text())
    assert [info for info, _ in before] == [info for info, _ in after] == ["bash", "python", "json", "python", "pycon"]
    unchanged = [before[i] == after[i] for i in range(len(before))]
    assert unchanged == [True, False, True, True, False]  # shell, JSON and the fragment that does not parse stay
    outside = [(REPO / d / "README.md").read_text().split("```")[0::2] for d in ("before", "after")]
    assert outside[0] == outside[1]  # and every byte around the blocks


def test_gitignored_env_files_are_still_read_and_env_itself_never_written(repo: Path) -> None:
    (repo / ".gitignore").write_text(".env\n.env.*\n")
    (repo / ".git").mkdir()
    code, output = migrate("--output-format", "json", ".")
    assert (repo / ".env").read_bytes() == (REPO / "before/.env").read_bytes()
    assert (repo / ".env.example").read_bytes() == (REPO / "after/.env.example").read_bytes()
    assert (".env", 3, "AOAI307", "info") in rows(json.loads(output))
    migrate("--output-format", "json", ".env")  # named: reported, never edited
    assert (repo / ".env").read_bytes() == (REPO / "before/.env").read_bytes()


TOKEN_CLIENT = (
    "from azure.identity import DefaultAzureCredential, get_bearer_token_provider\n"
    "from openai import AzureOpenAI\n\n"
    "provider = get_bearer_token_provider(DefaultAzureCredential(), 'https://cognitiveservices.azure.com/.default')\n"
    "client = AzureOpenAI(azure_endpoint='https://r.openai.azure.com', azure_ad_token_provider=provider,\n"
    "                     api_version='2024-06-01')\n"
)


def _package(root: Path, folder: str, code: str | None) -> None:
    (root / folder).mkdir(parents=True)
    (root / folder / "pyproject.toml").write_text(
        f'[project]\nname = "{folder.replace("/", "-")}"\ndependencies = ["openai>=1,<3"]\n'
    )
    if code is not None:
        (root / folder / "app.py").write_text(code)


def test_a_package_whose_own_code_needs_nothing_keeps_its_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository of several packages: the token provider moved to api_key in libs/chat needs openai>=1.106.0, so
    libs/chat's pin is raised; libs/storage's code needs nothing new and its pyproject stays as it was. Code with no
    dependency file above it (scripts/) may be installed by any of them: then every pin is raised, as before."""
    root = tmp_path / "mono"
    _package(root, "libs/chat", TOKEN_CLIENT)
    _package(root, "libs/storage", "import json\n\nprint(json.dumps({}))\n")
    (root / "deploy").mkdir()
    (root / "deploy" / "requirements.txt").write_text("openai==1.50.0\n")
    monkeypatch.chdir(root)
    migrate(".")
    assert 'openai>=1.106.0,<3' in (root / "libs/chat/pyproject.toml").read_text()
    assert 'openai>=1,<3' in (root / "libs/storage/pyproject.toml").read_text()
    assert (root / "deploy/requirements.txt").read_text() == "openai==1.50.0\n"  # nothing outside libs/ needs more

    (root / "scripts").mkdir()
    (root / "scripts" / "job.py").write_text(TOKEN_CLIENT)
    migrate(".")
    assert (root / "deploy/requirements.txt").read_text() == "openai==1.106.0\n"
    assert 'openai>=1.106.0,<3' in (root / "libs/storage/pyproject.toml").read_text()


def test_code_under_a_folder_whose_dependency_files_do_not_name_openai_raises_every_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Azure-Samples/openai-chat-vision-quickstart's layout: the notebooks sit under the root, whose
    requirements-dev.txt only includes `-r src/requirements.txt`, where openai is pinned. The root does not decide
    where the notebooks' openai comes from, so the pin in src/ is raised."""
    root = tmp_path / "app"
    (root / "notebooks").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "notebooks" / "chat.py").write_text(TOKEN_CLIENT)
    (root / "pyproject.toml").write_text('[tool.ruff]\nline-length = 120\n')
    (root / "requirements-dev.txt").write_text("-r src/requirements.txt\npytest\n")
    (root / "src" / "requirements.txt").write_text("openai==1.66.3\n")
    monkeypatch.chdir(root)
    migrate(".")
    assert (root / "src/requirements.txt").read_text() == "openai==1.106.0\n"


def test_a_document_with_the_bytes_of_another_is_read_once_when_that_one_has_nothing_to_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versioned documentation keeps a copy of every page per release (haystack: 896 pages that mention openai,
    217 different). A copy of a page that needs nothing is not read again; a copy of one the run changes or
    reports on is migrated on its own, with its own path."""
    from codemod.run import kind_run

    quiet = "# Guide\n\n```python\nfrom openai import OpenAI\nclient = OpenAI()\n```\n"
    azure = ("```python\nfrom openai import AzureOpenAI\n"
             "client = AzureOpenAI(api_version='2024-02-01', azure_endpoint='https://r.openai.azure.com')\n```\n")
    files = []
    for version in ("v1", "v2", "v3"):
        (tmp_path / version).mkdir()
        for name, text in (("guide.md", quiet), ("azure.md", azure), ("guide.rst", quiet)):
            (tmp_path / version / name).write_text(text)
            files.append((tmp_path / version / name, f"{version}/{name}"))
    read: list[str] = []
    real = kind_run.migrate_other

    def migrate_other(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202 - the real one's signature
        read.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(kind_run, "migrate_other", migrate_other)
    outcomes = {shown: o for (_, shown), o in zip(files, runner.migrate_files(files, Options(), jobs=1), strict=True)}
    assert sorted(read) == ["azure.md"] * 3 + ["guide.md", "guide.rst"]  # Markdown and reST are read apart
    for version in ("v1", "v2", "v3"):
        assert outcomes[f"{version}/guide.md"].status == outcomes[f"{version}/guide.rst"].status == "unchanged"
        changed = outcomes[f"{version}/azure.md"]
        assert changed.status == "changed" and changed.path == tmp_path / version / "azure.md"
        assert {f.path for f in changed.findings} == {f"{version}/azure.md"}


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "process-pool"])
def test_a_file_with_nothing_to_say_comes_back_without_its_text_yet_nothing_is_lost(tmp_path: Path, jobs: int) -> None:
    """Workers send back neither the bytes nor the text of a Python file or notebook they leave unchanged without
    findings (the parent holds the bytes), but the api-version names its code reads: environment samples, `env`
    and `doctor` still see every file."""
    from codemod.run.kind_run import facts_of
    from codemod.run.outcome import original_text

    files = []
    for n in range(runner.POOL_THRESHOLD + 2):
        path = tmp_path / f"quiet_{n}.py"
        path.write_text(f"import os\nimport openai\n\nVERSION = os.getenv('MY_OPENAI_API_VERSION_{n}')\n")
        files.append((path, path.name))
    azure = tmp_path / "app.py"
    azure.write_text("from openai import AzureOpenAI\n\nclient = AzureOpenAI(api_version='2024-02-01', "
                     "azure_endpoint='https://r.openai.azure.com')\n")
    files.append((azure, azure.name))
    outcomes = runner.migrate_files(files, Options(), jobs=jobs)
    quiet = [o for o in outcomes if o.path.name.startswith("quiet")]
    for n, outcome in enumerate(quiet):
        assert (outcome.status, outcome.findings, outcome.old_text) == ("unchanged", [], None)
        assert outcome.original == outcome.path.read_bytes()
        assert original_text(outcome) == outcome.path.read_text()
        assert outcome.version_names == {"VERSION", f"MY_OPENAI_API_VERSION_{n}"}
    (changed,) = [o for o in outcomes if o.path == azure]
    assert changed.status == "changed" and changed.old_text == azure.read_text()
    mentioned = facts_of(outcomes, Options(), {}).mentioned
    assert mentioned is not None and {f"MY_OPENAI_API_VERSION_{n}" for n in range(len(quiet))} <= mentioned


def _deployment_client(literal: str) -> str:
    return (
        "import os\n\nfrom openai import AzureOpenAI\n\n"
        'client = AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21")\n'
        f'client.chat.completions.create(model="{literal}", messages=[])\n'
    )


@pytest.mark.parametrize("unsafe", [False, True])
def test_an_environment_sample_is_told_only_the_deployments_of_the_code_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unsafe: bool
) -> None:
    """microsoft/promptflow's layout: many examples, each with its own `.env.example`. A sample describes the code
    whose nearest sample it is (its folder and the folders below without a sample of their own); code with no
    sample above it (tools/) is described by none. Before, every sample was told every deployment of the run."""
    root = tmp_path / "examples"
    files = {
        "chat/.env.example": "AZURE_OPENAI_ENDPOINT=\n",
        "chat/app.py": _deployment_client("gpt-4o"),
        "chat/nested/embed.py": _deployment_client("text-embedding-3-small"),
        "rag/.env.example": "AZURE_OPENAI_ENDPOINT=\n",
        "rag/app.py": _deployment_client("gpt-35-turbo"),
        "rag/eval/.env.sample": "AZURE_OPENAI_ENDPOINT=\n",
        "rag/eval/judge.py": _deployment_client("o3-mini"),
        "tools/batch.py": _deployment_client("gpt-4.1"),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    monkeypatch.chdir(root)
    _, output = migrate(".", "--output-format", "json", *(["--unsafe-fixes"] if unsafe else []))
    told: dict[str, set[str]] = {}
    for finding in json.loads(output):
        if finding["code"] == "AOAI201" and ".env." in finding["path"]:
            told.setdefault(finding["path"], set()).add(finding["message"].split(" from ")[1].split(" ")[0])
    expected = {
        "chat/.env.example": {"AZURE_OPENAI_DEPLOYMENT_GPT_4O", "AZURE_OPENAI_DEPLOYMENT_TEXT_EMBEDDING_3_SMALL"},
        "rag/.env.example": {"AZURE_OPENAI_DEPLOYMENT_GPT_35_TURBO"},
        "rag/eval/.env.sample": {"AZURE_OPENAI_DEPLOYMENT_O3_MINI"},
    }
    assert told == expected
    if unsafe:
        for sample, variables in expected.items():
            written = {line.split("=")[0] for line in (root / sample).read_text().splitlines() if "=" in line}
            assert written == {"AZURE_OPENAI_ENDPOINT", *variables}
