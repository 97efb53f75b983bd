"""The look of the app: one style on every desktop, light or dark as the system is.

The app uses Qt's Fusion style everywhere, so what the screenshots show is
what users see, and so a dark palette applies to every widget. The colour
scheme follows the system's (Qt 6.5's ``styleHints().colorScheme()``) and
changes with it while the app runs; ``CD_COLOR_SCHEME=light|dark`` forces one.
Buttons of dialogs carry no stock icons: some desktop themes add a mix of
icons (a leaf on OK) that belong to no set of ours. The icons Qt draws on
its own (a line edit's clear button, a message box's warning) come from the
app's icon set too (``icons.py``), so every icon on screen is of one kind.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QStyleOptionMenuItem,
)
from PySide6.QtWidgets import QWidget as _QWidget

from .icons import icon, on_highlight

__all__ = ["PRIMARY_BUTTON_STYLE", "apply_style", "dark_palette", "is_dark", "message_style"]

_SCHEME_VARIABLE = "CD_COLOR_SCHEME"

#: The one primary action of a screen (Initialize): filled with the highlight colour.
PRIMARY_BUTTON_STYLE = (
    "QAbstractButton { background: palette(highlight); color: palette(highlighted-text);"
    " border: 1px solid palette(highlight); border-radius: 4px; padding: 3px 12px;"
    " font-weight: bold; }"
    " QAbstractButton:disabled { background: palette(button); color: palette(mid);"
    " border: 1px solid palette(mid); }"
)


#: Qt's own icons, and the icon of the app's set that replaces each.
_STANDARD_ICONS = {
    QStyle.StandardPixmap.SP_LineEditClearButton: "x",
    QStyle.StandardPixmap.SP_MessageBoxInformation: "info",
    QStyle.StandardPixmap.SP_MessageBoxWarning: "triangle-alert",
    QStyle.StandardPixmap.SP_MessageBoxCritical: "circle-x",
    QStyle.StandardPixmap.SP_MessageBoxQuestion: "circle-help",
}


class _Style(QProxyStyle):
    """Fusion, without the platform's stock icons on dialog buttons, with the app's icons."""

    def standardIcon(  # noqa: N802 - Qt's name
        self,
        standardIcon: QStyle.StandardPixmap,  # noqa: N803 - Qt's name
        option: QStyleOption | None = None,
        widget: _QWidget | None = None,
    ) -> QIcon:
        if (name := _STANDARD_ICONS.get(standardIcon)) is not None:
            return icon(name)
        return super().standardIcon(standardIcon, option, widget)

    def styleHint(  # noqa: N802 - Qt's name
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: _QWidget | None = None,
        returnData: QStyleHintReturn | None = None,  # noqa: N803 - Qt's name
    ) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def drawControl(  # noqa: N802 - Qt's name
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: _QWidget | None = None,
    ) -> None:
        # A menu's current item is drawn in the highlighted-text colour: its icon too.
        if (
            element == QStyle.ControlElement.CE_MenuItem
            and isinstance(option, QStyleOptionMenuItem)
            and option.state & QStyle.StateFlag.State_Selected
            and option.state & QStyle.StateFlag.State_Enabled
            and not option.icon.isNull()
        ):
            option = QStyleOptionMenuItem(option)
            option.icon = on_highlight(option.icon)
        super().drawControl(element, option, painter, widget)

    def drawPrimitive(  # noqa: N802 - Qt's name
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: _QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        # Fusion outlines check boxes in a shade darker than the window: on a dark
        # palette an unticked box would vanish into the background.
        if element in _CHECK_BOXES and is_dark(option.palette):
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5), 2, 2)
            painter.restore()


_CHECK_BOXES = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
)


def dark_palette() -> QPalette:
    """A dark palette for Fusion, with enough contrast for text, links and selections."""
    palette = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#2b2d30",
        roles.WindowText: "#e6e6e6",
        roles.Base: "#1e1f22",
        roles.AlternateBase: "#26282b",
        roles.ToolTipBase: "#3c3f41",
        roles.ToolTipText: "#e6e6e6",
        roles.PlaceholderText: "#8c8f94",
        roles.Text: "#e6e6e6",
        roles.Button: "#3c3f41",
        roles.ButtonText: "#e6e6e6",
        roles.BrightText: "#ff6b6b",
        roles.Link: "#6cb6ff",
        roles.Highlight: "#2f65ca",
        roles.HighlightedText: "#ffffff",
        roles.Light: "#4a4d50",
        roles.Midlight: "#3c3f41",
        roles.Mid: "#323437",
        roles.Dark: "#1a1b1d",
        roles.Shadow: "#111111",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        palette.setColor(disabled, role, QColor("#7a7d82"))
    return palette


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether the palette in use draws light text on a dark window."""
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _wants_dark(app: QGuiApplication) -> bool:
    forced = os.environ.get(_SCHEME_VARIABLE, "").strip().lower()
    if forced in ("light", "dark"):
        return forced == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _apply_palette(app: QApplication) -> None:
    app.setPalette(dark_palette() if _wants_dark(app) else app.style().standardPalette())


def apply_style(app: QApplication) -> None:
    """Fusion, in the system's colour scheme, kept in step when the system changes it."""
    app.setStyle(_Style("Fusion"))
    _apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_palette(app))


#: Inline message colours (background, border) by kind, for light and dark palettes.
_MESSAGE_COLOURS = {
    ("error", False): ("#fdecea", "#f5c2c0"),
    ("note", False): ("#e8f1fb", "#bcd6f3"),
    ("error", True): ("#4a2224", "#7a3a3d"),
    ("note", True): ("#1f3247", "#35557a"),
}


def message_style(kind: str) -> str:
    """The style sheet fragment of an inline message of ``kind`` in the current palette."""
    background, border = _MESSAGE_COLOURS[(kind, is_dark())]
    return f"color: palette(text); background: {background}; border: 1px solid {border};"
