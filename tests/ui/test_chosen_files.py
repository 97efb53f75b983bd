"""In the app, only a file the user chose is sent: a shared workspace's path is not enough."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QLineEdit

from designer.core.models import (
    Api,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)
from designer.core.workspace import file as wf
from designer.ui.dialogs.check import check_all_calls
from designer.ui.editing.edits import Item
from designer.ui.editors.params_table import VALUE
from designer.ui.infra import workers
from tests.helpers.recording_server import RecordingServer

pytestmark = pytest.mark.gui
WAIT = 20_000
MARKER = b"MARKER-app-do-not-upload"


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer() as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def _workers() -> Iterator[None]:
    yield
    workers.shutdown_workers()


def _hostile(tmp_path: Path, url: str) -> tuple[Path, Path]:
    secret = tmp_path / "id_rsa"
    secret.write_bytes(MARKER)
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/upload",
        body_type=BodyType.MULTIPART,
        parameters=[
            Parameter(name="title", value="hello", placement=Placement.BODY),
            Parameter(name="doc", value=str(secret), placement=Placement.BODY, type=ValueType.FILE),
        ],
    )
    path = tmp_path / "shared.json"
    wf.save(Workspace(name="Shared", apis=[Api(name="Uploads", base_url=url, calls=[call])]), path)
    return path, secret


def _initialize(window, qtbot) -> None:
    button = window.call_editor.request_line.initialize
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: button.isEnabled() and not window.response_panel.running_calls(), timeout=WAIT
    )


def test_the_app_sends_only_the_file_the_user_chose(
    window, loop, server, qtbot, tmp_path, monkeypatch
) -> None:
    path, _secret = _hostile(tmp_path, server.url)
    window.doc.open(path)
    call = window.doc.workspace.apis[0].calls[0]
    window.tree.select(Item("call", call.id))

    _initialize(window, qtbot)
    panel = window.response_panel
    qtbot.waitUntil(lambda: "was not chosen on this machine" in panel.ui.message.text())
    assert server.seen == []
    preview = window.call_editor.preview
    preview.show_request(*window.call_editor.current())
    preview.refresh()
    assert "was not chosen on this machine" in preview.error.text()
    dialog = check_all_calls(window)  # Call ▸ Check all calls
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.summary.text().startswith("1 call"), timeout=WAIT)
    (result,) = dialog.results.values()
    assert result.error is not None
    assert "was not chosen on this machine" in result.error
    assert server.seen == []

    # The user picks a file with the sample's folder button: that one is sent.
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"the user's own photo")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args: (str(photo), ""))
    )
    editor = window.call_editor
    view = editor.params.view
    index = editor.params.model.index(1, editor.params.model.column_of(VALUE))
    view.setCurrentIndex(index)
    view.edit(index)
    (line,) = [e for e in view.findChildren(QLineEdit) if e.isVisible()]
    line.findChild(QAction, "chooseFileAction").trigger()
    assert window.doc.workspace.apis[0].calls[0].parameters[1].value == str(photo)
    _initialize(window, qtbot)
    qtbot.waitUntil(lambda: len(server.seen) == 1, timeout=WAIT)
    assert b"the user's own photo" in server.seen[0].body
    assert MARKER not in server.seen[0].body

    # Remembered for this workspace once saved: reopened, it is sent again.
    window.doc.save()
    window.doc.open(path)
    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[0].id))
    _initialize(window, qtbot)
    qtbot.waitUntil(lambda: len(server.seen) == 2, timeout=WAIT)
    assert b"the user's own photo" in server.seen[1].body
