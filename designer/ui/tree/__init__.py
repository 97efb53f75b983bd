"""The tree of APIs and calls: item model, filter and view."""

from designer.ui.tree.model import ITEM_ROLE, MIME_TYPE, WorkspaceTreeModel
from designer.ui.tree.view import ApiTreeView, TreePane

__all__ = [
    "ITEM_ROLE",
    "MIME_TYPE",
    "ApiTreeView",
    "TreePane",
    "WorkspaceTreeModel",
]
