"""File ▸ Export…: choose the format, the APIs, and the bundle's options.

The dialog only collects choices into an :class:`~.jobs.ExportRequest`; the
export flow asks where to save and writes the file. A JSON Schema describes
one response, so that format is offered for the call selected in the tree,
and only once it has a structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.interop.bundle import SAMPLES_WARNING
from designer.core.interop.formats import FORMATS as _TABLE
from designer.core.models import Api, Call, Workspace
from designer.core.wording import plural
from designer.ui.infra.errors import InlineMessage
from designer.ui.interop.jobs import ExportRequest

__all__ = ["FORMATS", "ExportDialog", "ExportFormat"]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One format offered: its core name, label, save-dialog filters and file suffix."""

    key: str
    label: str
    filters: str
    suffix: str


#: The export choices, in the order of the one table of formats.
FORMATS = tuple(
    ExportFormat(f.key, f.choice, f.filters, f.suffix) for f in _TABLE if f.exports and f.choice
)
_BY_KEY = {f.key: f for f in FORMATS}
_TIPS = {f.key: f.tip for f in _TABLE if f.exports}


def _file_stem(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "-", name).strip("-.") or "export"


class ExportDialog(QDialog):
    """Export choices for ``workspace``; ``current`` is the call selected in the tree, if any."""

    def __init__(
        self,
        workspace: Workspace,
        current: tuple[Api, Call] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self._workspace, self._current = workspace, current
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_formats())
        layout.addWidget(self._build_apis(), 1)
        layout.addWidget(self._build_options())
        hint = QLabel(
            "Secrets are never written. Exports name them as environment variables "
            "(CD_SECRET_…), and importing a bundle asks for them.",
            self,
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)  # drawn in the disabled colour: a hint, not content
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export…")
        self.export_button.setObjectName("exportButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update()
        self.resize(560, 600)

    # -- building ------------------------------------------------------------

    def _build_formats(self) -> QGroupBox:
        group = QGroupBox("Format", self)
        box = QVBoxLayout(group)
        self.format_group = QButtonGroup(self)
        self.format_buttons: dict[str, QRadioButton] = {}
        for fmt in FORMATS:
            button = QRadioButton(fmt.label, group)
            button.setObjectName(f"format_{fmt.key}")
            button.setToolTip(_TIPS[fmt.key])
            self.format_group.addButton(button)
            self.format_buttons[fmt.key] = button
            box.addWidget(button)
        schema = self.format_buttons["jsonschema"]
        if self._current is None:
            schema.setEnabled(False)
            schema.setToolTip("Select a call in the tree first")
        else:
            api, call = self._current
            schema.setText(f"&JSON Schema of the response of “{api.name} / {call.name}”")
            if call.structure is None:
                schema.setEnabled(False)
                schema.setToolTip("The call has no structure yet: initialize it first")
        self.format_buttons["bundle"].setChecked(True)
        self.format_group.buttonToggled.connect(self._update)
        return group

    def _build_apis(self) -> QGroupBox:
        group = QGroupBox("APIs to include", self)
        self.api_list = QListWidget(group)
        self.api_list.setObjectName("exportApis")
        self.api_list.setAccessibleName("APIs to include")
        self.api_list.setToolTip("Untick the APIs to leave out; Space ticks the selected one")
        for api in self._workspace.apis:
            calls = len(api.calls)
            item = QListWidgetItem(f"{api.name}  ({plural(calls, 'call')})")
            item.setData(Qt.ItemDataRole.UserRole, api.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.api_list.addItem(item)
        self.api_list.itemChanged.connect(self._update)
        QVBoxLayout(group).addWidget(self.api_list)
        return group

    def _build_options(self) -> QGroupBox:
        group = QGroupBox("Bundle options", self)
        self.options_group = group
        self.samples_box = QCheckBox("Include &sample values seen in responses", group)
        self.samples_box.setObjectName("includeSamples")
        self.samples_box.setToolTip(
            "Off by default. Values are size-capped and known secrets are masked."
        )
        self.samples_warning = InlineMessage(group)
        self.samples_warning.setObjectName("samplesWarning")
        self.samples_box.toggled.connect(self._update)
        box = QVBoxLayout(group)
        box.addWidget(self.samples_box)
        box.addWidget(self.samples_warning)
        return group

    # -- state ---------------------------------------------------------------

    def format_key(self) -> str:
        return next(k for k, b in self.format_buttons.items() if b.isChecked())

    def set_format(self, key: str) -> None:
        self.format_buttons[key].setChecked(True)

    def export_format(self) -> ExportFormat:
        return _BY_KEY[self.format_key()]

    def set_api_checked(self, name: str, checked: bool) -> None:
        for row in range(self.api_list.count()):
            item = self.api_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                item.setCheckState(state)

    def checked_apis(self) -> list[str]:
        items = (self.api_list.item(row) for row in range(self.api_list.count()))
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        ]

    def request(self) -> ExportRequest:
        """The export chosen; a JSON Schema names the selected call."""
        key = self.format_key()
        if key == "jsonschema" and self._current is not None:
            api, call = self._current
            return ExportRequest(key, (api.name,), call.name)
        return ExportRequest(
            key,
            tuple(self.checked_apis()),
            include_samples=key == "bundle" and self.samples_box.isChecked(),
        )

    def suggested_name(self) -> str:
        """A file name for the save dialog: the one API exported, or the workspace."""
        fmt = self.export_format()
        names = self.checked_apis()
        if fmt.key == "python":
            from designer.core.interop.python.client import module_name

            chosen = [a for a in self._workspace.apis if a.name in names]
            return module_name(self._workspace, chosen)  # an importable module name
        if fmt.key == "jsonschema" and self._current is not None:
            stem = self._current[1].name
        elif len(names) == 1:
            stem = names[0]
        else:
            stem = self._workspace.name
        return _file_stem(stem) + fmt.suffix

    def _update(self, *_: object) -> None:
        key = self.format_key()
        schema = key == "jsonschema"
        self.api_list.setEnabled(not schema)
        self.options_group.setEnabled(key == "bundle")
        if key == "bundle" and self.samples_box.isChecked():
            self.samples_warning.show_error(f"Warning: {SAMPLES_WARNING}")
        else:
            self.samples_warning.clear()
        self.export_button.setEnabled(schema or bool(self.checked_apis()))
