"""Find in the Raw tab: Ctrl+F opens a bar under the text, Enter finds the next match.

The window's Ctrl+F filters the tree; inside the body text it means "find in
this text", as in every editor, so the text view claims the shortcut while it
has focus (a ShortcutOverride the view accepts is delivered to it as a key).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QToolButton, QWidget

from designer.ui.infra.icons import icon

__all__ = ["FindBar"]


class FindBar(QWidget):
    """A find field with Previous / Next, hidden until Ctrl+F in ``view``."""

    def __init__(self, view: QPlainTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rawFindBar")
        self._view = view
        self.field = QLineEdit(self)
        self.field.setObjectName("rawFindField")
        self.field.setPlaceholderText("Find in body")
        self.field.setAccessibleName("Find in body")
        self.field.setToolTip("Enter: next match · Shift+Enter: previous · Esc: close")
        self.field.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setObjectName("rawFindStatus")
        buttons = []
        self.field.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        for name, text, glyph, tip, backward in (
            ("rawFindPrevious", "↑", "chevron-up", "Previous match (Shift+Enter)", True),
            ("rawFindNext", "↓", "chevron-down", "Next match (Enter)", False),
            ("rawFindClose", "✕", "x", "Close (Esc)", None),
        ):
            button = QToolButton(self)
            button.setObjectName(name)
            button.setText(text)  # drawn as the icon; kept for accessibility tools and scripts
            button.setIcon(icon(glyph))
            button.setAutoRaise(True)
            button.setToolTip(tip)
            button.setAccessibleName(tip.split(" (")[0])
            if backward is None:
                button.clicked.connect(self.close_bar)
            else:
                button.clicked.connect(lambda _=False, b=backward: self.find_match(backward=b))
            buttons.append(button)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.status)
        for button in buttons:
            row.addWidget(button)
        self.field.returnPressed.connect(self.find_match)
        self.field.textChanged.connect(lambda _text: self.find_match(from_start=True))
        self.field.installEventFilter(self)
        view.installEventFilter(self)
        self.hide()

    def open_bar(self) -> None:
        selected = self._view.textCursor().selectedText()
        self.show()
        if selected and "\u2029" not in selected:
            self.field.setText(selected)
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self._view.setFocus()

    def find_match(self, *, backward: bool = False, from_start: bool = False) -> bool:
        """Select the next (or previous) match of the field's text; wraps around once."""
        needle = self.field.text()
        if not needle:
            self.status.clear()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if from_start:
            cursor = self._view.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self._view.setTextCursor(cursor)
        found = self._view.find(needle, flags)
        if not found:  # wrap around
            cursor = self._view.textCursor()
            end = QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            cursor.movePosition(end)
            self._view.setTextCursor(cursor)
            found = self._view.find(needle, flags)
        self.status.setText("" if found else "Not found")
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            if watched is self._view and event.matches(QKeySequence.StandardKey.Find):
                event.accept()  # claim Ctrl+F from the window's tree filter
                if kind == QEvent.Type.KeyPress:
                    self.open_bar()
                return True
            if watched is self.field and event.key() == Qt.Key.Key_Escape:
                event.accept()
                if kind == QEvent.Type.KeyPress:
                    self.close_bar()
                return True
            if (
                watched is self.field
                and kind == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.find_match(backward=True)
                return True
        return super().eventFilter(watched, event)
