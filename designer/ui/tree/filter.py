"""The filter behind the tree's search box.

Filtering is recursive: a call that matches keeps its API visible, and an API
that matches shows all of its calls. Matching is case-insensitive on the
name, and for calls on the method and path too, so "post" or "/users" work.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from .model import SEARCH_ROLE

__all__ = ["TreeFilterModel"]


class TreeFilterModel(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
