"""What a rewrite keeps (codemod/writer.py): owner, group, mode and extended attributes; a file with other hard
links is left alone; and a change that lands after the content check, up to the last look before the rename,
is never overwritten."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from codemod.run import writer
from codemod.run.writer import WriteError, write_atomic
from tests.test_robustness import AZURE, assert_migrated, migrate, temp_files

NEW = AZURE.replace("AzureOpenAI", "OpenAI").encode()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.py"
    path.write_text(AZURE)
    return path


def _xattrs(path: Path) -> dict[str, bytes]:
    return {name: os.getxattr(path, name) for name in os.listxattr(path)}


def _supports_user_xattrs(directory: Path) -> bool:
    probe = directory / "probe"
    probe.write_text("")
    try:
        os.setxattr(probe, "user.probe", b"1")
    except (OSError, AttributeError):
        return False
    finally:
        probe.unlink()
    return True


@pytest.mark.skipif(not hasattr(os, "fchown") or os.geteuid() != 0, reason="giving a file away needs root")
def test_owner_group_mode_and_extended_attributes_are_kept(good: Path) -> None:
    os.chown(good, 1234, 5678)
    os.chmod(good, 0o2750)  # setgid: a change of owner after the chmod would have cleared it
    expected_xattrs = {}
    if _supports_user_xattrs(good.parent):
        os.setxattr(good, "user.origin", b"checked out by ci")
        os.setxattr(good, "user.empty", b"")
        expected_xattrs = _xattrs(good)
    inode = good.stat().st_ino
    result = migrate(str(good))
    assert result.exit_code == 0, result.output
    assert_migrated(good)
    after = good.stat()
    assert after.st_ino != inode  # replaced by a rename, not written in place
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 5678, 0o2750)
    assert _xattrs(good) == expected_xattrs
    assert temp_files(good.parent) == []


def test_a_file_with_other_hard_links_is_reported_and_left_alone(tmp_path: Path, good: Path) -> None:
    """A rename would give the name a new file and leave the other names with the old code."""
    linked = tmp_path / "linked.py"
    linked.write_text(AZURE)
    other_name = tmp_path / "vendor" / "same_file.py"
    other_name.parent.mkdir()
    os.link(linked, other_name)
    result = migrate(str(tmp_path))
    assert result.exit_code == 3, result.output
    report = [line for line in result.output.splitlines() if "AOAI000" in line]
    assert len(report) == 2, result.output  # both names: neither is written
    assert all("2 hard links" in line for line in report), report
    assert linked.read_text() == other_name.read_text() == AZURE
    assert os.path.samefile(linked, other_name)
    assert_migrated(good)


@pytest.mark.parametrize("failing", ["fchown", "setxattr"])
def test_metadata_that_cannot_be_kept_means_no_write(
    good: Path, failing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if failing == "fchown":
        if os.geteuid() != 0:
            pytest.skip("a file of another owner needs root")
        os.chown(good, 1234, 5678)
    elif not _supports_user_xattrs(good.parent):
        pytest.skip("no user extended attributes on this file system")
    else:
        os.setxattr(good, "user.origin", b"x")

    def refused(*args: object) -> None:
        raise PermissionError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, failing, refused)
    result = migrate(str(good))
    monkeypatch.undo()
    assert result.exit_code == 3, result.output
    assert "not overwritten" in result.output and "Operation not permitted" in result.output
    assert good.read_text() == AZURE
    assert temp_files(good.parent) == []


def _while_the_new_file_is_flushed(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run `action()` during the fsync of the temporary file: after the content check, before the rename."""
    real = os.fsync
    done = []

    def fsync(fd: int) -> None:
        real(fd)
        if not done:
            done.append(True)
            action()

    monkeypatch.setattr(os, "fsync", fsync)


def _append(path: Path) -> None:
    with open(path, "a") as handle:
        handle.write("# appended by another program\n")


def _save_like_an_editor(path: Path) -> None:
    tmp = path.with_name(path.name + ".swp")
    tmp.write_text(AZURE + "# saved by an editor\n")
    os.replace(tmp, path)


def _rewrite_same_size(path: Path) -> None:
    path.write_text(AZURE.replace("gpt-4o-prod-01", "gpt-4o-prod-02"))


@pytest.mark.parametrize("change", [_append, _save_like_an_editor, _rewrite_same_size],
                         ids=["appended", "saved-by-rename", "rewritten-same-size"])
def test_a_change_after_the_content_check_is_not_overwritten(
    good: Path, change, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file was last changed a second ago, as files being migrated are: a change within the same tick of
    # the file system's clock, of the same size, is what the last look cannot see (README, "Nothing lost").
    second_ago = good.stat().st_mtime_ns - 10**9
    os.utime(good, ns=(second_ago, second_ago))
    _while_the_new_file_is_flushed(monkeypatch, lambda: change(good))
    theirs = None

    with pytest.raises(WriteError, match="changed on disk|replaced on disk"):
        try:
            write_atomic(good, AZURE.encode(), NEW)
        finally:
            theirs = good.read_bytes()
    assert theirs != AZURE.encode() and theirs != NEW  # their edit survived
    assert temp_files(good.parent) == []


def test_an_interrupt_during_a_write_waits_for_the_write(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's signal handlers call writer.interrupt: during a write it stops the run only after the rename
    (or the clean-up), so a file is old or new and no temporary file is left."""

    def stop() -> None:
        raise KeyboardInterrupt

    _while_the_new_file_is_flushed(monkeypatch, lambda: writer.interrupt(stop))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(good, AZURE.encode(), NEW)
    assert good.read_bytes() == NEW
    assert temp_files(good.parent) == []
    with pytest.raises(KeyboardInterrupt):  # outside a write it stops at once
        writer.interrupt(stop)
