"""The Environments tab of the API editor (objectName ``environmentsEditor``).

A list of the API's environments (*development*, *live*…) with Add, Rename
and Remove, and the :class:`~.environment_form.EnvironmentForm` of the one
selected. A name is edited in place (double-click, F2 or Rename) and must be
unique within the API. Every change of the model leaves as
``edited(environments, undo text, merge key)``, which the API editor pushes
on the undo stack. Removing an environment keeps its secrets in the keychain,
so that Undo brings it back whole.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Api, Environment, unique_name
from designer.core.secrets.store import SecretStore
from designer.ui.editors.environment_form import EnvironmentForm

__all__ = ["EnvironmentsEditor", "suggested_name"]

_SUGGESTIONS = ("development", "live", "staging", "test")


def suggested_name(api: Api) -> str:
    """The name a new environment of ``api`` gets: development, then live, then staging…"""
    taken = [env.name for env in api.environments]
    used = {name.casefold() for name in taken}
    for name in _SUGGESTIONS:
        if name not in used:
            return name
    return unique_name("environment", taken)


def _button(text: str, tip: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    return button


class EnvironmentsEditor(QWidget):
    edited = Signal(list, str, str)  # list[Environment], undo text, merge key
    message = Signal(str)

    def __init__(self, secrets: SecretStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentsEditor")
        self._api: Api | None = None
        self._selected: str | None = None
        self._loading = False

        self.list = QListWidget(self)
        self.list.setObjectName("environmentList")
        self.list.setAccessibleName("Environments")
        self.list.setToolTip("The API's environments; double-click or F2 to rename")
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(self._item_renamed)
        self.add_button = _button("Add", "Add an environment", self)
        self.add_button.clicked.connect(self._add_clicked)
        self.rename_button = _button("Rename", "Rename the selected environment", self)
        self.rename_button.clicked.connect(self._rename_clicked)
        self.remove_button = _button("Remove", "Remove the selected environment", self)
        self.remove_button.clicked.connect(lambda: self.remove_environment(self._selected))

        self.form = EnvironmentForm(secrets, self)
        self.form.edited.connect(self._form_edited)
        self.form.message.connect(self.message)
        self.empty = QLabel(
            "No environments yet. Add one, such as development or live, to give it its own "
            "base URL, shared values and keys; the toolbar's switcher then chooses which one "
            "calls are sent in.",
            self,
        )
        self.empty.setObjectName("environmentsEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setEnabled(False)
        self._lay_out()

    def _lay_out(self) -> None:
        buttons = QVBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.list, 1)
        top.addLayout(buttons)
        rows = sum(b.sizeHint().height() for b in (self.add_button, self.rename_button))
        self.list.setFixedHeight(rows * 2)

        note = QLabel(
            "Blank fields use the API's own settings. The toolbar's switcher chooses the "
            "environment calls are sent in.",
            self,
        )
        note.setObjectName("environmentNote")
        note.setWordWrap(True)
        note.setEnabled(False)  # drawn in the disabled colour: a hint
        self.note = note
        page = QWidget(self)
        inner = QVBoxLayout(page)
        inner.setContentsMargins(0, 0, 6, 0)
        inner.addWidget(self.form)
        inner.addWidget(self.note)
        inner.addWidget(self.empty)
        inner.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setWidget(page)
        # The tab's own background shows through, as on the other tabs.
        self.scroll_area.viewport().setAutoFillBackground(False)
        page.setAutoFillBackground(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addSpacing(4)
        layout.addWidget(self.scroll_area, 1)

    # -- showing -------------------------------------------------------------

    def set_api(self, api: Api) -> None:
        """Show the environments of ``api``, keeping the selection when it remains."""
        if self._api is None or self._api.id != api.id:
            self._selected = None
        self._api = api
        ids = [env.id for env in api.environments]
        if self._selected not in ids:
            self._selected = ids[0] if ids else None
        self._loading = True
        try:
            rows = range(self.list.count())
            shown = [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in rows]
            if shown != ids:
                self.list.clear()
                for env in api.environments:
                    item = QListWidgetItem(env.name)
                    item.setData(Qt.ItemDataRole.UserRole, env.id)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                    self.list.addItem(item)
            for row, env in enumerate(api.environments):
                item = self.list.item(row)
                if item.text() != env.name:
                    item.setText(env.name)
                if env.id == self._selected:
                    self.list.setCurrentItem(item)
        finally:
            self._loading = False
        self._show_selected()

    def _show_selected(self) -> None:
        env = self.selected()
        has = env is not None
        self.form.setVisible(has)
        self.note.setVisible(has)
        self.empty.setVisible(not has)
        self.rename_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        if env is not None and self._api is not None:
            self.form.set_environment(self._api, env)

    def selected(self) -> Environment | None:
        if self._api is None:
            return None
        return next((e for e in self._api.environments if e.id == self._selected), None)

    def _current_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if self._loading:
            return
        self._selected = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self._show_selected()

    # -- edits ---------------------------------------------------------------

    def _push(self, environments: list[Environment], text: str, merge: str = "") -> None:
        self.edited.emit(environments, text, merge)

    def add_environment(self, name: str | None = None) -> Environment | None:
        """Add an environment (named by :func:`suggested_name` by default) and select it."""
        api = self._api
        if api is None:
            return None
        name = (name or suggested_name(api)).strip()
        if not self._name_is_free(api, name, None):
            return None
        env = Environment(name=name)
        self._selected = env.id
        self._push([*api.environments, env], f"Add environment '{name}'")
        return env

    def rename_environment(self, env_id: str, name: str) -> bool:
        api = self._api
        name = name.strip()
        if api is None or not self._name_is_free(api, name, env_id):
            return False
        envs = [
            e.model_copy(update={"name": name}) if e.id == env_id else e for e in api.environments
        ]
        if envs != api.environments:
            self._push(envs, f"Rename environment to '{name}'")
        return True

    def remove_environment(self, env_id: str | None) -> None:
        api = self._api
        if api is None or env_id is None:
            return
        ids = [e.id for e in api.environments]
        if env_id not in ids:
            return
        row = ids.index(env_id)
        rest = [e for e in api.environments if e.id != env_id]
        self._selected = rest[min(row, len(rest) - 1)].id if rest else None
        name = api.environments[row].name
        self._push(rest, f"Remove environment '{name}'")

    def _name_is_free(self, api: Api, name: str, env_id: str | None) -> bool:
        if not name:
            self.message.emit("An environment needs a name, such as development or live.")
            return False
        others = (e.name.casefold() for e in api.environments if e.id != env_id)
        if name.casefold() in others:
            self.message.emit(f"API '{api.name}' already has an environment named '{name}'.")
            return False
        return True

    def _add_clicked(self) -> None:
        if self.add_environment() is not None:
            item = self.list.currentItem()
            if item is not None:
                self.list.editItem(item)  # type over the suggested name

    def _rename_clicked(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)
            self.list.editItem(item)

    def _item_renamed(self, item: QListWidgetItem) -> None:
        if self._loading or self._api is None:
            return
        env_id = item.data(Qt.ItemDataRole.UserRole)
        if not self.rename_environment(env_id, item.text()):
            env = next((e for e in self._api.environments if e.id == env_id), None)
            if env is not None:
                self._loading = True
                item.setText(env.name)  # refused: back to the name it has
                self._loading = False

    def _form_edited(self, env: Environment, text: str, merge: str) -> None:
        if self._api is not None:
            envs = [env if e.id == env.id else e for e in self._api.environments]
            self._push(envs, text, merge)
