"""Editors of the selected API or call, and the parameters table they share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from designer.ui.editors.api_editor import ApiEditor

if TYPE_CHECKING:
    from designer.ui.editors.call_editor import CallEditor

__all__ = ["ApiEditor", "CallEditor"]


def __getattr__(name: str) -> Any:
    # The call editor's modules load when a call is first shown, not with the window.
    if name == "CallEditor":
        from designer.ui.editors.call_editor import CallEditor

        return CallEditor
    raise AttributeError(name)
