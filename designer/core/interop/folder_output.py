"""Writing an export that is a folder of files (a Bruno collection), all or nothing.

The files are written into a hidden folder beside the target, then that
folder is renamed into place in one step: a failure half-way leaves no
half-written collection, and the target is never merged with what was there.
The target must not exist, or be an empty folder; a folder that holds files
(perhaps the user's own collection, with changes) is never replaced.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from designer.core.errors import ExportError, SaveError

__all__ = ["write_folder"]


def _inside(name: str) -> PurePosixPath:
    """``name`` as a relative path that stays inside the folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts:
        raise ExportError(f"The export would write {name!r} outside its folder")
    return path


def write_folder(target: str | os.PathLike[str], files: Mapping[str, bytes]) -> None:
    """Create the folder ``target`` holding ``files`` (by relative path), all or nothing."""
    folder = Path(target)
    shown = os.fspath(target)
    if folder.is_symlink() or folder.is_file():
        raise ExportError(f"{shown} is a file: a Bruno collection is a folder; name a new folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ExportError(
            f"{shown} is a folder with files in it: export into a new or empty folder, so "
            f"that nothing there is overwritten"
        )
    parent = folder.resolve().parent
    if not parent.is_dir():
        raise ExportError(f"{parent} does not exist: create it first, or name another folder")
    relative = {name: _inside(name).parts for name in files}  # all checked before writing
    temp = parent / f".{folder.name}.{secrets.token_hex(4)}.tmp"
    try:
        temp.mkdir()
        written = []
        for name, data in files.items():
            path = temp.joinpath(*relative[name])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
        # On disk before the rename, so the folder never appears with empty files; one
        # sync for all of them (a Bruno collection is hundreds of small files, and an
        # fsync each took seconds).
        if hasattr(os, "sync"):
            os.sync()
        else:  # pragma: no cover - Windows has no sync(); fsync each file there
            for path in written:
                with open(path, "rb+") as stream:
                    os.fsync(stream.fileno())
        if folder.is_dir():
            folder.rmdir()  # empty, checked above
        os.replace(temp, folder)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise SaveError(f"Could not write {shown}: {exc.strerror or exc}") from exc
