"""The parameters table: model, delegates and the widget with add and remove buttons.

One table serves a call's parameters and an API's shared headers and shared
parameters; the caller picks the columns. The model shows a list of
:class:`~designer.core.models.Parameter` and reports each change as a new
list through :attr:`ParamsTableModel.edited`, which the editor turns into an
undoable command. It applies the change itself first, so the view updates
at once and the document's echo finds nothing to do.

A private parameter's sample never enters the list: it is read from and
written to the secret store, and shown masked.

The *Type* column says how the sample is read (text, integer, number,
yes/no, JSON or a file to upload); a sample that does not fit its type is
shown in the error background, with the reason as its tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QWidget

from designer.core.errors import DesignerError
from designer.core.http.file_choices import ChosenFiles
from designer.core.models import Parameter, Placement, ValueType
from designer.core.secrets.store import MASK, SecretStore
from designer.core.values import BadValue, text_value
from designer.ui.editors.param_types import (
    FILE_ROLE,
    TYPE_LABELS,
    TYPE_TIPS,
    ComboDelegate,
    TypeDelegate,
    add_file_chooser,
)

__all__ = [
    "DYNAMIC",
    "NAME",
    "OPTIONAL",
    "PLACEMENT",
    "PRIVATE",
    "VALUE",
    "ParamsTableModel",
    "PlacementDelegate",
    "SampleDelegate",
    "TYPE",
    "TYPE_LABELS",
    "TypeDelegate",
]

# TYPE came last: the field numbers are also the columns of the full table,
# so the view moves it next to the sample instead (see ParamsTable).
NAME, VALUE, PLACEMENT, DYNAMIC, PRIVATE, OPTIONAL, TYPE = range(7)
ALL_COLUMNS = (NAME, VALUE, PLACEMENT, DYNAMIC, PRIVATE, OPTIONAL, TYPE)
_TITLES = {
    NAME: "Name",
    VALUE: "Sample value",
    PLACEMENT: "Placement",
    DYNAMIC: "Dynamic",
    PRIVATE: "Private",
    OPTIONAL: "Optional",
    TYPE: "Type",
}
_TIPS = {
    NAME: "The parameter's name as sent in the request",
    VALUE: "The value used when designing and initializing the call",
    PLACEMENT: "Where the parameter goes: path, query, header or body",
    DYNAMIC: "Filled in at run time; the sample is only for designing",
    PRIVATE: "A secret: the value is kept in the secret store, never in the file",
    OPTIONAL: "Left out of the request when its value is blank",
    TYPE: "How the sample is read: text, integer, number, yes/no, JSON or a file to upload",
}
_MISFIT = QBrush(QColor("#fdecea"))
_FLAGS = {DYNAMIC: "dynamic", PRIVATE: "private", OPTIONAL: "optional"}
#: True on the value cell of a private parameter (the delegate masks the editor).
PRIVATE_ROLE = Qt.ItemDataRole.UserRole + 10
Index = QModelIndex | QPersistentModelIndex
SecretRef = Callable[[str], str]


def _key(name: str, placement: Placement) -> tuple[str, str]:
    # Header names are case-insensitive in HTTP; the others are not.
    return placement.value, name.casefold() if placement == Placement.HEADER else name


class ParamsTableModel(QAbstractTableModel):
    #: the new list of parameters, and a description for the undo history
    edited = Signal(list, str)
    #: a one-line message for the status bar (a refused name, for example)
    message = Signal(str)

    def __init__(
        self,
        columns: Sequence[int] = ALL_COLUMNS,
        secrets: SecretStore | None = None,
        default_placement: Placement = Placement.QUERY,
        parent: Any = None,
        value_title: str = _TITLES[VALUE],
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._titles = {**_TITLES, VALUE: value_title}
        self._secrets = secrets
        self.default_placement = default_placement
        self._params: list[Parameter] = []
        self._ref: SecretRef | None = None
        self._owner: object = None
        #: where the files the user types or picks as samples are recorded: only
        #: those may be sent (:mod:`designer.core.http.file_choices`)
        self.chosen_files: ChosenFiles | None = None

    # -- content -------------------------------------------------------------

    def parameters(self) -> list[Parameter]:
        return list(self._params)

    def set_parameters(
        self, params: Sequence[Parameter], ref: SecretRef | None = None, owner: object = None
    ) -> None:
        """Show ``params``; ``ref`` gives the secret reference of a private one by name."""
        params = list(params)
        self._ref = ref
        if owner != self._owner or len(params) != len(self._params):
            self.beginResetModel()
            self._params, self._owner = params, owner
            self.endResetModel()
            return
        for row, (old, new) in enumerate(zip(self._params, params, strict=True)):
            if old != new:
                self._params[row] = new
                self._row_changed(row)

    def _choose_file(self, path: str) -> None:
        assert self.chosen_files is not None
        try:
            self.chosen_files.choose(path)
        except DesignerError as exc:  # chosen for this session all the same
            self.message.emit(f"The file is not remembered for next time: {exc}")

    def column_of(self, field: int) -> int:
        return self.columns.index(field)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _secret(self, param: Parameter) -> str:
        if self._secrets is None or self._ref is None:
            return ""
        return self._secrets.get(self._ref(param.name)) or ""

    def _set_secret(self, name: str, value: str) -> None:
        if self._secrets is not None and self._ref is not None:
            self._secrets.set(self._ref(name), value)

    # -- QAbstractTableModel -------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._params)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        field = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles[field]
        if role == Qt.ItemDataRole.ToolTipRole and field in _FLAGS:
            # The view heads these columns with an icon: the tooltip names them.
            return f"{self._titles[field]}: {_TIPS[field][0].lower()}{_TIPS[field][1:]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TIPS[field]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        param = self._params[index.row()]
        field = self.columns[index.column()]
        if field in _FLAGS:
            on = getattr(param, _FLAGS[field])
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return _TIPS[field]
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{_TITLES[field]}: {'yes' if on else 'no'}"
            return None
        if field == NAME and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return param.name
        if field == NAME and role == Qt.ItemDataRole.ToolTipRole:
            return param.description or None
        if field == PLACEMENT:
            if role == Qt.ItemDataRole.DisplayRole:
                return param.placement.value.capitalize()
            if role == Qt.ItemDataRole.EditRole:
                return param.placement.value
            return None
        if field == TYPE:
            if role == Qt.ItemDataRole.DisplayRole:
                return TYPE_LABELS[param.type]
            if role == Qt.ItemDataRole.EditRole:
                return param.type.value
            if role == Qt.ItemDataRole.ToolTipRole:
                return TYPE_TIPS[param.type]
            return None
        if field == VALUE:
            if role == PRIVATE_ROLE:
                return param.private
            if role == FILE_ROLE:
                return param.type == ValueType.FILE
            if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole):
                return self._misfit(param, role)
            if param.private:
                if role == Qt.ItemDataRole.DisplayRole:
                    return MASK if self._secret(param) else ""
                if role == Qt.ItemDataRole.EditRole:
                    return self._secret(param)
                if role == Qt.ItemDataRole.ToolTipRole:
                    return "Private: kept in the secret store, never written to the file"
                return None
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return param.value
        return None

    def _misfit(self, param: Parameter, role: int) -> Any:
        """The error colour, or the reason, for a sample that does not fit its type."""
        if param.type in (ValueType.TEXT, ValueType.FILE) or not param.value.strip():
            return None
        try:
            text_value(param.type, param.value)
        except BadValue as exc:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"This sample {exc}"
            return _MISFIT  # the background of inline errors
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()] in _FLAGS:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, field = index.row(), self.columns[index.column()]
        param = self._params[row]
        if field in _FLAGS and role == Qt.ItemDataRole.CheckStateRole:
            on = Qt.CheckState(value) == Qt.CheckState.Checked
            return self._flag(row, param, _FLAGS[field], on)
        if role != Qt.ItemDataRole.EditRole:
            return False
        if field == NAME:
            return self._rename(row, param, str(value).strip())
        if field == VALUE:
            if param.private:
                self._set_secret(param.name, str(value))
                self._row_changed(row)
                return True
            if param.type == ValueType.FILE and self.chosen_files is not None:
                # The user typed or picked this file: it may be sent (see file_choices).
                self._choose_file(str(value))
            return self._replace(
                row, param.model_copy(update={"value": str(value)}), f"Edit value of '{param.name}'"
            )
        if field == TYPE:
            kind = ValueType(str(value))
            return self._replace(
                row,
                param.model_copy(update={"type": kind}),
                f"Make '{param.name}' {TYPE_LABELS[kind].lower()}",
            )
        if field == PLACEMENT:
            placement = Placement(str(value))
            if any(
                _key(p.name, p.placement) == _key(param.name, placement)
                for p in self._params
                if p is not param
            ):
                self.message.emit(
                    f"There is already a {placement.value} parameter named '{param.name}'."
                )
                return False
            return self._replace(
                row,
                param.model_copy(update={"placement": placement}),
                f"Move '{param.name}' to {placement.value}",
            )
        return False

    # -- edits ---------------------------------------------------------------

    def _replace(self, row: int, param: Parameter, text: str) -> bool:
        if param == self._params[row]:
            return False
        self._params[row] = param
        self._row_changed(row)
        self.edited.emit(self.parameters(), text)
        return True

    def _rename(self, row: int, param: Parameter, name: str) -> bool:
        if name == param.name:
            return False
        if not name:
            self.message.emit("A parameter needs a name; the old name was kept.")
            return False
        if any(_key(p.name, p.placement) == _key(name, param.placement) for p in self._params):
            self.message.emit(
                f"There is already a {param.placement.value} parameter named '{name}'."
            )
            return False
        if param.private:  # the secret follows the name (and stays under the old one for undo)
            self._set_secret(name, self._secret(param))
        return self._replace(row, param.model_copy(update={"name": name}), "Rename parameter")

    def _flag(self, row: int, param: Parameter, flag: str, on: bool) -> bool:
        update: dict[str, Any] = {flag: on}
        if flag == "private" and on:
            # The sample moves into the secret store; the file keeps no copy.
            if param.value:
                self._set_secret(param.name, param.value)
            update["value"] = ""
        elif flag == "private" and not on:
            update["value"] = self._secret(param)
        verb = "Mark" if on else "Unmark"
        return self._replace(row, param.model_copy(update=update), f"{verb} '{param.name}' {flag}")

    def add_parameter(self) -> int:
        """Append a parameter with a free name; returns its row."""
        taken = {p.name for p in self._params}
        n = 1
        while f"param{n}" in taken:
            n += 1
        row = len(self._params)
        self.beginInsertRows(QModelIndex(), row, row)
        self._params.append(Parameter(name=f"param{n}", placement=self.default_placement))
        self.endInsertRows()
        self.edited.emit(self.parameters(), "Add parameter")
        return row

    def remove_rows(self, rows: Sequence[int]) -> None:
        rows = sorted(set(rows), reverse=True)
        if not rows:
            return
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._params[row]
            self.endRemoveRows()
        self.edited.emit(
            self.parameters(), "Remove parameter" if len(rows) == 1 else "Remove parameters"
        )


class PlacementDelegate(ComboDelegate):
    """A combo box of placements; the choice is committed as soon as it is made."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Placement")
        for placement in Placement:
            combo.addItem(placement.value.capitalize(), placement.value)
        combo.activated.connect(lambda _: self.commitData.emit(combo))
        return combo


class SampleDelegate(QStyledItemDelegate):
    """Edits a private parameter's sample in a password field, and a file's with a chooser."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit) and index.data(PRIVATE_ROLE):
            editor.setEchoMode(QLineEdit.EchoMode.Password)
            editor.setAccessibleName("Private sample value")
        elif isinstance(editor, QLineEdit) and index.data(FILE_ROLE):
            add_file_chooser(editor, index)
        return editor
