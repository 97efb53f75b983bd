"""Inference from parsed JSON values: types, formats, optional and nullable fields, depth."""

from __future__ import annotations

import pytest

from designer.core.inference import MAX_DEPTH, infer_value, render_tree, walk
from designer.core.structure import Shape, TextFormat, ValueType


def field(shape: Shape, path: str) -> Shape:
    nodes = dict(walk(shape))
    assert path in nodes, f"{path} not in {sorted(nodes)}"
    return nodes[path]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello", ValueType.TEXT),
        (3, ValueType.INTEGER),
        (2.5, ValueType.NUMBER),
        (True, ValueType.BOOLEAN),
        (None, ValueType.NULL),
        ({}, ValueType.OBJECT),
        ([], ValueType.LIST),
    ],
)
def test_scalar_and_container_roots(value: object, expected: ValueType) -> None:
    shape = infer_value(value)
    assert shape.type is expected
    assert shape.count == 1


def test_empty_list_is_list_of_unknown_until_items_are_seen() -> None:
    shape = infer_value({"items": []})
    items = field(shape, "items")
    assert items.label == "list of unknown"
    assert items.items is not None
    assert items.items.type is ValueType.UNKNOWN


@pytest.mark.parametrize(
    ("values", "fmt"),
    [
        (["2024-01-31", "1999-12-01"], TextFormat.DATE),
        (["2024-01-31T10:00:00Z", "2024-01-31T10:00:00.123+02:00"], TextFormat.DATE_TIME),
        (["10:00:00Z", "23:59:59.5+02:00"], TextFormat.TIME),
        (["ada@example.com", "b.c+d@mail.example.org"], TextFormat.EMAIL),
        (["https://example.com", "http://127.0.0.1:8000/x?y=1"], TextFormat.URL),
        (["https://cdn.example.com/a.png", "https://x.io/b/c.JPG?size=2"], TextFormat.IMAGE_URL),
        (["https://cdn.example.com/a.png", "https://example.com/page"], TextFormat.URL),
        (["0b6c1e0a-5f7e-4a8e-9d7f-2b5e3c4d5e6f"], TextFormat.UUID),
    ],
)
def test_text_formats(values: list[str], fmt: TextFormat) -> None:
    shape = infer_value([{"v": v} for v in values])
    assert field(shape, "[].v").format is fmt


@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-31", "not a date"],
        ["/v1/customers"],  # relative paths are just text
        ["2024-13-01"],  # no 13th month
        ["https://example.com", "ada@example.com"],
        ["", "2024-01-01"],
        ["2024-01-31 10:00:00"],  # RFC 3339 date-times need a T and a zone
        ["10:15"],  # RFC 3339 times need seconds and a zone
    ],
)
def test_a_format_needs_every_value_to_match(values: list[str]) -> None:
    shape = infer_value([{"v": v} for v in values])
    assert field(shape, "[].v").format is None


def test_list_of_objects_merges_items_into_optional_and_nullable_fields() -> None:
    shape = infer_value(
        [
            {"id": 1, "price": 10, "nickname": "ann", "tags": ["a"]},
            {"id": 2, "price": 9.5, "nickname": None},
            {"id": 3, "price": 7, "nickname": "bob", "tags": []},
        ]
    )
    assert shape.label == "list of object"
    assert field(shape, "[].id").type is ValueType.INTEGER
    assert field(shape, "[].price").type is ValueType.NUMBER
    nickname = field(shape, "[].nickname")
    assert (nickname.type, nickname.nullable, nickname.optional) == (ValueType.TEXT, True, False)
    tags = field(shape, "[].tags")
    assert (tags.optional, tags.count) == (True, 2)
    assert field(shape, "[].tags[]").type is ValueType.TEXT


def test_genuinely_different_types_make_a_mixed_value_listing_alternatives() -> None:
    shape = infer_value([{"v": 1}, {"v": "one"}, {"v": None}, {"v": {"n": 1}}])
    mixed = field(shape, "[].v")
    assert mixed.type is ValueType.MIXED
    assert mixed.nullable
    assert mixed.variants is not None
    assert [v.type for v in mixed.variants] == [
        ValueType.TEXT,
        ValueType.INTEGER,
        ValueType.OBJECT,
    ]
    assert mixed.label == "text or integer or object"


def test_text_holding_json_is_offered_as_nested_structure() -> None:
    shape = infer_value({"payload": '{"user": {"id": 7, "email": "a@example.com"}}'})
    payload = field(shape, "payload")
    assert payload.type is ValueType.TEXT
    assert payload.embedded is not None
    assert field(shape, "payload.user.email").format is TextFormat.EMAIL


def test_text_that_only_looks_like_json_stays_text() -> None:
    shape = infer_value([{"v": "{not json"}, {"v": '{"ok": 1}'}])
    assert field(shape, "[].v").embedded is None


def test_per_field_statistics_count_and_short_samples() -> None:
    shape = infer_value([{"a": "x" * 200}, {"a": "y"}, {"a": "y"}, {}])
    a = field(shape, "[].a")
    assert a.count == 3
    assert a.optional
    assert len(a.samples) == 2
    first = a.samples[0]
    assert isinstance(first, str)
    assert len(first) <= 60
    assert first.endswith("…")
    assert a.samples[1] == "y"


def test_objects_of_many_layouts_are_inferred_without_quadratic_work() -> None:
    # Values of two kinds do not make a map: each key stays a field.
    rows = [{f"id{i}": i if i % 2 else str(i)} for i in range(900)]
    shape = infer_value(rows)
    assert shape.items is not None
    assert shape.items.fields is not None
    assert len(shape.items.fields) == 900
    assert all(f.optional for f in shape.items.fields.values())


def test_deep_documents_stop_at_the_depth_limit_with_a_marker() -> None:
    value: object = 1
    for _ in range(5000):
        value = {"a": value}
    shape = infer_value(value)  # must not raise RecursionError
    nodes = list(walk(shape))
    assert len(nodes) == MAX_DEPTH + 1
    assert nodes[-1][1].truncated
    assert "not inferred below the depth limit" in render_tree(shape)


def test_sample_limit_bounds_the_items_looked_at() -> None:
    rows = [{"id": i} for i in range(1000)] + [{"id": "late", "extra": True}]
    quick = infer_value(rows, sample_limit=100)
    full = infer_value(rows)
    assert quick.items is not None
    assert quick.items.count == 100
    assert field(quick, "[].id").type is ValueType.INTEGER
    assert field(full, "[].id").type is ValueType.MIXED
    assert field(full, "[].extra").optional


def test_render_tree_shows_types_markers_and_samples() -> None:
    shape = infer_value({"data": [{"id": 1, "email": "a@example.com"}, {"id": 2, "email": None}]})
    text = render_tree(shape)
    assert "data: list of object  [2 items]" in text
    assert 'email: text (email), nullable  = "a@example.com"' in text
    assert "id: integer  = 1" in text
