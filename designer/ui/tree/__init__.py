"""The tree of APIs and calls: item model, filter and view."""

from .filter import TreeFilterModel
from .model import ITEM_ROLE, MIME_TYPE, SEARCH_ROLE, WorkspaceTreeModel
from .view import ApiTreeView, TreePane

__all__ = [
    "ITEM_ROLE",
    "MIME_TYPE",
    "SEARCH_ROLE",
    "ApiTreeView",
    "TreeFilterModel",
    "TreePane",
    "WorkspaceTreeModel",
]
