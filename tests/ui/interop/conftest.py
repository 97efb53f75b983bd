"""Fixtures of the import and export GUI tests: an asyncio loop and captured errors."""

from __future__ import annotations

import pytest

from designer.ui.interop import export_flow, import_flow


@pytest.fixture
def errors(monkeypatch):
    """The messages the error presenter would show, instead of blocking on them."""
    shown: list[tuple[str, str]] = []
    for module in (import_flow, export_flow):
        monkeypatch.setattr(
            module, "show_error", lambda _w, title, text: shown.append((title, text))
        )
    return shown
