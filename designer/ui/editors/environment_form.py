"""The settings of one environment of an API (objectName ``environmentForm``).

Three groups of rows, each blank field meaning "the API's own":

- the **base URL** that replaces the API's;
- a **value** for each shared header and parameter that is not private;
- a **secret** for every secret of the API (the credentials of its auth
  type, private shared values, calls' private parameters), as password
  fields with a reveal toggle. They read and write the secret store under
  ``secret_ref(..., environment=env)``, the reference
  :class:`~designer.core.secrets.scope.EnvironmentSecrets` reads first; they are
  never part of the model and, like every secret field, not undoable.

Model edits leave as ``edited(environment, undo text, merge key)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from designer.core.http.base_url import base_url_problem
from designer.core.models import Api, Environment, scoped_ref
from designer.core.secrets.names import FIELD_WORDS, RequiredSecret, required_secrets
from designer.core.secrets.store import SecretStore
from designer.ui.editors.widgets import SecretField, UndoRouter, set_text_keeping_cursor
from designer.ui.infra.errors import InlineMessage

__all__ = ["EnvironmentForm"]


def _shared_values(api: Api) -> dict[str, str]:
    """The API's non-private shared headers and parameters: their values, by name."""
    found: dict[str, str] = {}
    for parameter in (*api.headers, *api.parameters):
        if not parameter.private:
            found.setdefault(parameter.name, parameter.value)
    return found


def _secret_label(secret: RequiredSecret) -> str:
    kind, _, name = secret.field.partition(".")
    if kind == "auth":
        words = FIELD_WORDS.get(name, name.replace("_", " "))
        return f"{words[0].upper()}{words[1:]}:"
    if kind == "webhook":  # its field holds an id: the description names the webhook
        return secret.description.split(" of API ")[0] + ":"
    if secret.call is not None:
        return f"{name} ({secret.call}):"
    return f"{'Header' if kind == 'header' else 'Parameter'} {name}:"


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 0)
    return label


