"""How the GUI shows errors: inline messages, and one dialog for the unexpected.

Expected failures (a file that cannot be read, a request that cannot be
built) carry a one-line message from the core that says what to do next; the
GUI shows it next to where it happened (:class:`InlineMessage`) or in a
simple warning (:func:`show_error`). Anything else is a bug: it is logged and
:func:`report_unexpected` shows it once with copyable details, and the
application keeps running.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from designer.core.escaping import inert_logger

__all__ = [
    "InlineMessage",
    "NoticeBanner",
    "install_excepthook",
    "loop_exception_handler",
    "report_unexpected",
    "show_error",
]

from designer.ui.infra.style import message_style

log = inert_logger("designer.ui")


class InlineMessage(QLabel):
    """A one-line (wrapping) message shown under the widget it concerns; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.kind = ""
        self.hide()

    def _show(self, kind: str, text: str) -> None:
        self.kind = kind
        style = message_style(kind)
        self.setStyleSheet(f"QLabel {{ {style} border-radius: 3px; padding: 4px 6px; }}")
        self.setText(text)
        self.setAccessibleName(f"{kind}: {text}")
        self.show()

    def show_error(self, text: str) -> None:
        self._show("error", text)

    def show_note(self, text: str) -> None:
        self._show("note", text)

    def clear(self) -> None:
        self.kind = ""
        super().clear()
        self.hide()


class NoticeBanner(QFrame):
    """A note across the window that the user closes once read; it never blocks."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"NoticeBanner {{ {message_style('note')} border-radius: 3px; }}")
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton("Dismiss", self)
        self.close_button.setObjectName("noticeDismiss")
        self.close_button.setAccessibleName("Dismiss notice")
        self.close_button.setToolTip("Hide this notice; it is not shown again")
        self.close_button.clicked.connect(self.dismissed)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 4, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_message(self, text: str) -> None:
        self.label.setText(text)
        self.setAccessibleName(f"note: {text}")
        self.show()


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """An expected failure that has no place to be shown inline, e.g. a file that won't open."""
    QMessageBox.warning(parent, title, message)


_open_report: QMessageBox | None = None


def report_unexpected(exc: BaseException, parent: QWidget | None = None) -> QMessageBox:
    """Log an unexpected exception and show it in a dialog with copyable details.

    The dialog is not modal to the application and does not block, so a bug
    in a slot never stops the event loop. A second error while the dialog is
    open is added to its details instead of opening another one.
    """
    global _open_report
    details = "".join(traceback.format_exception(exc))
    log.error("Unexpected error\n%s", details)
    if _open_report is not None and _open_report.isVisible():
        _open_report.setDetailedText(_open_report.detailedText() + "\n" + details)
        return _open_report
    box = QMessageBox(parent)
    box.setObjectName("unexpectedErrorDialog")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Unexpected error")
    summary = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    box.setText(f"Something went wrong: {summary}")
    box.setInformativeText(
        "Your work is still open. Save it, and if this happens again, report the problem "
        "with the details below (they are logged too)."
    )
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.destroyed.connect(_forget_report)
    _open_report = box
    box.open()
    return box


def _forget_report(*_: object) -> None:
    global _open_report
    _open_report = None


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    report_unexpected(exc.with_traceback(tb))


def install_excepthook() -> Callable[[], None]:
    """Route exceptions escaping Qt slots to :func:`report_unexpected`; returns an undo."""
    previous = sys.excepthook
    sys.excepthook = _excepthook

    def restore() -> None:
        sys.excepthook = previous

    return restore


def loop_exception_handler(loop: Any, context: dict[str, Any]) -> None:
    """asyncio exception handler: an unhandled error in a task is reported, not lost."""
    exc = context.get("exception")
    if exc is None:
        log.error("asyncio: %s", context.get("message", context))
        return
    report_unexpected(exc)
