"""The look of the app: one style on every desktop, light or dark as the system is.

The app uses Qt's Fusion style everywhere, so what the screenshots show is
what users see, and so a dark palette applies to every widget. The colour
scheme follows the system's (Qt 6.5's ``styleHints().colorScheme()``) and
changes with it while the app runs, unless View ▸ Theme chose Light or Dark
(:func:`set_theme`); ``CD_COLOR_SCHEME=light|dark`` forces one over both.
The keyboard focus is outlined in the highlight colour, two pixels wide, so it
can be followed from field to field.
Buttons of dialogs carry no stock icons: some desktop themes add a mix of
icons (a leaf on OK) that belong to no set of ours. The icons Qt draws on
its own (a line edit's clear button, a message box's warning) come from the
app's icon set too (``icons.py``), so every icon on screen is of one kind.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QStyleOptionMenuItem,
)
from PySide6.QtWidgets import QWidget as _QWidget

from designer.ui.infra.icons import icon, on_highlight

__all__ = [
    "PRIMARY_BUTTON_STYLE",
    "THEMES",
    "apply_style",
    "dark_palette",
    "is_dark",
    "message_style",
    "set_theme",
]

#: View ▸ Theme's choices: follow the system, or always light, or always dark.
THEMES = ("system", "light", "dark")
_theme = "system"

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

    def standardIcon(
        self,
        standardIcon: QStyle.StandardPixmap,
        option: QStyleOption | None = None,
        widget: _QWidget | None = None,
    ) -> QIcon:
        if (name := _STANDARD_ICONS.get(standardIcon)) is not None:
            return icon(name)
        return super().standardIcon(standardIcon, option, widget)

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: _QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def drawControl(
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
        # Fusion marks a focused tab, check box or radio button faintly or not at all.
        state = option.state
        if (
            element in _FRAMED_WHEN_FOCUSED
            and state & QStyle.StateFlag.State_HasFocus
            and state & QStyle.StateFlag.State_KeyboardFocusChange
        ):
            _focus_frame(painter, option)

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: _QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            # Fusion's focus frame is a faint dotted line: one that can be seen instead.
            _focus_frame(painter, option)
            return
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


def _focus_frame(painter: QPainter, option: QStyleOption) -> None:
    """A two-pixel frame in the highlight colour around ``option.rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(option.palette.color(QPalette.ColorRole.Highlight), 2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(option.rect).adjusted(1, 1, -1, -1), 3, 3)
    painter.restore()


_FRAMED_WHEN_FOCUSED = (
    QStyle.ControlElement.CE_TabBarTabShape,
    QStyle.ControlElement.CE_CheckBox,
    QStyle.ControlElement.CE_RadioButton,
)

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
    if _theme in ("light", "dark"):
        return _theme == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


#: The colour of hint text (labels drawn disabled: "Select an API…", dialog hints), light
#: and dark: at least 4.5:1 against the window, where Fusion's greys give 1.6:1.
_HINT_TEXT = {False: "#62666b", True: "#a3a6ab"}


def _apply_palette(app: QApplication) -> None:
    dark = _wants_dark(app)
    palette = dark_palette() if dark else app.style().standardPalette()
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(_HINT_TEXT[dark])
    )
    app.setPalette(palette)


def set_theme(app: QApplication, theme: str) -> None:
    """Follow the system's colour scheme (``"system"``), or keep to ``"light"`` or ``"dark"``."""
    global _theme
    _theme = theme if theme in THEMES else "system"
    _apply_palette(app)


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
