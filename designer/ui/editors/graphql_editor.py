"""The GraphQL tab of the call editor: the query, its schema, and calls from fields.

A call becomes a GraphQL call when *Send as GraphQL* is ticked; the query is
then edited here, with completion of the field and argument names of the
API's schema and a line under the editor saying what is wrong with it.
*Load schema* runs the introspection query; *New call from field* adds a
call running the chosen query or mutation field. graphql-core is imported
when first needed, not when the window opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.errors import DesignerError
from designer.core.models import Api, Call, GraphQLQuery, Method
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import EditApi, InsertCall
from designer.ui.editing.document import Document
from designer.ui.editors.widgets import monospace_font, set_text_keeping_cursor
from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.ops import AsyncOp

__all__ = ["GraphQLEditor", "QueryEdit", "schema_words"]

_STARTER = "query {\n  __typename\n}\n"
_KEYWORDS = ["query", "mutation", "fragment", "on", "true", "false", "null"]


def schema_words(sdl: str) -> list[str]:
    """The names completion offers: every field and argument of the schema, and keywords."""
    from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

    from designer.core.gql.schema import schema_of

    words: set[str] = set(_KEYWORDS)
    for name, kind in schema_of(sdl).type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                words.add(field_name)
                words.update(field.args)
        elif isinstance(kind, GraphQLInputObjectType):
            words.update(kind.fields)
        words.add(name)
    return sorted(words, key=lambda w: (w.casefold(), w))


class QueryEdit(QPlainTextEdit):
    """A plain-text editor with a pop-up completing the word being typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.words = QStringListModel(_KEYWORDS, self)
        self.completer = QCompleter(self.words, self)
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.activated.connect(self._insert)
        self._popup().setObjectName("graphqlCompletions")

    def _popup(self) -> QAbstractItemView:
        popup = self.completer.popup()
        assert popup is not None  # a completer always has its pop-up list
        return popup

    def set_words(self, words: list[str]) -> None:
        self.words.setStringList(words)

    def _prefix(self) -> str:
        cursor = self.textCursor()
        cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        word = cursor.selectedText()
        # Only the part before the cursor is being typed.
        start = cursor.selectionStart()
        return word[: self.textCursor().position() - start]

    def _insert(self, completion: str) -> None:
        cursor = self.textCursor()
        missing = len(completion) - len(self.completer.completionPrefix())
        if missing > 0:
            cursor.insertText(completion[-missing:])
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        popup = self._popup()
        keys = (Qt.Key.Key_Enter, Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Tab)
        if popup.isVisible() and event.key() in keys:
            event.ignore()  # the completer's pop-up takes them
            return
        super().keyPressEvent(event)
        self.complete_word()

    def complete_word(self) -> None:
        """Show the pop-up for the word before the cursor (two letters at least)."""
        prefix = self._prefix()
        popup = self._popup()
        if len(prefix) < 2 or not (prefix[0].isalpha() or prefix[0] == "_"):
            popup.hide()
            return
        if prefix != self.completer.completionPrefix():
            self.completer.setCompletionPrefix(prefix)
            popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        if self.completer.completionCount() == 0:
            popup.hide()
            return
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)


