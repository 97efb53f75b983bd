"""File ▸ Import…, Import cURL Command… and files dropped on the window.

One flow for all three: the document is read and checked in a worker
process (:func:`~designer.ui.infra.ops.run_in_worker`), then the preview dialog
shows what it will add. Only when the user presses Import is it merged, as
one undoable edit, and the secrets entered are stored. A file that cannot be
imported is one message, and the workspace is left as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from designer.core.errors import DesignerError
from designer.core.wording import plural
from designer.ui.editing.edits import Item
from designer.ui.infra.errors import show_error
from designer.ui.infra.ops import AsyncOp, run_in_worker
from designer.ui.interop import jobs
from designer.ui.interop.curl_dialog import CurlDialog
from designer.ui.interop.undo import push_merge

if TYPE_CHECKING:
    from designer.core.interop.service import Imported
    from designer.core.secrets.store import SecretStore
    from designer.ui.editing.document import Document
    from designer.ui.interop.preview_dialog import ImportPreviewDialog

__all__ = ["IMPORT_FILTERS", "ImportFlow", "ImportHost"]

IMPORT_FILTERS = ";;".join(
    [
        "Everything Connector Designer imports (*.json *.yaml *.yml *.har *.bru)",
        "Connector bundles (*.json)",
        "OpenAPI and Swagger (*.json *.yaml *.yml)",
        "Postman collections (*.json)",
        "HAR recordings (*.har *.json)",
        "Insomnia exports, v4 and v5 (*.json *.yaml *.yml)",
        # A Bruno collection is a folder: its bruno.json stands for it.
        "Bruno collections and requests (bruno.json *.bru)",
        "All files (*)",
    ]
)
# Core messages are shared with the command line; this advice only applies there.
_CLI_ONLY = "; pass --from if it is one"


class _SelectsItems(Protocol):
    def select(self, item: Item) -> None: ...


class _HasUndo(Protocol):
    @property
    def undo(self) -> QAction: ...


class ImportHost(Protocol):
    """What the flow needs of the window it serves (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def secrets(self) -> SecretStore: ...
    @property
    def tree(self) -> _SelectsItems: ...
    @property
    def actions(self) -> _HasUndo: ...
    # The top-level widget: the parent of the flow and of its dialogs.
    def window(self) -> QWidget: ...


class ImportFlow(QObject):
    """Imports into the window's document; ``message`` carries status-bar text."""

    message = Signal(str)
    #: the preview dialog of the import being looked at (for tests and automation)
    previewShown = Signal(object)

    def __init__(self, window: ImportHost) -> None:
        super().__init__(window.window())
        self._window = window
        self._op: AsyncOp[Imported] | None = None
        self._last_dir: Path | None = None
        # The file being imported and the environment files chosen for it.
        self._path: Path | None = None
        self._env_files: tuple[str, ...] = ()

    # -- starting ------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for a file to import, then import it."""
        doc_path = self._window.doc.path
        start = self._last_dir or (doc_path.parent if doc_path else Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self._window.window(), "Import APIs", str(start), IMPORT_FILTERS
        )
        if name:
            self.import_file(Path(name))

    def paste_curl(self, text: str = "", problem: str = "") -> None:
        """Ask for a curl command, then import it; ``text`` and ``problem``: the command of
        a try that failed, shown again with why, to be corrected rather than pasted anew."""
        dialog = CurlDialog(self._window.window(), text, problem)
        dialog.accepted.connect(lambda: self.import_curl(dialog.edit.toPlainText()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def import_file(self, path: Path, env_files: tuple[str, ...] = ()) -> None:
        self._last_dir = path.parent
        self._path, self._env_files = path, env_files
        self._read(lambda: run_in_worker(jobs.read_file, str(path), env_files), path.name)

    def import_curl(self, command: str) -> None:
        self._path, self._env_files = None, ()
        self._read(
            lambda: run_in_worker(jobs.read_curl, command.strip()),
            "the curl command",
            retry=lambda problem: self.paste_curl(command, problem),
        )

    # -- drag and drop -------------------------------------------------------

    @staticmethod
    def dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        """The one local file (or folder: a Bruno collection) a drag carries, or None."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
        return files[0] if len(files) == 1 else None

    def drag_enter(self, event: QDragEnterEvent | QDragMoveEvent) -> None:
        if self.dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def drop(self, event: QDropEvent) -> None:
        path = self.dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Not from inside the drop handler: the source application waits for it to return.
        QTimer.singleShot(0, self, lambda: self.import_file(path))

    # -- reading, previewing, applying ---------------------------------------

    def _read(self, factory: Any, source: str, retry: Callable[[str], None] | None = None) -> None:
        if self._op is not None and self._op.running:
            self.message.emit("Still reading the previous import; try again when it is shown.")
            return
        self.message.emit(f"Reading {source}…")
        op: AsyncOp[Imported] = AsyncOp(self, factory)
        op.success(lambda imported: self._preview(imported, source))
        # Later, not inside the task: the message box runs a nested event loop.
        op.failure(lambda exc: QTimer.singleShot(0, self, lambda: self._failed(source, exc, retry)))
        self._op = op.run()

    def _failed(
        self, source: str, exc: DesignerError, retry: Callable[[str], None] | None = None
    ) -> None:
        self.message.emit(f"Could not import {source}; nothing was changed.")
        text = str(exc).removesuffix(_CLI_ONLY).rstrip(".")
        if retry is not None:  # what the user typed comes back, with what is wrong in it
            retry(f"{text}.")
            return
        show_error(
            self._window.window(),
            "Could not import",
            f"{text}.\n\nNothing was imported; the workspace is unchanged.",
        )

    def _preview(self, imported: Imported, source: str) -> None:
        self.message.emit("")
        # The preview pulls in the merge planner; load it with the first import.
        from designer.ui.interop.preview_dialog import ImportPreviewDialog

        dialog = ImportPreviewDialog(
            imported,
            self._window.doc.workspace,
            source,
            self._window.window(),
            env_files=[Path(p).name for p in self._env_files],
        )
        dialog.accepted.connect(lambda: self._apply(dialog, imported, source))
        dialog.rejected.connect(
            lambda: (
                None
                if dialog.chosen_env_file
                else self.message.emit("Import cancelled; nothing was changed.")
            )
        )
        dialog.envFileChosen.connect(self._with_env_file)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.previewShown.emit(dialog)

    def _with_env_file(self, env_file: str) -> None:
        """Read the same collection again, with one more environment file."""
        if self._path is not None:
            self.import_file(self._path, (*self._env_files, env_file))

    def _apply(self, dialog: ImportPreviewDialog, imported: Imported, source: str) -> None:
        doc = self._window.doc
        try:
            from designer.core.interop.service import merge_import
            from designer.core.interop.sync import locate_sources

            locate_sources(imported.result.apis, str(doc.path) if doc.path else None)
            merged = merge_import(doc.workspace, imported, dialog.choices(), source=source)
        except DesignerError as exc:
            self._failed(source, exc)
            return
        entered = dialog.secret_values()
        added = push_merge(doc, merged.outcome, f"Import {source}")
        store = self._window.secrets
        required = {secret.ref for secret in merged.required}
        for ref, value in merged.secrets.items():
            if ref not in required:  # the rest were shown in the dialog, maybe edited
                store.set(ref, value)
        # The dialog showed the names before the merge; a rename changes the names
        # (not the secrets), so entries are matched by reference.
        from designer.core.interop.merge import remap_ref

        for secret in imported.required:
            ref = remap_ref(secret.ref, merged.outcome.ids)
            typed = entered.get(secret.env)
            if typed and ref in required:
                store.set(ref, typed)
        if added:
            self._window.tree.select(Item("api", added[0].id))
        calls = sum(p.calls for p in merged.outcome.planned if p.action != "skip")
        undo = self._window.actions.undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.message.emit(
            f"Imported {plural(calls, 'call')} from {source}: "
            f"{merged.outcome.summary()}. Undo ({undo}) takes it back."
        )
