"""The app's look: Fusion everywhere, light or dark as the system (or CD_COLOR_SCHEME) says."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QStyle

from designer.ui.infra.errors import InlineMessage
from designer.ui.infra.style import apply_style, is_dark, message_style

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_scheme_can_be_forced(restored, monkeypatch, qtbot, scheme) -> None:
    monkeypatch.setenv("CD_COLOR_SCHEME", scheme)
    apply_style(restored)
    assert restored.style().baseStyle().name().lower() == "fusion"
    assert is_dark() is (scheme == "dark")
    window = restored.palette().color(QPalette.ColorRole.Window)
    text = restored.palette().color(QPalette.ColorRole.WindowText)
    assert abs(window.lightness() - text.lightness()) > 150  # readable either way
    message = InlineMessage()
    qtbot.addWidget(message)
    message.show_error("Connection refused")
    assert message_style("error") in message.styleSheet()


def test_messages_differ_between_light_and_dark(restored, monkeypatch) -> None:
    monkeypatch.setenv("CD_COLOR_SCHEME", "light")
    apply_style(restored)
    light = message_style("note")
    monkeypatch.setenv("CD_COLOR_SCHEME", "dark")
    apply_style(restored)
    assert message_style("note") != light


def test_dialog_buttons_carry_no_stock_icons(restored, qtbot) -> None:
    apply_style(restored)
    hint = QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons
    assert restored.style().styleHint(hint) == 0
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).icon().isNull()
    assert QApplication.style() is restored.style()
