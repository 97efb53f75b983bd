"""Accessibility checks shared by the GUI tests: every control is named, explained, reachable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QRadioButton,
    QTextEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

__all__ = ["unnamed_controls"]

_INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
)


def _in_menus(window: QMainWindow) -> set[object]:
    actions, menus = set(), [a.menu() for a in window.menuBar().actions() if a.menu()]
    while menus:
        for action in menus.pop().actions():
            actions.add(action)
            if action.menu():
                menus.append(action.menu())
    return actions


def unnamed_controls(window: QWidget) -> list[str]:
    """Visible controls without an accessible name, a tooltip or keyboard focus.

    As on every desktop: a toolbar button is out of the Tab order, so its
    action must be in a menu, which the keyboard reaches; Tab reaches a group
    of radio buttons once and the arrow keys move in it; the buttons of a
    dialog's button box (OK, Cancel…) say what they do without a tooltip.
    """
    in_menus = _in_menus(window) if isinstance(window, QMainWindow) else set()
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, _INTERACTIVE) or not widget.isVisibleTo(window):
            continue
        parent = widget.parent()
        internal = (
            isinstance(widget, QHeaderView)
            or widget.objectName().startswith("qt_")
            or isinstance(parent, (QLineEdit, QComboBox, QAbstractSpinBox))
        )
        if internal:  # Qt's own parts of a control, named through the control
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        problems = [
            what
            for what, missing in (
                ("accessible name", not name),
                ("tooltip", not widget.toolTip() and not isinstance(parent, QDialogButtonBox)),
                ("keyboard focus", not _reachable(widget, in_menus)),
            )
            if missing
        ]
        if problems:
            label = widget.objectName() or type(widget).__name__
            found.append(f"{label} ({name or 'unnamed'}): no {', '.join(problems)}")
    return found


def _reachable(widget: QWidget, in_menus: set[object]) -> bool:
    if isinstance(widget, QToolButton) and isinstance(widget.parent(), QToolBar):
        return widget.defaultAction() in in_menus
    if not widget.isEnabled():
        return True  # nothing to reach yet
    if isinstance(widget, QRadioButton) and widget.autoExclusive():
        group = [b for b in widget.parent().findChildren(QRadioButton) if b.isEnabled()]
        return any(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in group)
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
