"""Responses kept: above the raw body, which one it is, the earlier ones and Clear;
and in memory, the last one of each call for the session.

The responses are kept between runs in the app's cache folder (see
:mod:`designer.core.calls.history`), never in the workspace file, secrets masked.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from designer.core.http.response import ResponseResult

if TYPE_CHECKING:
    from designer.core.calls.history import HistoryEntry, ResponseHistory

__all__ = ["KEEP_BYTES", "HistoryBar", "SessionResponses"]

#: Responses kept for the session (all calls together), so that going back to a
#: call shows what it last returned; a larger body is shown only while current.
KEEP_BYTES = 64 * 1024 * 1024


class HistoryBar(QHBoxLayout):
    """The combo box of kept responses (``responseHistory``) and its Clear button."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        #: the responses kept between runs (the window gives it the cache folder's)
        self.history: ResponseHistory | None = None
        self.entries: list[HistoryEntry] = []
        self.combo = QComboBox(parent)
        self.combo.setObjectName("responseHistory")
        self.combo.setAccessibleName("Response shown")
        self.combo.setToolTip(
            "The last responses of this call, kept in the app's cache folder (not in the "
            "workspace file), secrets masked: choose one to see it again"
        )
        self.clearButton = QPushButton("Clear", parent)
        self.clearButton.setObjectName("clearHistoryButton")
        self.clearButton.setAccessibleName("Clear the kept responses of this call")
        self.clearButton.setToolTip("Forget the kept responses of this call")
        label = QLabel("Response:", parent)
        label.setBuddy(self.combo)
        self.addWidget(label)
        self.addWidget(self.combo, 1)
        self.addWidget(self.clearButton)

    def fill(self, api_id: str | None, call_id: str | None) -> None:
        """List the kept responses of a call, newest first (none without a call)."""
        entries: list[HistoryEntry] = []
        if self.history is not None and call_id is not None and api_id is not None:
            entries = self.history.entries(api_id, call_id)
        self.entries = entries
        self.combo.clear()
        for entry in entries:
            self.combo.addItem(entry.label())
        if not entries:
            self.combo.addItem("No response kept yet")
        self.combo.setEnabled(bool(entries))
        self.clearButton.setEnabled(bool(entries))

    def response(self, row: int) -> tuple[ResponseResult, HistoryEntry] | None:
        """The kept response in ``row`` and its entry, or None."""
        if not 0 <= row < len(self.entries):
            return None
        entry = self.entries[row]
        response = ResponseResult(
            status=entry.status,
            reason=entry.reason,
            http_version="",
            url=entry.url,
            elapsed=0.0,
            headers=entry.headers,
            body=entry.body,
            content_type=entry.content_type,
            charset=entry.charset,
        )
        return response, entry

    def clear(self, api_id: str | None, call_id: str | None) -> None:
        """Forget the kept responses of a call."""
        if self.history is not None and api_id is not None and call_id is not None:
            self.history.clear(api_id, call_id)
        self.fill(api_id, call_id)

    async def remember(
        self,
        api_id: str,
        call_id: str,
        response: ResponseResult,
        kind: str,
        secrets: Any,
        offsets: list[float] | None = None,
    ) -> bool:
        """Keep ``response`` of a call; False when there is no history or it cannot be written.

        ``offsets`` are a streamed answer's event times, so the mock replays its spacing.
        """
        if self.history is None:
            return False
        import asyncio  # with the first response: the window shows without it

        try:
            await asyncio.to_thread(
                self.history.add, api_id, call_id, response, kind, secrets, offsets
            )
        except OSError:
            return False  # a cache folder that cannot be written costs the history, not the call
        return True


class SessionResponses:
    """The last response of each call, kept in memory for the session (all calls
    together up to :data:`KEEP_BYTES`, oldest dropped first), so that going back to a
    call shows what it last returned; a larger body is shown only while current."""

    def __init__(self) -> None:
        # call id -> (response, how to show its body, its status line), oldest first
        self._kept: OrderedDict[str, tuple[ResponseResult, str, str]] = OrderedDict()

    def keep(self, call_id: str, response: ResponseResult, kind: str, status: str) -> None:
        self._kept.pop(call_id, None)
        if response.size > KEEP_BYTES:
            return
        self._kept[call_id] = (response, kind, status)
        total = sum(r.size for r, _, _ in self._kept.values())
        while total > KEEP_BYTES:
            _, (oldest, _, _) = self._kept.popitem(last=False)
            total -= oldest.size

    def get(self, call_id: str) -> tuple[ResponseResult, str, str] | None:
        """The kept (response, kind, status) of a call, now the last to be dropped."""
        kept = self._kept.get(call_id)
        if kept is not None:
            self._kept.move_to_end(call_id)
        return kept
