"""Saving a workspace without losing anyone's change.

Two programs that read a workspace, change it and write it back at the same
time would each write their own version, and the first change would be lost
without a word. Every save therefore happens under an advisory lock on the
workspace: a hidden ``.NAME.lock`` file beside it, locked with ``flock``
(``msvcrt.locking`` on Windows), which the system releases when the process
dies, and removed when the save is done so it leaves nothing behind. The save
also checks that the file is still what was read (:class:`Stamp`): a
program that changed it without taking the lock (an editor, an older version)
is reported with :class:`SaveConflictError` instead of being overwritten.

Under the lock no other save of the workspace is running, so temporary files
left by a save that was killed are removed there.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from designer.core import fileio
from designer.core.errors import SaveConflictError, SaveError
from designer.core.models import Workspace
from designer.core.workspace import file as workspace_file

__all__ = ["LOCK_TIMEOUT", "Stamp", "load_stamped", "lock_path", "locked", "save_checked", "update"]

#: How long a save waits for another save of the same workspace, in seconds.
LOCK_TIMEOUT = 30.0

PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a workspace file held when it was read: its size and content hash."""

    size: int
    digest: str

    @classmethod
    def of(cls, data: bytes) -> Stamp:
        return cls(len(data), hashlib.sha256(data).hexdigest())


def lock_path(path: PathLike) -> str:
    """The lock file of workspace ``path``: hidden, beside the file it protects."""
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    return os.path.join(directory, f".{name}.lock")


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock on ``fd`` without waiting; False when someone holds it."""
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _same_file(fd: int, name: str) -> bool:
    # The previous holder removes the lock file when it is done: a lock taken
    # on the removed file protects nothing, so take it again on the new one.
    try:
        return os.fstat(fd).st_ino == os.stat(name).st_ino
    except FileNotFoundError:
        return False


def _acquire(name: str, timeout: float) -> int | None:
    end = time.monotonic() + timeout
    while True:
        fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o600)
        if _try_lock(fd) and _same_file(fd, name):
            return fd
        os.close(fd)
        if time.monotonic() >= end:
            return None
        time.sleep(0.01)


@contextmanager
def locked(path: PathLike, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the save lock of ``path``; :class:`SaveError` if it stays taken ``timeout`` s."""
    name = lock_path(path)
    try:
        fd = _acquire(name, timeout)
    except OSError as exc:
        raise SaveError(
            f"Could not save {os.fspath(path)}: its lock file {name} cannot be created "
            f"({exc.strerror or exc})"
        ) from exc
    if fd is None:
        raise SaveError(
            f"Could not save {os.fspath(path)}: another program has been saving it for "
            f"{timeout:g} s; try again when it has finished"
        )
    try:
        yield
    finally:
        try:
            os.unlink(name)  # while still locked, so no one else holds this file
        except OSError:
            pass  # Windows cannot remove an open file; the next save reuses it
        os.close(fd)  # closing releases the lock


def current_stamp(path: PathLike) -> Stamp | None:
    """The stamp of the file at ``path`` now, or None when there is no file."""
    if not os.path.lexists(path):
        return None
    return Stamp.of(
        fileio.read_bytes(path, limit=workspace_file.MAX_WORKSPACE_SIZE, what="workspace")
    )


def load_stamped(path: PathLike) -> tuple[Workspace, Stamp]:
    """The workspace at ``path`` and the stamp of what was read."""
    data = fileio.read_bytes(path, limit=workspace_file.MAX_WORKSPACE_SIZE, what="workspace")
    return workspace_file.loads(data, source=os.fspath(path)), Stamp.of(data)


def save_checked(ws: Workspace, path: PathLike, expected: Stamp | None) -> Stamp:
    """Save ``ws`` at ``path`` if the file is still as read (``expected``; None: no file).

    The caller holds :func:`locked`. Raises :class:`SaveConflictError` when
    someone else changed the file, :class:`SaveError` when it cannot be written.
    """
    if current_stamp(path) != expected:
        raise SaveConflictError(
            f"Could not save {os.fspath(path)}: it was changed by another program since it "
            f"was read; nothing was saved, run the command again"
        )
    fileio.remove_stale_temps(path)
    data = workspace_file.dumps(ws)
    fileio.atomic_write(path, data)
    return Stamp.of(data)


def update(
    path: PathLike, change: Callable[[Workspace | None], Workspace], *, create: bool = True
) -> Workspace:
    """Read, change and save the workspace at ``path`` in one step under its lock.

    ``change`` gets the workspace as it is on disk now (None when there is no
    file and ``create`` is true) and returns the one to save.
    """
    with locked(path):
        if create and not os.path.exists(path):
            workspace, seen = None, None
        else:
            workspace, seen = load_stamped(path)
        result = change(workspace)
        save_checked(result, path, seen)
        return result
