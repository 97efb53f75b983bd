"""Fixtures of the GUI tests: isolated settings, an open document, a main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMessageBox

from designer.core.secrets.store import MemorySecretStore
from designer.ui.app import LazyExecutor
from designer.ui.editing.document import Document
from designer.ui.infra import ops
from designer.ui.infra.settings import Settings
from designer.ui.window.files import FileActions
from designer.ui.window.mainwindow import MainWindow
from tests.helpers import qtasync
from tests.helpers.workspaces import small_workspace


@pytest.fixture
def settings(tmp_path):
    """A settings file of the test's own, so tests never read the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def doc(qapp):
    document = Document()
    document.replace(small_workspace(), None)
    yield document
    document.deleteLater()


@pytest.fixture
def secrets():
    return MemorySecretStore()


@pytest.fixture
def window(qtbot, settings, secrets, tmp_path, monkeypatch):
    """A main window on the small workspace, with settings and recovery files of its own.

    The unsaved-changes prompt answers Discard unless a test says otherwise,
    so closing the window at teardown never waits for a click.
    """
    monkeypatch.setattr(FileActions, "ask_unsaved", lambda self: QMessageBox.StandardButton.Discard)
    win = MainWindow(Settings(settings), secrets, LazyExecutor(), recovery_dir=tmp_path / "rec")
    qtbot.addWidget(win)
    win.doc.replace(small_workspace(), None)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(autouse=True)
def _stop_worker_processes():
    """A response panel warms up the worker pool as soon as it shows a call, and jobs
    start processes of their own: each test stops those it started, as quitting the
    app does, so none outlives it (or the run, which prints a traceback at exit)."""
    yield
    ops.shutdown_workers()


@pytest.fixture
def restored(qapp):
    """The application, whose style and palette are put back after the test."""
    style, palette = qapp.style().name() or "fusion", QPalette(qapp.palette())
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


@pytest.fixture
def loop(qapp):
    """qasync's event loop over the test's QApplication, for the app's async work."""
    yield from qtasync.running_loop(qapp)
