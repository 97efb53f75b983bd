"""The request line: method, base URL and path in one bar, with Initialize beside it.

It reads like the address bar of the API clients users know: the method
selector, the API's base URL (greyed, elided in the middle, whole in the
tooltip) and the call's path as one field, and the primary Initialize button
at its end, sharing the response panel's action (Ctrl+Return), so its label,
state and shortcut are the same wherever Initialize is offered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from designer.ui.infra.style import PRIMARY_BUTTON_STYLE

__all__ = ["RequestLine"]

#: The base URL takes at most this share of the bar; the path keeps the rest.
_BASE_SHARE = 0.45
#: ... and at least this many pixels, enough for "…" and the end of the host.
_BASE_MIN = 48


class _BaseUrl(QLabel):
    """The base URL, elided in the middle to the room it is given."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._url = ""
        self.setObjectName("requestBaseUrl")
        self.setAccessibleName("Base URL")
        self.setEnabled(False)  # drawn in the disabled colour: it belongs to the API
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_url(self, url: str, room: int) -> None:
        self._url = url
        tip = f"The API's base URL: {url}" if url else "The API has no base URL"
        if "{demo_server}" in url:
            tip += "\n{demo_server} is the demo API the app serves itself, on whatever port it has"
        self.setToolTip(tip)
        self.fit(room)

    def fit(self, room: int) -> None:
        text = self._url.rstrip("/") or "(no base URL)"
        shown = self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room)
        self.setText(shown)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance(shown) + 2)


class RequestLine(QWidget):
    """``[GET ▾] https://api.example.com/v1 /orders/{id}   [Initialize call]``."""

    def __init__(self, method: QComboBox, path: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestLine")
        self.method, self.path = method, path
        bar = QFrame(self)
        bar.setObjectName("requestBar")
        bar.setStyleSheet(
            "QFrame#requestBar { border: 1px solid palette(mid); border-radius: 4px;"
            " background: palette(base); }"
        )
        self.base = _BaseUrl(bar)
        method.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        path.setFrame(False)
        path.setTextMargins(0, 0, 0, 0)
        inside = QHBoxLayout(bar)
        inside.setContentsMargins(2, 1, 4, 1)
        inside.setSpacing(0)
        inside.addWidget(method)
        inside.addSpacing(6)
        inside.addWidget(self.base)
        inside.addWidget(path, 1)
        self.initialize = QToolButton(self)
        self.initialize.setObjectName("requestInitializeButton")
        self.initialize.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.initialize.setStyleSheet(PRIMARY_BUTTON_STYLE)
        self.initialize.hide()  # until the window gives it the Initialize action
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(bar, 1)
        row.addWidget(self.initialize)
        path.textChanged.connect(self._refit)

    def set_initialize_action(self, action: QAction) -> None:
        """Offer ``action`` here; the button follows its state (short label: room is scarce)."""
        self.initialize.setText("Initialize")
        self.initialize.setAccessibleName("Initialize call")
        self.initialize.setToolTip("Send the call with its sample values (Ctrl+Return)")
        self.initialize.clicked.connect(action.trigger)
        action.changed.connect(lambda: self.initialize.setEnabled(action.isEnabled()))
        self.initialize.setEnabled(action.isEnabled())
        self.initialize.show()

    def set_base_url(self, url: str) -> None:
        self.base.set_url(url, self._room())

    def _room(self) -> int:
        """Width for the base URL: a share of the bar, less whatever the path needs."""
        # Size hints, not the current widths: when the line is first laid out, its
        # button and method box may not have their final widths yet, and no later
        # resize of the line itself would fit the URL again.
        path_needs = self.path.fontMetrics().horizontalAdvance(self.path.text() or "/") + 16
        button = self.initialize.sizeHint().width() if self.initialize.isVisibleTo(self) else 0
        bar = self.width() - button
        free = bar - self.method.sizeHint().width() - path_needs - 16
        return max(_BASE_MIN, min(int(bar * _BASE_SHARE), free))

    def _refit(self) -> None:
        self.base.fit(self._room())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()
