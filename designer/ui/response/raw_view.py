"""The Raw tab: the response body as readable text, a page at a time.

Pretty-printing runs in a worker process (:func:`.pretty.pretty_page`) and
only the window of the body a page needs is sent there. A page reaches the
text widget in slices, one per event-loop turn, because Qt lays out a
megabyte of text in about 70 ms and the loop must never stall for 100.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QTextCursor, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.errors import DesignerError
from designer.core.fileio import atomic_write, format_size
from designer.ui.infra.naming import named
from designer.ui.infra.ops import AsyncOp, run_in_worker
from designer.ui.response.find_bar import FindBar
from designer.ui.response.highlight import LazyHighlighter
from designer.ui.response.pretty import PAGE_CHARS, Page, PageState, pretty_page, window_for

__all__ = ["RawBodyPage"]

#: Text handed to the widget per event-loop turn (about 20 ms of layout).
_SLICE = 200_000


class RawBodyPage(QWidget):
    """The body text with "Show more" and "Save body to file…"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rawBodyPage")
        self._body = b""
        self._kind = "text"
        self._charset = "utf-8"
        self._suggested_name = "response.txt"
        self._state = PageState()
        self._done = True
        self._op: AsyncOp[None] | None = None
        self._message: str | None = None
        #: Display text per page; an attribute so tests can page through small bodies.
        self.page_chars = PAGE_CHARS

        self.infoLabel = named(QLabel(self), "rawInfoLabel")
        self.showMoreButton = named(QPushButton("Show more", self), "showMoreButton")
        self.showMoreButton.setToolTip("Append the next page of the body")
        self.saveButton = named(QPushButton("Save body to file…", self), "saveBodyButton")
        self.saveButton.setToolTip("Save the body exactly as received")
        self.text = named(QPlainTextEdit(self), "rawBodyView")
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Raw response body")
        self.text.setToolTip("The body as received, pretty-printed; large bodies show in pages")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlaceholderText("The body of the response appears here after Initialize.")
        self.text.setUndoRedoEnabled(False)  # an undo history of megabytes is pure waste
        # Lines break between words, never inside a URL; or not at all (the Wrap box).
        self.text.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.wrapBox = named(QCheckBox("Wrap", self), "rawWrapBox")
        self.wrapBox.setChecked(True)
        self.wrapBox.setToolTip("Wrap long lines at word boundaries, or scroll sideways")
        self.wrapBox.setAccessibleName("Wrap long lines")
        self.wrapBox.toggled.connect(self._set_wrap)
        self.highlighter = LazyHighlighter(self.text.document(), self)
        self.text.updateRequest.connect(lambda *_: self.highlighter.colour_visible(self.text))
        self.findBar = FindBar(self.text, self)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.infoLabel, 1)
        bar.addWidget(self.wrapBox)
        bar.addWidget(self.showMoreButton)
        bar.addWidget(self.saveButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.findBar)

        self.showMoreButton.clicked.connect(self.show_more)
        self.saveButton.clicked.connect(self._ask_save)
        self.clear()

    # -- content ----------------------------------------------------------------------

    def clear(self) -> None:
        self._cancel()
        self._body, self._state, self._done = b"", PageState(), True
        self._message = None
        self.text.clear()
        self.infoLabel.clear()
        self._update_buttons()

    def show_body(
        self, body: bytes, kind: str, charset: str | None = None, content_type: str = ""
    ) -> None:
        """Show the first page of ``body``; ``kind`` is json, xml, text or binary."""
        self.clear()
        self._body, self._kind, self._charset = body, kind, charset or "utf-8"
        self.highlighter.set_kind(kind)
        self._suggested_name = "response." + {"json": "json", "xml": "xml"}.get(kind, "txt")
        if kind == "binary":
            self._suggested_name = "response.bin"
            what = content_type or "binary data"
            self.infoLabel.setText(
                f"Binary body ({what}, {format_size(len(body))}): save it to a file to open it."
            )
            self._update_buttons()
            return
        if not body:
            self.infoLabel.setText("The response has no body.")
            self._update_buttons()
            return
        self._done = False
        self.show_more()

    def show_more(self) -> None:
        """Append the next page (off the UI thread)."""
        if self._done or (self._op is not None and self._op.running):
            return
        start, stop = window_for(len(self._body), self._state, self.page_chars)
        window = self._body[start:stop]
        final = stop >= len(self._body)
        state, kind, charset, chars = self._state, self._kind, self._charset, self.page_chars

        async def next_page() -> None:
            page: Page = await run_in_worker(
                pretty_page,
                window,
                state,
                kind=kind,
                final=final,
                charset=charset,
                chars=chars,
            )
            await self._append(page.text)
            self._state, self._done = page.next, page.done

        self.infoLabel.setText("Formatting…")
        self.showMoreButton.setEnabled(False)
        op: AsyncOp[None] = AsyncOp(self, next_page)
        op.failure(self._failed).finally_(lambda: self._finished(op))
        self._op = op.run()

    def _failed(self, exc: DesignerError) -> None:
        self._message = str(exc)

    def _finished(self, op: AsyncOp[None]) -> None:
        # A page op cancelled by clear() finishes later; it must not touch its successor.
        if self._op is op:
            self._op = None
            self._update_buttons()

    async def _append(self, text: str) -> None:
        import asyncio

        cursor = QTextCursor(self.text.document())
        for start in range(0, len(text), _SLICE):
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text[start : start + _SLICE])
            await asyncio.sleep(0)  # let the loop breathe between slices

    def shutdown(self) -> None:
        self._cancel()

    def _set_wrap(self, wrap: bool) -> None:
        modes = QPlainTextEdit.LineWrapMode
        self.text.setLineWrapMode(modes.WidgetWidth if wrap else modes.NoWrap)

    # -- saving -----------------------------------------------------------------------

    def _ask_save(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save response body", str(Path.home() / self._suggested_name)
        )
        if name:
            self.save_to(name)

    def save_to(self, path: str) -> AsyncOp[None]:
        """Write the body to ``path`` atomically, in a thread (disk writes release the GIL)."""
        body = self._body

        def saved(_result: None) -> None:
            self._message = f"Saved {format_size(len(body))} to {path}"

        import asyncio

        save = AsyncOp(self, lambda: asyncio.to_thread(atomic_write, path, body))
        return save.success(saved).failure(self._failed).finally_(self._update_buttons).run()

    # -- state ------------------------------------------------------------------------

    def _cancel(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._op = None

    def _update_buttons(self) -> None:
        busy = self._op is not None and self._op.running
        self.saveButton.setEnabled(bool(self._body))
        self.showMoreButton.setVisible(not self._done or busy)
        self.showMoreButton.setEnabled(not self._done and not busy)
        if self._message is not None:
            self.infoLabel.setText(self._message)
        elif self._body and self._kind != "binary" and not busy:
            shown = min(self._state.offset, len(self._body))
            total = format_size(len(self._body))
            if self._done:
                self.infoLabel.setText(f"{total} · {self._kind.upper()}")
            else:
                self.infoLabel.setText(f"Showing {format_size(shown)} of {total}")
