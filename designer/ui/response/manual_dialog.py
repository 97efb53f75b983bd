""" "Manually enter response…": paste a sample body instead of calling the API.

For offline design, as in Bubble: the user pastes what the API returns (from
its documentation, say), picks how to read it, and chooses whether the result
merges into the call's current structure or replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from designer.ui.infra.naming import named

__all__ = ["CONTENT_TYPES", "ManualResponse", "ManualResponseDialog", "replace_question"]

#: Offered in the dialog; the first reads JSON, XML or text by looking at the body.
CONTENT_TYPES = ("Detect from the body", "application/json", "application/xml", "text/plain")


@dataclass(frozen=True, slots=True)
class ManualResponse:
    body: bytes
    content_type: str  # "" to detect from the body
    merge: bool


class ManualResponseDialog(QDialog):
    """Asks for a body, how to read it, and merge or replace."""

    def __init__(self, call_name: str, has_structure: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manualResponseDialog")
        self.setWindowTitle(f"Manually enter response · {call_name}")
        self.resize(620, 460)

        intro = QLabel(
            "Paste a sample response body, for example from the API's documentation. "
            "Its structure is inferred as if the call had returned it.",
            self,
        )
        intro.setWordWrap(True)
        self.bodyEdit = named(QPlainTextEdit(self), "manualBodyEdit")
        self.bodyEdit.setAccessibleName("Response body")
        self.bodyEdit.setToolTip("A sample of what the API returns: JSON, XML or text")
        self.bodyEdit.setPlaceholderText('{"data": [{"id": 1, "name": "Ada"}]}')
        self.bodyEdit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.bodyEdit.setTabChangesFocus(True)
        self.contentTypeBox = named(QComboBox(self), "manualContentType")
        self.contentTypeBox.setEditable(True)
        self.contentTypeBox.addItems(list(CONTENT_TYPES))
        self.contentTypeBox.setAccessibleName("Content type")
        self.contentTypeBox.setToolTip("How to read the body; detected from it by default")

        self.mergeButton = QRadioButton("&Merge into the current structure", self)
        self.mergeButton.setObjectName("manualMerge")
        self.mergeButton.setToolTip("Fields of both are kept; a field missing from one is optional")
        self.replaceButton = QRadioButton("&Replace the current structure", self)
        self.replaceButton.setObjectName("manualReplace")
        self.replaceButton.setToolTip("The structure becomes exactly what this sample shows")
        group = QButtonGroup(self)
        group.addButton(self.mergeButton)
        group.addButton(self.replaceButton)
        self.mergeButton.setEnabled(has_structure)
        (self.mergeButton if has_structure else self.replaceButton).setChecked(True)
        choice = QHBoxLayout()
        choice.addWidget(self.mergeButton)
        choice.addWidget(self.replaceButton)
        choice.addStretch(1)

        form = QFormLayout()
        form.addRow("&Content type:", self.contentTypeBox)
        form.addRow("Result:", choice)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Infer structure")
        ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.bodyEdit.textChanged.connect(
            lambda: ok.setEnabled(bool(self.bodyEdit.toPlainText().strip()))
        )

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.bodyEdit, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.bodyEdit.setFocus()

    def result_value(self) -> ManualResponse:
        content_type = self.contentTypeBox.currentText().strip()
        if content_type == CONTENT_TYPES[0]:
            content_type = ""
        return ManualResponse(
            body=self.bodyEdit.toPlainText().encode("utf-8"),
            content_type=content_type,
            merge=self.mergeButton.isChecked(),
        )


def replace_question(
    parent: QWidget, call_name: str, reason: str
) -> tuple[QMessageBox, QPushButton]:
    """The question before a body read only as text replaces a designed structure:
    the box (not yet open) and its *Replace with Text* button."""
    box = QMessageBox(parent)
    box.setObjectName("replaceStructureDialog")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Replace the structure?")
    box.setText(f"The response of “{call_name}” can only be read as text: {reason}.")
    box.setInformativeText(
        "Replace its stored structure with a single text field? The body is shown in Raw."
    )
    replace = box.addButton("Replace with Text", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep Structure", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.finished.connect(box.deleteLater)
    return box, replace
