"""Reading user files safely and writing files atomically.

Every file a user hands to the application goes through :func:`read_bytes` or
:func:`read_text`: the size is checked before anything is read, so a 1 GB file
(or an endless device) is refused with a one-line message instead of being
read into memory. Text must be valid UTF-8; the message names the first bad
byte.

Every file the application writes goes through :func:`atomic_write`: the data
is written to a temporary file in the same directory, flushed to disk and
renamed over the target, so a crash or a full disk leaves either the old file
or the new one, never half of each.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import sys
from typing import BinaryIO

from designer.core.errors import (
    FileTooLargeError,
    InputError,
    NotUtf8Error,
    ReadOnlyFileError,
    SaveError,
)

__all__ = [
    "MB",
    "atomic_write",
    "remove_stale_temps",
    "decode_utf8",
    "format_size",
    "read_bytes",
    "read_stdin_bytes",
    "read_text",
]

MB = 1 << 20

PathLike = str | os.PathLike[str]


def format_size(size: int) -> str:
    """A size as people read it: ``512 bytes``, ``64 MB``, ``1.0 GB``."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return (
                f"{value:.0f} {unit}"
                if value == int(value) and value >= 10
                else f"{value:.1f} {unit}"
            )
    raise AssertionError("unreachable")  # pragma: no cover


def _too_large(name: str, size: int | None, limit: int, what: str) -> FileTooLargeError:
    actual = f"is {format_size(size)}" if size is not None else "is larger"
    return FileTooLargeError(
        f"{name} {actual}, more than the {format_size(limit)} limit for {_article(what)}"
    )


def _article(what: str) -> str:
    return f"an {what}" if what[:1].lower() in "aeiou" else f"a {what}"


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes, so that "more than the limit" is detectable."""
    chunks: list[bytes] = []
    remaining = limit + 1
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_bytes(path: PathLike, *, limit: int, what: str) -> bytes:
    """The contents of ``path``, refused with :class:`FileTooLargeError` above ``limit`` bytes.

    ``what`` names the kind of file in messages ("workspace", "response body").
    A missing, unreadable or special file raises :class:`InputError`.
    """
    name = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISDIR(info.st_mode):  # pragma: no cover - open() refuses on POSIX
                raise InputError(f"{name} is a folder, not {_article(what)} file")
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise _too_large(name, info.st_size, limit, what)
            # The size may change between stat and read, and devices report 0:
            # never trust it, read one byte past the limit instead.
            data = _read_limited(stream, limit)
    except FileNotFoundError as exc:
        raise InputError(f"{name} does not exist: check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{name} is a folder, not {_article(what)} file") from exc
    except PermissionError as exc:
        raise InputError(f"{name} cannot be read: permission denied") from exc
    except OSError as exc:
        raise InputError(f"{name} cannot be read: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise _too_large(name, None, limit, what)
    return data


def decode_utf8(data: bytes, *, source: str) -> str:
    """``data`` as text; :class:`NotUtf8Error` names the offset of the first invalid byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise NotUtf8Error(
            f"{source} is not UTF-8 text (invalid byte 0x{bad} at offset {exc.start}): "
            f"save it with UTF-8 encoding and try again"
        ) from exc


def read_text(path: PathLike, *, limit: int, what: str) -> str:
    """The contents of ``path`` as UTF-8 text, with the checks of :func:`read_bytes`."""
    return decode_utf8(read_bytes(path, limit=limit, what=what), source=os.fspath(path))


def read_stdin_bytes(limit: int, *, what: str = "input") -> bytes:
    """Standard input, refused with :class:`FileTooLargeError` above ``limit`` bytes."""
    data = _read_limited(sys.stdin.buffer, limit)
    if len(data) > limit:
        raise _too_large("standard input", None, limit, what)
    return data


def _fsync_directory(directory: str) -> None:
    # The rename is only durable once the directory entry is on disk. Some
    # platforms and file systems cannot open or sync a directory; the data
    # itself is already synced, so that is not worth failing the save for.
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(directory, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_temp(directory: str, name: str, mode: int) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            # os.open applies the umask, so a new file gets the usual permissions.
            return temp, os.open(temp, flags, mode)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {directory}")  # pragma: no cover


def _temp_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{8}}\.tmp")


def remove_stale_temps(path: PathLike) -> int:
    """Remove the temporary files a killed save of ``path`` left beside it; returns how many.

    Only safe while no other save of ``path`` can be running, i.e. under its lock.
    """
    target = os.path.realpath(os.fspath(path))
    directory = os.path.dirname(target) or "."
    pattern = _temp_pattern(os.path.basename(target))
    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for entry in names:
        if pattern.fullmatch(entry):
            try:
                os.unlink(os.path.join(directory, entry))
                removed += 1
            except OSError:
                pass  # another cleaner got there first, or it is not ours to remove
    return removed


def private_directory(path: PathLike) -> None:
    """Create the folder ``path`` (and its parents) readable by its owner only (0700)."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)


def atomic_write(path: PathLike, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically: the file is either old or new, never partial.

    The existing file's permissions are kept, or set to ``mode`` when given
    (``0o600`` for files only the user may read). A symbolic link is
    followed, so the file it points to is replaced and the link stays. On
    failure the temporary file is removed and :class:`SaveError` is raised.
    """
    name = os.fspath(path)
    target = os.path.realpath(name)
    directory = os.path.dirname(target) or "."
    try:
        existing_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        existing_mode = None
    except OSError as exc:
        raise SaveError(f"Could not save {name}: {exc.strerror or exc}") from exc
    # Renaming over a file needs only a writable folder, so a file the user
    # made read-only would be replaced silently; the owner's write bit is the
    # user's intent (root passes every access check, so os.access cannot tell).
    if existing_mode is not None and not existing_mode & stat.S_IWUSR:
        raise ReadOnlyFileError(
            f"Could not save {name}: the file is read-only; make it writable or save it "
            f"under another name"
        )

    temp: str | None = None
    try:
        # A private file is private from its first byte, not only once renamed.
        temp, fd = _create_temp(
            directory, os.path.basename(target), 0o666 if mode is None else mode
        )
        with open(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None or existing_mode is not None:
            os.chmod(temp, mode if mode is not None else existing_mode)  # type: ignore[arg-type]
        os.replace(temp, target)
        temp = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SaveError(
            f"Could not save {name}: {reason}; the previous version, if any, is unchanged"
        ) from exc
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    _fsync_directory(directory)
