"""The tree pane: a filter box above the tree view of APIs and calls.

The view's actions (add, rename, duplicate, delete) are given by the main
window; they form the context menu and their shortcuts work while the tree
has focus, so Delete in a text field never deletes an API.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from designer.ui.document import Document
from designer.ui.edits import Item
from designer.ui.icons import icon

from .badges import BADGE_SIZE
from .filter import TreeFilterModel, matching_rows
from .model import ITEM_ROLE, WorkspaceTreeModel

__all__ = ["ApiTreeView", "TreePane"]

#: Up to this many APIs, all are expanded when a workspace opens.
EXPAND_ALL_UP_TO = 8
#: An API whose matching calls are more than this many stays closed while filtering.
EXPAND_MATCHES_UP_TO = 200


class ApiTreeView(QTreeView):
    """The tree of APIs and calls (objectName ``apiTree``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("apiTree")
        self.setAccessibleName("APIs and calls")
        self.setToolTip("APIs and their calls; drag to reorder or to move a call to another API")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)  # keeps thousands of calls cheap to lay out
        self.setIconSize(BADGE_SIZE)
        self.setIndentation(12)  # calls sit just under their API: names keep the width
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        # Renaming starts only on F2 or a double-click: a single click on the selected
        # row would open an editor that then catches Ctrl+Z meant for the document.
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def add_tree_actions(self, actions: list[QAction | None]) -> None:
        """Actions for the context menu, whose shortcuts apply while the tree has focus."""
        for action in actions:
            if action is None:
                action = QAction(self)
                action.setSeparator(True)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)


class TreePane(QWidget):
    """Filter box and tree; reports the current item."""

    currentItemChanged = Signal(object)  # Item | None

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WorkspaceTreeModel(doc, self)
        self.proxy = TreeFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("treeFilter")
        # The magnifier says "filter"; the words say what it matches, whole at 1000×650.
        self.filter_edit.setPlaceholderText("Name, method or path")
        self.filter_edit.setAccessibleName("Filter APIs and calls")
        self.filter_edit.setToolTip("Show only the APIs and calls that match (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.filter_edit.textChanged.connect(self._filter)

        self.view = ApiTreeView(self)
        self.view.setModel(self.proxy)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # While a filter is on, changes to the workspace (a rename, an added call) are
        # matched again, once per turn of the event loop however many there were.
        self._refilter = QTimer(self)
        self._refilter.setSingleShot(True)
        self._refilter.setInterval(0)
        self._refilter.timeout.connect(lambda: self._filter(self.filter_edit.text()))
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.rowsMoved,
            self.model.dataChanged,
            self.model.modelReset,
        ):
            signal.connect(self._schedule_refilter)
        self.model.modelReset.connect(self._expand_after_reset)
        self.model.rowsInserted.connect(self._expand_new_api)

        find = QAction("Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_filter)
        self.addAction(find)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def _expand_after_reset(self) -> None:
        # A few APIs open at once; a big workspace opens with its first API only,
        # so that it shows a readable overview (and lays out quickly).
        if self.model.rowCount() <= EXPAND_ALL_UP_TO:
            self.view.expandAll()
        elif self.model.rowCount():
            self.view.expand(self.proxy.index(0, 0))

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _schedule_refilter(self, *_: object) -> None:
        if self.filter_edit.text().strip():
            self._refilter.start()

    def _filter(self, text: str) -> None:
        rows = matching_rows(self.model.workspace, text)
        self.proxy.set_rows(rows)
        if rows is not None:
            self.view.setUpdatesEnabled(False)
            try:
                # Open the first APIs that hold matches, unless one holds hundreds:
                # laying those out would stall the window on every keystroke (the
                # API shows, and opens with a click).
                apis = self.model.workspace.apis
                small = [
                    row
                    for row, calls in rows.items()
                    if len(apis[row].calls if calls is None else calls) <= EXPAND_MATCHES_UP_TO
                ]
                for api_row in small[:EXPAND_ALL_UP_TO]:
                    self.view.expand(self.proxy.mapFromSource(self.model.index(api_row, 0)))
            finally:
                self.view.setUpdatesEnabled(True)

    def _expand_new_api(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.view.expand(self.proxy.mapFromSource(self.model.index(row, 0)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.currentItemChanged.emit(current.data(ITEM_ROLE) if current.isValid() else None)

    def current_item(self) -> Item | None:
        index = self.view.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def selected_items(self) -> list[Item]:
        rows = self.view.selectionModel().selectedRows()
        items = [i.data(ITEM_ROLE) for i in rows]
        if not items and (current := self.current_item()) is not None:
            items = [current]
        return items

    def select(self, item: Item, *, edit: bool = False) -> None:
        """Make ``item`` current and selected (clearing the filter if it hides it)."""
        index = self.proxy.mapFromSource(self.model.item_index(item))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.model.item_index(item))
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)
        if edit:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            self.view.edit(index)

    def current_name(self) -> str:
        index = self.view.currentIndex()
        return str(index.data()) if index.isValid() else ""

    def rename_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index)
