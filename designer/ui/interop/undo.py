"""An import merged into the open document as one undoable edit.

The core's merge returns a whole new workspace; replacing the document with
it would reset the tree and the undo history. Instead the difference is
pushed as one macro of the ordinary commands: a replaced API is removed and
its successor inserted at the same row, and added APIs are appended in
order. Undo takes all of it back in one step, and the tree only sees rows
coming and going.
"""

from __future__ import annotations

from designer.core.interop.merge import MergeAction, MergeOutcome
from designer.core.models import Api
from designer.ui.editing.commands import InsertApi, RemoveApi
from designer.ui.editing.document import Document

__all__ = ["push_merge"]


def push_merge(doc: Document, outcome: MergeOutcome, text: str) -> list[Api]:
    """Apply ``outcome`` (merged from ``doc.workspace``) as one undo step; returns the new APIs."""
    before = list(doc.workspace.apis)  # a snapshot: the pushes below change the live list
    merged = outcome.workspace.apis
    rows = {api.name.casefold(): row for row, api in enumerate(before)}
    added: list[Api] = []
    doc.undo_stack.beginMacro(text)
    try:
        for plan in outcome.planned:
            if plan.action is MergeAction.REPLACE:
                row = rows[plan.name.casefold()]
                doc.undo_stack.push(RemoveApi(doc, before[row].id, text))
                doc.undo_stack.push(InsertApi(doc, row, merged[row], text))
                added.append(merged[row])
        for row in range(len(before), len(merged)):
            doc.undo_stack.push(InsertApi(doc, row, merged[row], text))
            added.append(merged[row])
    finally:
        doc.undo_stack.endMacro()
    return added
