"""The files the user chose to send, per workspace and per machine.

A ``file`` parameter's sample is a path whose content is uploaded. A
workspace, a bundle or an imported document comes from someone else, so a
path written in it is never enough to read a file: it could name
``~/.ssh/id_rsa`` or ``/proc/self/environ``. A file is sent only when the user
chose it, here, for this workspace:

- the app records a file when the user picks it with the sample's folder
  button or types its path into the sample;
- on the command line, ``init --param NAME=@PATH`` sends the file and records
  it for the workspace, so that ``check`` may send it too.

The record lives on this machine, outside the workspace (in the user's state
folder, see :func:`record_path`), keyed by the workspace file's real path: a
workspace, a bundle or a document carried to another machine or into another
workspace carries no permission with it. Paths are compared once resolved
(``~`` expanded, relative to the current folder, links followed), so a link
swapped in later under a chosen name does not pass either.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson

from designer.core import fileio
from designer.core.errors import DesignerError

__all__ = [
    "STATE_VARIABLE",
    "ChosenFiles",
    "not_chosen_reason",
    "record_path",
    "resolve",
]

#: Moves the state folder (where the record is kept) elsewhere, e.g. for tests.
STATE_VARIABLE = "CD_STATE_DIR"
_FORMAT = "connector-designer.chosen-files"
_MAX_RECORD = 4 << 20


def record_path() -> Path:
    """The per-machine record of chosen files (in the user's state folder)."""
    folder = os.environ.get(STATE_VARIABLE, "").strip()
    if folder:
        return Path(folder) / "chosen-files.json"
    from platformdirs import user_state_path

    return user_state_path("connector-designer", appauthor=False) / "chosen-files.json"


def resolve(path_text: str) -> str:
    """The real path a sample names: ``~`` expanded, from the current folder, links followed."""
    return os.path.realpath(os.path.expanduser(path_text.strip()))


def not_chosen_reason() -> str:
    """Why a file is not sent, for a one-line message naming the parameter."""
    return (
        "names a file that was not chosen on this machine for this workspace, so it is not "
        "read: choose it with the sample's folder button in the app, or pass "
        "--param NAME=@PATH to init"
    )


def _load(record: Path) -> dict[str, list[str]]:
    try:
        data = orjson.loads(fileio.read_bytes(record, limit=_MAX_RECORD, what="record"))
    except (DesignerError, orjson.JSONDecodeError):
        return {}  # none yet, or unreadable: nothing was chosen
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    chosen = data.get("workspaces")
    if not isinstance(chosen, dict):
        return {}
    return {
        str(k): [str(p) for p in v if isinstance(p, str)]
        for k, v in chosen.items()
        if isinstance(v, list)
    }


class ChosenFiles:
    """The files the user chose for one workspace; only these may be read and sent.

    ``workspace`` gives the workspace file's path (None while it is untitled:
    choices are then kept in memory and recorded once it has a path).
    ``session`` are files chosen for this run only. ``record`` is the file
    where choices persist (default: :func:`record_path`, read when needed).
    """

    def __init__(
        self,
        workspace: Callable[[], Path | str | None] | Path | str | None = None,
        *,
        session: Iterable[str] = (),
        record: Path | None = None,
    ) -> None:
        if callable(workspace):
            self._workspace = workspace
        else:
            fixed = workspace
            self._workspace = lambda: fixed
        self._session = {resolve(p) for p in session if p.strip()}
        self._pending: set[str] = set()
        self._record = record

    def _key(self) -> str | None:
        path = self._workspace()
        if path is None or str(path) in ("", "-"):
            return None
        return os.path.realpath(os.fspath(path))

    def _record_file(self) -> Path:
        return self._record if self._record is not None else record_path()

    def _recorded(self, key: str) -> set[str]:
        return set(_load(self._record_file()).get(key, ()))

    def allows(self, path_text: str) -> bool:
        """Whether the file ``path_text`` names was chosen by the user for this workspace."""
        if not path_text.strip():
            return False
        target = resolve(path_text)
        if target in self._session or target in self._pending:
            return True
        key = self._key()
        return key is not None and target in self._recorded(key)

    def choose(self, path_text: str) -> None:
        """Record that the user chose this file for this workspace (a no-op when blank)."""
        if not path_text.strip():
            return
        self._pending.add(resolve(path_text))
        self.save()

    def forget(self) -> None:
        """Drop the choices of this session (another workspace is shown: they were for the last)."""
        self._pending.clear()

    def save(self, *, also_from: Path | str | None = None) -> None:
        """Record the choices made while untitled, or since, once the workspace has a path.

        ``also_from`` is the workspace's previous path (Save As): what the user
        chose for it holds for the copy too.
        """
        key, record = self._key(), self._record_file()
        if key is None:
            return
        everything = _load(record)
        known = set(everything.get(key, ()))
        wanted = set(self._pending)
        if also_from is not None:
            wanted |= set(everything.get(os.path.realpath(os.fspath(also_from)), ()))
        if wanted <= known:
            return
        everything[key] = sorted(known | wanted)
        document = {"format": _FORMAT, "version": 1, "workspaces": everything}
        fileio.private_directory(record.parent)
        fileio.atomic_write(record, orjson.dumps(document, option=orjson.OPT_INDENT_2), mode=0o600)
