"""The Type column's editor: a combo box of the types a value can be read as.

The model gives each node's choices (value types, or *object* and *map*)
under :data:`~.presentation.CHOICES_ROLE`.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from designer.ui.response.presentation import CHOICES_ROLE, TYPE_CHOICES

__all__ = ["TypeDelegate"]


class TypeDelegate(QStyledItemDelegate):
    """Edits a node's type with a combo box; choosing commits at once, as in Bubble."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setObjectName("typeCombo")
        combo.setAccessibleName("Field type")
        choices = index.data(CHOICES_ROLE)
        combo.addItems(list(choices) if choices else list(TYPE_CHOICES))
        # Commit on choice, not on focus loss: the user expects the tree to update.
        combo.activated.connect(lambda _i: self._commit(combo))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole)
        editor.setCurrentIndex(max(0, editor.findText(str(current))))

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
