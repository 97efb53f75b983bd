"""Object names for widgets, in one expression and type-checked.

Qt takes properties as constructor keywords (``QLabel(parent, objectName="x")``)
but PySide6's type stubs do not list them; ``named(QLabel(parent), "x")`` says
the same and keeps ``mypy --strict`` able to check the constructor's arguments.
Object names are the stable names automation and tests use.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

__all__ = ["named"]

AnyObject = TypeVar("AnyObject", bound=QObject)


def named(widget: AnyObject, name: str) -> AnyObject:
    """``widget`` with its object name set to ``name``."""
    widget.setObjectName(name)
    return widget
