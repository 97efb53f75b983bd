"""Render the application's SVG icon to the PNG sizes of the hicolor theme.

Usage: python render_icons.py ICON.svg OUT_DIR SIZE...
Writes OUT_DIR/<size>x<size>/apps/<icon name>.png for each size.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The SVG drawn on a transparent square of ``size`` pixels."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    svg, out, *sizes = argv
    app = QGuiApplication([])  # noqa: F841 - QSvgRenderer needs one
    renderer = QSvgRenderer(svg)
    if not renderer.isValid():
        print(f"render_icons: error: {svg} is not a valid SVG", file=sys.stderr)
        return 1
    for size in map(int, sizes):
        image = render(renderer, size)
        target = Path(out) / f"{size}x{size}" / "apps" / (Path(svg).stem + ".png")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            print(f"render_icons: error: could not write {target}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
