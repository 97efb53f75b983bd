"""The filter behind the tree's search box.

A call that matches keeps its API visible, and an API that matches shows all
of its calls. Matching is case-insensitive on the name, and for calls on the
method and path too, so "post" or "/users" work.

What matches is worked out in one pass over the workspace, in plain Python,
and the proxy is then rebuilt at once: Qt's own recursive filtering updates
the proxy row by row, which on a workspace of thousands of calls takes
seconds per keystroke (each row removal walks the parents of every row).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from designer.core.models import Workspace

__all__ = ["TreeFilterModel", "matching_rows"]

#: API row -> the rows of its calls to show (None: all of them).
Rows = dict[int, set[int] | None]


def matching_rows(workspace: Workspace, text: str) -> Rows | None:
    """The rows to show for ``text``; None when nothing is filtered."""
    needle = text.strip().casefold()
    if not needle:
        return None
    rows: Rows = {}
    for api_row, api in enumerate(workspace.apis):
        if needle in api.name.casefold():
            rows[api_row] = None
            continue
        calls = {
            row
            for row, call in enumerate(api.calls)
            if needle in f"{call.name} {call.method} {call.path}".casefold()
        }
        if calls:
            rows[api_row] = calls
    return rows


class TreeFilterModel(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: Rows | None = None

    def set_rows(self, rows: Rows | None) -> None:
        """Show only ``rows`` (from :func:`matching_rows`); None shows everything."""
        self._rows = rows
        self.invalidate()

    def filterAcceptsRow(  # noqa: N802 - Qt API
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        rows = self._rows
        if rows is None:
            return True
        if not source_parent.isValid():
            return source_row in rows
        calls = rows.get(source_parent.row(), set())
        return calls is None or source_row in calls
