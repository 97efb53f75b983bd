"""Helpers of the import and export GUI tests: choosing files, reaching the preview.

``tests/data/interop/shop.bundle.json`` holds the Shop and CRM APIs of
:func:`tests.core.interop.conftest.rich_workspace`, exported as a bundle.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from designer.ui.interop.preview_dialog import ImportPreviewDialog

__all__ = ["DATA", "WORKER_TIMEOUT", "choose_file", "open_preview", "tree_names"]

DATA = Path(__file__).parents[1] / "data" / "interop"
#: Reading happens in a worker process: the first one has to start and import the core.
WORKER_TIMEOUT = 30_000


def choose_file(monkeypatch, path: Path | str) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def open_preview(window, qtbot, monkeypatch, path: Path) -> ImportPreviewDialog:
    """File ▸ Import… of ``path``, up to the preview dialog."""
    choose_file(monkeypatch, path)
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        window.actions.import_.trigger()
    return blocker.args[0]


def tree_names(window) -> list[str]:
    model = window.tree.model
    return [model.data(model.index(row, 0)) for row in range(model.rowCount())]
