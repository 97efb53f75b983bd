"""The app's icons: one set (Lucide), drawn in the colours of the palette in use.

The SVG files ship in ``designer.resources.icons.ui`` (see the README and
LICENSE there). They are line drawings whose strokes say ``currentColor``;
:func:`icon` returns a :class:`QIcon` that draws them, at whatever size is
asked, in the palette's text colour, its disabled text colour for disabled
actions, and its highlighted-text colour on a selection. The colour is looked
up each time the icon is drawn, so icons follow a switch between the light
and dark palettes while the app runs (``style.apply_style``), with nothing to
refresh. Rendered pixmaps are cached per icon, colour and size.
"""

from __future__ import annotations

import importlib.resources
from functools import cache

import shiboken6
from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

__all__ = ["ICON_PACKAGE", "icon", "icon_names", "on_highlight", "svg_source"]

#: The package that holds the SVG files (``resources/icons/ui`` in a checkout).
ICON_PACKAGE = "designer.resources.icons.ui"

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
#: The pixmaps already drawn, by (icon name, colour, width, height); a few hundred at most.
_PIXMAPS: dict[tuple[str, str, int, int], QPixmap] = {}


def icon_names() -> list[str]:
    """The names of the icons that ship (the SVG files, without ``.svg``)."""
    folder = importlib.resources.files(ICON_PACKAGE)
    return sorted(f.name.removesuffix(".svg") for f in folder.iterdir() if f.name.endswith(".svg"))


@cache
def svg_source(name: str) -> bytes:
    """The SVG text of icon ``name``; FileNotFoundError when no such icon ships."""
    return (importlib.resources.files(ICON_PACKAGE) / f"{name}.svg").read_bytes()


def _colour(mode: QIcon.Mode, role: _Role) -> QColor:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(_Group.Disabled, role)
    if mode == QIcon.Mode.Selected:
        return palette.color(_Group.Active, _Role.HighlightedText)
    return palette.color(_Group.Active, role)


def _render(name: str, colour: QColor, size: QSize) -> QPixmap:
    key = (name, colour.name(QColor.NameFormat.HexArgb), size.width(), size.height())
    if (cached := _PIXMAPS.get(key)) is not None:
        return cached
    stroke = colour.name(QColor.NameFormat.HexRgb).encode()
    svg = svg_source(name).replace(b"currentColor", stroke)
    renderer = QSvgRenderer(QByteArray(svg))
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(colour.alphaF())
        side = min(size.width(), size.height())  # square drawings, centred
        renderer.render(
            painter,
            QRect(
                QPoint((size.width() - side) // 2, (size.height() - side) // 2),
                QSize(side, side),
            ),
        )
    finally:
        painter.end()
    _PIXMAPS[key] = pixmap
    return pixmap


#: Engines Qt asked to clone, alive until Qt deletes them (then pruned).
_CLONES: list[QIconEngine] = []


class _TintedSvgEngine(QIconEngine):
    """Draws one SVG icon in the colour the palette gives ``role`` at the time of drawing."""

    def __init__(self, name: str, role: _Role) -> None:
        super().__init__()
        self._name, self._role = name, role

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return _render(self._name, _colour(mode, self._role), size)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        pixmap = _render(self._name, _colour(mode, self._role), rect.size() * scale)
        painter.drawPixmap(rect, pixmap)

    def clone(self) -> QIconEngine:
        # Qt clones when a copy of an icon is changed (the app never does); the
        # Python object must outlive its use by Qt, which deletes the clone with its icon.
        _CLONES[:] = [engine for engine in _CLONES if shiboken6.isValid(engine)]
        engine = _TintedSvgEngine(self._name, self._role)
        _CLONES.append(engine)
        return engine

    def key(self) -> str:
        return "connector-designer-tinted-svg"

    def iconName(self) -> str:
        return self._name


@cache
def icon(name: str, role: _Role = _Role.WindowText) -> QIcon:
    """Icon ``name`` of the set (``"play"``, ``"key-round"``), drawn in the colour of ``role``.

    Raises FileNotFoundError for a name that does not ship, so a typo fails
    the first time the code runs instead of showing an empty space.
    """
    svg_source(name)
    return QIcon(_TintedSvgEngine(name, role))  # the icon owns its engine


def on_highlight(drawn: QIcon) -> QIcon:
    """``drawn`` in the highlighted-text colour, for a highlighted row (a menu's current item).

    Qt draws such a row's icon in its *active* mode, which elsewhere means a
    hovered button on the window's colour; only the style knows the difference.
    An icon not of this set is returned as it is.
    """
    name = drawn.name()
    try:
        return icon(name, _Role.HighlightedText) if name else drawn
    except FileNotFoundError:
        return drawn
