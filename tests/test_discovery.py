"""Discovery: .gitignore (root, nested, negation), excludes, named files, symlinks, order, pruning."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec

from codemod.run import discovery
from codemod.run.discovery import DiscoveredFile, discover, suffix_filter


def make_tree(root: Path, files: list[str]) -> None:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def found(result: discovery.Discovery, root: Path) -> list[str]:
    return [f.path.relative_to(root).as_posix() for f in result.files]


def git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True)


def test_walk_finds_python_and_notebooks_and_prunes_default_excludes(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        [
            "src/app.py",
            "src/pkg/mod.py",
            "nb/demo.ipynb",
            "README.md",
            "setup.cfg",
            ".venv/lib/python3.11/site-packages/openai/x.py",
            "venv/y.py",
            "node_modules/z.py",
            "build/lib/app.py",
            "dist/a.py",
            "src/__pycache__/app.py",
            ".tox/py311/t.py",
            "lib/site-packages/s.py",
            ".mypy_cache/m.py",
            ".ruff_cache/r.py",
            ".git/hooks/h.py",
            "nb/.ipynb_checkpoints/demo-checkpoint.ipynb",
        ],
    )
    result = discover([tmp_path], root=tmp_path)
    assert found(result, tmp_path) == ["nb/demo.ipynb", "src/app.py", "src/pkg/mod.py"]
    assert all(not f.explicit for f in result.files)
    reasons = {s.path.relative_to(tmp_path).as_posix(): s.reason for s in result.skipped}
    assert reasons["build"] == "excluded by 'build'"
    assert reasons["lib/site-packages"] == "excluded by 'site-packages'"


def test_excluded_directories_are_never_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, ["src/a.py", "node_modules/pkg/deep/b.py", ".venv/lib/c.py", "ignored/d.py"])
    (tmp_path / ".gitignore").write_text("ignored/\n")
    listed: list[str] = []
    real_scandir = os.scandir

    def spy(path: str) -> os.ScandirIterator[str]:
        listed.append(Path(path).relative_to(tmp_path).as_posix())
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", spy)
    assert found(discover([tmp_path], root=tmp_path), tmp_path) == ["src/a.py"]
    assert sorted(listed) == [".", "src"]


def test_gitignore_root_nested_and_negation(tmp_path: Path) -> None:
    git_init(tmp_path)
    make_tree(
        tmp_path,
        [
            "app.py",
            "schema.gen.py",
            "keep.gen.py",
            "secret/creds.py",
            "pkg/local_settings.py",
            "pkg/local_ok.py",
            "pkg/special.gen.py",
            "pkg/sub/other.gen.py",
            "pkg/sub/run.py",
            "tmp/scratch.py",
        ],
    )
    (tmp_path / ".gitignore").write_text("# generated\n*.gen.py\n!keep.gen.py\nsecret/\n/tmp\n")
    (tmp_path / "pkg" / ".gitignore").write_text("local_*.py\n!local_ok.py\n!special.gen.py\n")
    result = discover([tmp_path], root=tmp_path)
    assert found(result, tmp_path) == [
        "app.py",
        "keep.gen.py",
        "pkg/local_ok.py",
        "pkg/special.gen.py",
        "pkg/sub/run.py",
    ]
    ignored = sorted(s.path.name for s in result.skipped if s.reason == "ignored by .gitignore")
    assert ignored == ["local_settings.py", "other.gen.py", "schema.gen.py", "secret", "tmp"]


def test_gitignore_above_a_named_subdirectory_applies_up_to_the_git_top(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git_init(repo)
    make_tree(repo, ["src/a.py", "src/b_pb2.py", "src/deep/c_pb2.py"])
    (repo / ".gitignore").write_text("*_pb2.py\n")
    (tmp_path / ".gitignore").write_text("a.py\n")  # above the work tree: not git's business
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("src/deep/\n")
    result = discover([repo / "src"], root=tmp_path / "elsewhere")
    assert found(result, repo) == ["src/a.py"]


def test_respect_gitignore_false(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a.py", "b.gen.py"])
    (tmp_path / ".gitignore").write_text("*.gen.py\n")
    result = discover([tmp_path], root=tmp_path, respect_gitignore=False)
    assert found(result, tmp_path) == ["a.py", "b.gen.py"]


def test_exclude_replaces_defaults_and_extend_exclude_adds(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        ["src/app.py", "src/legacy/old.py", "src/legacy/sub/older.py", "venv/v.py", "gen/x.py", "a_test.py"],
    )
    replaced = discover([tmp_path], root=tmp_path, exclude=["gen", "*_test.py"])
    assert found(replaced, tmp_path) == [
        "src/app.py",
        "src/legacy/old.py",
        "src/legacy/sub/older.py",
        "venv/v.py",
    ]
    extended = discover([tmp_path], root=tmp_path, extend_exclude=["src/legacy/*.py"])
    assert found(extended, tmp_path) == ["a_test.py", "gen/x.py", "src/app.py", "src/legacy/sub/older.py"]
    deep = discover([tmp_path], root=tmp_path, extend_exclude=["src/**/older.py", "./gen/"])
    assert found(deep, tmp_path) == ["a_test.py", "src/app.py", "src/legacy/old.py"]


def test_explicit_files_are_always_processed(tmp_path: Path) -> None:
    make_tree(tmp_path, ["build/gen.py", "ignored.py", "bin/tool", "src/a.py"])
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    named = [tmp_path / "build" / "gen.py", tmp_path / "ignored.py", tmp_path / "bin" / "tool"]
    result = discover(named, root=tmp_path, extend_exclude=["ignored.py"])
    assert found(result, tmp_path) == ["bin/tool", "build/gen.py", "ignored.py"]
    assert all(f.explicit for f in result.files)


def test_named_excluded_directory_is_walked(tmp_path: Path) -> None:
    make_tree(tmp_path, ["build/scripts/run.py", "build/__pycache__/run.py"])
    result = discover([tmp_path / "build"], root=tmp_path)
    assert found(result, tmp_path) == ["build/scripts/run.py"]


def test_symlink_loop_does_not_hang_and_links_are_not_followed(tmp_path: Path) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    make_tree(tree, ["pkg/a.py"])
    make_tree(outside, ["secret.py"])
    (tree / "pkg" / "loop").symlink_to(tree)  # pkg/loop -> tree: a cycle
    (tree / "pkg" / "self").symlink_to(".")
    (tree / "ext").symlink_to(outside)
    (tree / "ext.py").symlink_to(outside / "secret.py")
    (tree / "dangling.py").symlink_to(tmp_path / "missing.py")
    outcome: list[discovery.Discovery] = []
    worker = threading.Thread(target=lambda: outcome.append(discover([tree], root=tree)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert not worker.is_alive(), "discover() hung on a symlink loop"
    result = outcome[0]
    assert found(result, tree) == ["pkg/a.py"]
    links = sorted(s.path.name for s in result.skipped if "symbolic link" in s.reason)
    assert links == ["dangling.py", "ext", "ext.py", "loop", "self"]


def test_overlapping_paths_give_each_file_once_in_sorted_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tree(tmp_path, ["src/b.py", "src/a/z.py", "src/a.py", "top.py", "src/nb.ipynb"])
    (tmp_path / "alias.py").symlink_to(tmp_path / "top.py")
    monkeypatch.chdir(tmp_path)
    result = discover(["src/a.py", ".", "src", "./src/a", "alias.py"])
    assert [f.path for f in result.files] == [
        Path("alias.py"),
        Path("src/a/z.py"),
        Path("src/a.py"),
        Path("src/b.py"),
        Path("src/nb.ipynb"),
    ]
    assert DiscoveredFile(Path("src/a.py"), explicit=True) in result.files
    assert result.files[0].explicit and not result.files[1].explicit
    assert [f.is_notebook for f in result.files] == [False, False, False, False, True]
    again = discover(["src", "src/a.py", "."])  # no alias named: top.py is found by the walk this time
    assert again.files == [*result.files[1:], DiscoveredFile(Path("top.py"))]


def test_include_filter_for_other_file_kinds(tmp_path: Path) -> None:
    make_tree(tmp_path, ["app.py", "deploy/values.yaml", ".env.example", "infra/main.bicep", "notes.txt"])
    wanted = suffix_filter(".yaml", ".bicep", ".env.example")
    assert found(discover([tmp_path], root=tmp_path, include=wanted), tmp_path) == [
        ".env.example",
        "deploy/values.yaml",
        "infra/main.bicep",
    ]


def test_missing_paths_are_reported(tmp_path: Path) -> None:
    make_tree(tmp_path, ["a.py"])
    result = discover([tmp_path / "nope.py", tmp_path / "a.py"], root=tmp_path)
    assert result.missing == [tmp_path / "nope.py"]
    assert found(result, tmp_path) == ["a.py"]


# ---- the one-search look in front of pathspec -------------------------------------------------------------
_IGNORE_LINES = st.sampled_from([
    "*.pyc", "build/", "!keep.pyc", "/dist", "docs/**/x", "**/cache", "a?c", "[ab]*.md", "!docs/", "# comment",
    "", "node_modules", "*.egg-info/", "!important/*.pyc", "tmp*/", "x/**", "\\#literal", "sub/dir/",
])
_PATH_PARTS = st.sampled_from(["a", "abc", "build", "keep.pyc", "dist", "docs", "x", "cache", "n.md", "bb.md",
                               "node_modules", "p.egg-info", "important", "tmp1", "sub", "dir", "#literal", "m.pyc"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_IGNORE_LINES, max_size=8), st.lists(_PATH_PARTS, min_size=1, max_size=4), st.booleans())
def test_the_one_search_look_never_hides_a_match(lines: list[str], parts: list[str], is_dir: bool) -> None:
    spec = GitIgnoreSpec.from_lines(lines)
    rel = "/".join(parts) + ("/" if is_dir else "")
    if spec.check_file(rel, separators=()).include is not None:
        assert discovery._may_match(discovery._combined(spec), rel)
    matched = any(p.include is not None and p.match_file(rel) is not None for p in spec.patterns)
    assert discovery._may_match(discovery._combined(spec), rel) == matched
