"""The open workspace: its models, its file, its undo history and its dirty state.

A :class:`Document` is the one place the GUI changes a workspace. Its
``apply_*`` primitives are called only by the undo commands of
:mod:`designer.ui.editing.commands`; each primitive announces the change before and
after it happens, the way an evented model does, so that the tree adapter can
bracket it with ``beginInsertRows``/``endInsertRows`` and friends.

Edits replace whole pydantic objects (a copy carrying the change) rather than
mutating them, so a snapshot held by an undo command is never changed behind
its back.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, Signal
from PySide6.QtGui import QUndoStack

from designer.core.errors import DesignerError
from designer.core.http.file_choices import ChosenFiles
from designer.core.models import Api, Call, Webhook, Workspace

if TYPE_CHECKING:
    from designer.core.workspace.lock import Stamp

__all__ = ["Document", "load_workspace", "save_workspace"]

log = logging.getLogger("designer.ui")


def load_workspace(path: Path) -> Workspace:
    """Read a workspace file; raises a core ``DesignerError`` with a one-line message."""
    from designer.core.workspace import file as workspace_file

    return workspace_file.load(path)


def save_workspace(workspace: Workspace, path: Path) -> None:
    """Write a workspace file atomically; raises a core ``DesignerError`` on failure."""
    from designer.core.workspace import file as workspace_file

    workspace_file.save(workspace, path)


def _stamp_now(path: Path) -> Stamp | None:
    from designer.core.workspace.lock import current_stamp

    try:
        return current_stamp(path)
    except DesignerError:
        return None


#: A workspace of more calls than this is kept out of the cyclic garbage collector.
LARGE_WORKSPACE_CALLS = 500


def _spare_from_collector(workspace: Workspace) -> None:
    """Keep Python's cyclic collector off a large workspace's objects.

    A full collection walks every object that is alive: with the models of
    5,000 calls that is 25–60 ms, which lands on whatever keystroke triggers
    it. The workspace lives until the next is opened, and its objects hold no
    cycles (they are freed by reference counting when replaced), so they are
    moved out of the collector's reach once, after a collection (so that no
    garbage is moved with them). Small workspaces cost the collector little.
    """
    if not gc.isenabled():
        return  # start-up: the application freezes what it built once its window shows
    if sum(len(api.calls) for api in workspace.apis) > LARGE_WORKSPACE_CALLS:
        gc.collect()
        gc.freeze()


class Document(QObject):
    """A workspace being edited, with the path it was loaded from (None if untitled)."""

    aboutToReset = Signal()
    reset = Signal()
    apiAboutToBeInserted = Signal(int)
    apiInserted = Signal(int)
    apiAboutToBeRemoved = Signal(int)
    apiRemoved = Signal(int)
    #: source row and Qt's destination child (the row it goes before, pre-move)
    apiAboutToBeMoved = Signal(int, int)
    apiMoved = Signal()
    callAboutToBeInserted = Signal(str, int)
    callInserted = Signal(str, int)
    callAboutToBeRemoved = Signal(str, int)
    callRemoved = Signal(str, int)
    #: source API id and row, destination API id and Qt's destination child
    callAboutToBeMoved = Signal(str, int, str, int)
    callMoved = Signal()
    apiChanged = Signal(str)
    callChanged = Signal(str, str)
    pathChanged = Signal()
    dirtyChanged = Signal(bool)
    #: The file was changed by another program since it was opened or saved here.
    changedOnDisk = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._api_rows: dict[str, int] = {}
        self._call_rows: dict[str, tuple[int, int]] = {}
        self._workspace = Workspace()
        self._path: Path | None = None
        # Set when the content did not come from its file (a restored recovery).
        self._forced_dirty = False
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._emit_dirty)
        #: What the file held when it was opened or last saved here: a save
        #: checks the file still holds it, so another program's change is
        #: never overwritten unseen.
        self._stamp: Stamp | None = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed)
        #: the files the user chose to send for this workspace (kept on this machine)
        self.chosen_files = ChosenFiles(lambda: self._path)

    # -- state ---------------------------------------------------------------

    @property
    def workspace(self) -> Workspace:
        return self._workspace

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def is_dirty(self) -> bool:
        return self._forced_dirty or not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        """The file name, or the workspace name while it has never been saved."""
        return self._path.name if self._path else self._workspace.name or "Untitled"

    def replace(
        self,
        workspace: Workspace,
        path: Path | None,
        *,
        dirty: bool = False,
        stamp: Stamp | None = None,
    ) -> None:
        """Show another workspace; the undo history starts afresh.

        ``stamp`` is what was read from ``path``; without one, the file as it
        is now is taken as the version this workspace is based on.
        """
        self.aboutToReset.emit()
        self.chosen_files.forget()
        self._workspace = workspace
        _spare_from_collector(workspace)
        self._path = path
        self._stamp = stamp if stamp is not None or path is None else _stamp_now(path)
        self.undo_stack.clear()
        self._forced_dirty = dirty
        self.reset.emit()
        self.pathChanged.emit()
        self._emit_dirty()
        self._watch()

    def open(self, path: Path) -> None:
        """Load ``path``; on error the current workspace stays as it was."""
        from designer.core.workspace.lock import load_stamped

        workspace, stamp = load_stamped(path)
        self.replace(workspace, path.resolve(), stamp=stamp)

    def save(self, path: Path | None = None, *, overwrite: bool = False) -> Path:
        """Save to ``path`` or the current path; raises ValueError if there is neither.

        Saving over the document's own file checks that no other program
        changed it since it was read (:class:`SaveConflictError`) unless
        ``overwrite``; another file was chosen in Save As, so it is replaced.
        """
        from designer.core.workspace.lock import current_stamp, locked, save_checked

        target = path or self._path
        if target is None:
            raise ValueError("the workspace has no file yet; choose one with Save As")
        target = target.resolve()
        with locked(target):
            own = target == self._path and not overwrite
            expected = self._stamp if own else current_stamp(target)
            self._stamp = save_checked(self._workspace, target, expected)
        changed, previous = target != self._path, self._path
        self._path = target
        self._record_chosen_files(previous if changed else None)
        self._forced_dirty = False
        self.undo_stack.setClean()
        if changed:
            self.pathChanged.emit()
        self._emit_dirty()
        self._watch()
        return target

    def _record_chosen_files(self, previous: Path | None) -> None:
        try:
            self.chosen_files.save(also_from=previous)
        except DesignerError as exc:  # the workspace is saved; the files are chosen for now
            log.warning("The chosen files are not remembered: %s", exc)

    def changed_on_disk(self) -> bool:
        """True when the file no longer holds what was opened or saved here."""
        return self._path is not None and _stamp_now(self._path) != self._stamp

    def _watch(self) -> None:
        # A save replaces the file (a new inode), which ends the watch: watch again.
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if self._path is not None and self._path.exists():
            self.watcher.addPath(str(self._path))

    def _file_changed(self, _name: str) -> None:
        self._watch()
        if self.changed_on_disk():
            self.changedOnDisk.emit()

    def _emit_dirty(self, *_: object) -> None:
        self.dirtyChanged.emit(self.is_dirty)

    # -- lookups -------------------------------------------------------------

    def api_row(self, api_id: str) -> int:
        # The tree asks this for every parent() of every call row (hundreds of thousands
        # of times while a filter runs over a big workspace): a remembered row, checked
        # before use so that no change of the list can make it stale, keeps it O(1).
        apis = self._workspace.apis
        row = self._api_rows.get(api_id, -1)
        if 0 <= row < len(apis) and apis[row].id == api_id:
            return row
        self._api_rows = {api.id: n for n, api in enumerate(apis)}
        if api_id in self._api_rows:
            return self._api_rows[api_id]
        raise KeyError(api_id)

    def api(self, api_id: str) -> Api:
        return self._workspace.apis[self.api_row(api_id)]

    def _call_position(self, call_id: str) -> tuple[int, int]:
        """The rows of the API and of the call; remembered and checked, like :meth:`api_row`."""
        apis = self._workspace.apis
        a, c = self._call_rows.get(call_id, (-1, -1))
        if 0 <= a < len(apis) and 0 <= c < len(apis[a].calls) and apis[a].calls[c].id == call_id:
            return a, c
        self._call_rows = {
            call.id: (a, c) for a, api in enumerate(apis) for c, call in enumerate(api.calls)
        }
        if call_id in self._call_rows:
            return self._call_rows[call_id]
        raise KeyError(call_id)

    def find_call(self, call_id: str) -> tuple[Api, Call]:
        a, c = self._call_position(call_id)
        api = self._workspace.apis[a]
        return api, api.calls[c]

    def find_webhook(self, hook_id: str) -> tuple[Api, Webhook]:
        """The API holding the webhook ``hook_id``, and the webhook; KeyError if none."""
        for api in self._workspace.apis:
            for hook in api.webhooks:
                if hook.id == hook_id:
                    return api, hook
        raise KeyError(hook_id)

    def call_row(self, call_id: str) -> tuple[str, int]:
        """The id of the API holding the call, and the call's row in it."""
        a, c = self._call_position(call_id)
        return self._workspace.apis[a].id, c

    def problems(self, item_kind: str, item_id: str) -> list[str]:
        """What would stop the workspace loading again, for one API or call.

        The file format rejects duplicate names, duplicate parameters and path
        placeholders without a parameter; editors show these as they happen so
        that nobody learns of them when saving. Only the item's own API is
        checked, so this stays cheap on every keystroke of a big workspace.
        """
        from designer.core.workspace.file import problems

        if item_kind == "api":
            api = self.api(item_id)
            found = [
                p.message
                for p in problems(Workspace.model_construct(apis=[api]))
                if not p.path.startswith("$.apis[0].calls[")
            ]
            if any(
                a.name.casefold() == api.name.casefold() and a.id != api.id
                for a in self._workspace.apis
            ):
                found.insert(0, f"another API is also named {api.name!r}: rename one")
            return found
        api, call = self.find_call(item_id)
        # The call and the calls of the same name only: checking all of an imported
        # API's thousand calls on every keystroke would stall the editor.
        name = call.name.casefold()
        namesakes = [c for c in api.calls if c.name.casefold() == name]
        row = next(n for n, c in enumerate(namesakes) if c.id == item_id)
        prefix = f"$.apis[0].calls[{row}]"
        only = Workspace.model_construct(
            apis=[api.model_construct(**{**dict(api), "calls": namesakes})]
        )
        return [
            p.message for p in problems(only) if p.path.startswith(prefix + ".") or p.path == prefix
        ]

    # -- primitives, called by undo commands only ----------------------------

    def apply_insert_api(self, row: int, api: Api) -> None:
        self.apiAboutToBeInserted.emit(row)
        self._workspace.apis.insert(row, api)
        self.apiInserted.emit(row)

    def apply_remove_api(self, row: int) -> Api:
        self.apiAboutToBeRemoved.emit(row)
        api = self._workspace.apis.pop(row)
        self.apiRemoved.emit(row)
        return api

    def apply_move_api(self, src: int, dst: int) -> None:
        """Move the API at ``src`` so that it ends up at index ``dst``."""
        if src == dst:
            return
        self.apiAboutToBeMoved.emit(src, dst + 1 if dst > src else dst)
        apis = self._workspace.apis
        apis.insert(dst, apis.pop(src))
        self.apiMoved.emit()

    def apply_insert_call(self, api_id: str, row: int, call: Call) -> None:
        api = self.api(api_id)
        self.callAboutToBeInserted.emit(api_id, row)
        api.calls.insert(row, call)
        self.callInserted.emit(api_id, row)

    def apply_remove_call(self, api_id: str, row: int) -> Call:
        api = self.api(api_id)
        self.callAboutToBeRemoved.emit(api_id, row)
        call = api.calls.pop(row)
        self.callRemoved.emit(api_id, row)
        return call

    def apply_move_call(self, src_api: str, src_row: int, dst_api: str, dst_row: int) -> None:
        """Move a call so that it ends up at index ``dst_row`` of API ``dst_api``."""
        same = src_api == dst_api
        if same and src_row == dst_row:
            return
        child = dst_row + 1 if same and dst_row > src_row else dst_row
        self.callAboutToBeMoved.emit(src_api, src_row, dst_api, child)
        call = self.api(src_api).calls.pop(src_row)
        self.api(dst_api).calls.insert(dst_row, call)
        self.callMoved.emit()

    def apply_api_settings(self, settings: Api) -> None:
        """Replace everything of the API with ``settings.id`` except its calls."""
        row = self.api_row(settings.id)
        current = self._workspace.apis[row]
        self._workspace.apis[row] = settings.model_copy(update={"calls": current.calls})
        self.apiChanged.emit(settings.id)

    def apply_call(self, api_id: str, call: Call) -> None:
        """Replace the call with ``call.id`` in API ``api_id`` by ``call``."""
        api = self.api(api_id)
        for row, existing in enumerate(api.calls):
            if existing.id == call.id:
                api.calls[row] = call
                self.callChanged.emit(api_id, call.id)
                return
        raise KeyError(call.id)
