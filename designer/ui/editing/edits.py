"""What a user can do to the tree of APIs and calls, as undoable operations.

The tree's context menu, the Edit menu, keyboard shortcuts and drag and drop
all end up here. Each function validates the request, then pushes one undo
command (or one macro of several) on the document's stack. A refusal comes
back as a one-line message for the status bar instead of an exception: a
name that is taken is an everyday event, not an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from PySide6.QtGui import QUndoCommand

from designer.core.models import AUTH_SECRET_FIELD, Api, Call, new_id, secret_ref
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import (
    EditApi,
    EditCall,
    InsertApi,
    InsertCall,
    MoveApi,
    MoveCall,
    RemoveApi,
    RemoveCall,
)
from designer.ui.editing.document import Document

__all__ = [
    "Item",
    "add_api",
    "add_call",
    "delete",
    "duplicate",
    "move",
    "rename",
    "target_of",
    "unique_name",
]


@dataclass(frozen=True, slots=True)
class Item:
    """A node of the tree: an API, a call or a webhook, by id."""

    kind: Literal["api", "call", "webhook"]
    id: str


def unique_name(wanted: str, taken: Iterable[str]) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``… whichever is free."""
    names = {n.casefold() for n in taken}  # the file format compares names case-insensitively
    if wanted.casefold() not in names:
        return wanted
    n = 2
    while f"{wanted} {n}".casefold() in names:
        n += 1
    return f"{wanted} {n}"


def add_api(doc: Document, row: int | None = None) -> Api:
    apis = doc.workspace.apis
    api = Api(name=unique_name("New API", (a.name for a in apis)))
    doc.undo_stack.push(InsertApi(doc, len(apis) if row is None else row, api))
    return api


def add_call(doc: Document, api_id: str, row: int | None = None) -> Call:
    api = doc.api(api_id)
    call = Call(name=unique_name("New call", (c.name for c in api.calls)))
    doc.undo_stack.push(InsertCall(doc, api_id, len(api.calls) if row is None else row, call))
    return call


def rename(doc: Document, item: Item, name: str) -> str | None:
    """Rename an API or a call; returns why not, or None when done."""
    name = name.strip()
    if item.kind == "api":
        api = doc.api(item.id)
        if name == api.name:
            return None
        if not name:
            return "An API needs a name; the old name was kept."
        if any(a.name.casefold() == name.casefold() for a in doc.workspace.apis if a.id != api.id):
            return f"An API named '{name}' already exists; choose another name."
        settings = api.model_copy(update={"calls": []})
        doc.undo_stack.push(
            EditApi(doc, settings, settings.model_copy(update={"name": name}), "Rename API")
        )
        return None
    api, call = doc.find_call(item.id)
    if name == call.name:
        return None
    if not name:
        return "A call needs a name; the old name was kept."
    if any(c.name.casefold() == name.casefold() for c in api.calls if c.id != call.id):
        return f"API '{api.name}' already has a call named '{name}'; choose another name."
    doc.undo_stack.push(EditCall(doc, call, call.model_copy(update={"name": name}), "Rename call"))
    return None


def _copy_call_secrets(secrets: SecretStore, src: tuple[Api, Call], dst: tuple[Api, Call]) -> None:
    for param in src[1].parameters:
        if param.private:
            value = secrets.get(secret_ref(src[0], f"param.{param.name}", src[1]))
            if value:
                secrets.set(secret_ref(dst[0], f"param.{param.name}", dst[1]), value)


def _copy_api_secrets(secrets: SecretStore, src: Api, dst: Api) -> None:
    fields = [f"auth.{f}" for f in set(AUTH_SECRET_FIELD.values())]
    fields += [f"header.{p.name}" for p in src.headers if p.private]
    fields += [f"param.{p.name}" for p in src.parameters if p.private]
    for field in fields:
        value = secrets.get(secret_ref(src, field))
        if value:
            secrets.set(secret_ref(dst, field), value)
    for old, new in zip(src.calls, dst.calls, strict=True):
        _copy_call_secrets(secrets, (src, old), (dst, new))


