"""The example's first launch on a real keychain (GNOME Keyring in CI).

With a memory store the example always worked; on a real keychain the demo
key was stored under the blank start-up workspace's id, so *Get account*
failed, and every launch left one more orphan entry. Here the app's own
pieces (its secret store over the real Secret Service, the main window, the
example opener) start as on a first launch, twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from designer.core.demo.server import example_secrets
from designer.core.secrets.keychain import service_name
from designer.ui.app import AppSecrets, LazyExecutor, _open_example
from designer.ui.editing.edits import Item
from designer.ui.infra.settings import Settings
from designer.ui.window.files import FileActions
from designer.ui.window.mainwindow import MainWindow
from tests.helpers import qtasync
from tests.helpers.keyrings import designer_entries, forget_entries, real_secret_service

pytestmark = [pytest.mark.keychain, pytest.mark.gui]

EXAMPLE_ID = "exampleworks"


@pytest.fixture
def real_keychain() -> Iterator[Any]:
    backend = real_secret_service()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    before = designer_entries()
    # A first launch: no demo key from an earlier run.
    forget_entries({e for e in before if e[0] == service_name(EXAMPLE_ID)})
    before = designer_entries()
    yield backend
    forget_entries(designer_entries() - before)
    keyring.set_keyring(previous)


@pytest.fixture
def loop(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Initialize changed the example: closing the window at teardown must not wait for
    # an answer to "save changes?".
    monkeypatch.setattr(FileActions, "ask_unsaved", lambda self: QMessageBox.StandardButton.Discard)
    yield from qtasync.running_loop(qapp)


def _launch(qtbot: Any, settings: Any, tmp_path: Any) -> tuple[MainWindow, Any, LazyExecutor]:
    """What ``run`` does on a first launch, up to the window showing the example."""
    holder: list[MainWindow] = []
    keychain = AppSecrets(lambda: holder[0].doc.workspace)
    executor = LazyExecutor()
    window = MainWindow(Settings(settings), keychain.store, executor, recovery_dir=tmp_path / "rec")
    holder.append(window)
    qtbot.addWidget(window)
    server = _open_example(window, keychain.store)
    window.show()
    qtbot.waitExposed(window)
    return window, server, executor


def _get_account(qtbot: Any, window: MainWindow, name: str = "Get account") -> str:
    api = window.doc.workspace.apis[0]
    call = next(c for c in api.calls if c.name == name)
    window.tree.select(Item("call", call.id))
    panel = window.response_panel
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled())
    qtbot.mouseClick(panel.initializeButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.initializeButton.isEnabled(), timeout=20_000)
    text: str = panel.statusLabel.text()
    return text + " | " + panel.ui.message.text()


def _close(qtbot: Any, window: MainWindow, server: Any, executor: LazyExecutor) -> None:
    closing = asyncio.ensure_future(executor.aclose())
    qtbot.waitUntil(closing.done)
    window.response_panel.shutdown()
    server.stop()


def test_example_first_launch_initializes_get_account_and_leaves_no_orphan(
    real_keychain: Any, loop: Any, qtbot: Any, settings: Any, tmp_path: Any
) -> None:
    before = designer_entries()
    for launch in range(2):
        window, server, executor = _launch(qtbot, settings, tmp_path / str(launch))
        try:
            assert window.doc.workspace.id == EXAMPLE_ID
            status = _get_account(qtbot, window)
            assert status.startswith("200 OK"), status
        finally:
            _close(qtbot, window, server, executor)
        added = designer_entries() - before
        # The demo key, under the example's own service; nothing else, and no
        # second copy after the second launch.
        wanted = {(service_name(EXAMPLE_ID), ref) for ref in example_secrets(window.doc.workspace)}
        assert added == wanted
