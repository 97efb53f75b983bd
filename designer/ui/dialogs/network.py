"""Edit ▸ Network Settings…: the limits of Initialize.

Every limit an error message mentions can be changed here, as on the
command line: the read timeout (``--timeout``), the overall deadline
(``--deadline``), the size cap (``--max-size``) and the redirect limit
(``--max-redirects``). They apply from the next Initialize on.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from designer.ui.infra.settings import NetworkLimits, Settings

__all__ = ["NetworkHost", "NetworkSettingsDialog", "open_network_settings"]


class NetworkSettingsDialog(QDialog):
    """Four limits, each with what it bounds and the command-line option of the same name."""

    def __init__(self, limits: NetworkLimits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkSettingsDialog")
        self.setWindowTitle("Network Settings")
        self.setMinimumWidth(340)
        self.timeout = self._seconds("readTimeout", limits.read_timeout, 0.5)
        self.deadline = self._seconds("deadline", limits.deadline, 1.0)
        self.max_size = QSpinBox(self)
        self.max_size.setObjectName("maxSize")
        self.max_size.setRange(1, 4096)
        self.max_size.setSuffix(" MB")
        self.max_size.setValue(limits.max_size_mb)
        self.max_redirects = QSpinBox(self)
        self.max_redirects.setObjectName("maxRedirects")
        self.max_redirects.setRange(0, 50)
        self.max_redirects.setValue(limits.max_redirects)

        form = QFormLayout()
        rows = [
            ("&Read timeout:", self.timeout, "The longest wait for data (--timeout)"),
            ("&Deadline:", self.deadline, "The longest a whole call may take (--deadline)"),
            ("&Size cap:", self.max_size, "Larger responses are stopped (--max-size)"),
            ("R&edirect limit:", self.max_redirects, "Redirects followed (--max-redirects)"),
        ]
        for label, field, tip in rows:
            field.setToolTip(tip)
            field.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, field)
        note = QLabel("The limits apply from the next Initialize on.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _seconds(self, name: str, value: float, minimum: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setRange(minimum, 3600.0)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setValue(value)
        return box

    def limits(self) -> NetworkLimits:
        return NetworkLimits(
            read_timeout=self.timeout.value(),
            deadline=self.deadline.value(),
            max_size_mb=self.max_size.value(),
            max_redirects=self.max_redirects.value(),
        )


class NetworkHost(Protocol):
    """What the dialog needs of the window it opens from (the main window has it all)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def executor(self) -> Any: ...
    # The top-level widget: the dialog's parent.
    def window(self) -> QWidget: ...


def open_network_settings(window: NetworkHost) -> NetworkSettingsDialog:
    """Show the dialog for ``window``; on OK, store the limits and use them from now on."""
    settings = window.settings
    dialog = NetworkSettingsDialog(settings.network(), window.window())

    def accepted() -> None:
        settings.set_network(dialog.limits())
        settings.sync()
        reconfigure = getattr(window.executor, "reconfigure", None)
        if reconfigure is not None:
            reconfigure()

    dialog.accepted.connect(accepted)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
