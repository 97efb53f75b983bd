"""New, Open, Save, Save As and the unsaved-changes prompt.

The workspace file format refuses duplicate names and path placeholders
without a parameter; a file written in that state would not open again, so
Save refuses it with the first problem and what to do about it instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from designer.core.errors import DesignerError
from designer.core.models import Workspace

from .document import Document
from .errors import show_error
from .recovery import Recovery
from .settings import Settings

__all__ = ["SUFFIX", "FileActions"]

SUFFIX = ".workspace.json"
_FILTER = "Workspaces (*.workspace.json);;JSON files (*.json);;All files (*)"


class FileActions(QObject):
    """File commands of one window; ``message`` carries status-bar text."""

    message = Signal(str)
    recentChanged = Signal()

    def __init__(
        self, window: QWidget, doc: Document, settings: Settings, recovery: Recovery
    ) -> None:
        super().__init__(window)
        self._window, self._doc = window, doc
        self._settings, self._recovery = settings, recovery

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Ask what to do with unsaved changes: Save, Discard or Cancel."""
        box = QMessageBox(self._window)
        box.setObjectName("unsavedChangesDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save the changes to “{self._doc.display_name}”?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        return QMessageBox.StandardButton(box.exec())

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current workspace (saved or discarded)."""
        if not self._doc.is_dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._recovery.discard()
            return True
        return False

    def new(self) -> None:
        if self.maybe_save():
            self._doc.replace(Workspace(), None)
            self.message.emit("New workspace: add an API with Edit ▸ Add API.")

    def open(self) -> None:
        if not self.maybe_save():
            return
        start = self._doc.path.parent if self._doc.path else Path.home()
        name, _ = QFileDialog.getOpenFileName(self._window, "Open workspace", str(start), _FILTER)
        if name:
            self.load(Path(name), ask=False)

    def load(self, path: Path, *, ask: bool = True) -> bool:
        """Open ``path`` in place of the current workspace; False if it failed or was declined."""
        if ask and not self.maybe_save():
            return False
        try:
            self._doc.open(path)
        except DesignerError as exc:
            show_error(self._window, "Could not open workspace", str(exc))
            if not path.exists():
                self._settings.remove_recent(path)
                self.recentChanged.emit()
            return False
        self._settings.add_recent(path)
        self.recentChanged.emit()
        self.message.emit(f"Opened {path}")
        return True

    def save(self) -> bool:
        if self._doc.path is None:
            return self.save_as()
        return self._save_to(self._doc.path)

    def save_as(self) -> bool:
        doc = self._doc
        start = doc.path or Path.home() / f"{doc.workspace.name or 'Untitled'}{SUFFIX}"
        name, _ = QFileDialog.getSaveFileName(
            self._window, "Save workspace as", str(start), _FILTER
        )
        if not name:
            return False
        path = Path(name)
        if not path.name.endswith(".json"):
            path = path.with_name(path.name + SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from designer.core.workspace_file import problems

        found = problems(self._doc.workspace)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            show_error(
                self._window,
                "Cannot save yet",
                f"The workspace would not open again: {found[0].message}{more}. "
                "Fix it, then save again.",
            )
            return False
        try:
            saved = self._doc.save(path)
        except DesignerError as exc:
            show_error(self._window, "Could not save workspace", str(exc))
            return False
        self._settings.add_recent(saved)
        self.recentChanged.emit()
        self.message.emit(f"Saved {saved}")
        return True
