"""The Body tab of the call editor: body type, content type and the raw template.

Which fields apply depends on the body type: a template for JSON, form and
raw bodies (``<name>`` inserts a parameter's value), a Content-Type for raw
bodies only. A hint under the selector says what will be sent.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import BodyType, Call, unsent_body_parameters
from designer.ui.editors.widgets import monospace_font, set_text_keeping_cursor

__all__ = ["BodyEditor"]

_HINTS = {
    BodyType.NONE: "No body is sent.",
    BodyType.JSON: "Leave the template empty to send the body parameters as a JSON object of "
    'texts, or write the JSON with <name> where a parameter\'s value goes: "<name>" for '
    "text, a bare <name> for a number, true/false or null.",
    BodyType.FORM: "Leave the template empty to send the body parameters URL-encoded, "
    "or write the body with <name> where a parameter's value goes.",
    BodyType.MULTIPART: "The body parameters are sent as multipart form fields.",
    BodyType.RAW: "Write the body as it is sent; <name> inserts a parameter's value.",
}
_LABELS = {BodyType.JSON: "JSON"}
#: What the Content-Type field shows: the header each body type sends (only raw is editable).
_SENT_AS = {
    BodyType.NONE: "",
    BodyType.JSON: "application/json",
    BodyType.FORM: "application/x-www-form-urlencoded",
    BodyType.MULTIPART: "multipart/form-data",
    BodyType.RAW: "text/plain; charset=utf-8",
}
_TEMPLATED = (BodyType.JSON, BodyType.FORM, BodyType.RAW)


class BodyEditor(QWidget):
    #: field of the call, new value, undo text, whether typing merges into one step
    edited = Signal(str, object, str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.body_type = QComboBox(self)
        self.body_type.setAccessibleName("Body type")
        self.body_type.setToolTip("How the body is encoded")
        for kind in BodyType:
            self.body_type.addItem(_LABELS.get(kind, kind.value.capitalize()), kind)
        self.body_type.activated.connect(
            lambda _: self.edited.emit(
                "body_type", self.body_type.currentData(), "Change body type", False
            )
        )
        self.content_type = QLineEdit(self)
        self.content_type.setAccessibleName("Content type")
        self.content_type.setPlaceholderText("text/plain; charset=utf-8")
        self.content_type.setToolTip("The Content-Type header of a raw body")
        self.content_type.textEdited.connect(
            lambda text: self.edited.emit("content_type", text, "Edit content type", True)
        )
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.template = QPlainTextEdit(self)
        self.template.setObjectName("bodyTemplate")
        self.template.setAccessibleName("Body template")
        self.template.setToolTip("The body; <name> is replaced by the parameter's value")
        self.template.setFont(monospace_font())
        self.template.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the form
        self.template.textChanged.connect(self._template_changed)

        row = QHBoxLayout()
        type_label = QLabel("Body &type:", self)
        type_label.setBuddy(self.body_type)
        row.addWidget(type_label)
        row.addWidget(self.body_type)
        row.addSpacing(12)
        content_label = QLabel("Co&ntent type:", self)
        content_label.setBuddy(self.content_type)
        row.addWidget(content_label)
        row.addWidget(self.content_type, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        layout.addWidget(self.template, 1)

    def load(self, call: Call) -> None:
        """Show the body settings of ``call`` without reporting them as edits."""
        self._loading = True
        try:
            self.body_type.setCurrentIndex(self.body_type.findData(call.body_type))
            set_text_keeping_cursor(self.content_type, call.content_type)
            if self.template.toPlainText() != call.body_template:
                self.template.setPlainText(call.body_template)
        finally:
            self._loading = False
        self.template.setEnabled(call.body_type in _TEMPLATED)
        self.content_type.setEnabled(call.body_type == BodyType.RAW)
        self.content_type.setPlaceholderText(_SENT_AS[call.body_type])
        unsent = unsent_body_parameters(call)
        if unsent:
            names = ", ".join(f"'{n}'" for n in unsent)
            self.hint.setText(
                f"No body is sent, so the body parameters {names} are not sent either: "
                "choose JSON, Form or Multipart, or move them to the query."
            )
        else:
            self.hint.setText(_HINTS[call.body_type])

    def _template_changed(self) -> None:
        if not self._loading:
            self.edited.emit("body_template", self.template.toPlainText(), "Edit body", True)
