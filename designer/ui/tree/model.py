"""The item model of the APIs-and-calls tree: an adapter over a Document.

APIs are the top-level rows, their calls the children. The model holds no
copy of the workspace: every answer is read from the document, and every
change the document announces is bracketed with the matching
``begin…Rows``/``end…Rows`` calls.

Indexes carry an integer, never a Python object: 0 for an API, and for a call
a key naming its API. Edits replace pydantic objects by copies, so a pointer
stored in an index could outlive its object; an integer cannot dangle.

Renames, moves (drag and drop) and everything else go through
:mod:`designer.ui.edits`, so they are undoable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from designer.core.models import Workspace
from designer.ui import edits
from designer.ui.document import Document
from designer.ui.edits import Item

from .badges import method_icon

__all__ = ["ITEM_ROLE", "MIME_TYPE", "SEARCH_ROLE", "WorkspaceTreeModel"]

#: The item (:class:`~designer.ui.edits.Item`) behind an index.
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
#: The text the filter box matches: name, and for calls method and path.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
#: Drag-and-drop payload: a JSON list of {"kind", "id"} objects.
MIME_TYPE = "application/x-connector-designer-items"

_API = 0  # internal id of API rows
#: What the tree shows before the name of a call that is running or whose last attempt
#: failed (before it, so that eliding a long name never hides it).
_STATE_PREFIX = {"busy": "↻ ", "failed": "⚠ "}
_STATE_TIP = {"busy": "\nInitializing…", "failed": "\nThe last Initialize failed"}
Index = QModelIndex | QPersistentModelIndex


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
        doc.aboutToReset.connect(self.beginResetModel)
        doc.reset.connect(self.endResetModel)
        doc.apiAboutToBeInserted.connect(lambda r: self.beginInsertRows(QModelIndex(), r, r))
        doc.apiInserted.connect(self.endInsertRows)
        doc.apiAboutToBeRemoved.connect(lambda r: self.beginRemoveRows(QModelIndex(), r, r))
        doc.apiRemoved.connect(self.endRemoveRows)
        doc.apiAboutToBeMoved.connect(self._begin_move_api)
        doc.apiMoved.connect(self.endMoveRows)
        doc.callAboutToBeInserted.connect(
            lambda a, r: self.beginInsertRows(self.api_index(a), r, r)
        )
        doc.callInserted.connect(self.endInsertRows)
        doc.callAboutToBeRemoved.connect(lambda a, r: self.beginRemoveRows(self.api_index(a), r, r))
        doc.callRemoved.connect(self.endRemoveRows)
        doc.callAboutToBeMoved.connect(self._begin_move_call)
        doc.callMoved.connect(self.endMoveRows)
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
        return self.createIndex(self._doc.api_row(api_id), 0, _API)

    def item_index(self, item: Item) -> QModelIndex:
        if item.kind == "api":
            return self.api_index(item.id)
        api_id, row = self._doc.call_row(item.id)
        return self.createIndex(row, 0, self._key(api_id))

    def item(self, index: Index) -> Item | None:
        if not index.isValid():
            return None
        apis = self._doc.workspace.apis
        if index.internalId() == _API:
            return Item("api", apis[index.row()].id)
        api = self._doc.api(self._ids[index.internalId()])
        return Item("call", api.calls[index.row()].id)

    # -- QAbstractItemModel --------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Bounds checked here rather than by hasIndex(), which calls back into Python
        # twice: a filter over thousands of calls asks for every index several times.
        apis = self._doc.workspace.apis
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _API) if row < len(apis) else QModelIndex()
        if parent.internalId() != _API or parent.column() != 0:
            return QModelIndex()
        api = apis[parent.row()]
        if row >= len(api.calls):
            return QModelIndex()
        return self.createIndex(row, column, self._key(api.id))

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _API:
            return QModelIndex()
        return self.api_index(self._ids[index.internalId()])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        if not parent.isValid():
            return len(self._doc.workspace.apis)
        if parent.column() > 0 or parent.internalId() != _API:
            return 0
        return len(self._doc.workspace.apis[parent.row()].calls)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        apis = self._doc.workspace.apis
        if index.internalId() == _API:
            api = apis[index.row()]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return api.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{api.name}\n{api.base_url or 'no base URL'} · {len(api.calls)} calls"
            if role == SEARCH_ROLE:
                return api.name
            if role == ITEM_ROLE:
                return Item("api", api.id)
            return None
        call = self._doc.api(self._ids[index.internalId()]).calls[index.row()]
        state = self._states.get(call.id, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return _STATE_PREFIX.get(state, "") + call.name
        if role == Qt.ItemDataRole.EditRole:
            return call.name
        if role == Qt.ItemDataRole.DecorationRole:
            return method_icon(call.method.value)
        if role == Qt.ItemDataRole.FontRole and state:
            font = QFont()
            font.setItalic(state == "busy")
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{call.method.value} {call.path or '/'}" + _STATE_TIP.get(state, "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{call.method.value} {call.name}"
        if role == SEARCH_ROLE:
            return f"{call.name} {call.method.value} {call.path}"
        if role == ITEM_ROLE:
            return Item("call", call.id)
        return None

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
        self.dataChanged.emit(index, index)

    def call_state(self, call_id: str) -> str:
        return self._states.get(call_id, "")

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        item = self.item(index)
        if item is None or role != Qt.ItemDataRole.EditRole:
            return False
        refusal = edits.rename(self._doc, item, str(value))
        if refusal:
            self.message.emit(refusal)
            return False
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # APIs can be dropped among the APIs
        flags = (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
        )
        if index.internalId() == _API:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    # -- drag and drop -------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
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
            return None, row
        if target.kind == "call":  # onto a call: before it, in its API
            api_id, call_row = self._doc.call_row(target.id)
            if items[0].kind == "api":
                return None, self._doc.api_row(api_id)
            return api_id, call_row
        if items[0].kind == "api":  # APIs do not nest: onto an API means before it
            return None, self._doc.api_row(target.id)
        return target.id, row

    def canDropMimeData(
        self,
        mime: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,  # noqa: N802
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
        column: int,  # noqa: N802
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

    def _begin_move_api(self, src: int, child: int) -> None:
        self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), child)

    def _begin_move_call(self, src_api: str, src: int, dst_api: str, child: int) -> None:
        self.beginMoveRows(self.api_index(src_api), src, src, self.api_index(dst_api), child)

    def _api_changed(self, api_id: str) -> None:
        index = self.api_index(api_id)
        self.dataChanged.emit(index, index)

    def _call_changed(self, api_id: str, call_id: str) -> None:
        index = self.item_index(Item("call", call_id))
        self.dataChanged.emit(index, index)
