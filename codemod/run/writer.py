"""Atomic writes: a temporary file in the same directory, then `os.replace`.

What the file was stays: its mode, owner, group and extended attributes (ACLs and SELinux labels among them)
are copied to the temporary file before the rename, or the file is not written. A file with more than one
hard link is not written (a rename would leave the other names with the old code). A file changed or
replaced since it was read is not overwritten: its content is compared when the write starts, and its size,
modification and change times and identity once more on the open descriptor right before the rename.

A signal handler calls `interrupt` instead of raising: during a write the interrupt waits until the file is
either replaced or untouched and the temporary file is gone. Only SIGKILL (or a power cut) can leave a
temporary file, named `.NAME.XXXXXXXX.aoai-tmp` (codemod/leftovers.py).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

TEMP_SUFFIX = ".aoai-tmp"
# tempfile.mkstemp(prefix=".NAME.", suffix=TEMP_SUFFIX): eight characters from its alphabet in between
TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
_NO_XATTRS = {errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}

_writing = False
_pending: Callable[[], None] | None = None


class WriteError(Exception):
    pass


def interrupt(stop: Callable[[], None]) -> None:
    """For a signal handler: call `stop` (which raises) now, or as soon as the write in progress is done."""
    global _pending
    if _writing:
        _pending = stop
    else:
        stop()


def write_atomic(path: Path, expected: bytes, new: bytes) -> None:
    """Replace `path` with `new` if it still holds `expected`; on any failure the original is intact.
    A symbolic link is written through: its target changes, the link stays a link."""
    global _writing, _pending
    _writing = True
    try:
        _write(Path(os.path.realpath(path)), expected, new)
    finally:
        _writing, stop, _pending = False, _pending, None
        if stop is not None:
            stop()


def _write(path: Path, expected: bytes, new: bytes) -> None:
    try:
        original = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise WriteError(f"file disappeared or became unreadable before writing: {exc.strerror or exc}") from exc
    try:
        before = os.fstat(original)  # before reading: a change made after this is seen by the last check
        if _read(original) != expected:
            raise WriteError("file changed on disk while it was being migrated; not overwritten (run again)")
        if before.st_nlink > 1:
            raise WriteError(
                f"the file has {before.st_nlink} hard links (other names for the same content); replacing it "
                "would leave those names with the old code, so it was not written. Make it a file of its own "
                "(cp FILE FILE.copy && mv FILE.copy FILE) and run again"
            )
        _replace(path, original, before, new)
    except OSError as exc:
        raise WriteError(f"could not read the file again before writing: {exc.strerror or exc}") from exc
    finally:
        os.close(original)


def _read(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _replace(path: Path, original: int, before: os.stat_result, new: bytes) -> None:
    import tempfile

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise WriteError(f"cannot create a temporary file in {path.parent}: {exc.strerror or exc}; "
                         "not overwritten") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            _copy_metadata(original, handle.fileno(), before)
            os.fsync(handle.fileno())
        if not hasattr(os, "fchmod"):
            os.chmod(tmp_name, stat.S_IMODE(before.st_mode))
        _check_unchanged(path, original, before)
        os.replace(tmp_name, path)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"could not write: {exc.strerror or exc}") from exc
        raise


def _copy_metadata(original: int, fd: int, before: os.stat_result) -> None:
    """Owner and group, extended attributes, then the mode (a change of owner clears set-id bits)."""
    written = os.fstat(fd)
    if (written.st_uid, written.st_gid) != (before.st_uid, before.st_gid):
        try:
            os.fchown(fd, before.st_uid, before.st_gid)
        except OSError as exc:
            raise WriteError(f"cannot keep the file's owner and group ({exc.strerror or exc}); not overwritten") \
                from exc
    _copy_xattrs(original, fd)
    if hasattr(os, "fchmod"):  # not on Windows before Python 3.13: see _replace
        os.fchmod(fd, stat.S_IMODE(before.st_mode))


def _copy_xattrs(original: int, fd: int) -> None:
    if not hasattr(os, "listxattr"):  # not Linux
        return
    try:
        names = os.listxattr(original)
    except OSError as exc:
        if exc.errno in _NO_XATTRS:
            return
        raise
    for name in names:
        try:
            value = os.getxattr(original, name)
            try:
                present = os.getxattr(fd, name) == value  # e.g. a SELinux label the new file already has
            except OSError:
                present = False
            if not present:
                os.setxattr(fd, name, value)
        except OSError as exc:
            raise WriteError(f"cannot keep the file's extended attribute {name} ({exc.strerror or exc}); "
                             "not overwritten") from exc


def _check_unchanged(path: Path, original: int, before: os.stat_result) -> None:
    """The last look before the rename: the open file has the size and times it had when it was read, and
    its name still leads to it (an editor that saves by renaming gives the name a new file)."""
    now = os.fstat(original)
    if (now.st_size, now.st_mtime_ns, now.st_ctime_ns) != (before.st_size, before.st_mtime_ns, before.st_ctime_ns):
        raise WriteError("file changed on disk while it was being migrated; not overwritten (run again)")
    try:
        named = os.stat(path)
    except FileNotFoundError as exc:
        raise WriteError("file disappeared while it was being migrated; not recreated") from exc
    if (named.st_dev, named.st_ino) != (before.st_dev, before.st_ino):
        raise WriteError("file was replaced on disk while it was being migrated; not overwritten (run again)")
