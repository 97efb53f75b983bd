"""Fixtures of the GUI tests: an isolated settings file and an open document."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from designer.ui.document import Document
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
