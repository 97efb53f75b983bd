"""The tree of APIs and calls: item model, filter and view."""

from .model import ITEM_ROLE, MIME_TYPE, WorkspaceTreeModel
from .view import ApiTreeView, TreePane

__all__ = [
    "ITEM_ROLE",
    "MIME_TYPE",
    "ApiTreeView",
    "TreePane",
    "WorkspaceTreeModel",
]
