"""Small widgets and helpers shared by the API and call editors."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from designer.ui.infra.icons import icon

__all__ = ["SecretField", "UndoRouter", "monospace_font", "set_text_keeping_cursor"]


def monospace_font() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    return font


def set_text_keeping_cursor(edit: QLineEdit, text: str) -> None:
    """Show ``text`` without moving the cursor the user is typing with.

    A field the user is not in shows the start of a long value, not its end.
    """
    if edit.text() == text:
        return
    if not edit.hasFocus():
        edit.setText(text)
        edit.setCursorPosition(0)
        return
    position = edit.cursorPosition()
    edit.setText(text)
    edit.setCursorPosition(min(position, len(text)))


class SecretField(QLineEdit):
    """A password field with a trailing action that reveals or hides the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal_action = QAction(icon("eye"), "Show", self)
        self.reveal_action.setCheckable(True)
        self.reveal_action.setToolTip("Show the value")
        self.reveal_action.toggled.connect(self._reveal)
        self.addAction(self.reveal_action, QLineEdit.ActionPosition.TrailingPosition)

    def _reveal(self, shown: bool) -> None:
        self.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal_action.setIcon(icon("eye-off" if shown else "eye"))
        self.reveal_action.setText("Hide" if shown else "Show")
        self.reveal_action.setToolTip("Hide the value" if shown else "Show the value")


class UndoRouter(QObject):
    """Lets Ctrl+Z in a text field undo the document edit instead of the field's own.

    Every keystroke in an editor is already an undoable document command; if
    the field kept its own history too, Undo would mean two different things
    depending on focus. Declining the shortcut override hands the key to the
    window's Undo and Redo actions.
    """

    def install(self, root: QWidget) -> None:
        for field in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.matches(QKeySequence.StandardKey.Undo) or event.matches(
                QKeySequence.StandardKey.Redo
            ):
                event.ignore()
                return True
        return False
