"""The app imports Insomnia v5 files and Bruno collections (chosen or dropped), and exports both."""

from __future__ import annotations

import pytest
import yaml
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from designer.core.interop.service import read_bruno_folder
from designer.ui.interop.export_dialog import ExportDialog
from designer.ui.interop.import_flow import IMPORT_FILTERS
from tests.core.interop.conftest import rich_workspace
from tests.helpers.interop_gui import DATA, WORKER_TIMEOUT, open_preview, tree_names

pytestmark = pytest.mark.gui

BRUNO = DATA / "bruno" / "shop"
TOKEN = "tok-S3CRET-value-91"


def _top_level(dialog) -> list[str]:
    return [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]


def test_the_import_dialog_offers_bruno_and_insomnia_v5() -> None:
    assert "Bruno collections and requests (bruno.json *.bru)" in IMPORT_FILTERS
    assert "*.bru" in IMPORT_FILTERS.split(";;")[0]
    assert "Insomnia exports, v4 and v5" in IMPORT_FILTERS


def test_choosing_a_bruno_json_imports_the_collection(window, qtbot, loop, monkeypatch) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, BRUNO / "bruno.json")
    assert _top_level(dialog) == ["Shop API", "Orders", "Catalog", "Accounts"]
    assert "CD_SECRET_ORDERS_AUTH_TOKEN" in dialog.secret_fields
    dialog.import_button.click()
    assert tree_names(window)[-4:] == ["Shop API", "Orders", "Catalog", "Accounts"]


def test_an_insomnia_v5_collection_imports(window, qtbot, loop, monkeypatch) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, DATA / "insomnia-v5" / "shop.insomnia.yaml")
    assert _top_level(dialog) == ["Shop", "Orders", "Catalog"]


def test_dropping_a_bruno_folder_imports_it(window, qtbot, loop) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(BRUNO))])
    enter = QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        QApplication.sendEvent(window, drop)
    assert _top_level(blocker.args[0]) == ["Shop API", "Orders", "Catalog", "Accounts"]


@pytest.fixture
def rich(window, secrets):
    window.doc.replace(rich_workspace(), None)
    shop = window.doc.workspace.apis[0]
    secrets.set(f"{shop.id}/auth.token", TOKEN)
    return window


def _export(window, qtbot, monkeypatch, target, key: str) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.actions.export.trigger()
    dialog = window.findChild(ExportDialog, "exportDialog")
    assert dialog is not None
    dialog.set_format(key)
    with qtbot.waitSignal(window.exporter.exported, timeout=WORKER_TIMEOUT):
        dialog.export_button.click()
    assert f"to {target}" in window.statusBar().currentMessage()


def test_export_a_bruno_collection_folder(rich, qtbot, loop, monkeypatch, tmp_path) -> None:
    target = tmp_path / "shop-collection"
    _export(rich, qtbot, monkeypatch, target, "bruno")
    assert "Exported a Bruno collection folder of 6 calls" in rich.statusBar().currentMessage()
    written = b"".join(p.read_bytes() for p in target.rglob("*") if p.is_file())
    assert TOKEN.encode() not in written
    apis = read_bruno_folder(str(target)).result.apis
    assert [a.name for a in apis] == ["Shop", "CRM", "Legacy"]


def test_export_an_insomnia_collection(rich, qtbot, loop, monkeypatch, tmp_path) -> None:
    target = tmp_path / "shop.insomnia.yaml"
    _export(rich, qtbot, monkeypatch, target, "insomnia")
    data = target.read_bytes()
    assert TOKEN.encode() not in data
    assert yaml.safe_load(data)["type"] == "collection.insomnia.rest/5.0"
