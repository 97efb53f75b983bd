"""Edit ▸ Update from Source…: take in an API's new document, keeping the user's work.

The API's remembered source is read again (or, when it is not there, the user
chooses the new version); reading and the three-way merge
(:func:`designer.core.interop.sync.update_api`) run in a worker process. The
preview shows every change call by call; Update applies it as one undoable
step, and nothing changes before that.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from designer.core.errors import DesignerError
from designer.ui.editing.commands import InsertApi, RemoveApi
from designer.ui.editing.edits import Item
from designer.ui.infra.errors import show_error
from designer.ui.infra.ops import AsyncOp, run_in_worker
from designer.ui.interop import jobs

if TYPE_CHECKING:
    from designer.core.models import Api
    from designer.ui.editing.document import Document
    from designer.ui.interop.update_dialog import UpdatePreviewDialog

__all__ = ["UpdateFlow", "UpdateHost"]


class _SelectsItems(Protocol):
    def select(self, item: Item) -> None: ...


class _HasUndo(Protocol):
    @property
    def undo(self) -> QAction: ...


class UpdateHost(Protocol):
    """What the flow needs of the window it serves (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def tree(self) -> _SelectsItems: ...
    @property
    def actions(self) -> _HasUndo: ...
    def current_api(self) -> Api | None: ...
    def show_message(self, text: str) -> None: ...
    # The top-level widget: the parent of the flow and of its dialogs.
    def window(self) -> QWidget: ...


class UpdateFlow(QObject):
    """Updates the window's APIs from their sources; ``message`` carries status-bar text."""

    message = Signal(str)
    #: the preview dialog of the update being looked at (for tests and automation)
    previewShown = Signal(object)

    def __init__(self, window: UpdateHost) -> None:
        super().__init__(window.window())
        self._window = window
        self._op: AsyncOp[jobs.SourceUpdate] | None = None
        self._edits_seen = 0

    def start(self) -> None:
        """Update the current API (or the current call's API) from its source."""
        api = self._window.current_api()
        if api is None:
            self._window.show_message("Select the API to update from its source document.")
            return
        path = self._source_path(api)
        if path is None:
            path = self._choose(api)
        if path is not None:
            self.update_from(api.id, path)

    def _source_path(self, api: Api) -> str | None:
        from designer.core.interop.sync import resolve_location

        if api.source is None or not api.source.location:
            return None
        doc_path = self._window.doc.path
        path = resolve_location(api.source.location, str(doc_path) if doc_path else None)
        return path if os.path.isfile(path) else None

    def _choose(self, api: Api) -> str | None:
        if api.source is not None and api.source.location:
            title = f"{api.source.location} is not there: choose the new version of {api.name}"
        else:
            title = f"Choose the document to update {api.name} from"
        doc_path = self._window.doc.path
        start = str(doc_path.parent) if doc_path else str(Path.home())
        from designer.ui.interop.import_flow import IMPORT_FILTERS

        name, _ = QFileDialog.getOpenFileName(self._window.window(), title, start, IMPORT_FILTERS)
        return name or None

    def update_from(self, api_id: str, path: str) -> None:
        """Read ``path`` and preview the update of API ``api_id`` from it."""
        if self._op is not None and self._op.running:
            self.message.emit("Still reading the previous update; try again when it is shown.")
            return
        api = self._window.doc.api(api_id)
        doc_path = self._window.doc.path
        source = Path(path).name
        self.message.emit(f"Reading {source}…")
        op: AsyncOp[jobs.SourceUpdate] = AsyncOp(
            self,
            lambda: run_in_worker(jobs.read_update, path, api, str(doc_path) if doc_path else None),
        )
        self._edits_seen = self._window.doc.undo_stack.index()
        op.success(lambda result: self._preview(api_id, result, source))
        op.failure(lambda exc: QTimer.singleShot(0, self, lambda: self._failed(source, exc)))
        self._op = op.run()

    def _failed(self, source: str, exc: DesignerError) -> None:
        self.message.emit(f"Could not update from {source}; nothing was changed.")
        show_error(
            self._window.window(),
            "Could not update from source",
            f"{str(exc).rstrip('.')}.\n\nNothing was changed.",
        )

    def _preview(self, api_id: str, result: jobs.SourceUpdate, source: str) -> None:
        self.message.emit("")
        from designer.ui.interop.update_dialog import UpdatePreviewDialog

        dialog = UpdatePreviewDialog(result.report, source, self._window.window())
        dialog.accepted.connect(lambda: self._apply(api_id, dialog, result, source))
        dialog.rejected.connect(lambda: self.message.emit("Update cancelled; nothing was changed."))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.previewShown.emit(dialog)

    def _apply(
        self,
        api_id: str,
        dialog: UpdatePreviewDialog,
        result: jobs.SourceUpdate,
        source: str,
    ) -> None:
        from designer.core.interop.sync import update_api

        doc = self._window.doc
        current = doc.api(api_id)
        chosen = dialog.chosen()
        updated = result.updated
        if chosen or doc.undo_stack.index() != self._edits_seen:
            # The user chose some of the document's versions, or edited meanwhile: merge again.
            updated, _ = update_api(current, result.incoming, prefer_document=chosen)
        row = doc.api_row(api_id)
        text = f"Update {current.name} from {source}"
        doc.undo_stack.beginMacro(text)
        try:
            doc.undo_stack.push(RemoveApi(doc, api_id, text))
            doc.undo_stack.push(InsertApi(doc, row, updated, text))
        finally:
            doc.undo_stack.endMacro()
        self._window.tree.select(Item("api", updated.id))
        undo = self._window.actions.undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.message.emit(
            f"Updated {updated.name} from {source}: {result.report.summary()}. "
            f"Undo ({undo}) takes it back."
        )
