"""Value types in the parameters table: their names, the Type column's combo box, files.

A parameter's type says how its sample is read (see :mod:`designer.core.values`);
the table shows it by the names below. A ``file`` parameter's sample is a
path, which the sample editor lets the user choose in a file dialog.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLineEdit,
    QStyledItemDelegate,
    QWidget,
)

from designer.core.models import ValueType
from designer.ui.infra.icons import icon

__all__ = ["FILE_ROLE", "TYPE_LABELS", "TYPE_TIPS", "TypeDelegate", "add_file_chooser"]

Index = QModelIndex | QPersistentModelIndex

#: True on the value cell of a file parameter (the sample editor offers a file chooser).
FILE_ROLE = Qt.ItemDataRole.UserRole + 11

#: What each value type is called in the table.
TYPE_LABELS = {
    ValueType.TEXT: "Text",
    ValueType.INTEGER: "Integer",
    ValueType.NUMBER: "Number",
    ValueType.BOOLEAN: "Yes/no",
    ValueType.JSON: "JSON",
    ValueType.FILE: "File",
}
TYPE_TIPS = {
    ValueType.TEXT: "Sent as it is; in a JSON body, as a string",
    ValueType.INTEGER: "A whole number such as 7 or -3; a JSON number in a JSON body",
    ValueType.NUMBER: "A number such as 7.5 or 1e3, sent exactly as written",
    ValueType.BOOLEAN: "true or false (any letter case); a JSON true/false in a JSON body",
    ValueType.JSON: 'A JSON value such as [1, 2] or {"a": 1}, sent as written',
    ValueType.FILE: "The path of a file, sent as a file part of a multipart body",
}


class ComboDelegate(QStyledItemDelegate):
    """A delegate whose editor is a combo box of item data; the choice is the model's value."""

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: Any, index: Index) -> None:
        # A column sized to "Text" would show "Te▾": the box takes the width it needs,
        # over the next cells if it must, while it is open.
        rect = option.rect
        rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)


class TypeDelegate(ComboDelegate):
    """A combo box of value types; the choice is committed as soon as it is made."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("paramTypeCombo")
        combo.setAccessibleName("Value type")
        for kind, label in TYPE_LABELS.items():
            combo.addItem(label, kind.value)
            combo.setItemData(combo.count() - 1, TYPE_TIPS[kind], Qt.ItemDataRole.ToolTipRole)
        combo.activated.connect(lambda _: self.commitData.emit(combo))
        return combo


def add_file_chooser(editor: QLineEdit, index: Index) -> None:
    """Give a sample editor a button that chooses the file to send."""
    editor.setAccessibleName("Path of the file to send")
    action = editor.addAction(icon("folder-open"), QLineEdit.ActionPosition.TrailingPosition)
    action.setObjectName("chooseFileAction")
    action.setToolTip("Choose the file to send…")
    target = QPersistentModelIndex(index)
    action.triggered.connect(lambda: _choose_file(editor, target))


def _choose_file(editor: QLineEdit, index: QPersistentModelIndex) -> None:
    # The dialog takes the focus, which closes the editor: the choice goes to the model.
    start = os.path.dirname(os.path.expanduser(editor.text().strip()))
    path, _ = QFileDialog.getOpenFileName(editor.window(), "Choose the file to send", start)
    if path and index.isValid():
        index.model().setData(index, path, Qt.ItemDataRole.EditRole)
