"""Method badges: the small coloured "GET" / "POST" labels drawn before call names.

Colours follow the convention of desktop API clients (GET green, POST amber,
PUT blue, PATCH violet, DELETE red), so the tree reads at a glance. Each is
dark enough for its white text to meet WCAG's 4.5:1 contrast for small text,
and the badge does not depend on the palette, so it reads the same on the
light and the dark one. Badges are drawn once per method and cached; they
are rendered at twice the size so they stay sharp on high-density screens.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPixmap

__all__ = ["BADGE_SIZE", "method_color", "method_icon"]

#: Logical size of a badge; wide enough for "OPTIONS" in a small bold font.
BADGE_SIZE = QSize(48, 16)

_COLORS = {
    "GET": "#2e7d32",
    "POST": "#a05f00",  # a shade darker than Material's amber: white on it reaches 5:1
    "PUT": "#1565c0",
    "PATCH": "#6a1b9a",
    "DELETE": "#c62828",
    "HEAD": "#546e7a",
    "OPTIONS": "#546e7a",
}


def method_color(method: str) -> QColor:
    return QColor(_COLORS.get(method, "#546e7a"))


@cache
def method_icon(method: str) -> QIcon:
    scale = 2
    pixmap = QPixmap(BADGE_SIZE * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(0.5, 1.5, BADGE_SIZE.width() - 4, BADGE_SIZE.height() - 3)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(method_color(method))
        painter.drawRoundedRect(rect, 3, 3)
        font = QFont()
        font.setBold(True)
        # Custom methods (PROPFIND, M-SEARCH) can be long: shrink the text to fit.
        for size in range(9, 5, -1):
            font.setPixelSize(size)
            if QFontMetrics(font).horizontalAdvance(method) <= rect.width() - 2:
                break
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, method)
    finally:
        painter.end()
    return QIcon(pixmap)
