"""The settings of the token-based and certificate auth types, as one form.

The API editor keeps its own rows for the simple types (key, token, Basic)
and shows this widget (objectName ``authForm``) for the others. Its rows are
made from the auth model's fields: text, a choice for ``Literal`` fields, a
port number, and ``Name: value; …`` for extra token-request headers. Secret
fields are password fields with a reveal toggle that read and write the
secret store directly; they are never part of the model. The
authorization-code type adds *Sign in…* (with Cancel), which opens the
system browser.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from designer.core.errors import DesignerError
from designer.core.models import Api, auth_secret_fields, secret_ref
from designer.core.secrets.store import SecretStore
from designer.ui.editors.widgets import SecretField, set_text_keeping_cursor
from designer.ui.infra.ops import AsyncOp

__all__ = ["AuthForm"]

_LABELS = {
    "token_url": "Token &URL:",
    "authorize_url": "Authori&zation URL:",
    "client_id": "Client &ID:",
    "client_auth": "Send client credentials:",
    "scope": "Sco&pe:",
    "username": "U&sername:",
    "redirect_port": "Redirect port:",
    "token_headers": "Token request headers:",
    "body": "Request &body:",
    "content_type": "Content-Type:",
    "token_field": "Token field:",
    "expires_field": "Expiry field:",
    "issuer": "&Issuer:",
    "subject": "Subject:",
    "audience": "Audience:",
    "certificate": "&Certificate file:",
    "client_secret": "Client s&ecret:",
    "password": "&Password:",
    "refresh_token": "Refresh token:",
    "secret": "&Secret:",
    "private_key": "Private &key (PEM):",
    "key_password": "Key password:",
}
_CHOICES = {"basic": "in a Basic Authorization header", "body": "in the request body"}


def _headers_text(headers: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in headers.items())


def _headers_value(text: str) -> dict[str, str]:
    pairs = (part.partition(":") for part in text.split(";"))
    return {k.strip(): v.strip() for k, sep, v in pairs if sep and k.strip()}


class AuthForm(QWidget):
    """Rows for one auth model; emits ``edited(auth)`` with the changed model."""

    edited = Signal(object)
    message = Signal(str)

    def __init__(self, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("authForm")
        self._secrets = secrets
        self._api: Api | None = None
        self._kind: type | None = None
        self._loading = False
        self.environment_for: Callable[[Api], str | None] = lambda api: None
        self.executor: Any = None
        self.fields: dict[str, QWidget] = {}
        self._op: AsyncOp[Any] | None = None
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)

    # -- building ------------------------------------------------------------

    def _clear(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()

    def _build(self, api: Api) -> None:
        self._clear()
        kind = type(api.auth)
        self._kind = kind
        hints = typing.get_type_hints(kind)
        for name in kind.model_fields:
            if name == "type":
                continue
            widget = self._field_widget(name, hints[name])
            self.fields[name] = widget
            self.form.addRow(_LABELS.get(name, name), widget)
        for name, optional in auth_secret_fields(api.auth.type):
            secret = SecretField(self)
            secret.setObjectName(f"authSecret_{name}")
            secret.setAccessibleName(_LABELS.get(name, name).replace("&", "").rstrip(":"))
            secret.setToolTip(
                "Kept in the keychain, never in the workspace file"
                + (" (optional)" if optional else "")
            )
            secret.textEdited.connect(lambda text, n=name: self._set_secret(n, text))
            self.fields[name] = secret
            row: QWidget = secret
            if name == "private_key":
                row = self._with_button(secret, "Load…", lambda: self._load_key())
            self.form.addRow(_LABELS.get(name, name), row)
        if api.auth.type == "oauth2_authorization_code":
            self._add_sign_in()

    def _field_widget(self, name: str, hint: Any) -> QWidget:
        if typing.get_origin(hint) is typing.Literal:
            combo = QComboBox(self)
            for choice in typing.get_args(hint):
                combo.addItem(_CHOICES.get(choice, choice), choice)
            combo.activated.connect(lambda _row, n=name, c=combo: self._edit(n, c.currentData()))
            widget: QWidget = combo
        elif hint is int:
            spin = QSpinBox(self)
            spin.setRange(0, 65535)
            spin.setSpecialValueText("any free port")
            spin.valueChanged.connect(lambda value, n=name: self._edit(n, value))
            widget = spin
        else:
            edit = QLineEdit(self)
            if name == "token_headers":
                edit.setPlaceholderText("X-Tenant: acme; X-Other: value")
                edit.textEdited.connect(partial(self._edit_headers, name))
            else:
                edit.textEdited.connect(partial(self._edit, name))
            widget = edit
            if name == "certificate":
                widget = self._with_button(edit, "Choose…", partial(self._choose_cert, edit))
        self.fields[name] = widget
        widget.setObjectName(f"auth_{name}")
        return widget

    def _with_button(self, field: QWidget, text: str, slot: Callable[[], None]) -> QWidget:
        box = QWidget(self)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        button = QPushButton(text, box)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return box

    def _add_sign_in(self) -> None:
        self.sign_in_button = QPushButton("Sign &in…", self)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setToolTip("Open the system browser to sign in")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("signInCancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_sign_in)
        self.sign_in_status = QLabel(self)
        self.sign_in_status.setObjectName("signInStatus")
        box = QWidget(self)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.sign_in_button, self.cancel_button, self.sign_in_status):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.form.addRow("", box)

    # -- showing -------------------------------------------------------------

    def set_api(self, api: Api) -> None:
        self._api = api
        if type(api.auth) is not self._kind:
            self._build(api)
        self._loading = True
        try:
            for name, widget in self.fields.items():
                if name in type(api.auth).model_fields:
                    self._show(widget, getattr(api.auth, name))
                else:
                    value = self._secrets.get(secret_ref(api, f"auth.{name}")) or ""
                    if isinstance(widget, QLineEdit):
                        set_text_keeping_cursor(widget, value)
        finally:
            self._loading = False

    def _show(self, widget: QWidget, value: Any) -> None:
        inner = widget.findChild(QLineEdit) if not isinstance(widget, QLineEdit) else widget
        if isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(0, widget.findData(value)))
        elif isinstance(widget, QSpinBox):
            widget.setValue(int(value))
        elif isinstance(inner, QLineEdit):
            text = _headers_text(value) if isinstance(value, dict) else str(value)
            set_text_keeping_cursor(inner, text)

    # -- edits ---------------------------------------------------------------

    def _edit_headers(self, name: str, text: str) -> None:
        self._edit(name, _headers_value(text))

    def _edit(self, name: str, value: Any) -> None:
        if self._loading or self._api is None:
            return
        self.edited.emit(self._api.auth.model_copy(update={name: value}))

    def _set_secret(self, name: str, text: str) -> None:
        if self._api is not None:
            self._secrets.set(secret_ref(self._api, f"auth.{name}"), text)

    def _choose_cert(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Client certificate", "", "PEM (*.pem *.crt)")
        if path:
            edit.setText(path)
            self._edit("certificate", path)

    def _load_key(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Private key", "", "PEM (*.pem *.key)")
        if path:
            self.load_key(Path(path))

    def load_key(self, path: Path) -> None:
        """Put the key file's contents in the secret store (the file stays where it is)."""
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.message.emit(f"Could not read the key file {path.name} ({exc}): choose a PEM file")
            return
        self._set_secret("private_key", text)
        field = self.fields.get("private_key")
        if isinstance(field, QLineEdit):
            field.setText(text)
        # Only a real keychain is named as one: without it the key lasts for the session.
        kept = getattr(self._secrets, "is_persistent", False)
        where = "into the keychain" if kept else "for this session only (no keychain)"
        self.message.emit(f"Loaded the private key from {path.name} {where}.")

    # -- sign-in -------------------------------------------------------------

    def sign_in(self) -> None:
        api = self._api
        if api is None or self.executor is None or self._op is not None:
            return
        from designer.core.auth import Authenticator

        authenticator = Authenticator(self._secrets, self.executor)
        environment = self.environment_for(api)
        self.sign_in_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.sign_in_status.setText("Waiting for the browser…")
        op: AsyncOp[Any] = AsyncOp(self, lambda: authenticator.sign_in(api, environment))
        op.success(lambda _token: self.sign_in_status.setText("Signed in."))
        op.failure(lambda exc: self._sign_in_failed(exc))
        op.cancelled(lambda: self.sign_in_status.setText("Sign-in cancelled."))
        op.finally_(self._sign_in_done)
        self._op = op.run()

    def _sign_in_failed(self, exc: DesignerError) -> None:
        self.sign_in_status.setText("Not signed in.")
        self.message.emit(str(exc))

    def _sign_in_done(self) -> None:
        self._op = None
        self.sign_in_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def cancel_sign_in(self) -> None:
        if self._op is not None:
            self._op.cancel()
