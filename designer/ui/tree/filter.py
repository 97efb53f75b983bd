"""What the tree's search box shows, and the mapping between shown and stored rows.

A call that matches keeps its API visible, and an API that matches shows all
of its calls. Matching is case-insensitive on the name, and for calls on the
method and path too, so "post" or "/users" work.

What matches is worked out in one pass over the workspace, in plain Python,
and the tree model then presents only those rows (see
:class:`~designer.ui.tree.model.WorkspaceTreeModel`). A proxy model in front
of the tree was tried and measured: Qt's proxy asks the Python model for every
row of every API on each keystroke (a hundred thousand calls into Python for
5,000 calls), a quarter of a second per keystroke; the model answering for the
shown rows only keeps a keystroke within a few milliseconds.
"""

from __future__ import annotations

from designer.core.models import Workspace

__all__ = ["RowMap", "Rows", "matching_rows"]

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


class RowMap:
    """Shown rows to stored rows and back, for one result of :func:`matching_rows`.

    ``rows`` None is the identity: everything is shown. Calls are looked up by
    the id of their API, which the tree's indexes carry.
    """

    def __init__(self, workspace: Workspace, rows: Rows | None) -> None:
        self.rows = rows
        self._apis: list[int] = sorted(rows) if rows is not None else []
        self._api_pos = {src: shown for shown, src in enumerate(self._apis)}
        self._calls: dict[str, list[int]] = {}
        self._call_pos: dict[str, dict[int, int]] = {}
        for api_row, calls in (rows or {}).items():
            if calls is not None:
                api_id = workspace.apis[api_row].id
                ordered = self._calls[api_id] = sorted(calls)
                self._call_pos[api_id] = {src: shown for shown, src in enumerate(ordered)}

    @property
    def filtered(self) -> bool:
        return self.rows is not None

    def api_count(self, stored: int) -> int:
        return stored if self.rows is None else len(self._apis)

    def source_api(self, shown: int) -> int:
        return shown if self.rows is None else self._apis[shown]

    def shown_api(self, stored: int) -> int | None:
        return stored if self.rows is None else self._api_pos.get(stored)

    def call_count(self, api_id: str, stored: int) -> int:
        calls = self._calls.get(api_id)
        return stored if calls is None else len(calls)

    def source_call(self, api_id: str, shown: int) -> int:
        calls = self._calls.get(api_id)
        return shown if calls is None else calls[shown]

    def shown_call(self, api_id: str, stored: int) -> int | None:
        positions = self._call_pos.get(api_id)
        return stored if positions is None else positions.get(stored)

    def source_drop_row(self, api_id: str | None, shown: int) -> int:
        """Where a drop "before shown row ``shown``" goes in the stored rows (-1: at the end)."""
        order = self._apis if api_id is None else self._calls.get(api_id)
        if self.rows is None or order is None or shown < 0:
            return shown
        if shown < len(order):
            return order[shown]
        return order[-1] + 1 if order else -1
