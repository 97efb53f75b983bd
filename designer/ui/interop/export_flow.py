"""File ▸ Export…: the choices, the save dialog, then the file written in a worker.

The export itself is the core's (:func:`~designer.core.interop.service.export_workspace`)
and the file is written atomically, so a failure leaves any existing file
as it was. Secret values never reach the output; they are passed to the
worker only for a bundle with samples, where the core masks them in values
seen in responses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from designer.core.errors import DesignerError
from designer.core.fileio import format_size
from designer.core.interop import EXPORT_LABELS
from designer.core.interop.common import select_apis
from designer.core.models import Workspace
from designer.core.secrets.names import required_secrets
from designer.core.wording import plural
from designer.ui.infra.errors import show_error
from designer.ui.infra.ops import AsyncOp, run_in_worker
from designer.ui.interop import jobs

if TYPE_CHECKING:
    from designer.core.models import Api, Call
    from designer.core.secrets.store import SecretStore
    from designer.ui.editing.document import Document
    from designer.ui.interop.export_dialog import ExportFormat

__all__ = ["ExportFlow", "ExportHost"]


def _snapshot(ws: Workspace, request: jobs.ExportRequest) -> Workspace:
    """What the worker exports, taken now: edits made meanwhile must not race the pickling.

    Edits replace API and call objects rather than changing them, so copying
    the lists is enough, and cheap even for a large workspace.
    """
    apis = select_apis(ws, list(request.api_names))
    if request.call is not None:
        api = apis[0]
        calls = [c for c in api.calls if c.name == request.call]
        apis = [api.model_copy(update={"calls": calls})]
    copies = [api.model_copy(update={"calls": list(api.calls)}) for api in apis]
    return ws.model_copy(update={"apis": copies})


class ExportHost(Protocol):
    """What the flow needs of the window it serves (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def secrets(self) -> SecretStore: ...
    def current_call(self) -> tuple[Api, Call] | None: ...
    # The top-level widget: the parent of the flow and of its dialogs.
    def window(self) -> QWidget: ...


class ExportFlow(QObject):
    """Exports the window's workspace; ``message`` carries status-bar text."""

    message = Signal(str)
    #: the path of a file just written
    exported = Signal(str)

    def __init__(self, window: ExportHost) -> None:
        super().__init__(window.window())
        self._window = window
        self._op: AsyncOp[int] | None = None
        self._last_dir: Path | None = None

    def start(self) -> None:
        """Show the export dialog; on Export, ask where to save and write the file."""
        ws = self._window.doc.workspace
        if not ws.apis:
            self.message.emit("Nothing to export yet: add or import an API first.")
            return
        from designer.ui.interop.export_dialog import ExportDialog  # loaded with the first export

        dialog = ExportDialog(ws, self._window.current_call(), self._window.window())
        dialog.accepted.connect(
            lambda: self._save(dialog.request(), dialog.export_format(), dialog.suggested_name())
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _save(self, request: jobs.ExportRequest, fmt: ExportFormat, suggested: str) -> None:
        if self._op is not None and self._op.running:
            self.message.emit("Still writing the previous export; try again in a moment.")
            return
        doc_path = self._window.doc.path
        start = self._last_dir or (doc_path.parent if doc_path else Path.home())
        name, _ = QFileDialog.getSaveFileName(
            self._window.window(),
            "Export as",
            str(start / suggested),
            f"{fmt.filters};;All files (*)",
        )
        if not name:
            self.message.emit("Export cancelled.")
            return
        path = Path(name)
        if not path.suffix:
            path = path.with_name(path.name + fmt.suffix)
        self._last_dir = path.parent
        ws = _snapshot(self._window.doc.workspace, request)
        values: tuple[str, ...] = ()
        if request.include_samples:
            store = self._window.secrets
            found = (store.get(s.ref) for s in required_secrets(ws.apis))
            values = tuple(v for v in found if v)
        calls = sum(len(api.calls) for api in ws.apis)

        def done(size: int) -> None:
            self.message.emit(
                f"Exported {EXPORT_LABELS[request.to]} of {plural(calls, 'call')} "
                f"to {path} ({format_size(size)})."
            )
            self.exported.emit(str(path))

        op: AsyncOp[int] = AsyncOp(
            self, lambda: run_in_worker(jobs.write_export, ws, request, str(path), values)
        )
        op.success(done)
        # Later, not inside the task: the message box runs a nested event loop.
        op.failure(lambda exc: QTimer.singleShot(0, self, lambda: self._failed(path, exc)))
        self.message.emit(f"Exporting to {path}…")
        self._op = op.run()

    def _failed(self, path: Path, exc: DesignerError) -> None:
        self.message.emit(f"Could not export to {path}.")
        text = str(exc).rstrip(".")
        show_error(
            self._window.window(),
            "Could not export",
            f"{text}.\n\nNothing was written; an existing file is unchanged.",
        )
