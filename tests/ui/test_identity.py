"""The app's identity in the window: Help ▸ About names the version."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

import designer


def test_about_shows_the_version(window, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    help_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&Help"
    )
    (about,) = [a for a in help_menu.actions() if a.text().startswith("&About")]
    about.trigger()
    assert shown
    assert shown[0].startswith(f"Connector Designer {designer.__version__}\n")


def test_the_app_names_its_desktop_entry_and_version(qapp):
    from designer.ui import app as app_module

    before = qapp.desktopFileName(), qapp.applicationVersion()
    try:
        app_module._set_identity(qapp)
        assert qapp.desktopFileName() == designer.APP_ID
        assert qapp.applicationVersion() == designer.__version__
    finally:
        qapp.setDesktopFileName(before[0])
        qapp.setApplicationVersion(before[1])
