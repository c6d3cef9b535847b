"""Atomic writes: a temporary file in the same directory, then `os.replace`. The file mode is kept, and a
file changed or deleted since it was read is not overwritten."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    pass


def write_atomic(path: Path, expected: bytes, new: bytes) -> None:
    """Replace `path` with `new` if it still holds `expected`; on any failure the original is intact.
    A symbolic link is written through: its target changes, the link stays a link."""
    path = Path(os.path.realpath(path))
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise WriteError(f"file disappeared or became unreadable before writing: {exc.strerror or exc}") from exc
    if current != expected:
        raise WriteError("file changed on disk while it was being migrated; not overwritten (run again)")
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".aoai-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise WriteError(f"could not write: {exc.strerror or exc}") from exc
        raise
