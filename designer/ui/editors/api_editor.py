"""The API editor (objectName ``apiEditor``): name, base URL, authentication and shared values.

Edits become :class:`~designer.ui.editing.commands.EditApi` commands that carry the
API's settings without its calls; the Environments tab
(:mod:`.environments_editor`) edits its environments the same way.
Credentials are not part of the model: the secret fields read and write the
secret store directly, under ``secret_ref(api, "auth.<field>")``, and are not
undoable.
"""

from __future__ import annotations

import os
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.http.base_url import base_url_problem
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    ClientCertificateAuth,
    CustomTokenAuth,
    JwtBearerAuth,
    NoAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Placement,
    secret_ref,
)
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import EditApi
from designer.ui.editing.document import Document
from designer.ui.editors.auth_form import AuthForm
from designer.ui.editors.params_table import NAME, OPTIONAL, PRIVATE, VALUE
from designer.ui.editors.params_widget import ParamsTable
from designer.ui.editors.widgets import SecretField, UndoRouter, set_text_keeping_cursor
from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.focus import take_focus_place

if TYPE_CHECKING:
    from designer.ui.editors.environments_editor import EnvironmentsEditor

__all__ = ["ApiEditor"]

_AUTH_TYPES = [
    ("None", NoAuth),
    ("API key in a header", ApiKeyHeaderAuth),
    ("API key in the query", ApiKeyQueryAuth),
    ("Bearer token", BearerAuth),
    ("Basic authentication", BasicAuth),
    ("OAuth2 client credentials", OAuth2ClientCredentialsAuth),
    ("OAuth2 authorization code (browser sign-in)", OAuth2AuthorizationCodeAuth),
    ("OAuth2 password", OAuth2PasswordAuth),
    ("Custom token endpoint", CustomTokenAuth),
    ("JSON Web Token (JWT bearer)", JwtBearerAuth),
    ("Client certificate (mutual TLS)", ClientCertificateAuth),
]
_SECRET_LABELS = {"key": "&Key:", "token": "&Token:", "password": "&Password:"}


def _shared_ref(api: Api, kind: str, name: str) -> str:
    return secret_ref(api, f"{kind}.{name}")


