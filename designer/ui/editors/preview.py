"""The live request preview of the call editor, and "Copy as cURL".

The preview is what :func:`designer.core.http.request.build_request` makes of the
call right now, in the active environment: method, full URL, headers and
body, secrets masked. When the request cannot be built (a required value is
missing, a placeholder names no parameter) the core's one-line message is
shown in its place.

Changes arrive one keystroke at a time; the rebuild is deferred to the end
of the current event-loop pass so a burst of changes costs one build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.errors import DesignerError
from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore
from designer.ui.editors.widgets import monospace_font
from designer.ui.infra.errors import InlineMessage

if TYPE_CHECKING:
    from designer.core.http.body import FileMode
    from designer.core.http.file_choices import ChosenFiles
    from designer.core.http.request import BuiltRequest

__all__ = ["RequestPreview"]


class RequestPreview(QWidget):
    """Read-only preview of the request a call sends; masks secrets."""

    message = Signal(str)

    def __init__(self, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._secrets = secrets
        self._target: tuple[Api, Call] | None = None
        #: every API of the workspace, which names the CD_SECRET_… variables (set by the window)
        self.apis_for_names: Callable[[], list[Api]] = lambda: (
            [self._target[0]] if self._target is not None else []
        )
        #: the name of the active environment of an API (the window's switcher sets it)
        self.environment_for: Callable[[Api], str | None] = lambda api: None
        #: the files the user chose for the workspace: no other file is looked at
        self.chosen_files: ChosenFiles | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)

        title = QLabel("Request preview", self)
        title.setObjectName("previewTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.copy_button = QPushButton("Copy as cURL", self)
        self.copy_button.setObjectName("copyCurlButton")
        self.copy_button.setToolTip(
            "Copy the request as a curl command that runs: secrets are written as "
            "${CD_SECRET_…} variables, to set before running it"
        )
        self.copy_button.clicked.connect(self.copy_curl)
        self.copy_revealed_button = QPushButton("With secrets…", self)
        self.copy_revealed_button.setObjectName("copyCurlRevealedButton")
        self.copy_revealed_button.setAccessibleName("Copy as cURL with the secrets")
        self.copy_revealed_button.setToolTip(
            "Copy the curl command with the secret values written out, after asking"
        )
        self.copy_revealed_button.clicked.connect(self.copy_curl_revealed)

        self.text = QPlainTextEdit(self)
        self.text.setObjectName("requestPreview")
        self.text.setAccessibleName("Request preview")
        self.text.setToolTip("The request this call sends with its sample values")
        self.text.setReadOnly(True)
        self.text.setFont(monospace_font())
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.error = InlineMessage(self)
        self.error.setObjectName("previewError")

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        top.addWidget(self.copy_revealed_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(self.text, 1)
        layout.addStretch(0)

    def show_request(self, api: Api | None, call: Call | None) -> None:
        """Preview ``call`` of ``api`` (soon); None clears the preview."""
        self._target = (api, call) if api is not None and call is not None else None
        self._timer.start()

    def _build(self, files: FileMode = "check") -> BuiltRequest:
        # request.py pulls in httpx; importing it here keeps it off the start-up path.
        from designer.core.http.request import build_request

        assert self._target is not None
        api, call = self._target
        # Files to upload are checked, not read: the preview is rebuilt after every edit.
        environment = self.environment_for(api)
        return build_request(
            api,
            call,
            self._secrets,
            environment=environment,
            files=files,
            chosen=self.chosen_files,
        )

    def refresh(self) -> None:
        self._timer.stop()
        if self._target is None:
            self.text.clear()
            self.error.clear()
            self._enable_copy(False)
            return
        try:
            built = self._build()
        except DesignerError as exc:
            self.error.show_error(str(exc))
            self.text.clear()
            self.text.hide()  # the message takes the preview's place
            self._enable_copy(False)
            return
        self.error.clear()
        self.text.show()
        text = built.describe()
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        self._enable_copy(True, bool(built.secrets))

    def _enable_copy(self, on: bool, secrets: bool = False) -> None:
        self.copy_button.setEnabled(on)
        self.copy_revealed_button.setEnabled(on and secrets)

    def copy_curl(self) -> None:
        """Copy the command as the curl export writes it: secrets as ``${CD_SECRET_…}``."""
        if self._target is None:
            return
        from designer.core.interop.curl.exporter import curl_command

        api, call = self._target
        try:
            command, variables = curl_command(
                self.apis_for_names(), api, call, self.environment_for(api)
            )
        except DesignerError as exc:
            self.message.emit(f"Could not copy as cURL: {exc}")
            return
        QGuiApplication.clipboard().setText(command)
        if variables:
            self.message.emit(
                "Copied the request as a curl command; set "
                + ", ".join(variables)
                + " before running it."
            )
        else:
            self.message.emit("Copied the request as a curl command.")

    def copy_curl_revealed(self) -> None:
        """Copy the command with the secret values in it, once the user has said so."""
        if self._target is None:
            return
        answer = QMessageBox.warning(
            self,
            "Copy with secrets",
            "The command will hold this call's secrets in plain text, and anything "
            "you paste it into can read them. Copy it anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            built = self._build(files="name")
        except DesignerError as exc:
            self.message.emit(f"Could not copy as cURL: {exc}")
            return
        QGuiApplication.clipboard().setText(built.to_curl(reveal=True))
        self.message.emit("Copied the request as a curl command, with its secrets.")
