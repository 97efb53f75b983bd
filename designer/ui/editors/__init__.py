"""Editors of the selected API or call, and the parameters table they share."""

from .api_editor import ApiEditor
from .call_editor import CallEditor

__all__ = ["ApiEditor", "CallEditor"]
