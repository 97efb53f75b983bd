"""Undoable edits of the tree: add, rename, duplicate, delete, move."""

from __future__ import annotations

from designer.core.models import Parameter, secret_ref
from designer.ui.editing import edits
from designer.ui.editing.edits import Item


def names(doc):
    return [(a.name, [c.name for c in a.calls]) for a in doc.workspace.apis]


def test_add_api_and_call_with_free_names_then_undo(doc):
    api = edits.add_api(doc)
    assert api.name == "New API"
    assert edits.add_api(doc).name == "New API 2"
    first = edits.add_call(doc, api.id)
    second = edits.add_call(doc, api.id)
    assert (first.name, second.name) == ("New call", "New call 2")
    assert doc.is_dirty
    for _ in range(4):
        doc.undo_stack.undo()
    assert [a.name for a in doc.workspace.apis] == ["Shop", "Weather"]
    assert not doc.is_dirty
    doc.undo_stack.redo()
    assert doc.workspace.apis[-1].id == api.id


def test_rename_refuses_names_that_differ_only_in_case(doc):
    weather = doc.workspace.apis[1]
    assert "already exists" in edits.rename(doc, Item("api", weather.id), "shop")
    assert edits.rename(doc, Item("api", weather.id), "  ") is not None
    assert edits.rename(doc, Item("api", weather.id), "Meteo") is None
    assert doc.workspace.apis[1].name == "Meteo"


def test_duplicate_copies_secrets_under_new_ids(doc, secrets):
    shop = doc.workspace.apis[0]
    call = shop.calls[0]
    private = call.model_copy(update={"parameters": [Parameter(name="key", private=True)]})
    doc.apply_call(shop.id, private)
    secrets.set(secret_ref(shop, "param.key", private), "s3cret")
    secrets.set(secret_ref(shop, "auth.token"), "tok")

    (copy,) = edits.duplicate(doc, secrets, [Item("call", call.id)])
    api, dup = doc.find_call(copy.id)
    assert dup.name == "List orders copy"
    assert api.calls.index(dup) == 1
    assert secrets.get(secret_ref(api, "param.key", dup)) == "s3cret"

    (api_copy,) = edits.duplicate(doc, secrets, [Item("api", shop.id)])
    new_api = doc.api(api_copy.id)
    assert new_api.name == "Shop copy"
    assert {c.id for c in new_api.calls}.isdisjoint(c.id for c in shop.calls)
    assert secrets.get(secret_ref(new_api, "auth.token")) == "tok"
    assert secrets.get(secret_ref(new_api, "param.key", new_api.calls[0])) == "s3cret"


def test_delete_is_one_undo_step(doc):
    shop, weather = doc.workspace.apis
    edits.delete(
        doc,
        [
            Item("call", shop.calls[0].id),
            Item("api", weather.id),
            Item("call", weather.calls[0].id),
        ],
    )
    assert names(doc) == [("Shop", ["Get order", "Create order"])]
    doc.undo_stack.undo()
    assert names(doc) == [
        ("Shop", ["List orders", "Get order", "Create order"]),
        ("Weather", ["Forecast"]),
    ]


def test_move_several_calls_keeps_their_order(doc):
    shop, weather = doc.workspace.apis
    items = [Item("call", c.id) for c in shop.calls[:2]]
    assert edits.move(doc, items, weather.id, 0)
    assert names(doc) == [
        ("Shop", ["Create order"]),
        ("Weather", ["List orders", "Get order", "Forecast"]),
    ]
    assert doc.undo_stack.count() == 1


def test_move_in_place_leaves_no_undo_step(doc):
    shop = doc.workspace.apis[0]
    assert edits.move(doc, [Item("call", shop.calls[1].id)], shop.id, 2)
    assert doc.undo_stack.count() == 0
