"""Where the real-code check gets its files: the manifest, the bare git directories, and the scratch copies.

A manifest is tab-separated: `repo  commit  [path]` per line (`#` comments, blank lines and a header line whose
first field is `repo` are skipped; further columns are ignored, so `shared/reference/real-world-manifest.tsv`
reads as it is). Rows with the same repo and commit form one unit; a row without a path makes the unit the whole
repository at that commit.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Directory names the tool skips by default (README "Commands": directories are walked, build folders and
# virtual environments excluded), so that the check looks at the files the tool looks at.
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "build", "dist", "__pycache__", ".tox", ".nox",
    "site-packages", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".eggs", "__pypackages__",
    ".ipynb_checkpoints",
})
MAX_BLOB = 4 * 1024 * 1024  # the snapshots lack files of 4 MiB and more; larger ones are not source code anyway
BINARY_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z",
    ".mp3", ".mp4", ".wav", ".m4a", ".mov", ".avi", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".parquet", ".pkl",
    ".pickle", ".npy", ".npz", ".bin", ".onnx", ".pt", ".xlsx", ".xls", ".docx", ".pptx", ".jar", ".so", ".dll",
    ".exe", ".whl", ".db", ".sqlite", ".h5",
})


class ManifestError(Exception):
    """The manifest or a repository it names cannot be used; the message says what to do."""


@dataclass
class Unit:
    """One repository at one commit, and the paths to check in it (empty: the whole repository)."""

    repo: str
    commit: str
    paths: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.repo}@{self.commit[:7]}"


def read_manifest(path: Path) -> list[Unit]:
    units: dict[tuple[str, str], Unit] = {}
    whole: set[tuple[str, str]] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = [f.strip() for f in line.split("\t")]
        if not fields[0] or fields[0].startswith("#") or (number == 1 and fields[0] == "repo"):
            continue
        if len(fields) < 2 or "/" not in fields[0] or len(fields[1]) < 7:
            raise ManifestError(f"{path}:{number}: expected 'owner/name<TAB>commit[<TAB>path]', got {line!r}")
        key = (fields[0], fields[1])
        unit = units.setdefault(key, Unit(*key))
        path_field = fields[2].strip("/") if len(fields) > 2 else ""
        if path_field:
            unit.paths.append(path_field)
        else:
            whole.add(key)
    for key in whole:
        units[key].paths = []
    return list(units.values())


def find_git_dir(root: Path, repo: str) -> Path:
    """The bare git directory of `repo` under `root`: `root/<owner>+<name>/...` as `fetch` lays it out, or
    `root/<owner>/<name>[.git]`."""
    owner, name = repo.split("/", 1)
    for top in (root / f"{owner}+{name}", root / owner / name, root / owner / f"{name}.git"):
        found = _git_dir_below(top, depth=3)
        if found is not None:
            return found
    raise ManifestError(f"no git directory for {repo} under {root}: fetch it (github:{repo}) or fix the manifest")


def _git_dir_below(top: Path, depth: int) -> Path | None:
    if not top.is_dir():
        return None
    if (top / "HEAD").is_file() and (top / "objects").is_dir():
        return top
    if depth == 0:
        return None
    for child in sorted(top.iterdir()):
        found = _git_dir_below(child, depth - 1) if child.is_dir() else None
        if found is not None:
            return found
    return None


def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise ManifestError(f"git {' '.join(args[:2])} failed in {git_dir}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def extract(git_dir: Path, unit: Unit, dest: Path) -> tuple[int, list[str]]:
    """Write the unit's text files at its commit into `dest`; (files written, paths absent from the snapshot).

    `git archive` stops at the first blob a snapshot lacks (large files, LFS), so blobs are read one by one."""
    try:
        _git(git_dir, "cat-file", "-e", f"{unit.commit}^{{commit}}")
    except ManifestError:
        raise ManifestError(f"{unit.repo}: commit {unit.commit} is not in {git_dir}; fetch a newer snapshot") from None
    listing = _git(git_dir, "ls-tree", "-r", "-z", "-l", "--full-tree", unit.commit)
    wanted = [(sha, path) for sha, size, path in _blobs(listing) if size < MAX_BLOB and _in_scope(path, unit.paths)]
    missing = [p for p in unit.paths if not any(path == p or path.startswith(p + "/") for _, path in wanted)]
    written = 0
    for path, content in _read_blobs(git_dir, wanted):
        if content is None:
            missing.append(path)
        elif b"\0" not in content[:8192]:  # text only: the tool reads source, configuration and documentation
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written += 1
    return written, missing


def _blobs(listing: bytes) -> Iterator[tuple[str, int, str]]:
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha, size = meta.split()
        if kind == b"blob" and mode != b"120000":  # symbolic links are not followed by the tool either
            # `-` or `BAD` instead of a size: the snapshot lacks the blob; cat-file then says so
            yield sha.decode(), int(size) if size.isdigit() else 0, path.decode("utf-8", "surrogateescape")


def _in_scope(path: str, paths: list[str]) -> bool:
    if any(part in SKIPPED_DIRS for part in path.split("/")[:-1]) or Path(path).suffix.lower() in BINARY_SUFFIXES:
        return False
    return not paths or any(path == p or path.startswith(p + "/") for p in paths)


def _read_blobs(git_dir: Path, wanted: list[tuple[str, str]]) -> Iterator[tuple[str, bytes | None]]:
    """Blob contents through one `git cat-file --batch`; None for a blob the snapshot does not hold."""
    if not wanted:
        return
    request = "".join(f"{sha}\n" for sha, _ in wanted).encode()
    out = _git(git_dir, "cat-file", "--batch", data=request)
    offset = 0
    for _, path in wanted:
        end = out.index(b"\n", offset)
        header = out[offset:end].split()
        if header[-1] == b"missing":
            offset = end + 1
            yield path, None
            continue
        size = int(header[2])
        yield path, out[end + 1 : end + 1 + size]
        offset = end + 1 + size + 1


def source_files(root: Path, paths: list[str]) -> list[str]:
    """The `.py` and `.ipynb` files the check looks at, relative to `root`, sorted."""
    found = []
    for top in [root / p for p in paths] or [root]:
        if top.is_file():
            found.append(top)
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            found.extend(Path(folder) / f for f in files if f.endswith((".py", ".ipynb")))
    return sorted({f.relative_to(root).as_posix() for f in found if f.suffix in (".py", ".ipynb")})


def all_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes (to see what a run wrote)."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out
