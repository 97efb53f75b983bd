"""Write the icon files of the Windows and macOS builds from the app's SVG icon.

Usage: python packaging/icon_files.py OUT_DIR
Writes OUT_DIR/connector-designer.ico (256 px) and OUT_DIR/connector-designer.icns
(512 px), with Qt's own image writers, so every platform builds them the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication
from PySide6.QtSvg import QSvgRenderer

sys.path.insert(0, str(Path(__file__).resolve().parent / "linux"))
from render_icons import render

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "io.github.connectordesigner.ConnectorDesigner.svg"


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "build/icons")
    out.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication([])  # noqa: F841 - QSvgRenderer needs one
    renderer = QSvgRenderer(str(SVG))
    for name, size, fmt in (("connector-designer.ico", 256, "ICO"),
                            ("connector-designer.icns", 512, "ICNS")):  # fmt: skip
        if not render(renderer, size).save(str(out / name), fmt):
            print(f"icon_files: error: Qt could not write {out / name}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
