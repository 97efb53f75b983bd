"""Keyboard focus order for widgets that are built after their window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

__all__ = ["take_focus_place"]


def take_focus_place(placeholder: QWidget, widget: QWidget) -> None:
    """Move ``widget``'s fields to ``placeholder``'s place in the Tab order.

    A widget made after its window joins the end of the window's focus chain:
    Tab would reach it last, whatever its place on screen. Its fields (those
    Tab stops at) are moved, in their own order, to just after the last field
    before ``placeholder``, the widget it stands in for.
    """
    tab = Qt.FocusPolicy.TabFocus
    previous: QWidget = placeholder
    while (before := previous.previousInFocusChain()) is not None and before is not placeholder:
        previous = before
        if previous.focusPolicy() & tab:
            break
    fields = []
    following = widget.nextInFocusChain()
    while following is not None and following is not widget and widget.isAncestorOf(following):
        if following.focusPolicy() & tab:
            fields.append(following)
        following = following.nextInFocusChain()
    for field in fields:
        QWidget.setTabOrder(previous, field)
        previous = field
