"""Undoable edits of a :class:`~designer.ui.editing.document.Document`.

Every change a user makes goes through one of these ``QUndoCommand``
subclasses, so Undo and Redo cover all of them. Commands keep snapshots (the
pydantic object before and after) and find their target by id, not by
position, so they stay correct whatever happened in between.

Typing in a field produces one command per keystroke; commands with the same
``merge_key`` merge, so a word typed is one undo step.
"""

from __future__ import annotations

from collections.abc import Hashable

from PySide6.QtGui import QUndoCommand

from designer.core.models import Api, Call
from designer.ui.editing.document import Document

__all__ = [
    "EditApi",
    "EditCall",
    "InsertApi",
    "InsertCall",
    "MoveApi",
    "MoveCall",
    "RemoveApi",
    "RemoveCall",
]

_EDIT_API_ID = 1
_EDIT_CALL_ID = 2


class InsertApi(QUndoCommand):
    def __init__(self, doc: Document, row: int, api: Api, text: str = "Add API") -> None:
        super().__init__(text)
        self._doc, self._row, self._api = doc, row, api

    @property
    def api_id(self) -> str:
        return self._api.id

    def redo(self) -> None:
        self._doc.apply_insert_api(self._row, self._api)

    def undo(self) -> None:
        self._api = self._doc.apply_remove_api(self._row)


class RemoveApi(QUndoCommand):
    def __init__(self, doc: Document, api_id: str, text: str = "Delete API") -> None:
        super().__init__(text)
        self._doc, self._api_id = doc, api_id
        self._row = -1
        self._api: Api | None = None

    @property
    def api_id(self) -> str:
        return self._api_id

    def redo(self) -> None:
        self._row = self._doc.api_row(self._api_id)
        self._api = self._doc.apply_remove_api(self._row)

    def undo(self) -> None:
        assert self._api is not None
        self._doc.apply_insert_api(self._row, self._api)


class MoveApi(QUndoCommand):
    """Move an API to final index ``dst``."""

    def __init__(self, doc: Document, api_id: str, dst: int, text: str = "Move API") -> None:
        super().__init__(text)
        self._doc, self._api_id, self._dst = doc, api_id, dst
        self._src = doc.api_row(api_id)

    @property
    def api_id(self) -> str:
        return self._api_id

    def redo(self) -> None:
        self._doc.apply_move_api(self._src, self._dst)

    def undo(self) -> None:
        self._doc.apply_move_api(self._dst, self._src)


class InsertCall(QUndoCommand):
    def __init__(
        self, doc: Document, api_id: str, row: int, call: Call, text: str = "Add call"
    ) -> None:
        super().__init__(text)
        self._doc, self._api_id, self._row, self._call = doc, api_id, row, call

    @property
    def call_id(self) -> str:
        return self._call.id

    def redo(self) -> None:
        self._doc.apply_insert_call(self._api_id, self._row, self._call)

    def undo(self) -> None:
        self._call = self._doc.apply_remove_call(self._api_id, self._row)


class RemoveCall(QUndoCommand):
    def __init__(self, doc: Document, call_id: str, text: str = "Delete call") -> None:
        super().__init__(text)
        self._doc, self._call_id = doc, call_id
        self._api_id, self._row = "", -1
        self._call: Call | None = None

    @property
    def call_id(self) -> str:
        return self._call_id

    def redo(self) -> None:
        self._api_id, self._row = self._doc.call_row(self._call_id)
        self._call = self._doc.apply_remove_call(self._api_id, self._row)

    def undo(self) -> None:
        assert self._call is not None
        self._doc.apply_insert_call(self._api_id, self._row, self._call)


class MoveCall(QUndoCommand):
    """Move a call to final index ``dst_row`` of API ``dst_api``."""

    def __init__(
        self, doc: Document, call_id: str, dst_api: str, dst_row: int, text: str = "Move call"
    ) -> None:
        super().__init__(text)
        self._doc, self._call_id = doc, call_id
        self._dst_api, self._dst_row = dst_api, dst_row
        self._src_api, self._src_row = doc.call_row(call_id)

    @property
    def call_id(self) -> str:
        return self._call_id

    def redo(self) -> None:
        self._doc.apply_move_call(self._src_api, self._src_row, self._dst_api, self._dst_row)

    def undo(self) -> None:
        self._doc.apply_move_call(self._dst_api, self._dst_row, self._src_api, self._src_row)


class _MergingEdit(QUndoCommand):
    """A snapshot edit that merges with the next edit of the same item and key.

    Typing in one field is then one undo step, not one per keystroke.
    """

    _MERGE_ID = -1
    _after: Api | Call
    _merge_key: Hashable | None

    def id(self) -> int:
        return self._MERGE_ID if self._merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if type(other) is not type(self):
            return False
        assert isinstance(other, _MergingEdit)
        if other._after.id != self._after.id or other._merge_key != self._merge_key:
            return False
        self._after = other._after
        return True


class EditApi(_MergingEdit):
    """Change an API's settings (everything but its calls)."""

    _MERGE_ID = _EDIT_API_ID
    _after: Api

    def __init__(
        self,
        doc: Document,
        before: Api,
        after: Api,
        text: str = "Edit API",
        merge_key: Hashable | None = None,
    ) -> None:
        super().__init__(text)
        self._doc, self._before, self._after = doc, before, after
        self._merge_key = merge_key

    @property
    def api_id(self) -> str:
        return self._after.id

    def redo(self) -> None:
        self._doc.apply_api_settings(self._after)

    def undo(self) -> None:
        self._doc.apply_api_settings(self._before)


class EditCall(_MergingEdit):
    """Replace a call by an edited copy."""

    _MERGE_ID = _EDIT_CALL_ID
    _after: Call

    def __init__(
        self,
        doc: Document,
        before: Call,
        after: Call,
        text: str = "Edit call",
        merge_key: Hashable | None = None,
    ) -> None:
        super().__init__(text)
        self._doc, self._before, self._after = doc, before, after
        self._api_id = doc.call_row(before.id)[0]
        self._merge_key = merge_key

    @property
    def call_id(self) -> str:
        return self._after.id

    def redo(self) -> None:
        self._api_id = self._doc.call_row(self._after.id)[0]
        self._doc.apply_call(self._api_id, self._after)

    def undo(self) -> None:
        self._api_id = self._doc.call_row(self._before.id)[0]
        self._doc.apply_call(self._api_id, self._before)