def duplicate(doc: Document, secrets: SecretStore, items: Sequence[Item]) -> list[Item]:
    """Copy APIs and calls next to their originals, with their secrets; returns the copies."""
    copies: list[Item] = []
    items = [i for i in items if i.kind in ("api", "call")]
    doc.undo_stack.beginMacro("Duplicate")
    try:
        for item in items:
            if item.kind == "api":
                api = doc.api(item.id)
                copy = api.model_copy(deep=True, update={"id": new_id()})
                copy.name = unique_name(f"{api.name} copy", (a.name for a in doc.workspace.apis))
                copy.calls = [c.model_copy(update={"id": new_id()}) for c in copy.calls]
                _copy_api_secrets(secrets, api, copy)
                doc.undo_stack.push(InsertApi(doc, doc.api_row(api.id) + 1, copy, "Duplicate API"))
                copies.append(Item(item.kind, copy.id))
            else:
                api, call = doc.find_call(item.id)
                call_copy = call.model_copy(deep=True, update={"id": new_id()})
                call_copy.name = unique_name(f"{call.name} copy", (c.name for c in api.calls))
                _copy_call_secrets(secrets, (api, call), (api, call_copy))
                row = doc.call_row(call.id)[1] + 1
                doc.undo_stack.push(InsertCall(doc, api.id, row, call_copy, "Duplicate call"))
                copies.append(Item(item.kind, call_copy.id))
    finally:
        doc.undo_stack.endMacro()
    return copies


def delete(doc: Document, items: Sequence[Item]) -> None:
    """Delete APIs and calls; a call inside a deleted API goes with it."""
    api_ids = {i.id for i in items if i.kind == "api"}
    calls = [i for i in items if i.kind == "call" and doc.call_row(i.id)[0] not in api_ids]
    hooks = [i.id for i in items if i.kind == "webhook"]
    hooks = [h for h in hooks if doc.find_webhook(h)[0].id not in api_ids]
    if not api_ids and not calls and not hooks:
        return
    doc.undo_stack.beginMacro("Delete" if len(items) > 1 else f"Delete {items[0].kind}")
    try:
        for hook_id in hooks:
            api = doc.find_webhook(hook_id)[0]
            settings = api.model_copy(update={"calls": []})
            kept = [h for h in api.webhooks if h.id != hook_id]
            after = settings.model_copy(update={"webhooks": kept})
            doc.undo_stack.push(EditApi(doc, settings, after, "Delete webhook"))
        for item in calls:
            doc.undo_stack.push(RemoveCall(doc, item.id))
        for api_id in api_ids:
            doc.undo_stack.push(RemoveApi(doc, api_id))
    finally:
        doc.undo_stack.endMacro()


def _target(doc: Document, item: Item, api_id: str | None, row: int) -> int | None:
    """The final index of a move, or None when the item would not move."""
    if api_id is None:
        src, src_api, count = doc.api_row(item.id), None, len(doc.workspace.apis)
    else:
        src_api, src = doc.call_row(item.id)
        count = len(doc.api(api_id).calls)
    same = src_api == api_id
    if row < 0:
        target = count - 1 if same else count
    else:
        target = row - (1 if same and src < row else 0)
    return None if same and target == src else target


def move(doc: Document, items: Sequence[Item], api_id: str | None, row: int) -> bool:
    """Move items before ``row`` (pre-move numbering; -1 appends) of API ``api_id``.

    APIs move among APIs (``api_id`` None), calls into an API. Returns False
    when the drop makes no sense, such as a call among the APIs.
    """
    kinds = {i.kind for i in items}
    if not items or len(kinds) != 1 or (api_id is None) != (kinds == {"api"}):
        return False
    if len(items) == 1 and _target(doc, items[0], api_id, row) is None:
        return True  # dropped where it already is: nothing to undo
    doc.undo_stack.beginMacro("Move")
    try:
        for item in items:
            target = _target(doc, item, api_id, row)
            if target is not None:
                if api_id is None:
                    doc.undo_stack.push(MoveApi(doc, item.id, target))
                else:
                    doc.undo_stack.push(MoveCall(doc, item.id, api_id, target))
                if row >= 0:
                    row = target + 1  # the next item goes right after this one
            elif row >= 0:
                row = (doc.api_row(item.id) if api_id is None else doc.call_row(item.id)[1]) + 1
    finally:
        doc.undo_stack.endMacro()
    return True


def target_of(command: QUndoCommand | None) -> Item | None:
    """The API or call a command changed, to select and reveal after Undo or Redo.

    Of a macro (Delete, Duplicate, Move), its first command's.
    """
    while command is not None and command.childCount():
        command = command.child(0)
    if isinstance(command, InsertApi | RemoveApi | MoveApi | EditApi):
        return Item("api", command.api_id)
    if isinstance(command, InsertCall | RemoveCall | MoveCall | EditCall):
        return Item("call", command.call_id)
    return None
