"""The call editor (objectName ``callEditor``): everything about one request.

Each user edit becomes an :class:`~designer.ui.editing.commands.EditCall` on the
document's undo stack; when the document changes (an edit, an undo), the
editor reloads its widgets from it. Text typed in one field merges into one
undo step.

Typing a ``{name}`` placeholder in the path adds a path parameter of that
name in the same undo step, and says so under the path.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.http.path_edit import Parked, edit_path
from designer.core.models import (
    METHOD_TOKEN,
    Api,
    Call,
    Method,
    Parameter,
    ResponseType,
    UseAs,
    default_placement,
    default_use_as,
    secret_ref,
    with_parameters,
)
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import EditCall
from designer.ui.editing.document import Document
from designer.ui.editors.body_editor import BodyEditor
from designer.ui.editors.graphql_editor import GraphQLEditor
from designer.ui.editors.params_widget import ParamsTable
from designer.ui.editors.preview import RequestPreview
from designer.ui.editors.request_line import RequestLine
from designer.ui.editors.widgets import UndoRouter, set_text_keeping_cursor
from designer.ui.infra.errors import InlineMessage

__all__ = ["NOTE_SECONDS", "CallEditor"]

#: How long a note under the request line stays.
NOTE_SECONDS = 12


def _param_ref(api: Api, call: Call, name: str) -> str:
    return secret_ref(api, f"param.{name}", call)


_RESPONSE_LABELS = {
    ResponseType.AUTO: "Auto-detect",  # short: the editor is narrow; the tooltip says how
    ResponseType.JSON: "JSON",
    ResponseType.XML: "XML",
    ResponseType.TEXT: "Text",
    ResponseType.BINARY: "File / binary",
    ResponseType.STREAM: "Stream",
}


def _buddy(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def _combo(parent: QWidget, name: str, tip: str, items: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    for label, data in items:
        combo.addItem(label, data)
    return combo


class CallEditor(QWidget):
    message = Signal(str)

    def __init__(self, doc: Document, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("callEditor")
        self.setAccessibleName("Call editor")
        self._doc, self._secrets = doc, secrets
        self._call_id: str | None = None
        self._loading = False
        #: path parameters whose placeholder was erased while editing this call's path
        self._parked: tuple[Parked, ...] = ()

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("callName")
        self.name_edit.setAccessibleName("Call name")
        self.name_edit.setToolTip("A name unique within the API")
        self.name_edit.textEdited.connect(self._edit_name)
        self.name_edit.editingFinished.connect(self._reload)
        self.use_as = _combo(
            self,
            "Use as",
            "Data is fetched for display; an action changes something",
            [("Data", UseAs.DATA), ("Action", UseAs.ACTION)],
        )
        self.use_as.activated.connect(
            lambda _: self._edit("use_as", self.use_as.currentData(), "Change use as")
        )
        self.response_type = _combo(
            self,
            "Response type",
            "How the response body is read; Auto-detect reads it by its Content-Type",
            [(v, k) for k, v in _RESPONSE_LABELS.items()],
        )
        self.response_type.activated.connect(
            lambda _: self._edit(
                "response_type", self.response_type.currentData(), "Change response type"
            )
        )
        self.method = _combo(
            self,
            "Method",
            "The HTTP method: choose one, or type another such as PURGE",
            [(m.value, m) for m in Method],
        )
        self.method.setObjectName("callMethod")
        # Editable for custom methods; only method characters can be typed.
        self.method.setEditable(True)
        self.method.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        method_line = self.method.lineEdit()
        assert method_line is not None  # the box was made editable just above
        method_line.setValidator(
            QRegularExpressionValidator(QRegularExpression(METHOD_TOKEN.pattern), self.method)
        )
        self.method.activated.connect(lambda _: self._edit_method())
        method_line.editingFinished.connect(self._edit_method)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("callPath")
        self.path_edit.setAccessibleName("Path")
        self.path_edit.setPlaceholderText("/orders/{id}")
        self.path_edit.textEdited.connect(self._edit_path)
        # A one-line note under the request line ("Added path parameter…"): its room is
        # kept while it is hidden, so showing it never pushes the form down under the
        # pointer, and it goes away by itself. The status bar has the same text.
        self.path_note = InlineMessage(self)
        self.path_note.setObjectName("callNote")
        self.path_note.setWordWrap(False)
        self.path_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._note_slot = QWidget(self)
        slot = QVBoxLayout(self._note_slot)
        slot.setContentsMargins(0, 0, 0, 0)
        slot.addWidget(self.path_note)
        self.path_note.show_note("Xg")  # the height of a one-line note, kept for it
        self._note_slot.setFixedHeight(self.path_note.sizeHint().height())
        self.path_note.clear()
        self._note_timer = QTimer(self)
        self._note_timer.setSingleShot(True)
        self._note_timer.setInterval(NOTE_SECONDS * 1000)
        self._note_timer.timeout.connect(self.path_note.clear)
        self.description = QLineEdit(self)
        self.description.setAccessibleName("Description")
        self.description.setToolTip("What the call is for, for the people who use the connector")
        self.description.textEdited.connect(
            lambda text: self._edit("description", text, "Edit description", merge=True)
        )
        self.capture_headers = QCheckBox("Capture response headers", self)
        self.capture_headers.setToolTip("The response headers become part of the data")
        self.capture_headers.clicked.connect(
            lambda on: self._edit("capture_headers", on, "Toggle capture response headers")
        )
        self.include_errors = QCheckBox("Include errors in response", self)
        self.include_errors.setToolTip(
            "An error status becomes data (status, message, body) instead of a failure"
        )
        self.include_errors.clicked.connect(
            lambda on: self._edit("include_errors", on, "Toggle include errors")
        )

        self.params = ParamsTable("paramsTable", "Parameters", secrets, parent=self)
        self.params.model.edited.connect(self._edit_parameters)
        self.params.model.message.connect(self.message)
        self.params.model.chosen_files = doc.chosen_files
        self.body = BodyEditor(self)
        self.body.edited.connect(
            lambda field, value, text, merge: self._edit(field, value, text, merge=merge)
        )
        # The body's widgets, by the names the rest of the editor and its tests use.
        self.body_type, self.content_type = self.body.body_type, self.body.content_type
        self.template = self.body.template
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("callTabs")
        self.tabs.addTab(self.params, "&Parameters")
        self.tabs.addTab(self.body, "&Body")
        self.graphql = GraphQLEditor(doc, secrets, self)
        self.graphql.edited.connect(
            lambda value, text: self._edit("graphql", value, text, merge=True)
        )
        self.graphql.message.connect(self.message)
        self.tabs.addTab(self.graphql, "Graph&QL")
        self.problem = InlineMessage(self)
        self.problem.setObjectName("callProblem")
        self.preview = RequestPreview(secrets, self)
        self.preview.chosen_files = doc.chosen_files
        self.preview.message.connect(self.message)
        self._lay_out()
        self._set_tab_order()
        UndoRouter(self).install(self)
        doc.callChanged.connect(self._call_changed)
        doc.apiChanged.connect(self._api_changed)

    def _set_tab_order(self) -> None:
        """Tab moves through the fields as they are laid out, top to bottom, left to right."""
        chain: list[QWidget] = [
            self.name_edit,
            self.method,
            self.path_edit,
            self.use_as,
            self.response_type,
            self.description,
            self.capture_headers,
            self.include_errors,
            self.tabs,
            # Into the Parameters page: from the tab bar, Tab reaches the table.
            self.params.view,
            self.params.add_button,
            self.params.remove_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name:", self.name_edit)
        self.request_line = RequestLine(self.method, self.path_edit, self)
        form.addRow(_buddy("&Request:", self.method, self), self.request_line)
        form.addRow(self._note_slot)
        kinds = QHBoxLayout()
        kinds.addWidget(self.use_as)
        kinds.addSpacing(12)
        response_label = QLabel("Resp&onse:", self)
        response_label.setBuddy(self.response_type)
        kinds.addWidget(response_label)
        kinds.addWidget(self.response_type)
        kinds.addStretch(1)
        form.addRow(_buddy("&Use as:", self.use_as, self), kinds)
        form.addRow("&Description:", self.description)
        # One option a line: side by side they clip in a narrow editor.
        options = QVBoxLayout()
        options.setSpacing(2)
        options.addWidget(self.capture_headers)
        options.addWidget(self.include_errors)
        form.addRow("Options:", options)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(form)
        top_layout.addWidget(self.problem)
        top_layout.addWidget(self.tabs, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("callSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([500, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

    # -- showing a call ------------------------------------------------------

    def current(self) -> tuple[Api, Call] | None:
        if self._call_id is None:
            return None
        try:
            return self._doc.find_call(self._call_id)
        except KeyError:
            return None

    def set_call(self, call_id: str | None) -> None:
        if call_id != self._call_id:
            self.path_note.clear()
            self._parked = ()
        self._call_id = call_id
        self._reload()

    def _call_changed(self, _api_id: str, call_id: str) -> None:
        if call_id == self._call_id:
            self._reload()

    def _api_changed(self, api_id: str) -> None:
        found = self.current()
        if found is not None and found[0].id == api_id:
            self._reload()

    def _reload(self) -> None:
        found = self.current()
        if found is None:
            self.preview.show_request(None, None)
            return
        api, call = found
        self._loading = True
        try:
            set_text_keeping_cursor(self.name_edit, call.name)
            set_text_keeping_cursor(self.path_edit, call.path)
            environment = api.environment(self.preview.environment_for(api))
            self.request_line.set_base_url(
                environment.base_url if environment and environment.base_url else api.base_url
            )
            self.path_edit.setToolTip(
                f"The path after the API's base URL ({api.base_url}); "
                "{name} inserts a path parameter"
            )
            set_text_keeping_cursor(self.description, call.description)
            for combo, value in (
                (self.use_as, call.use_as),
                (self.response_type, call.response_type),
            ):
                combo.setCurrentIndex(combo.findData(value))
            self.method.setCurrentIndex(self.method.findText(call.method.value))
            self.method.setEditText(call.method.value)  # a custom method is in no item
            self.capture_headers.setChecked(call.capture_headers)
            self.include_errors.setChecked(call.include_errors)
            self.body.load(call)
            self.graphql.load(api, call)
            self.params.model.default_placement = default_placement(call.method)
            self.params.model.set_parameters(
                call.parameters,
                partial(_param_ref, api, call),
                owner=call.id,
            )
        finally:
            self._loading = False
        problems = self._doc.problems("call", call.id)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.problem.show_error(f"This call cannot be saved as it is: {problems[0]}{more}.")
        else:
            self.problem.clear()
        self.preview.show_request(api, call)

    # -- edits ---------------------------------------------------------------

    def _push(self, before: Call, after: Call, text: str, merge_key: object = None) -> None:
        self._doc.undo_stack.push(EditCall(self._doc, before, after, text, merge_key))

    def _edit(self, field: str, value: Any, text: str, *, merge: bool = False) -> None:
        found = self.current()
        if self._loading or found is None:
            return
        call = found[1]
        if getattr(call, field) == value:
            return
        after = call.model_copy()
        # Assigned, not updated: combo data comes back from Qt as plain str, and
        # validation turns it into the enum the file writer expects.
        setattr(after, field, value)
        self._push(call, after, text, (call.id, field) if merge else None)

    def _edit_method(self) -> None:
        text = self.method.currentText().strip().upper()
        if not text:  # the validator lets nothing else through
            self.message.emit("A call needs a method; the old one was kept.")
            self._reload()
            return
        found = self.current()
        if self._loading or found is None or found[1].method == text:
            return
        call, method = found[1], Method(text)
        after = call.model_copy()
        after.method = method
        # Use as follows the method when it moves between reading and writing,
        # as an import sets it: a POST made by hand is an action.
        use_as = default_use_as(method)
        note = ""
        if use_as != call.use_as and default_use_as(call.method) == call.use_as:
            after.use_as = use_as
            note = f"Use as set to {use_as.value.capitalize()} for a {text} call."
            note += " Change it back here if the call only reads data."
        self._push(call, after, f"Change method to {text}")
        if note:
            self._note(note)

    def _edit_parameters(self, params: list[Parameter], text: str) -> None:
        """Apply a new parameter list; a body parameter on a call without a body gives
        it a JSON body in the same undo step, and says so."""
        found = self.current()
        if self._loading or found is None or found[1].parameters == params:
            return
        call = found[1]
        after = with_parameters(call, params)
        self._push(call, after, text)
        if after.body_type != call.body_type:
            note = (
                "Body type set to JSON: body parameters are sent as a JSON object "
                "(Edit ▸ Undo, or the Body tab, to change it)."
            )
            self._note(note)

    def _edit_name(self, text: str) -> None:
        # A name that is empty or taken is not applied; leaving the field
        # restores the last good one.
        found = self.current()
        name = text.strip()
        if found is None or not name:
            return
        api, call = found
        if any(c.name.casefold() == name.casefold() for c in api.calls if c.id != call.id):
            self.message.emit(f"API '{api.name}' already has a call named '{name}'.")
            return
        self._edit("name", name, "Rename call", merge=True)

    def _edit_path(self, path: str) -> None:
        """Apply a new path, keeping the path parameters in step with its placeholders.

        A workspace whose path placeholders and path parameters disagree does
        not load, so a placeholder typed adds its parameter and one deleted
        parks it, in the same undo step as the text; a placeholder retyped
        keeps its parameter's sample and flags (see :mod:`designer.core.http.path_edit`).
        """
        found = self.current()
        if self._loading or found is None:
            return
        api, call = found
        edit = edit_path(api, call, path, self._parked)
        self._parked = edit.parked
        self._push(call, edit.call, "Edit path", (call.id, "path"))
        notes = []
        if edit.renamed:
            pairs = ", ".join(f"'{a}' to '{b}'" for a, b in edit.renamed)
            notes.append(f"Renamed path parameter {pairs}, keeping its sample.")
        if edit.restored:
            notes.append(f"Path parameter {_quoted(edit.restored)} is back, with its sample.")
        if edit.added:
            notes.append(
                f"Added path parameter {_quoted(edit.added)}; give it a sample value in Parameters."
            )
        if edit.removed:
            notes.append(
                f"Removed path parameter {_quoted(edit.removed)}, no longer in the path "
                "(type it back to restore it)."
            )
        if notes:
            self._note(" ".join(notes))

    def _note(self, text: str) -> None:
        self.path_note.show_note(text)
        self.path_note.setToolTip(text)
        self.message.emit(text)
        self._note_timer.start()


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)
