"""The structure tree model: consistent for Qt, lazy for big objects, edits become overrides."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView

from designer.core.inference import diff, infer_value
from designer.core.inference.maps import MAX_FIELDS
from designer.core.structure import FieldOverride, TextFormat, ValueType
from designer.ui.response import presentation
from designer.ui.response.structure_model import BATCH, INCLUDE, SAMPLE, TYPE, StructureModel

pytestmark = pytest.mark.gui

ORDERS = {
    "data": [
        {
            "id": 1,
            "email": "ada@mail.example",
            "placed": "2024-05-01",
            "note": None,
            "customer": {"name": "Ada", "tags": ["vip"]},
        },
        {
            "id": 2,
            "email": "alan@mail.example",
            "placed": "2024-05-02",
            "note": "gift",
            "customer": {"name": "Alan", "tags": []},
        },
        {
            "id": 3,
            "email": "grace@mail.example",
            "placed": "2024-05-03",
            "customer": {"name": "Grace", "tags": ["new"]},
        },
    ],
    "page": 1,
    "has_more": False,
}


@pytest.fixture
def model(qapp) -> StructureModel:
    m = StructureModel()
    m.set_structure(infer_value(ORDERS))
    return m


def _fetch_all(model: StructureModel, parent: QModelIndex | None = None) -> None:
    parent = parent or QModelIndex()
    while model.canFetchMore(parent):
        model.fetchMore(parent)
    for row in range(model.rowCount(parent)):
        _fetch_all(model, model.index(row, 0, parent))


def _row(model: StructureModel, path: str) -> list[str]:
    index = model.index_for_path(path)
    assert index.isValid(), path
    return [model.index(index.row(), c, index.parent()).data() for c in range(4)]


def test_qmodeltester_on_a_fetched_tree(qtmodeltester, model) -> None:
    _fetch_all(model)
    qtmodeltester.check(model, force_py=True)


def test_qmodeltester_while_rows_arrive_lazily(qtmodeltester, qapp) -> None:
    model = StructureModel()
    # Checked after the reset: pytest-qt's tester fetches inside its own modelReset
    # handler before it records that the reset ended.
    # Values of two kinds, and no more than the field limit: a record, not a map.
    wide = {f"field_{i}": i if i % 2 else str(i) for i in range(MAX_FIELDS)}
    model.set_structure(infer_value(wide))
    qtmodeltester.check(model, force_py=True)
    _fetch_all(model)
    assert model.rowCount() == MAX_FIELDS > BATCH


def test_rows_show_field_type_and_sample(model) -> None:
    _fetch_all(model)
    assert model.rowCount() == 3
    assert _row(model, "data") == ["data", "list of object", "3 items", None]
    assert _row(model, "data[]") == ["[] item", "object", "5 fields", None]
    assert _row(model, "data[].email")[:3] == ["email", "text (email)", "ada@mail.example"]
    assert _row(model, "data[].placed")[1] == "text (date)"
    assert _row(model, "data[].note")[1] == "text · optional · nullable"
    assert _row(model, "data[].customer.tags")[1] == "list of text"


def test_tooltip_counts_and_include_checkbox(model) -> None:
    note = model.index_for_path("data[].note")
    assert "Seen in 2 of 3 objects" in note.data(Qt.ItemDataRole.ToolTipRole)
    include = model.index_for_path("data[].note", INCLUDE)
    assert include.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert include.flags() & Qt.ItemFlag.ItemIsUserCheckable


def test_objects_are_lazy_until_expanded(qtbot) -> None:
    model = StructureModel()
    model.set_structure(infer_value({"big": {f"k{i}": i for i in range(10_000)}}))
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    big = model.index(0, 0)
    assert model.hasChildren(big)
    assert model.rowCount(big) == 0, "children are created on demand"
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    view.expand(big)
    qtbot.waitUntil(lambda: model.rowCount(big) > 0)
    assert model.rowCount(big) < 10_000, "expanding creates a few batches, not every row"


def test_excluding_a_field_emits_overrides(qtbot, model) -> None:
    include = model.index_for_path("data[].customer", INCLUDE)
    with qtbot.waitSignal(model.overridesEdited) as signal:
        assert model.setData(include, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert signal.args[0] == {"data[].customer": FieldOverride(include=False)}
    child = model.index_for_path("data[].customer.name")
    assert child.data(Qt.ItemDataRole.ForegroundRole) is not None, "an excluded subtree is greyed"
    with qtbot.waitSignal(model.overridesEdited) as signal:
        model.setData(include, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert signal.args[0] == {}, "including it again removes the override"


def test_changing_a_type_emits_an_override(qtbot, model) -> None:
    placed = model.index_for_path("data[].placed", TYPE)
    assert placed.flags() & Qt.ItemFlag.ItemIsEditable
    assert placed.data(Qt.ItemDataRole.EditRole) == "text (date)"
    with qtbot.waitSignal(model.overridesEdited) as signal:
        assert model.setData(placed, "text")
    assert signal.args[0] == {"data[].placed": FieldOverride(type=ValueType.TEXT)}
    assert placed.data() == "text"
    assert "Detected as text (date)" in placed.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(model.overridesEdited) as signal:
        model.setData(placed, "text (date)")
    assert signal.args[0] == {}, "choosing the detected type again needs no override"


def test_objects_and_lists_have_no_type_editor(model) -> None:
    assert not model.index_for_path("data", TYPE).flags() & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index_for_path("data[].id", TYPE), "no such type")


def test_set_overrides_keeps_rows(model) -> None:
    _fetch_all(model)
    before = model.rowCount(model.index_for_path("data[]"))
    model.set_overrides({"data[].id": FieldOverride(type=ValueType.TEXT, format=TextFormat.UUID)})
    assert model.rowCount(model.index_for_path("data[]")) == before
    assert _row(model, "data[].id")[1] == "text (uuid)"


def test_changes_are_highlighted(model) -> None:
    old = infer_value({"data": [{"id": 1, "email": "a@b.example"}], "page": 1})
    new = infer_value({"data": [{"id": "x1", "email": "a@b.example", "vip": True}], "page": 1})
    model.set_structure(new, {}, diff(old, new))
    vip = model.index_for_path("data[].vip")
    identifier = model.index_for_path("data[].id")
    email = model.index_for_path("data[].email")
    assert vip.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Added since" in vip.data(Qt.ItemDataRole.ToolTipRole)
    assert "Type changed from integer to text" in identifier.data(Qt.ItemDataRole.ToolTipRole)
    assert email.data(Qt.ItemDataRole.BackgroundRole) is None


def test_removed_fields_stay_as_struck_out_rows(qtmodeltester, qtbot, model) -> None:
    old = infer_value({"data": [{"id": 1, "email": "a@b.example", "coupon": "X"}], "page": 1})
    new = infer_value({"data": [{"id": 1}], "page": 1})
    model.set_structure(new, {}, diff(old, new))
    _fetch_all(model)
    items = model.index_for_path("data[]")
    names = [model.index(r, 0, items).data() for r in range(model.rowCount(items))]
    assert names == ["id", "email", "coupon"]  # after the fields still there
    email = model.index_for_path("data[].email")
    assert _row(model, "data[].email") == ["email", "text (email)", "removed", None]
    assert email.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert email.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "Removed since the previous initialize (was text (email))" in email.data(
        Qt.ItemDataRole.ToolTipRole
    )
    include = email.siblingAtColumn(INCLUDE)
    assert not model.flags(include) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(email.siblingAtColumn(TYPE)) & Qt.ItemFlag.ItemIsEditable
    with qtbot.assertNotEmitted(model.overridesEdited):
        assert not model.setData(include, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert not model.hasChildren(email)
    # The next structure without changes shows only what is there.
    model.set_structure(new)
    assert not model.index_for_path("data[].email").isValid()
    model.set_structure(new, {}, diff(old, new))
    _fetch_all(model)
    qtmodeltester.check(model)


def test_a_removed_subtree_is_one_row(model) -> None:
    old = infer_value({"a": {"b": {"c": 1}}, "n": 1})
    new = infer_value({"a": {}, "n": 1})
    model.set_structure(new, {}, diff(old, new))
    a = model.index_for_path("a")
    assert model.hasChildren(a)  # only the removed row is left under it
    _fetch_all(model)
    assert model.rowCount(a) == 1
    assert _row(model, "a.b") == ["b", "object", "removed", None]


def test_list_root_and_empty_model(qtmodeltester, qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value([{"a": 1}, {"a": 2, "b": "x"}]))
    _fetch_all(model)
    assert _row(model, "[]")[0] == "[] item"
    assert _row(model, "[].b")[1] == "text · optional"
    qtmodeltester.check(model, force_py=True)
    empty = StructureModel()
    empty.set_structure(None)
    qtmodeltester.check(empty, force_py=True)
    assert empty.rowCount() == 0


def test_samples_are_one_line_and_cut() -> None:
    shape = infer_value("line one\nline two " + "x" * 500)
    text = presentation.sample_text(shape)
    assert "\n" not in text
    assert text.endswith("…")
    assert presentation.sample_text(infer_value(None)) == "null"


def test_a_mixed_value_shows_a_sample_of_a_variant() -> None:
    shape = infer_value([{"sku": "A-1"}, {"sku": 7}]).items.fields["sku"]
    assert presentation.sample_text(shape) in ("A-1", "7")


def test_every_type_choice_round_trips() -> None:
    for choice in presentation.TYPE_CHOICES:
        kind, fmt = presentation.parse_choice(choice)
        assert presentation.type_choice(infer_value(1), FieldOverride(kind, fmt)) == choice


def test_sample_column_is_not_editable(model) -> None:
    assert not model.index_for_path("data[].email", SAMPLE).flags() & Qt.ItemFlag.ItemIsEditable


def test_a_body_without_fields_gets_one_row(qtmodeltester, qapp) -> None:
    from designer.core.inference import infer_body

    model = StructureModel()
    model.set_structure(infer_body(b"plain words", "text/plain"))
    qtmodeltester.check(model, force_py=True)
    _fetch_all(model)
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "(body)"
    assert model.index(0, TYPE).data() == "text"
    assert model.index(0, SAMPLE).data() == "plain words"
    image = StructureModel()
    image.set_structure(infer_body(b"\x89PNG\r\n", "image/png"))
    _fetch_all(image)
    assert image.index(0, SAMPLE).data() == "image/png, 6 bytes"


# -- maps -------------------------------------------------------------------------------


RATES = {
    "base": "EUR",
    "rates": {f"{a}{b}X": 1.5 for a in "ABCDEF" for b in "ABCDE"},
    "permissions": {"admin": False, "push": True, "pull": True},
}


def test_a_map_is_one_row_with_its_key_count_and_one_value_row(qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value(RATES))
    _fetch_all(model)
    assert _row(model, "rates") == ["rates", "map of number", "30 keys: AAX, ABX, …", None]
    assert _row(model, "rates[]") == ["[key] value", "number", "1.5", None]
    rates = model.index_for_path("rates")
    assert model.rowCount(rates) == 1
    assert 'Keys such as: "AAX", "ABX"' in rates.data(Qt.ItemDataRole.ToolTipRole)


def test_a_body_that_is_a_map_gets_a_row_of_its_own(qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value({f"-Nx{i:05d}ab": {"name": f"n{i}"} for i in range(400)}))
    _fetch_all(model)
    body = [model.index(0, column).data() for column in range(4)]
    assert body == ["(body)", "map of object", "400 keys: -Nx00000ab, -Nx00001ab, …", None]
    assert _row(model, "[].name") == ["name", "text", "n0", None]


def test_the_type_of_an_object_or_a_map_is_object_or_map(qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value(RATES))
    _fetch_all(model)
    rates = model.index_for_path("rates", TYPE)
    permissions = model.index_for_path("permissions", TYPE)
    assert rates.flags() & Qt.ItemFlag.ItemIsEditable
    assert rates.data(presentation.CHOICES_ROLE) == ("object", "map")
    assert rates.data(Qt.ItemDataRole.EditRole) == "map"
    assert permissions.data(Qt.ItemDataRole.EditRole) == "object"
    assert not model.setData(rates, "text"), "an object is not read as text"
    edits: list[dict[str, FieldOverride]] = []
    model.overridesEdited.connect(edits.append)
    assert model.setData(permissions, "map")
    assert edits[-1] == {"permissions": FieldOverride(type=ValueType.MAP)}
    assert model.index_for_path("permissions", TYPE).data() == "map"
    # Read as a map, it shows the value at each key instead of its fields.
    _fetch_all(model)
    holder = model.index_for_path("permissions")
    assert model.rowCount(holder) == 1
    assert _row(model, "permissions[]")[:2] == ["[key] value", "boolean"]
    assert not model.index_for_path("permissions.admin").isValid()
    assert model.setData(rates, "object")
    assert edits[-1]["rates"] == FieldOverride(type=ValueType.OBJECT)
    tip = model.index_for_path("rates").data(Qt.ItemDataRole.ToolTipRole)
    assert "Detected as map of number; you chose object" in tip
    assert "Initialize again to list its keys as fields" in tip
    # Undo: the fields come back.
    model.set_overrides({})
    _fetch_all(model)
    assert _row(model, "permissions.admin")[:2] == ["admin", "boolean"]


def test_a_map_in_a_view_after_a_change_of_mind(qtmodeltester, qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value(RATES))
    _fetch_all(model)
    model.setData(model.index_for_path("permissions", TYPE), "map")
    _fetch_all(model)
    qtmodeltester.check(model, force_py=True)


def test_a_unix_time_reads_as_a_dated_integer_and_can_be_chosen_or_undone(qtbot, qapp) -> None:
    model = StructureModel()
    model.set_structure(infer_value({"created": 1741476542, "count": 1741476542}))
    created = model.index_for_path("created", TYPE)
    assert created.data() == "integer (unix-time)"
    assert "integer (unix-time-ms)" in presentation.TYPE_CHOICES
    assert "text (unix-time)" not in presentation.TYPE_CHOICES
    with qtbot.waitSignal(model.overridesEdited) as signal:
        assert model.setData(created, "integer")
    assert signal.args[0] == {"created": FieldOverride(type=ValueType.INTEGER)}
    count = model.index_for_path("count", TYPE)
    with qtbot.waitSignal(model.overridesEdited) as signal:
        assert model.setData(count, "integer (unix-time)")
    assert signal.args[0]["count"] == FieldOverride(ValueType.INTEGER, TextFormat.UNIX_TIME)
    assert count.data() == "integer (unix-time)"
