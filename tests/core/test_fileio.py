"""Tests of safe reading (size limit, UTF-8) and atomic writing."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import pytest

from designer.core import fileio
from designer.core.errors import FileTooLargeError, InputError, NotUtf8Error, SaveError

MB = fileio.MB


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1536, "1.5 KB"),
        (64 * MB, "64 MB"),
        (1 << 30, "1.0 GB"),
        (int(2.5 * (1 << 30)), "2.5 GB"),
    ],
)
def test_format_size(size: int, text: str) -> None:
    assert fileio.format_size(size) == text


def test_read_bytes_returns_contents(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"{}\n")
    assert fileio.read_bytes(path, limit=3, what="workspace") == b"{}\n"


def _bytes_read() -> int | None:
    """What this process has read from files and pipes so far (Linux), or None."""
    try:
        io_counts = Path("/proc/self/io").read_text()
    except OSError:
        return None
    return next(
        int(line.split()[1]) for line in io_counts.splitlines() if line.startswith("rchar:")
    )


def test_one_gigabyte_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    with path.open("wb") as f:
        f.truncate(1 << 30)  # sparse: no real disk use
    before = _bytes_read()
    with pytest.raises(FileTooLargeError) as info:
        fileio.read_bytes(path, limit=64 * MB, what="workspace")
    # Refused from its size: not even the 64 MB up to the limit were read. (The count
    # is the process's, so other threads' reads may add a little; never megabytes.)
    if before is not None:
        assert (_bytes_read() or 0) - before < MB
    assert str(info.value) == f"{path} is 1.0 GB, more than the 64 MB limit for a workspace"


def test_file_just_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLargeError, match="11 bytes, more than the 10 bytes limit"):
        fileio.read_bytes(path, limit=10, what="response body")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_device_is_refused() -> None:
    # A device reports size 0; reading must still stop just past the limit.
    with pytest.raises(FileTooLargeError, match="/dev/zero is larger, more than"):
        fileio.read_bytes("/dev/zero", limit=1024, what="workspace")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(InputError, match=r"nope\.json does not exist: check the path"):
        fileio.read_bytes(path, limit=10, what="workspace")


def test_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a workspace file"):
        fileio.read_bytes(tmp_path, limit=10, what="workspace")


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="needs POSIX permissions, not root"
)
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.json"
    path.write_bytes(b"{}")
    path.chmod(0)
    with pytest.raises(InputError, match="cannot be read: permission denied"):
        fileio.read_bytes(path, limit=10, what="workspace")


def test_read_text_names_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Zürich"}'.encode("latin-1"))
    with pytest.raises(NotUtf8Error) as info:
        fileio.read_text(path, limit=100, what="workspace")
    message = str(info.value)
    assert "invalid byte 0xfc at offset 11" in message
    assert "\n" not in message


def test_read_text_decodes_utf8(tmp_path: Path) -> None:
    path = tmp_path / "ok.json"
    path.write_text("Zürich", encoding="utf-8")
    assert fileio.read_text(path, limit=100, what="workspace") == "Zürich"


def test_read_stdin_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"curl x")))
    assert fileio.read_stdin_bytes(10) == b"curl x"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 11)))
    with pytest.raises(FileTooLargeError, match="standard input is larger"):
        fileio.read_stdin_bytes(10)


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    fileio.atomic_write(path, b"one")
    assert path.read_bytes() == b"one"
    fileio.atomic_write(path, b"two")
    assert path.read_bytes() == b"two"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_atomic_write_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(b"old")
    path.chmod(0o640)
    fileio.atomic_write(path, b"new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX umask")
def test_atomic_write_new_file_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fileio.atomic_write(tmp_path / "ws.json", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "ws.json").stat().st_mode) == 0o644


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_atomic_write_follows_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_bytes(b"old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    fileio.atomic_write(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_failed_replace_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(b"original")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(SaveError) as info:
        fileio.atomic_write(path, b"new contents")
    assert str(info.value) == (
        f"Could not save {path}: No space left on device; "
        f"the previous version, if any, is unchanged"
    )
    assert path.read_bytes() == b"original"
    assert _leftovers(tmp_path) == []


def test_failed_write_midway_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ws.json"
    path.write_bytes(b"original")

    def fail(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(SaveError, match="Input/output error"):
        fileio.atomic_write(path, b"new contents")
    assert path.read_bytes() == b"original"
    assert _leftovers(tmp_path) == []


def test_atomic_write_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="Could not save"):
        fileio.atomic_write(tmp_path / "no" / "ws.json", b"x")