class ApiEditor(QWidget):
    message = Signal(str)

    def __init__(self, doc: Document, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("apiEditor")
        self.setAccessibleName("API editor")
        self._doc, self._secrets = doc, secrets
        self._api_id: str | None = None
        self._loading = False

        self.name_edit = self._line("apiName", "API name", "A name unique in the workspace")
        self.name_edit.textEdited.connect(self._edit_name)
        self.name_edit.editingFinished.connect(self._reload)
        self.base_url = self._line(
            "apiBaseUrl", "Base URL", "Every call's path is appended to this URL"
        )
        self.base_url.setPlaceholderText("https://api.example.com/v1")
        self.base_url.textEdited.connect(
            lambda t: self._edit({"base_url": t.strip()}, "Edit base URL", "base_url")
        )
        self.description = self._line("apiDescription", "Description", "What the API is")
        self.description.textEdited.connect(
            lambda t: self._edit({"description": t}, "Edit description", "description")
        )

        self.auth_type = QComboBox(self)
        self.auth_type.setObjectName("authType")
        self.auth_type.setAccessibleName("Authentication")
        self.auth_type.setToolTip("How every call of this API authenticates")
        for label, kind in _AUTH_TYPES:
            self.auth_type.addItem(label, kind)
        self.auth_type.activated.connect(self._change_auth_type)
        self.auth_note = QLabel(
            "No authentication, or the calls send their own credentials as parameters.", self
        )
        self.auth_fields: dict[str, QLineEdit] = {}
        for field, accessible, tip in (
            ("header", "Header", "The header that carries the key"),
            ("prefix", "Prefix", "Text sent before the key, e.g. 'Token '"),
            ("parameter", "Parameter", "The query parameter that carries the key"),
            ("username", "Username", "The Basic authentication user name"),
        ):
            edit = self._line(f"auth_{field}", accessible, tip)
            edit.textEdited.connect(lambda text, f=field: self._edit_auth_field(f, text))
            self.auth_fields[field] = edit
        self.key_as_username = QCheckBox("The key is the user name (empty password)", self)
        self.key_as_username.setObjectName("authKeyAsUsername")
        self.key_as_username.setToolTip(
            "Send the secret as the Basic user name with an empty password, as 'curl -u KEY:' "
            "does (Stripe and others)"
        )
        self.key_as_username.toggled.connect(lambda on: self._edit_auth_flag("key_as_username", on))
        self.secret = SecretField(self)
        self.secret.setObjectName("authSecret")
        self.secret.textEdited.connect(self._edit_secret)
        self.secret_label = QLabel(self)
        self.secret_label.setBuddy(self.secret)
        self.auth_form = AuthForm(secrets, self)
        self.auth_form.edited.connect(
            lambda auth: self._edit({"auth": auth}, "Edit authentication", "auth.form")
        )
        self.auth_form.message.connect(self.message)
        self.ca_bundle = self._line(
            "apiCaBundle",
            "CA bundle",
            "A PEM file of CA certificates to trust, for private servers",
        )
        self.ca_bundle.setPlaceholderText("system certificates")
        self.ca_bundle.textEdited.connect(
            lambda t: self._edit({"ca_bundle": t.strip()}, "Edit CA bundle", "ca_bundle")
        )

        self.headers = ParamsTable(
            "sharedHeadersTable",
            "Shared headers",
            secrets,
            (NAME, VALUE, PRIVATE, OPTIONAL),
            Placement.HEADER,
            self,
            "Value",
        )
        self.headers.model.edited.connect(lambda ps, text: self._edit({"headers": ps}, text))
        self.params = ParamsTable("sharedParamsTable", "Shared parameters", secrets, parent=self)
        self.params.model.edited.connect(lambda ps, text: self._edit({"parameters": ps}, text))
        for table in (self.headers, self.params):
            table.model.message.connect(self.message)
            table.model.chosen_files = doc.chosen_files
        # The Environments tab is built when it is first shown (see environments).
        self._environments: EnvironmentsEditor | None = None
        self._environments_page = QWidget(self)
        self.problem = InlineMessage(self)
        self._lay_out()
        UndoRouter(self).install(self)
        doc.apiChanged.connect(self._api_changed)

    def _line(self, name: str, accessible: str, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setToolTip(tip)
        return edit

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Name:", self.name_edit)
        form.addRow("Base &URL:", self.base_url)
        form.addRow("&Description:", self.description)
        form.addRow("&Authentication:", self.auth_type)
        form.addRow("", self.auth_note)
        for field, label in (
            ("header", "Hea&der:"),
            ("prefix", "P&refix:"),
            ("parameter", "&Parameter:"),
            ("username", "U&sername:"),
        ):
            form.addRow(label, self.auth_fields[field])
        form.addRow("", self.key_as_username)
        form.addRow(self.secret_label, self.secret)
        form.addRow(self.auth_form)
        form.addRow("CA &bundle:", self.ca_bundle)
        self.form = form
        tabs = QTabWidget(self)
        tabs.setObjectName("apiTabs")
        tabs.addTab(self.headers, "Shared heade&rs")  # Alt+H: the Help menu
        tabs.addTab(self.params, "Shared para&meters")
        tabs.addTab(self._environments_page, "Envir&onments")  # Alt+V: the View menu
        tabs.currentChanged.connect(self._tab_shown)
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(tabs, 1)

    # -- showing an API ------------------------------------------------------

    def current(self) -> Api | None:
        if self._api_id is None:
            return None
        try:
            return self._doc.api(self._api_id)
        except KeyError:
            return None

    def set_api(self, api_id: str | None) -> None:
        self._api_id = api_id
        self._reload()

    def _api_changed(self, api_id: str) -> None:
        if api_id == self._api_id:
            self._reload()

    def _reload(self) -> None:
        api = self.current()
        if api is None:
            return
        self._loading = True
        try:
            set_text_keeping_cursor(self.name_edit, api.name)
            set_text_keeping_cursor(self.base_url, api.base_url)
            set_text_keeping_cursor(self.description, api.description)
            set_text_keeping_cursor(self.ca_bundle, api.ca_bundle)
            row = next(i for i, (_, k) in enumerate(_AUTH_TYPES) if k is type(api.auth))
            self.auth_type.setCurrentIndex(row)
            self._show_auth_rows(api)
            self.headers.model.set_parameters(
                api.headers, partial(_shared_ref, api, "header"), owner=api.id
            )
            self.params.model.set_parameters(
                api.parameters, partial(_shared_ref, api, "param"), owner=api.id
            )
            if self._environments is not None:
                self._environments.set_api(api)
        finally:
            self._loading = False
        problems = self._doc.problems("api", api.id)
        url_problem = base_url_problem(api.base_url)
        if problems:
            self.problem.show_error(f"This API cannot be saved as it is: {problems[0]}.")
        elif url_problem is not None:
            self.problem.show_error(f"The base URL {url_problem}.")
        else:
            self.problem.clear()

    # -- the Environments tab ------------------------------------------------

    @property
    def environments(self) -> EnvironmentsEditor:
        """The Environments tab's editor, built the first time it is needed."""
        if self._environments is None:
            self._environments = self._build_environments()
        return self._environments

    def _build_environments(self) -> EnvironmentsEditor:
        from designer.ui.editors.environments_editor import EnvironmentsEditor

        editor = EnvironmentsEditor(self._secrets, self)
        editor.edited.connect(
            lambda envs, text, merge: self._edit({"environments": envs}, text, merge or None)
        )
        editor.message.connect(self.message)
        placeholder = self._environments_page
        tabs, row = self.tabs, self.tabs.indexOf(placeholder)
        current = tabs.currentIndex()
        tabs.blockSignals(True)
        try:
            tabs.insertTab(row, editor, tabs.tabText(row))
            tabs.removeTab(row + 1)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(False)
        take_focus_place(placeholder, editor)
        placeholder.deleteLater()
        api = self.current()
        if api is not None:
            self._loading = True
            try:
                editor.set_api(api)
            finally:
                self._loading = False
        return editor

    def _tab_shown(self, row: int) -> None:
        if self.tabs.widget(row) is self._environments_page:
            self.environments  # noqa: B018 - built as it is shown

    # -- edits ---------------------------------------------------------------

    def _edit(self, update: dict[str, Any], text: str, merge: str | None = None) -> None:
        api = self.current()
        if self._loading or api is None:
            return
        before = api.model_copy(update={"calls": []})
        after = before.model_copy(update=update)
        if after == before:
            return
        key = (api.id, merge) if merge else None
        self._doc.undo_stack.push(EditApi(self._doc, before, after, text, key))

    def _edit_name(self, text: str) -> None:
        api, name = self.current(), text.strip()
        if api is None or not name:
            return
        others = (a.name.casefold() for a in self._doc.workspace.apis if a.id != api.id)
        if name.casefold() in others:
            self.message.emit(f"An API named '{name}' already exists; choose another name.")
            return
        self._edit({"name": name}, "Rename API", "name")

    def _show_auth_rows(self, api: Api) -> None:
        """Show the fields of the API's auth type only."""
        auth = api.auth
        simple = auth.type == "none" or auth.type in AUTH_SECRET_FIELD
        self.form.setRowVisible(self.auth_form, not simple)
        if not simple:
            self.auth_form.set_api(api)
        self.form.setRowVisible(self.auth_note, auth.type == "none")
        key_user = isinstance(auth, BasicAuth) and auth.key_as_username
        for field, edit in self.auth_fields.items():
            shown = simple and field in type(auth).model_fields
            shown = shown and not (field == "username" and key_user)
            self.form.setRowVisible(edit, shown)
            if shown:
                set_text_keeping_cursor(edit, getattr(auth, field))
        self.form.setRowVisible(self.key_as_username, isinstance(auth, BasicAuth))
        self.key_as_username.blockSignals(True)
        self.key_as_username.setChecked(key_user)
        self.key_as_username.blockSignals(False)
        secret = AUTH_SECRET_FIELD.get(auth.type)
        self.form.setRowVisible(self.secret, secret is not None)
        if secret is not None:
            words = "key" if key_user else secret
            self.secret_label.setText(_SECRET_LABELS[words])
            self.secret.setAccessibleName(words.capitalize())
            variable = api.secret_variables.get(f"auth.{secret}")
            # A secret the docs name as $VARIABLE is read from it when a request is sent;
            # when the app was started without it, it can be entered here instead.
            from_env = variable is not None and bool(os.environ.get(variable))
            self.secret.setReadOnly(from_env)
            if variable is None:
                placeholder = ""
                tip = f"The {words}; kept in the secret store, never in the workspace file"
            elif from_env:
                placeholder = f"read from ${variable} when a request is sent"
                tip = f"The {words}, read from the environment variable {variable}; never stored"
            else:
                placeholder = f"${variable} is not set: enter the {words} here"
                tip = (
                    f"The {words}: read from the environment variable {variable} when it is "
                    f"set; else what is entered here, kept in the secret store"
                )
            self.secret.setPlaceholderText(placeholder)
            self.secret.setToolTip(tip)
            stored = self._secrets.get(secret_ref(api, f"auth.{secret}")) or ""
            set_text_keeping_cursor(self.secret, "" if from_env else stored)

    def _change_auth_type(self, row: int) -> None:
        api = self.current()
        kind = _AUTH_TYPES[row][1]
        if api is not None and not isinstance(api.auth, kind):
            self._edit({"auth": kind()}, "Change authentication")

    def _edit_auth_field(self, field: str, text: str) -> None:
        api = self.current()
        if api is None or (field in ("header", "parameter") and not text.strip()):
            return  # these need a name; leaving it blank keeps the last one
        auth = api.auth.model_copy(update={field: text})
        self._edit({"auth": auth}, "Edit authentication", f"auth.{field}")

    def _edit_auth_flag(self, field: str, on: bool) -> None:
        api = self.current()
        if api is None or field not in type(api.auth).model_fields:
            return
        self._edit({"auth": api.auth.model_copy(update={field: on})}, "Edit authentication")

    def _edit_secret(self, text: str) -> None:
        api = self.current()
        if api is not None and api.auth.type in AUTH_SECRET_FIELD:
            self._secrets.set(secret_ref(api, f"auth.{AUTH_SECRET_FIELD[api.auth.type]}"), text)
