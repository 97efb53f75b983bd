"""The item model of the APIs-and-calls tree: an adapter over a Document.

APIs are the top-level rows, their calls the children. The model holds no
copy of the workspace: every answer is read from the document, and every
change the document announces is bracketed with the matching
``begin…Rows``/``end…Rows`` calls.

Indexes carry an integer, never a Python object: 0 for an API, and for a call
a key naming its API. Edits replace pydantic objects by copies, so a pointer
stored in an index could outlive its object; an integer cannot dangle.

What each row shows (name, badge, tooltip…) is :mod:`designer.ui.tree.rows`.

The search box's filter is applied here too (:meth:`WorkspaceTreeModel.set_filter`):
rows are those shown, mapped to the stored ones by a
:class:`~designer.ui.tree.filter.RowMap`. While a filter is on, a change to the
workspace's rows resets the model (matched again) instead of inserting or
removing rows one by one, and ``resetting_document`` tells a filter's reset
from a new workspace's.

Renames, moves (drag and drop) and everything else go through
:mod:`designer.ui.editing.edits`, so they are undoable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from designer.core.models import Api, Call, Webhook, Workspace
from designer.ui.editing import edits
from designer.ui.editing.document import Document
from designer.ui.editing.edits import Item
from designer.ui.tree import rows
from designer.ui.tree.filter import RowMap, matching_rows
from designer.ui.tree.rows import ITEM_ROLE

__all__ = ["ITEM_ROLE", "MIME_TYPE", "WorkspaceTreeModel"]

#: Drag-and-drop payload: a JSON list of {"kind", "id"} objects.
MIME_TYPE = "application/x-connector-designer-items"

_API = 0  # internal id of API rows
#: Added to an API's key in the internal id of its webhooks' rows (after its calls).
_HOOK = 1 << 30
Index = QModelIndex | QPersistentModelIndex
_ROOT_FLAGS = Qt.ItemFlag.ItemIsDropEnabled  # APIs can be dropped among the APIs
_ITEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEditable
    | Qt.ItemFlag.ItemIsDragEnabled
)
_API_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemIsDropEnabled
# A call never has children: the view then does not ask each call row for its row count.
_CALL_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
# A webhook is edited in its editor: not renamed in place, not dragged.
_HOOK_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class WorkspaceTreeModel(QAbstractItemModel):
    """APIs and their calls, one column."""

    #: a one-line message for the status bar (a refused rename, for example)
    message = Signal(str)

    def __init__(self, doc: Document, parent: Any = None) -> None:
        super().__init__(parent)
        self._doc = doc
        self._keys: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        #: calls whose Initialize is in flight ("busy") or whose last attempt failed ("failed")
        self._states: dict[str, str] = {}
        self._filter_text = ""
        self._map = RowMap(doc.workspace, None)
        #: True between modelAboutToBeReset and modelReset when a new workspace replaces
        #: the old one (False when the reset re-applies the filter).
        self.resetting_document = False
        #: the change in progress resets the model (a filter is on)
        self._change_resets = False
        #: shown API row -> (number of calls shown, key of the API): the view asks for
        #: every call's index several times as it lays out an opened API
        self._children: dict[int, tuple[int, int, int]] = {}
        #: the webhooks of each API as the rows show them
        self._hooks: dict[str, list[str]] = {
            a.id: [h.id for h in a.webhooks] for a in doc.workspace.apis
        }
        self._rematch = QTimer(self)
        self._rematch.setSingleShot(True)
        self._rematch.setInterval(0)
        self._rematch.timeout.connect(lambda: self.set_filter(self._filter_text))
        doc.aboutToReset.connect(self._begin_document_reset)
        doc.reset.connect(self._end_reset)
        doc.apiAboutToBeInserted.connect(
            lambda r: self._begin(self.beginInsertRows, QModelIndex(), r, r)
        )
        doc.apiInserted.connect(lambda *_: self._end(self.endInsertRows))
        doc.apiAboutToBeRemoved.connect(
            lambda r: self._begin(self.beginRemoveRows, QModelIndex(), r, r)
        )
        doc.apiRemoved.connect(lambda *_: self._end(self.endRemoveRows))
        doc.apiAboutToBeMoved.connect(
            lambda src, child: self._begin(
                self.beginMoveRows, QModelIndex(), src, src, QModelIndex(), child
            )
        )
        doc.apiMoved.connect(lambda: self._end(self.endMoveRows))
        doc.callAboutToBeInserted.connect(
            lambda a, r: self._begin(self.beginInsertRows, self.api_index(a), r, r)
        )
        doc.callInserted.connect(lambda *_: self._end(self.endInsertRows))
        doc.callAboutToBeRemoved.connect(
            lambda a, r: self._begin(self.beginRemoveRows, self.api_index(a), r, r)
        )
        doc.callRemoved.connect(lambda *_: self._end(self.endRemoveRows))
        doc.callAboutToBeMoved.connect(
            lambda sa, s, da, c: self._begin(
                self.beginMoveRows, self.api_index(sa), s, s, self.api_index(da), c
            )
        )
        doc.callMoved.connect(lambda: self._end(self.endMoveRows))
        doc.apiChanged.connect(self._api_changed)
        doc.callChanged.connect(self._call_changed)

    # -- mapping between indexes and items ----------------------------------

    def _key(self, api_id: str) -> int:
        key = self._keys.get(api_id)
        if key is None:
            key = self._keys[api_id] = len(self._keys) + 1
            self._ids[key] = api_id
        return key

    def api_index(self, api_id: str) -> QModelIndex:
        """The API's index; invalid while the filter hides it."""
        row = self._map.shown_api(self._doc.api_row(api_id))
        return QModelIndex() if row is None else self.createIndex(row, 0, _API)

    def item_index(self, item: Item) -> QModelIndex:
        """The item's index; invalid while the filter hides it. KeyError if it is gone."""
        if item.kind == "api":
            return self.api_index(item.id)
        if item.kind == "webhook":
            api, _hook = self._doc.find_webhook(item.id)
            if self._map.filtered or not self.api_index(api.id).isValid():
                return QModelIndex()  # webhooks show when no filter is on
            row = len(api.calls) + next(i for i, h in enumerate(api.webhooks) if h.id == item.id)
            return self.createIndex(row, 0, self._key(api.id) | _HOOK)
        api_id, row = self._doc.call_row(item.id)
        if self._map.filtered:
            if self._map.shown_api(self._doc.api_row(api_id)) is None:
                return QModelIndex()
            shown = self._map.shown_call(api_id, row)
            if shown is None:
                return QModelIndex()
            row = shown
        return self.createIndex(row, 0, self._key(api_id))

    def item(self, index: Index) -> Item | None:
        if not index.isValid():
            return None
        if index.internalId() == _API:
            return Item("api", self._api_at(index.row()).id)
        if index.internalId() & _HOOK:
            return Item("webhook", self._hook_at(index).id)
        return Item("call", self._call_at(index).id)

    def _api_at(self, shown: int) -> Api:
        return self._doc.workspace.apis[self._map.source_api(shown)]

    def _hooks_shown(self, api: Api) -> int:
        return 0 if self._map.filtered else len(api.webhooks)

    def _hook_at(self, index: Index) -> Webhook:
        api = self._doc.api(self._ids[index.internalId() & ~_HOOK])
        return api.webhooks[index.row() - len(api.calls)]

    def _call_at(self, index: Index) -> Call:
        api = self._doc.api(self._ids[index.internalId()])
        return api.calls[self._map.source_call(api.id, index.row())]

    def api_of(self, item: Item) -> str:
        """The id of the API an item is or belongs to (KeyError if it is gone)."""
        if item.kind == "api":
            return item.id
        if item.kind == "webhook":
            return self._doc.find_webhook(item.id)[0].id
        return self._doc.call_row(item.id)[0]

    def workspace_call_api(self, call_id: str) -> str:
        """The id of the API holding a call (KeyError if there is none)."""
        return self._doc.call_row(call_id)[0]

    # -- the search box's filter ---------------------------------------------

    @property
    def filtering(self) -> bool:
        return self._map.filtered

    def set_filter(self, text: str) -> bool:
        """Show only what matches ``text`` (blank: everything); True if the rows changed."""
        self._filter_text = text
        rows = matching_rows(self._doc.workspace, text)
        if rows == self._map.rows:
            return False
        self.beginResetModel()
        self._map = RowMap(self._doc.workspace, rows)
        self._children.clear()
        self.endResetModel()
        return True

    def _begin(self, begin: Callable[..., object], *args: Any) -> None:
        # A change to the rows: the exact bracket when everything is shown; while a
        # filter is on, a reset that matches again once the change is made.
        self._change_resets = self._map.filtered
        if self._change_resets:
            self.beginResetModel()
        else:
            begin(*args)

    def _end(self, end: Callable[[], None]) -> None:
        if self._change_resets:
            self._change_resets = False
            self._end_reset()
        else:
            self._children.clear()  # the rows changed (until now the cache held the old ones)
            end()

    def _begin_document_reset(self) -> None:
        self.resetting_document = True
        self.beginResetModel()

    def _end_reset(self) -> None:
        workspace = self._doc.workspace
        self._map = RowMap(workspace, matching_rows(workspace, self._filter_text))
        self._hooks = {a.id: [h.id for h in a.webhooks] for a in workspace.apis}
        self._children.clear()
        self.endResetModel()
        self.resetting_document = False

    # -- QAbstractItemModel --------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Bounds checked here rather than by hasIndex(), which calls back into Python
        # twice: the view asks for every index of an opened API several times.
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            count = self._map.api_count(len(self._doc.workspace.apis))
            return self.createIndex(row, column, _API) if row < count else QModelIndex()
        if parent.internalId() != _API or parent.column() != 0:
            return QModelIndex()
        children = self._children.get(parent.row())
        if children is None:
            api = self._api_at(parent.row())
            count = self._map.call_count(api.id, len(api.calls))
            children = self._children[parent.row()] = (
                count,
                self._key(api.id),
                count + self._hooks_shown(api),
            )
        if row >= children[2]:
            return QModelIndex()
        if row >= children[0]:  # after the calls: the API's webhooks
            return self.createIndex(row, column, children[1] | _HOOK)
        return self.createIndex(row, column, children[1])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _API:
            return QModelIndex()
        return self.api_index(self._ids[index.internalId() & ~_HOOK])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return self._map.api_count(len(self._doc.workspace.apis))
        if parent.column() > 0 or parent.internalId() != _API:
            return 0
        api = self._api_at(parent.row())
        return self._map.call_count(api.id, len(api.calls)) + self._hooks_shown(api)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _API:
            return rows.api_data(self._api_at(index.row()), role)
        if index.internalId() & _HOOK:
            return rows.hook_data(self._hook_at(index), role)
        call = self._call_at(index)
        return rows.call_data(call, self._states.get(call.id, ""), role)

    @property
    def workspace(self) -> Workspace:
        return self._doc.workspace

    def set_call_state(self, call_id: str, state: str) -> None:
        """Mark a call as busy (Initialize in flight) or failed; "" clears the mark."""
        if self._states.get(call_id, "") == state:
            return
        if state:
            self._states[call_id] = state
        else:
            self._states.pop(call_id, None)
        try:
            index = self.item_index(Item("call", call_id))
        except KeyError:
            return  # deleted meanwhile
        if index.isValid():  # not hidden by the filter
            self.dataChanged.emit(index, index)

    def call_state(self, call_id: str) -> str:
        return self._states.get(call_id, "")

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        item = self.item(index)
        if item is None or role != Qt.ItemDataRole.EditRole:
            return False
        refusal = edits.rename(self._doc, item, str(value))
        if refusal:
            self.message.emit(refusal)
            return False
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Asked for every row each time the view lays out an opened API: two constants
        # rather than four enum operations a row.
        if not index.isValid():
            return _ROOT_FLAGS
        if index.internalId() == _API:
            return _API_FLAGS
        return _HOOK_FLAGS if index.internalId() & _HOOK else _CALL_FLAGS

    # -- drag and drop -------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        items = [self.item(i) for i in indexes if i.isValid() and i.column() == 0]
        payload = [{"kind": i.kind, "id": i.id} for i in items if i is not None]
        mime = QMimeData()
        mime.setData(MIME_TYPE, json.dumps(payload).encode())
        return mime

    def _decode(self, mime: QMimeData) -> list[Item]:
        if not mime.hasFormat(MIME_TYPE):
            return []
        try:
            payload = json.loads(bytes(mime.data(MIME_TYPE).data()))
            return [Item(p["kind"], p["id"]) for p in payload if p["kind"] in ("api", "call")]
        except (ValueError, KeyError, TypeError):
            return []  # a foreign or stale payload: refuse the drop

    def _drop_target(self, items: list[Item], row: int, parent: Index) -> tuple[str | None, int]:
        """Where the items go: (API id, or None for the top level; the row before which)."""
        target = self.item(parent)
        if target is None:
            return None, self._map.source_drop_row(None, row)
        if target.kind == "call":  # onto a call: before it, in its API
            api_id, call_row = self._doc.call_row(target.id)
            if items[0].kind == "api":
                return None, self._doc.api_row(api_id)
            return api_id, call_row
        if items[0].kind == "api":  # APIs do not nest: onto an API means before it
            return None, self._doc.api_row(target.id)
        return target.id, self._map.source_drop_row(target.id, row)

    def canDropMimeData(
        self,
        mime: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        items = self._decode(mime)
        if not items or action != Qt.DropAction.MoveAction:
            return False
        kinds = {i.kind for i in items}
        api_id, _ = self._drop_target(items, row, parent)
        return len(kinds) == 1 and (api_id is None) == (kinds == {"api"})

    def dropMimeData(
        self,
        mime: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        # The move happens here, as one undoable command. The view then asks
        # to remove the dragged rows; removeRows is not implemented (it returns
        # False), so that request does nothing.
        if not self.canDropMimeData(mime, action, row, column, parent):
            return False
        items = self._decode(mime)
        api_id, before = self._drop_target(items, row, parent)
        try:
            return edits.move(self._doc, items, api_id, before)
        except KeyError:
            return False  # an item vanished while it was being dragged

    # -- document notifications ---------------------------------------------

    def _api_changed(self, api_id: str) -> None:
        index = self.api_index(api_id)
        hooks = [h.id for h in self._doc.api(api_id).webhooks]
        if hooks != self._hooks.get(api_id, []) and not self._map.filtered:
            # Webhooks come and go with the API's settings, after the change: the rows
            # are laid out again (the view keeps what was open and selected).
            self.beginResetModel()
            self._end_reset()
            return
        if index.isValid():
            self.dataChanged.emit(index, index)
            if hooks and not self._map.filtered:  # a renamed webhook
                first = len(self._doc.api(api_id).calls)
                self.dataChanged.emit(
                    self.index(first, 0, index), self.index(first + len(hooks) - 1, 0, index)
                )
        self._match_later()

    def _call_changed(self, api_id: str, call_id: str) -> None:
        index = self.item_index(Item("call", call_id))
        if index.isValid():
            self.dataChanged.emit(index, index)
        self._match_later()

    def _match_later(self) -> None:
        # A rename may make an item match or stop matching: matched again once per
        # turn of the event loop, however many changes there were (typing in a name).
        if self._map.filtered:
            self._rematch.start()
