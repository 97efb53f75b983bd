"""File ▸ Import cURL Command…: paste a curl command to import it as a call."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer.ui.editors.widgets import monospace_font
from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.naming import named

__all__ = ["CurlDialog"]


class CurlDialog(QDialog):
    """Asks for a curl command; :meth:`command` is the pasted text."""

    def __init__(self, parent: QWidget | None = None, text: str = "", problem: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("curlImportDialog")
        self.setWindowTitle("Import cURL command")
        intro = QLabel(
            "Paste a curl command, for example from your browser's developer tools "
            "(Copy as cURL). It becomes a call of a new API; credentials in it go to the "
            "secret store, not the workspace file.",
            self,
        )
        intro.setWordWrap(True)
        self.edit = named(QPlainTextEdit(self), "curlCommandEdit")
        self.edit.setAccessibleName("curl command")
        self.edit.setToolTip("One curl command; line continuations (\\) are fine")
        self.edit.setPlaceholderText(
            "curl 'https://api.example.com/v1/items?page=1' -H 'Accept: application/json'"
        )
        self.edit.setFont(monospace_font())
        self.edit.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Continue")
        self.ok_button.setEnabled(False)
        self.edit.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.command())))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit, 1)
        #: why the last try failed, shown over the text it was about (kept for correcting)
        self.problem = InlineMessage(self)
        self.problem.setObjectName("curlImportProblem")
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(640, 320)
        if text:
            self.edit.setPlainText(text)
        if problem:
            self.problem.show_error(problem)

    def command(self) -> str:
        return self.edit.toPlainText().strip()
