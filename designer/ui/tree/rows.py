"""What a row of the tree shows, role by role: its name, badge, tooltip, font and item.

The model (:mod:`designer.ui.tree.model`) finds the API, call or webhook behind
an index; these functions say how it is drawn and read, so the model keeps
to the rows' structure and the document's notifications.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from designer.core.models import Api, Call, Webhook
from designer.ui.editing.edits import Item
from designer.ui.tree.badges import method_icon

__all__ = ["ITEM_ROLE", "api_data", "call_data", "hook_data"]

#: The item (:class:`~designer.ui.editing.edits.Item`) behind an index.
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
#: What the tree shows before the name of a call that is running or whose last attempt
#: failed (before it, so that eliding a long name never hides it).
_STATE_PREFIX = {"busy": "↻ ", "failed": "⚠ "}
_STATE_TIP = {"busy": "\nInitializing…", "failed": "\nThe last Initialize failed"}
_GONE_TIP = "\nGone from the API's source document: delete it, or keep it as your own"


def api_data(api: Api, role: int) -> Any:
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
        return api.name
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"{api.name}\n{api.base_url or 'no base URL'} · {len(api.calls)} calls"
    if role == ITEM_ROLE:
        return Item("api", api.id)
    return None


def call_data(call: Call, state: str, role: int) -> Any:
    """``state``: "busy" while Initialize is in flight, "failed" after it failed, or ""."""
    if role == Qt.ItemDataRole.DisplayRole:
        return _STATE_PREFIX.get(state, "") + call.name
    if role == Qt.ItemDataRole.EditRole:
        return call.name
    if role == Qt.ItemDataRole.DecorationRole:
        return method_icon(call.method.value)
    gone = call.origin is not None and call.origin.gone
    if role == Qt.ItemDataRole.FontRole and (state or gone):
        font = QFont()
        font.setItalic(state == "busy")
        font.setStrikeOut(gone)  # gone from its API's source document
        return font
    if role == Qt.ItemDataRole.ToolTipRole:
        tip = f"{call.method.value} {call.path or '/'}" + _STATE_TIP.get(state, "")
        return tip + (_GONE_TIP if gone else "")
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return f"{call.method.value} {call.name}" + (", gone from the source" if gone else "")
    if role == ITEM_ROLE:
        return Item("call", call.id)
    return None


def hook_data(hook: Webhook, role: int) -> Any:
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
        return hook.name
    if role == Qt.ItemDataRole.DecorationRole:
        return method_icon("HOOK")
    if role == Qt.ItemDataRole.ToolTipRole:
        return f"Webhook: {hook.method.value} {hook.path}\nA request the service sends to the app"
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return f"Webhook {hook.name}"
    if role == ITEM_ROLE:
        return Item("webhook", hook.id)
    return None
