"""The Secrets dialog (objectName ``secretsDialog``): what a workspace needs, set it here.

It lists every secret of the workspace with its environment variable and
where its value comes from now (an environment variable, an environment, the
keychain), or *not set*. Values are hidden: the field below the table
(``secretValue``) takes a new value (*Set*), shows the stored one on request
(*Reveal*), or removes it (*Clear*); *Undo* takes back the last change made
in the dialog. A secret that an environment variable supplies says so: that
value wins over the keychain's, and the dialog cannot change it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Workspace, scoped_ref
from designer.core.secrets.scope import NeededSecret, needed_secrets
from designer.core.secrets.store import SecretStore

__all__ = ["SecretsDialog"]

_HEADERS = ("Secret", "Environment variable", "State")
_FROM_VARIABLE = "environment variable"
#: The description column never gets narrower than this (pixels); it elides instead.
_MIN_DESCRIPTION = 200


def _state(secret: NeededSecret) -> str:
    if secret.source == _FROM_VARIABLE:
        return "from environment variable"
    if secret.source is not None:
        return f"set ({secret.source})"
    return "optional, not set" if secret.optional else "not set"


class SecretsDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        store: SecretStore,
        environments: Mapping[str, str],
        notice: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("secretsDialog")
        self.setWindowTitle("Secrets")
        self.resize(820, 400)
        self._workspace, self._store, self._environments = workspace, store, environments
        #: (reference, value before the change or None): what Undo restores, last first
        self._undo: list[tuple[str, str | None]] = []
        self.listed: list[NeededSecret] = []

        self.table = QTableWidget(0, len(_HEADERS), self)
        self.table.setObjectName("secretsTable")
        self.table.setAccessibleName("Secrets of the workspace")
        self.table.setToolTip("Each secret the workspace needs and whether it is set")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # The description takes what is left (elided, whole in its tooltip), so the
        # variable and the state are always on screen.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.viewport().installEventFilter(self)

        self.value = QLineEdit(self)
        self.value.setObjectName("secretValue")
        self.value.setAccessibleName("Value of the selected secret")
        self.value.setEchoMode(QLineEdit.EchoMode.Password)
        self.value.setPlaceholderText("New value (hidden)")
        self.value.setToolTip("Type the secret's value, then press Set (or Return)")
        self.value.returnPressed.connect(self.set_value)
        self.setButton = self._button(
            "&Set", "setSecretButton", self.set_value, "Store the value in the keychain"
        )
        self.revealButton = self._button(
            "&Reveal", "revealSecretButton", self.reveal, "Show the value in use in the field"
        )
        self.clearButton = self._button(
            "C&lear", "clearSecretButton", self.clear, "Remove the value from the keychain"
        )
        self.undoButton = self._button(
            "&Undo", "undoSecretButton", self.undo, "Take back the last change made here"
        )
        self.status = QLabel(self)
        self.status.setObjectName("secretsStatus")
        self.status.setWordWrap(True)

        intro = QLabel(
            "Secrets are kept in the system keychain, never in the workspace file. On the "
            "command line and in CI, set the environment variable instead; it wins over the "
            "keychain.",
            self,
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if notice:
            warning = QLabel(notice, self)
            warning.setObjectName("keychainNotice")
            warning.setWordWrap(True)
            layout.addWidget(warning)
        self.empty = QLabel("This workspace needs no secrets.", self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.value, 1)
        for button in (self.setButton, self.revealButton, self.clearButton, self.undoButton):
            row.addWidget(button)
        layout.addLayout(row)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()
        self._fit_dialog()
        if self.listed:
            self.table.selectRow(0)
        self._selected()

    def _fit_dialog(self) -> None:
        """Widen the dialog (within the screen) so that the variables show whole."""
        needed = (
            _MIN_DESCRIPTION
            + self.table.sizeHintForColumn(1)
            + self.table.horizontalHeader().sectionSize(2)
            + 80  # margins, frame and a scroll bar
        )
        screen = self.screen().availableGeometry().width() if self.screen() else needed
        self.resize(max(self.width(), min(needed, int(screen * 0.9))), self.height())

    def _fit_columns(self) -> None:
        """The variable column as wide as its longest name, leaving room for the others."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width() - header.sectionSize(2) - _MIN_DESCRIPTION
        header.resizeSection(1, max(80, min(self.table.sizeHintForColumn(1), room)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _button(self, text: str, name: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", ""))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # -- the table ----------------------------------------------------------------

    def refresh(self) -> None:
        """Read every secret's state again (never its value)."""
        current = self.table.currentRow()
        self.listed = needed_secrets(self._workspace, self._store, self._environments)
        self.table.setRowCount(len(self.listed))
        for row, secret in enumerate(self.listed):
            for column, text in enumerate((secret.description, secret.variable, _state(secret))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.listed)
        self._fit_columns()
        if 0 <= current < len(self.listed):
            self.table.selectRow(current)

    def current(self) -> NeededSecret | None:
        row = self.table.currentRow()
        return self.listed[row] if 0 <= row < len(self.listed) else None

    def _ref(self, secret: NeededSecret) -> str:
        """Where the dialog writes: the active environment's own value if it has one."""
        api = next((a for a in self._workspace.apis if secret.ref.startswith(a.id + "/")), None)
        env = api.environment(self._environments.get(api.id)) if api is not None else None
        if env is not None and secret.source == f"environment '{env.name}'":
            return scoped_ref(secret.ref, env)
        return secret.ref

    def _selected(self) -> None:
        secret = self.current()
        editable = secret is not None and secret.source != _FROM_VARIABLE
        self.value.clear()
        self.value.setEchoMode(QLineEdit.EchoMode.Password)
        for widget in (self.value, self.setButton, self.clearButton):
            widget.setEnabled(editable)
        self.clearButton.setEnabled(editable and secret is not None and secret.is_set)
        self.revealButton.setEnabled(secret is not None and secret.is_set)
        self.undoButton.setEnabled(bool(self._undo))
        if secret is not None and secret.source == _FROM_VARIABLE:
            self.status.setText(
                f"{secret.variable} is set in the environment and wins; unset it to use the "
                f"keychain."
            )
        else:
            self.status.clear()

    # -- actions --------------------------------------------------------------------

    def _change(self, ref: str, value: str | None) -> None:
        self._undo.append((ref, self._store.get(ref)))
        if value:
            self._store.set(ref, value)
        else:
            self._store.delete(ref)
        self.refresh()
        self._selected()

    def set_value(self) -> None:
        secret = self.current()
        value = self.value.text()
        if secret is None or not value or secret.source == _FROM_VARIABLE:
            return
        self._change(self._ref(secret), value)
        self.status.setText(f"Stored {secret.variable}.")

    def clear(self) -> None:
        secret = self.current()
        if secret is None or not secret.is_set or secret.source == _FROM_VARIABLE:
            return
        self._change(self._ref(secret), None)
        self.status.setText(f"Removed {secret.variable}; Undo puts it back.")

    def reveal(self) -> None:
        """Show the value in use in the field, as text, until the selection changes."""
        secret = self.current()
        if secret is None:
            return
        value = self._store.get(self._ref(secret)) or self._store.get(secret.ref) or ""
        self.value.setEchoMode(QLineEdit.EchoMode.Normal)
        self.value.setText(value)

    def undo(self) -> None:
        if not self._undo:
            return
        ref, previous = self._undo.pop()
        if previous:
            self._store.set(ref, previous)
        else:
            self._store.delete(ref)
        self.refresh()
        self._selected()
        self.status.setText("Undone.")