class GraphQLEditor(QWidget):
    """Edits the GraphQL document of the call shown; emits each edit for the undo stack."""

    edited = Signal(object, str)  # the new GraphQLQuery or None, the undo text
    message = Signal(str)

    def __init__(self, doc: Document, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphqlEditor")
        self._doc, self._secrets = doc, secrets
        self._api: Api | None = None
        self._call: Call | None = None
        self._sdl_words: str | None = None
        self._loading = False
        self._op: AsyncOp[str] | None = None
        #: the request executor and the environment to use, set by the window
        self.executor: Any = None
        self.environment_for: Callable[[Api], str | None] = lambda _api: None

        self.enabled = QCheckBox("Send as &GraphQL", self)
        self.enabled.setObjectName("graphqlEnabled")
        self.enabled.setToolTip(
            "The call sends a GraphQL query; its body parameters are the query's variables"
        )
        self.enabled.clicked.connect(self._toggle)
        self.query = QueryEdit(self)
        self.query.setObjectName("graphqlQuery")
        self.query.setAccessibleName("GraphQL query")
        self.query.setFont(monospace_font())
        self.query.setTabChangesFocus(True)
        self.query.textChanged.connect(self._query_edited)
        self.operation = QLineEdit(self)
        self.operation.setObjectName("graphqlOperation")
        self.operation.setAccessibleName("Operation name")
        self.operation.setPlaceholderText("the operation to run, when the document has several")
        self.operation.textEdited.connect(lambda _text: self._query_edited())
        self.problem = InlineMessage(self)
        self.problem.setObjectName("graphqlProblem")
        self.load_schema = QPushButton("&Load schema", self)
        self.load_schema.setObjectName("graphqlLoadSchema")
        self.load_schema.setToolTip("Ask the endpoint for its schema (the introspection query)")
        self.load_schema.clicked.connect(self.start_loading_schema)
        self.fields = QComboBox(self)
        self.fields.setObjectName("graphqlField")
        self.fields.setAccessibleName("Query or mutation field")
        self.new_call = QPushButton("New call from &field", self)
        self.new_call.setObjectName("graphqlNewCall")
        self.new_call.clicked.connect(self.add_call_from_field)
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("", self.enabled)
        form.addRow("&Operation:", self.operation)
        schema_row = QHBoxLayout()
        schema_row.addWidget(self.load_schema)
        schema_row.addSpacing(12)
        schema_row.addWidget(self.fields, 1)
        schema_row.addWidget(self.new_call)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.query, 1)
        layout.addWidget(self.problem)
        layout.addLayout(schema_row)

    # -- showing -------------------------------------------------------------

    def load(self, api: Api, call: Call) -> None:
        self._api, self._call = api, call
        self._loading = True
        try:
            graphql = call.graphql
            self.enabled.setChecked(graphql is not None)
            for widget in (self.query, self.operation):
                widget.setEnabled(graphql is not None)
            text = graphql.query if graphql else ""
            if self.query.toPlainText() != text:
                self.query.setPlainText(text)
            set_text_keeping_cursor(self.operation, graphql.operation_name if graphql else "")
            self._show_schema(api.graphql_schema)
        finally:
            self._loading = False
        self._check()

    def _show_schema(self, sdl: str) -> None:
        if sdl == self._sdl_words:
            return
        self._sdl_words = sdl
        fields: list[str] = []
        words: list[str] = list(_KEYWORDS)
        if sdl.strip():
            from designer.core.gql.fields import root_fields

            try:
                fields, words = root_fields(sdl), schema_words(sdl)
            except DesignerError as exc:
                self.message.emit(str(exc))
        self.query.set_words(words)
        self.fields.clear()
        self.fields.addItems(fields)
        self.new_call.setEnabled(bool(fields))
        self.fields.setEnabled(bool(fields))
        if not fields:
            self.fields.setPlaceholderText("Load the schema to choose a field")

    def _check(self) -> None:
        if self._call is None or self._call.graphql is None:
            self.problem.clear()
            return
        from designer.core.gql.schema import document_problems

        sdl = self._api.graphql_schema if self._api else ""
        problems = document_problems(self.query.toPlainText(), sdl)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            self.problem.show_error(f"{problems[0]}{more}")
        elif sdl.strip():
            self.problem.show_note("Valid against the API's schema.")
        else:
            self.problem.show_note("Valid GraphQL; load the schema to check fields too.")

    # -- edits ---------------------------------------------------------------

    def _toggle(self, on: bool) -> None:
        if self._call is None:
            return
        if on:
            self.edited.emit(GraphQLQuery(query=_STARTER), "Send as GraphQL")
        else:
            self.edited.emit(None, "Send as plain HTTP")

    def _query_edited(self) -> None:
        if self._loading or self._call is None or self._call.graphql is None:
            return
        text = self.query.toPlainText()
        if not text.strip():
            self.problem.show_error("A GraphQL call needs a query; the last one is kept.")
            return
        value = GraphQLQuery(query=text, operation_name=self.operation.text().strip())
        self.edited.emit(value, "Edit GraphQL query")

    def start_loading_schema(self) -> None:
        api = self._api
        if api is None or self.executor is None or self._op is not None:
            return
        from designer.core.calls.introspect import introspect

        environment = self.environment_for(api)
        executor = self.executor
        path = self._call.path if self._call is not None and self._call.graphql else None
        self.load_schema.setEnabled(False)
        self.problem.show_note("Loading the schema…")
        op: AsyncOp[str] = AsyncOp(
            self, lambda: introspect(executor, api, self._secrets, path, environment)
        )
        op.success(lambda sdl: self._schema_loaded(api.id, sdl))
        op.failure(lambda exc: self.problem.show_error(str(exc)))
        op.finally_(self._loading_done)
        self._op = op.run()

    def _loading_done(self) -> None:
        self._op = None
        self.load_schema.setEnabled(True)

    def _schema_loaded(self, api_id: str, sdl: str) -> None:
        api = self._doc.api(api_id)
        settings = api.model_copy(update={"calls": []})
        after = settings.model_copy(update={"graphql_schema": sdl})
        self._doc.undo_stack.push(EditApi(self._doc, settings, after, "Load GraphQL schema"))
        self.message.emit(f"Loaded the GraphQL schema of '{api.name}'.")

    def add_call_from_field(self) -> Call | None:
        api = self._api
        chosen = self.fields.currentText()
        if api is None or not chosen:
            return None
        from designer.core.gql.fields import call_from_field
        from designer.core.models import unique_name

        api = self._doc.api(api.id)
        path = self._call.path if self._call is not None else ""
        try:
            call = call_from_field(api.graphql_schema, chosen, path)
        except DesignerError as exc:
            self.message.emit(str(exc))
            return None
        call.name = unique_name(call.name, [c.name for c in api.calls])
        if call.method != Method.POST:  # pragma: no cover - fields always make POST calls
            call.method = Method.POST
        self._doc.undo_stack.push(
            InsertCall(self._doc, api.id, len(api.calls), call, "Add GraphQL call")
        )
        self.message.emit(f"Added call '{call.name}' running {chosen}.")
        return call
