"""The error presenter: inline messages and the unexpected-error dialog."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QMessageBox

from designer.ui.infra.errors import InlineMessage, install_excepthook, report_unexpected


def test_inline_message_hides_when_cleared(qtbot):
    message = InlineMessage()
    qtbot.addWidget(message)
    message.show_error("Parameter 'id' needs a value")
    assert message.kind == "error"
    assert not message.isHidden()
    message.clear()
    assert message.isHidden()
    assert message.text() == ""


def test_unexpected_error_is_logged_and_shown_once(qtbot, caplog):
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        error = exc
    with caplog.at_level(logging.ERROR, logger="designer.ui"):
        box = report_unexpected(error)
        again = report_unexpected(ValueError("second"))
    try:
        assert again is box
        assert box.isVisible()
        assert box.text() == "Something went wrong: boom"
        assert "RuntimeError: boom" in box.detailedText()
        assert "ValueError: second" in box.detailedText()
        assert "RuntimeError: boom" in caplog.text
    finally:
        box.done(QMessageBox.StandardButton.Close)


def test_excepthook_reports_instead_of_crashing(qtbot, monkeypatch):
    reported = []
    monkeypatch.setattr("designer.ui.infra.errors.report_unexpected", reported.append)
    restore = install_excepthook()
    try:
        sys.excepthook(KeyError, KeyError("x"), None)
    finally:
        restore()
    assert isinstance(reported[0], KeyError)
