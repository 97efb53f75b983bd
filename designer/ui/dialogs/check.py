"""*Call ▸ Check all calls*: the drift check of the command line, with its results in a list.

The check runs on the event loop (:class:`~designer.ui.infra.ops.AsyncOp`) in the
active environment, where an API has it; rows fill in as calls finish.
Selecting a row shows that call's changes below the list; clicking it
selects the call in the window, whose response panel then shows the
structure the check saw with the changes highlighted. Nothing in the
workspace changes: re-initialize a call to take its new structure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.ui.editing.edits import Item
from designer.ui.infra.ops import AsyncOp

if TYPE_CHECKING:
    from designer.core.check.drift import CallResult
    from designer.core.secrets.store import SecretStore
    from designer.ui.editing.document import Document
    from designer.ui.response.panel import ResponsePanel

__all__ = ["CheckDialog", "CheckHost", "check_all_calls"]


class _ActiveEnvironment(Protocol):
    @property
    def active(self) -> str | None: ...


class _SelectsItems(Protocol):
    def select(self, item: Item) -> None: ...


class CheckHost(Protocol):
    """What the check needs of the window it runs from (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def secrets(self) -> SecretStore: ...
    @property
    def environments(self) -> _ActiveEnvironment: ...
    @property
    def tree(self) -> _SelectsItems: ...
    @property
    def response_panel(self) -> ResponsePanel: ...
    def show_message(self, text: str) -> None: ...
    # The top-level widget: the dialog's parent.
    def window(self) -> QWidget: ...


_COLOURS = {"breaking": "#c62828", "failed": "#c62828", "changed": "#9a6700"}


class CheckDialog(QDialog):
    """The results of a check, one row per call; ``callChosen`` carries a call id."""

    callChosen = Signal(str)

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkDialog")
        self.setWindowTitle("Check all calls")
        self.resize(720, 460)
        self.total = total
        self.results: dict[str, CallResult] = {}
        self.summary = QLabel(f"Checking {total} calls…", self)
        self.summary.setObjectName("checkSummary")
        self.list = QTreeWidget(self)
        self.list.setObjectName("checkResults")
        self.list.setHeaderLabels(["Call", "Result", "Changes"])
        self.list.setRootIsDecorated(False)
        self.list.setColumnWidth(0, 260)
        self.list.setColumnWidth(1, 90)
        self.list.currentItemChanged.connect(self._show_details)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("checkDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("Select a call to see what changed.")
        self.details.setMaximumHeight(140)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)

    def add_result(self, result: CallResult) -> None:
        """Show one call's result (called as each call finishes)."""
        self.results[result.call.id] = result
        self._add_row(result)
        self.summary.setText(f"Checked {len(self.results)} of {self.total} calls…")

    def _add_row(self, result: CallResult) -> None:
        from designer.core.check.report import OUTCOME_WORDS, change_summary

        changes = change_summary(result)
        row = QTreeWidgetItem([result.name, OUTCOME_WORDS[result.outcome], changes])
        row.setData(0, Qt.ItemDataRole.UserRole, result.call.id)
        row.setToolTip(2, changes)
        colour = _COLOURS.get(result.outcome)
        if colour is not None:
            row.setForeground(1, QColor(colour))
        self.list.addTopLevelItem(row)

    def finish(self, results: list[CallResult]) -> None:
        """Show every result in the workspace's order, with the summary."""
        from designer.core.check.report import summary_line

        self.list.clear()
        for result in results:
            self.results[result.call.id] = result
            self._add_row(result)
        self.summary.setText(summary_line(results))

    def _show_details(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        if current is None:
            self.details.clear()
            return
        result = self.results[current.data(0, Qt.ItemDataRole.UserRole)]
        if result.error:
            self.details.setPlainText(result.error)
        elif result.findings:
            self.details.setPlainText(
                "\n".join(f"{f.severity}: {f.change}" for f in result.findings)
            )
        elif result.outcome == "new":
            self.details.setPlainText("No stored structure yet: Initialize the call to keep one.")
        else:
            self.details.setPlainText("The structure has not changed.")

    def _choose(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.callChosen.emit(item.data(0, Qt.ItemDataRole.UserRole))


def check_all_calls(window: CheckHost) -> CheckDialog | None:
    """Run the check over every call of the window's workspace and show the dialog."""
    from designer.core.check.drift import CheckOptions, run_check

    ws = window.doc.workspace.model_copy(deep=True)
    calls = [(api, call) for api in ws.apis for call in api.calls]
    if not calls:
        window.show_message("There are no calls to check: add or import one first.")
        return None
    dialog = CheckDialog(len(calls), window.window())
    dialog.callChosen.connect(lambda call_id: _select(window, dialog, call_id))
    options = CheckOptions(
        environment=window.environments.active,
        only_where_defined=True,
        chosen=window.doc.chosen_files,  # only the files the user chose are sent
    )
    AsyncOp(
        dialog, lambda: run_check(calls, window.secrets, options, on_result=dialog.add_result)
    ).success(dialog.finish).failure(
        lambda error: dialog.summary.setText(f"The check could not run: {error}")
    ).run()
    dialog.show()
    return dialog


def _select(window: CheckHost, dialog: CheckDialog, call_id: str) -> None:
    """Select the call; when it changed, show the structure the check saw, diff highlighted.

    The call itself is left as it is: re-initialize it to keep the new structure.
    """
    from designer.core.inference import summarize

    try:
        window.tree.select(Item("call", call_id))
        _, call = window.doc.find_call(call_id)
    except (KeyError, ValueError):
        window.show_message("That call is no longer in the workspace.")
        return
    result = dialog.results.get(call_id)
    if result is None or result.shape is None or not result.findings:
        return
    changes = [f.change for f in result.findings]
    panel = window.response_panel
    panel.model.set_structure(result.shape, call.overrides, changes)
    panel.ui.expand()
    panel.ui.reveal([c.path for c in changes[:20]])
    panel.ui.summaryLabel.setText(
        f"Checked: {summarize(changes)}. Not saved: Initialize the call to keep it."
    )
