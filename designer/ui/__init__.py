"""The desktop application: Qt widgets and item models over :mod:`designer.core`.

Everything here is a thin adapter. The domain lives in plain-Python models of
the core; this package shows them, turns user gestures into undoable edits of
the open :class:`~designer.ui.editing.document.Document`, and presents errors. Nothing
in ``designer.core`` imports from here.
"""