class EnvironmentForm(QWidget):
    edited = Signal(object, str, str)  # Environment, undo text, merge key
    message = Signal(str)

    def __init__(self, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentForm")
        self._secrets = secrets
        self._api: Api | None = None
        self._env: Environment | None = None
        self._shape: object = None
        self._loading = False
        self.values: dict[str, QLineEdit] = {}
        self.secret_fields: dict[str, SecretField] = {}
        self.base_url = QLineEdit(self)
        self.base_url.setObjectName("environmentBaseUrl")
        self.base_url.setAccessibleName("Environment base URL")
        self.base_url.setToolTip("Used instead of the API's base URL in this environment")
        self.base_url.textEdited.connect(self._edit_base_url)
        self.url_problem = InlineMessage(self)
        self.url_problem.setObjectName("environmentBaseUrlProblem")
        self._undo = UndoRouter(self)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

    # -- building ------------------------------------------------------------

    def _build(self, api: Api) -> None:
        while self.form.rowCount():
            self.form.takeRow(0)  # keeps base_url alive
        kept = (self.base_url, self.url_problem)
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child not in kept:
                child.hide()
                child.deleteLater()
        self.values.clear()
        self.secret_fields.clear()

        self.form.addRow("Base UR&L:", self.base_url)
        self.form.addRow("", self.url_problem)
        shared = _shared_values(api)
        if shared:
            self.form.addRow(_heading("Shared values", self))
        for name, default in shared.items():
            edit = QLineEdit(self)
            edit.setObjectName(f"environmentValue_{name}")
            edit.setAccessibleName(f"{name} in this environment")
            edit.setPlaceholderText(default or "blank")
            edit.setToolTip(f"The value of '{name}' in this environment; blank: the API's own")
            edit.textEdited.connect(lambda text, n=name: self._edit_value(n, text))
            self.values[name] = edit
            self.form.addRow(f"{name}:", edit)

        secrets = required_secrets([api])
        if secrets:
            self.form.addRow(_heading("Secrets", self))
        for secret in secrets:
            field = SecretField(self)
            field.setObjectName(f"environmentSecret_{secret.field}")
            field.setAccessibleName(_secret_label(secret).rstrip(":") + " in this environment")
            field.setToolTip(
                f"{secret.description}, in this environment. Kept in the keychain, never in "
                f"the workspace file; blank: the API's own. In CI: {secret.env}"
            )
            field.textEdited.connect(lambda text, s=secret: self._set_secret(s, text))
            self.secret_fields[secret.ref] = field
            row: QWidget = field
            if secret.field.endswith(".private_key"):
                row = self._with_load_button(field, secret)
            self.form.addRow(_secret_label(secret), row)
        self._undo.install(self)  # Ctrl+Z in the new fields undoes document edits

    def _with_load_button(self, field: SecretField, secret: RequiredSecret) -> QWidget:
        box = QWidget(self)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        button = QPushButton("Load…", box)
        button.setToolTip("Read the key from a PEM file into the keychain")
        button.clicked.connect(lambda: self._choose_key(secret))
        layout.addWidget(button)
        return box

    # -- showing -------------------------------------------------------------

    def _ref(self, secret_ref: str) -> str:
        assert self._env is not None
        return scoped_ref(secret_ref, self._env)

    def set_environment(self, api: Api, env: Environment) -> None:
        """Show ``env`` of ``api``; rows are rebuilt only when the API's shape changed."""
        secrets = tuple(s.ref for s in required_secrets([api]))
        shape = (env.id, tuple(_shared_values(api).items()), secrets)
        self._api, self._env = api, env
        if shape != self._shape:
            self._shape = shape
            self._build(api)
        self._loading = True
        try:
            set_text_keeping_cursor(self.base_url, env.base_url)
            self.base_url.setPlaceholderText(api.base_url or "the API's base URL")
            self._check_base_url(env.base_url)
            for name, edit in self.values.items():
                set_text_keeping_cursor(edit, env.parameters.get(name, ""))
            for ref, field in self.secret_fields.items():
                set_text_keeping_cursor(field, self._secrets.get(self._ref(ref)) or "")
                own = self._secrets.get(ref)
                field.setPlaceholderText("the API's own" if own else "not set")
        finally:
            self._loading = False

    # -- edits ---------------------------------------------------------------

    def _emit(self, env: Environment, text: str, merge: str) -> None:
        if not self._loading and self._env is not None and env != self._env:
            self._env = env
            self.edited.emit(env, text, merge)

    def _check_base_url(self, text: str) -> None:
        problem = base_url_problem(text)
        if problem is None:
            self.url_problem.clear()
        else:
            self.url_problem.show_error(f"This base URL {problem}.")

    def _edit_base_url(self, text: str) -> None:
        self._check_base_url(text)
        if self._env is not None:
            env = self._env.model_copy(update={"base_url": text.strip()})
            self._emit(env, "Edit environment base URL", f"env.{env.id}.base_url")

    def _edit_value(self, name: str, text: str) -> None:
        if self._env is None:
            return
        values = dict(self._env.parameters)
        if text:
            values[name] = text
        else:
            values.pop(name, None)
        env = self._env.model_copy(update={"parameters": values})
        self._emit(env, f"Edit '{name}' in environment", f"env.{env.id}.value.{name}")

    def _set_secret(self, secret: RequiredSecret, text: str) -> None:
        if self._loading or self._env is None:
            return
        if text:
            self._secrets.set(self._ref(secret.ref), text)
        else:
            self._secrets.delete(self._ref(secret.ref))

    def _choose_key(self, secret: RequiredSecret) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Private key", "", "PEM (*.pem *.key)")
        if path:
            self.load_key(secret, Path(path))

    def load_key(self, secret: RequiredSecret, path: Path) -> None:
        """Put a key file's contents in the store for this environment (the file stays)."""
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.message.emit(f"Could not read the key file {path.name} ({exc}): choose a PEM file")
            return
        self._set_secret(secret, text)
        self.secret_fields[secret.ref].setText(text)
        # Only a real keychain is named as one: without it the key lasts for the session.
        kept = getattr(self._secrets, "is_persistent", False)
        where = "into the keychain" if kept else "for this session only (no keychain)"
        self.message.emit(f"Loaded the private key from {path.name} {where}.")
