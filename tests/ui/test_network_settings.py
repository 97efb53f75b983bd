"""Edit ▸ Network Settings…: every limit a message names can be changed in the app."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from designer.core.http.execute import LIMIT_OPTIONS
from designer.ui.app import LazyExecutor
from designer.ui.infra.settings import NetworkLimits, Settings


def test_limits_are_stored_and_used_by_the_next_executor(window, qtbot, settings):
    action = window.findChild(QAction, "networkSettingsAction")
    assert action is not None
    action.trigger()
    dialog = window.findChild(QDialog, "networkSettingsDialog")
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.limits() == NetworkLimits()  # the defaults, as on the command line
    dialog.deadline.setValue(5)
    dialog.timeout.setValue(2.5)
    dialog.max_size.setValue(3)
    dialog.max_redirects.setValue(0)
    dialog.accept()
    stored = Settings(settings).network()
    assert stored == NetworkLimits(read_timeout=2.5, deadline=5, max_size_mb=3, max_redirects=0)

    executor = LazyExecutor(Settings(settings).network)
    used = executor.get().settings
    assert (used.deadline, used.read_timeout, used.max_body_bytes, used.max_redirects) == (
        5,
        2.5,
        3 * 1024 * 1024,
        0,
    )


def test_reconfigure_makes_a_new_executor():
    limits = [NetworkLimits(deadline=9)]
    executor = LazyExecutor(lambda: limits[0])
    first = executor.get()
    assert first.settings.deadline == 9
    limits[0] = NetworkLimits(deadline=4)
    executor.reconfigure()
    assert executor.get().settings.deadline == 4
    assert executor.get() is not first


def test_every_limit_in_messages_names_the_app_setting():
    assert all(text.endswith("(app: Edit ▸ Network Settings)") for text in LIMIT_OPTIONS.values())
