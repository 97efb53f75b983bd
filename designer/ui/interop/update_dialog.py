"""The preview of Update from Source: what the document's new version changes, call by call.

Nothing changes until the user presses Update. Each conflict (a thing both
the user and the document changed) is listed with a check box: left clear, the
user's version is kept; checked, the document's is taken.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from designer.core.interop.sync import Conflict, UpdateReport
from designer.ui.infra.naming import named

__all__ = ["UpdatePreviewDialog"]

_KINDS = {
    "added": "Added",
    "changed": "Changed",
    "gone": "Gone from the source: kept and marked",
    "back": "Back in the source",
}
_MAX_NOTES = 12


class UpdatePreviewDialog(QDialog):
    """Shows an :class:`UpdateReport`; :meth:`chosen` names conflicts to take from the document."""

    def __init__(self, report: UpdateReport, source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("updatePreviewDialog")
        self.setWindowTitle(f"Update {report.api} from {source}")
        self.resize(720, 520)
        self._report = report
        layout = QVBoxLayout(self)
        if report.changes_anything or report.conflicts:
            text = f"<b>{_escape(report.api)}</b> from {_escape(source)}: {report.summary()}."
        else:
            text = (
                f"<b>{_escape(report.api)}</b> already matches {_escape(source)}: "
                f"nothing to update."
            )
        heading = named(QLabel(text), "updateSummary")
        heading.setWordWrap(True)
        layout.addWidget(heading)

        self.changes = named(QTreeWidget(), "updateChanges")
        self.changes.setHeaderLabels(["Call", "What changes"])
        self.changes.setRootIsDecorated(True)
        self.changes.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.changes.header().setStretchLastSection(True)
        for change in report.api_changes:
            QTreeWidgetItem(self.changes, ["(the API)", change])
        for call in report.calls:
            what = _KINDS[call.kind]
            if call.where:
                what += f" · {call.where}"
            item = QTreeWidgetItem(self.changes, [call.call, what])
            item.setData(0, Qt.ItemDataRole.UserRole, call.kind)
            for detail in call.details:
                QTreeWidgetItem(item, ["", detail])
        self.changes.expandAll()
        self.changes.setVisible(bool(report.calls or report.api_changes))
        layout.addWidget(self.changes, 1)

        self._choices: list[tuple[QCheckBox, Conflict]] = []
        if report.conflicts:
            box = named(QGroupBox("Changed both here and in the document"), "updateConflicts")
            inner = QVBoxLayout(box)
            hint = QLabel("Your version is kept unless you check the document's.")
            hint.setWordWrap(True)
            inner.addWidget(hint)
            for conflict in report.conflicts:
                where = f"{conflict.call}: " if conflict.call else ""
                check = named(
                    QCheckBox(
                        f"{where}{conflict.facet}: take the document's {conflict.theirs} "
                        f"(yours: {conflict.mine})"
                    ),
                    "conflictChoice",
                )
                inner.addWidget(check)
                self._choices.append((check, conflict))
            layout.addWidget(box)

        if report.notes:
            notes = report.notes[:_MAX_NOTES]
            more = len(report.notes) - len(notes)
            text = "\n".join(notes) + (f"\n…and {more} more" if more > 0 else "")
            label = named(QLabel(text), "updateNotes")
            label.setWordWrap(True)
            layout.addWidget(label)

        buttons = QDialogButtonBox()
        if report.changes_anything or report.conflicts:
            update = buttons.addButton("Update", QDialogButtonBox.ButtonRole.AcceptRole)
            update.setObjectName("updateButton")
            update.setDefault(True)
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def chosen(self) -> set[tuple[str, str]]:
        """The conflicts the user chose to take from the document, as ``(call, facet)``."""
        return {(c.call, c.facet) for check, c in self._choices if check.isChecked()}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
