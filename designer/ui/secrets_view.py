"""The Secrets dialog (objectName ``secretsDialog``): what a workspace needs, and what is set.

It lists every secret of the workspace with its environment variable and
where its value comes from now (an environment variable, an environment, the
keychain), or *not set*. Values are never shown, not even masked.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Workspace
from designer.core.secret_scope import needed_secrets
from designer.core.secrets import SecretStore

__all__ = ["SecretsDialog"]

_HEADERS = ("Secret", "Environment variable", "State")


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
        self.resize(760, 360)
        listed = needed_secrets(workspace, store, environments)
        self.table = QTableWidget(len(listed), len(_HEADERS), self)
        self.table.setObjectName("secretsTable")
        self.table.setAccessibleName("Secrets of the workspace")
        self.table.setToolTip("Each secret the workspace needs and whether it is set; never values")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, secret in enumerate(listed):
            if secret.source is not None:
                state = f"set ({secret.source})"
            else:
                state = "optional, not set" if secret.optional else "not set"
            for column, text in enumerate((secret.description, secret.variable, state)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        intro = QLabel(
            "Secrets are kept in the system keychain, never in the workspace file. On the "
            "command line and in CI, set the environment variable instead.",
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
        if not listed:
            layout.addWidget(QLabel("This workspace needs no secrets.", self))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
