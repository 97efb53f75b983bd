"""Render screenshots of the main states of the app into docs/screenshots/.

Usage: python tests/tools/render_screenshots.py [OUT_DIR] [--size WIDTHxHEIGHT] [--suffix S]
       [--scheme light|dark]

``--size`` renders the window at another size (default 1280x800); ``--suffix``
is added to every file name (``example-small.png``), so several sizes can sit
side by side.

Runs offscreen against the app's own demo API: the example before
Initialize, after Initialize with the structure expanded, the call editor
with parameters, an error shown inline, an error over an older structure,
the Secrets dialog and the import preview of an OpenAPI document.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMessageBox,
    QTreeView,
)

from designer.core.secrets.store import MemorySecretStore
from designer.ui.app import LazyExecutor, _open_example
from designer.ui.infra.settings import Settings
from designer.ui.infra.style import apply_style
from designer.ui.window.files import FileActions
from designer.ui.window.mainwindow import MainWindow

ROOT = Path(__file__).resolve().parents[2]
PETSTORE = ROOT / "tests" / "data" / "interop" / "petstore-3.0.yaml"
SUFFIX = ""


def shot(window: MainWindow, out: Path, name: str) -> None:
    window.grab().save(str(out / f"{name}{SUFFIX}.png"))


async def pump(until=lambda: True, limit: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run (event loop included) until ``until()`` holds."""
    deadline = time.monotonic() + limit
    await asyncio.sleep(0.2)
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await asyncio.sleep(0.05)


def select_call(window: MainWindow, name: str) -> None:
    tree: QTreeView = window.findChild(QTreeView, "apiTree")
    model = tree.model()
    for row in range(model.rowCount()):
        api_index = model.index(row, 0)
        for child in range(model.rowCount(api_index)):
            index = model.index(child, 0, api_index)
            if name in str(model.data(index)):
                tree.setCurrentIndex(index)
                return
    raise LookupError(name)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    args = parser.parse_args()
    os.environ["CD_COLOR_SCHEME"] = args.scheme
    out: Path = args.out
    width, height = (int(n) for n in args.size.split("x"))
    global SUFFIX
    SUFFIX = args.suffix
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    apply_style(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        secrets = MemorySecretStore()
        # Closing at the end must not wait for an answer about unsaved changes.
        FileActions.ask_unsaved = lambda self: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        window = MainWindow(settings, secrets, LazyExecutor(), recovery_dir=Path(tmp) / "rec")
        window.resize(width, height)
        server = _open_example(window, secrets)
        window.show()
        try:
            with loop:
                loop.run_until_complete(scenes(window, out))
        finally:
            window.close()
            server.stop()
    print(f"screenshots written to {out}")
    return 0


async def scenes(window: MainWindow, out: Path) -> None:
    await pump(lambda: window.isVisible())
    select_call(window, "List products")
    await pump()
    shot(window, out, "example")

    panel = window.findChild(object, "responsePanel")
    button = window.findChild(object, "requestInitializeButton")
    status = panel.findChild(object, "statusLabel")
    button.click()
    await pump(lambda: button.isEnabled() and "OK" in status.text())
    tree: QTreeView = panel.findChild(QTreeView, "responseTree")
    await pump()
    tree.expandToDepth(1)
    await pump()
    shot(window, out, "initialized")

    select_call(window, "Get account")
    await pump()
    shot(window, out, "call-editor")

    select_call(window, "Unstable endpoint")  # answers 500
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "returned 500" in _visible_text(panel))
    shot(window, out, "error")

    # An order that exists, then one that does not: the error over the older structure.
    select_call(window, "Get order")
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "OK" in status.text())
    api, call = window.current_call() or (None, None)
    assert api is not None
    assert call is not None
    missing = [
        p.model_copy(update={"value": "9999"}) if p.placement == "path" else p
        for p in call.parameters
    ]
    window.doc.apply_call(api.id, call.model_copy(update={"parameters": missing}))
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "404" in _visible_text(panel))
    shot(window, out, "error-older-structure")

    window.show_secrets()
    await pump()
    dialog = QApplication.activeModalWidget() or window.findChild(QDialog, "secretsDialog")
    dialog = dialog or next(d for d in window.findChildren(QDialog) if d.isVisible())
    dialog.grab().save(str(out / f"secrets{SUFFIX}.png"))
    dialog.close()

    previews: list[QDialog] = []
    window.importer.previewShown.connect(previews.append)
    QFileDialog.getOpenFileName = lambda *_a, **_k: (str(PETSTORE), "")  # type: ignore[assignment]
    window.actions.import_.trigger()
    await pump(lambda: bool(previews), limit=60)
    previews[0].grab().save(str(out / f"import-preview{SUFFIX}.png"))
    previews[0].reject()


def _visible_text(widget) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


if __name__ == "__main__":
    raise SystemExit(main())
