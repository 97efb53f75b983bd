"""New, Open, Save, Save As and the unsaved-changes prompt.

The workspace file format refuses duplicate names and path placeholders
without a parameter; a file written in that state would not open again, so
Save refuses it with the first problem and what to do about it instead.

A file changed by another program is never overwritten unseen: Save offers
Reload, Overwrite or Save As, and a change noticed while the file is open
reloads it (or asks, when there are unsaved changes here). A read-only file
is refused with an offer to save under another name.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from designer.core.errors import DesignerError, ReadOnlyFileError, SaveConflictError
from designer.core.models import Workspace
from designer.ui.editing.document import Document
from designer.ui.infra.errors import show_error
from designer.ui.infra.settings import Settings
from designer.ui.window.recovery import Recovery

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
        self._asking_about_disk = False
        doc.changedOnDisk.connect(self._changed_on_disk)

    # -- questions (tests answer them through these methods) -----------------

    def ask_conflict(self) -> str:
        """The file changed on disk: "reload", "overwrite", "save_as" or "cancel"."""
        box = QMessageBox(self._window)
        box.setObjectName("saveConflictDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("File changed on disk")
        box.setText(
            f"“{self._doc.display_name}” was changed by another program since you opened it."
        )
        box.setInformativeText(
            "Reload it (your unsaved changes are lost), overwrite it with your version "
            "(theirs is lost), or save yours under another name."
        )
        answers = {
            box.addButton("Reload", QMessageBox.ButtonRole.DestructiveRole): "reload",
            box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole): "overwrite",
            box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole): "save_as",
        }
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        for button, answer in answers.items():
            if button is clicked:
                return answer
        return "cancel"

    def ask_read_only(self, message: str) -> bool:
        """The file is read-only: True to save under another name."""
        box = QMessageBox(self._window)
        box.setObjectName("readOnlyDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Read-only file")
        box.setText(message)
        save_as = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save_as)
        box.exec()
        return box.clickedButton() is save_as

    def ask_reload(self) -> bool:
        """The open file changed on disk while there are unsaved changes: True to reload."""
        box = QMessageBox(self._window)
        box.setObjectName("changedOnDiskDialog")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("File changed on disk")
        box.setText(f"“{self._doc.display_name}” was changed by another program.")
        box.setInformativeText(
            "Reload it and lose your unsaved changes, or keep editing your version "
            "(saving will then ask what to do)?"
        )
        reload = box.addButton("Reload", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep My Version", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.exec()
        return box.clickedButton() is reload

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
        from designer.core.workspace.file import problems

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
        return self._write(path)

    def _write(self, path: Path, *, overwrite: bool = False) -> bool:
        try:
            saved = self._doc.save(path, overwrite=overwrite)
        except SaveConflictError:
            answer = self.ask_conflict()
            if answer == "reload":
                return self.reload()
            if answer == "overwrite":
                return self._write(path, overwrite=True)
            return self.save_as() if answer == "save_as" else False
        except ReadOnlyFileError as exc:
            return self.save_as() if self.ask_read_only(str(exc)) else False
        except DesignerError as exc:
            show_error(self._window, "Could not save workspace", str(exc))
            return False
        self._settings.add_recent(saved)
        self.recentChanged.emit()
        self.message.emit(f"Saved {saved}")
        return True

    def reload(self) -> bool:
        """Read the document's file again, dropping unsaved changes."""
        path = self._doc.path
        if path is None:
            return False
        try:
            self._doc.open(path)
        except DesignerError as exc:
            show_error(self._window, "Could not reload workspace", str(exc))
            return False
        self.message.emit(f"Reloaded {path}: it was changed by another program")
        return True

    def _changed_on_disk(self) -> None:
        if self._asking_about_disk or not self._doc.path or not self._doc.path.exists():
            return  # a removed file is noticed at the next save
        if not self._doc.is_dirty:
            self.reload()
            return
        self._asking_about_disk = True
        try:
            if self.ask_reload():
                self.reload()
        finally:
            self._asking_about_disk = False
