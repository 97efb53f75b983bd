"""What the README says about the app matches the app: the Secrets button's label, and
where settings, recovery files and keychain entries live."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QToolBar, QToolButton

from designer.core.secrets.keychain import service_name
from designer.ui import app as app_module
from designer.ui.window.recovery import default_directory

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_text() -> str:
    """The README with its line breaks folded, so phrases can wrap anywhere."""
    return " ".join(README.read_text(encoding="utf-8").split())


def test_the_readme_names_the_secrets_button_and_menu_item_as_the_app_shows_them(
    window: Any,
) -> None:
    action = window.secrets_action
    bar = window.findChild(QToolBar, "environmentToolBar")
    buttons = [b for b in bar.findChildren(QToolButton) if b.defaultAction() is action]
    assert len(buttons) == 1
    label = buttons[0].text()
    assert label == "Secrets"
    text = readme_text()
    assert f"*{label}* on the toolbar" in text
    menu_item = action.text().replace("&", "")
    assert f"*Edit ▸ {menu_item}*" in text
    # The toolbar's own label is the one the README uses elsewhere, too.
    assert "*Secrets…* on" not in text
    assert action.objectName() == "secretsAction"


def _home_relative(path: str) -> str:
    home = str(Path.home())
    return "~" + path[len(home) :] if path.startswith(home) else path


@pytest.mark.skipif(sys.platform != "linux", reason="the README's Linux column")
def test_the_readme_says_where_settings_and_recovery_files_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The defaults a user has, whatever the test run set up.
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    source = Path(app_module.__file__).read_text(encoding="utf-8")
    organization = re.search(r'setOrganizationName\("([^"]+)"\)', source)
    application = re.search(r'setApplicationName\("([^"]+)"\)', source)
    assert organization
    assert application
    settings = QSettings(
        QSettings.Format.NativeFormat,
        QSettings.Scope.UserScope,
        organization.group(1),
        application.group(1),
    )
    text = readme_text()
    assert f"`{_home_relative(settings.fileName())}`" in text
    assert f"`{_home_relative(str(default_directory()))}/`" in text
    assert service_name("<workspace id>") == "connector-designer:<workspace id>"
    assert "service `connector-designer:<workspace id>`" in text
    assert "connector-designer secrets forget WORKSPACE" in text
