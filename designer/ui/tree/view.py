"""The tree pane: a filter box above the tree view of APIs and calls.

The view's actions (add, rename, duplicate, delete) are given by the main
window; they form the context menu and their shortcuts work while the tree
has focus, so Delete in a text field never deletes an API.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.ui.editing.document import Document
from designer.ui.editing.edits import Item
from designer.ui.infra.icons import icon
from designer.ui.tree.badges import BADGE_SIZE
from designer.ui.tree.model import ITEM_ROLE, WorkspaceTreeModel

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
        # Built on request: on an item, every action; on the empty space below the
        # items, what makes sense there (adding an API or a call).
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        #: the adding actions offered on empty space (set with add_tree_actions)
        self.empty_space_actions: list[QAction] = []
        #: the menu last shown (for tests and automation)
        self.context_menu: QMenu | None = None

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("treeContextMenu")
        on_item = self.indexAt(pos).isValid()
        for action in self.actions() if on_item else self.empty_space_actions:
            if action.isSeparator() and not on_item:
                continue
            if action.text() == "Find":
                continue
            menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context_menu = menu
        menu.popup(self.viewport().mapToGlobal(pos))

    def add_tree_actions(self, actions: list[QAction | None]) -> None:
        """Actions for the context menu, whose shortcuts apply while the tree has focus."""
        for action in actions:
            if action is None:
                action = QAction(self)
                action.setSeparator(True)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)

    def set_empty_space_actions(self, actions: list[QAction]) -> None:
        self.empty_space_actions = list(actions)


class TreePane(QWidget):
    """Filter box and tree; reports the current item.

    The current item is the one on screen in the editors. The filter may hide
    it from the tree: it stays current (and the editors keep showing it) until
    another is chosen, and is selected again when the filter lets it show.
    """

    currentItemChanged = Signal(object)  # Item | None

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = WorkspaceTreeModel(doc, self)
        self._current: Item | None = None
        self._resetting = False
        #: the APIs open before the filter was typed, opened again when it is cleared
        self._open_unfiltered: set[str] = set()
        self._open_before_reset: set[str] = set()
        self._generation = 0

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
        self.view.setModel(self.model)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelAboutToBeReset.connect(self._before_reset)
        self.model.modelReset.connect(self._after_reset)
        self.model.rowsInserted.connect(self._expand_new_api)

        find = QAction("Find", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_filter)
        self.addAction(find)

        # The visible way to add: buttons at the tree's foot (given their actions by
        # set_add_actions), as well as the Edit menu, the shortcuts and the context menu.
        self.add_api_button = QToolButton(self)
        self.add_api_button.setObjectName("addApiButton")
        self.add_call_button = QToolButton(self)
        self.add_call_button.setObjectName("addCallButton")
        foot = QHBoxLayout()
        foot.setContentsMargins(0, 0, 0, 0)
        foot.setSpacing(4)
        for button in (self.add_api_button, self.add_call_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.hide()  # until set_add_actions
            foot.addWidget(button)
        foot.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)
        layout.addLayout(foot)
        # Tab: filter, the add buttons, then the tree, from which Tab goes on to the editor
        # (the buttons are also Ctrl+Shift+A and Ctrl+Shift+N, named in their tooltips).
        QWidget.setTabOrder(self.filter_edit, self.add_api_button)
        QWidget.setTabOrder(self.add_api_button, self.add_call_button)
        QWidget.setTabOrder(self.add_call_button, self.view)

    def set_add_actions(self, add_api: QAction, add_call: QAction) -> None:
        """Show buttons for ``add_api`` and ``add_call`` under the tree; offer them on its
        empty space too."""
        for button, action, text in (
            (self.add_api_button, add_api, "Add API"),
            (self.add_call_button, add_call, "Add call"),
        ):
            # Not the action as the button's default: its "&" would give the button a
            # second Alt shortcut. Its state and tooltip are followed instead.
            button.setIcon(icon("plus"))
            button.setText(text)
            button.setAccessibleName(text)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{action.toolTip()} ({keys})" if keys else action.toolTip())
            button.clicked.connect(action.trigger)
            action.changed.connect(lambda b=button, a=action: b.setEnabled(a.isEnabled()))
            button.setEnabled(action.isEnabled())
            button.show()
        self.view.set_empty_space_actions([add_api, add_call])

    def focus_filter(self) -> None:
        self.filter_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_edit.selectAll()

    def _filter(self, text: str) -> None:
        self.view.setUpdatesEnabled(False)
        try:
            self.model.set_filter(text)
        finally:
            self.view.setUpdatesEnabled(True)

    # -- keeping the view's state over the model's resets ----------------------

    def _open_apis(self) -> set[str]:
        model, view = self.model, self.view
        opened = set()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if view.isExpanded(index):
                opened.add(index.data(ITEM_ROLE).id)
        return opened

    def _before_reset(self) -> None:
        self._resetting = True
        self._generation += 1  # APIs still waiting to open stay closed
        if self.model.resetting_document:
            return
        self._open_before_reset = self._open_apis()
        if not self.model.filtering:  # the filter is being typed: remember the tree as it was
            self._open_unfiltered = set(self._open_before_reset)

    def _after_reset(self) -> None:
        self.view.setUpdatesEnabled(False)
        try:
            if self.model.resetting_document:
                self._current = None
                self._open_unfiltered = set()
                self._expand_after_reset()
            else:
                self._restore()
        finally:
            self._resetting = False
            self.view.setUpdatesEnabled(True)

    def _expand_after_reset(self) -> None:
        # A few APIs open at once; a big workspace opens with its first API only,
        # so that it shows a readable overview (and lays out quickly).
        if self.model.rowCount() <= EXPAND_ALL_UP_TO:
            self.view.expandAll()
        elif self.model.rowCount():
            self.view.expand(self.model.index(0, 0))

    def _restore(self) -> None:
        """Open the APIs again and select the current item, after the filter changed."""
        model = self.model
        if model.filtering:
            # The APIs that were open, and the first few that hold matches, unless an
            # API shows hundreds: laying those out would stall the window on every
            # keystroke (the API shows, and opens with a click).
            shown = [model.index(row, 0) for row in range(model.rowCount())]
            small = [i for i in shown if model.rowCount(i) <= EXPAND_MATCHES_UP_TO]
            opened = {i.data(ITEM_ROLE).id for i in small[:EXPAND_ALL_UP_TO]}
            opened |= {i.data(ITEM_ROLE).id for i in small} & self._open_before_reset
            large: list[str] = []
        else:
            # The tree as it was before the filter. An API of hundreds of calls takes
            # tens of milliseconds to lay out: those open one per turn of the event
            # loop (the current call's first), so that clearing the filter answers at
            # once and the window never stalls for all of them together.
            opened = self._open_unfiltered & self._api_ids()
            large = [a for a in opened if model.rowCount(model.api_index(a)) > EXPAND_MATCHES_UP_TO]
            opened -= set(large)
        for api_id in opened:
            self.view.expand(model.api_index(api_id))
        try:
            current_api = self._api_of(self._current)
        except KeyError:  # deleted while the filter hid it
            self._current = current_api = None
            QTimer.singleShot(0, lambda: self.currentItemChanged.emit(self._current))
        if large:
            large.sort(key=lambda api_id: api_id != current_api)
            self._open_later(large, self._generation)
        else:
            self._select_current()

    def _api_of(self, item: Item | None) -> str | None:
        if item is None:
            return None
        return self.model.api_of(item)

    def _open_later(self, api_ids: list[str], generation: int) -> None:
        def step() -> None:
            if generation != self._generation:
                return  # the filter changed again meanwhile
            api_id = api_ids.pop(0)
            try:
                self.view.expand(self.model.api_index(api_id))
                if api_id == self._api_of(self._current):
                    self._select_current()
            except KeyError:
                pass  # removed meanwhile
            if api_ids:
                self._open_later(api_ids, generation)
            else:
                self._select_current()

        QTimer.singleShot(0, step)

    def _select_current(self) -> None:
        """Select the current item in the tree, if the tree shows it, without re-announcing it."""
        current = self._current
        try:
            index = self.model.item_index(current) if current is not None else QModelIndex()
        except KeyError:
            return
        parent = index.parent()
        if not index.isValid() or (parent.isValid() and not self.view.isExpanded(parent)):
            return
        if self.view.currentIndex() == index:
            return
        quiet, self._resetting = self._resetting, True  # the same item: nothing to announce
        try:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.view.scrollTo(index)
        finally:
            self._resetting = quiet

    def _api_ids(self) -> set[str]:
        return {api.id for api in self.model.workspace.apis}

    def _expand_new_api(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.view.expand(self.model.index(row, 0))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._resetting:
            return  # the filter changed, not the user's choice
        self._current = current.data(ITEM_ROLE) if current.isValid() else None
        self.currentItemChanged.emit(self._current)

    def current_item(self) -> Item | None:
        """The item on screen (it may be hidden from the tree by the filter)."""
        return self._current

    def selected_items(self) -> list[Item]:
        rows = self.view.selectionModel().selectedRows()
        items = [i.data(ITEM_ROLE) for i in rows]
        if not items and self._current is not None:
            items = [self._current]
        return items

    def select(self, item: Item, *, edit: bool = False) -> None:
        """Make ``item`` current and selected (clearing the filter if it hides it)."""
        index = self.model.item_index(item)
        if not index.isValid():
            self.filter_edit.clear()
            index = self.model.item_index(item)
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
