"""Extracts a commit of a bare git repository (such as the ones `fetch` leaves under /work/.mirror/) into a
directory to benchmark, outside this project, and makes it a git work tree so that every tool reads its
`.gitignore` files the same way. Blobs absent from a partial clone are left out and counted.

    python benchmarks/checkout.py GIT_DIR COMMIT DEST [OWNER/NAME]    # then: run.py --corpus NAME=DEST

OWNER/NAME defaults to the mirror's folder name (/work/.mirror/owner+name/repo).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def extract(git_dir: Path, commit: str, dest: Path, name: str) -> tuple[int, int]:
    """(files written, files absent from the repository's object store)."""
    git = ["git", f"--git-dir={git_dir}"]
    commit = subprocess.run([*git, "rev-parse", commit], capture_output=True, text=True, check=True).stdout.strip()
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", commit], capture_output=True, check=True).stdout
    blobs = []
    for record in filter(None, listing.split(b"\0")):
        meta, path = record.split(b"\t", 1)
        mode, kind, oid = meta.split()
        if kind == b"blob" and mode != b"120000":  # symbolic links are not benchmarked
            blobs.append((oid, path.decode("utf-8", "surrogateescape")))
    written = absent = 0
    with subprocess.Popen([*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        for oid, path in blobs:
            cat.stdin.write(oid + b"\n")
            cat.stdin.flush()
            header = cat.stdout.readline().split()
            if header[-1] == b"missing":
                absent += 1
                continue
            data = cat.stdout.read(int(header[2]))
            cat.stdout.read(1)  # the newline after each object
            (dest / path).parent.mkdir(parents=True, exist_ok=True)
            (dest / path).write_bytes(data)
            written += 1
        cat.stdin.close()
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    date = subprocess.run([*git, "log", "-1", "--format=%cs", commit], capture_output=True, text=True).stdout.strip()
    (dest / ".git" / "benchmark-source").write_text(
        f"{name} at {commit} ({date}), {written} files extracted ({absent} absent from the snapshot)\n"
    )
    return written, absent


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__)
    source = Path(sys.argv[1]).resolve()
    repo = sys.argv[4] if len(sys.argv) == 5 else source.parent.name.replace("+", "/", 1)
    done, missing = extract(source, sys.argv[2], Path(sys.argv[3]), repo)
    print(f"{done} files written, {missing} absent from the snapshot", file=sys.stderr)
