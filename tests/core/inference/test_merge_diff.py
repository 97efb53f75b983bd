"""Merging structures and comparing them."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.inference import diff, infer_value, infer_values, merge, summarize
from designer.core.structure import ValueType
from tests.core.inference.strategies import json_values, signature


def test_merge_marks_fields_missing_on_one_side_optional() -> None:
    merged = merge(infer_value({"a": 1, "b": "x"}), infer_value({"a": 2.5, "c": None}))
    assert merged.fields is not None
    assert merged.fields["a"].type is ValueType.NUMBER
    assert merged.fields["b"].optional
    assert merged.fields["c"].optional
    assert merged.fields["c"].type is ValueType.NULL
    assert merged.count == 2


def test_merge_with_null_makes_nullable_and_unknown_items_take_the_other_side() -> None:
    merged = merge(infer_value({"v": None, "l": []}), infer_value({"v": "x", "l": [1]}))
    assert merged.fields is not None
    assert merged.fields["v"].nullable
    assert merged.fields["v"].type is ValueType.TEXT
    assert merged.fields["l"].label == "list of integer"


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values, min_size=1, max_size=5), st.randoms())
def test_merging_samples_in_any_order_gives_the_same_types_and_optionality(
    samples: list[object], rnd: object
) -> None:
    shapes = [infer_value(s) for s in samples]
    forward = shapes[0]
    for s in shapes[1:]:
        forward = merge(forward, s)
    shuffled = list(shapes)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    backward = shuffled[-1]
    for s in reversed(shuffled[:-1]):
        backward = merge(s, backward)
    assert signature(forward) == signature(backward)
    # ...and agrees with inferring all samples at once.
    assert signature(forward) == signature(infer_values(samples))


def test_merge_is_associative_on_a_tricky_triple() -> None:
    a, b, c = (infer_value(v) for v in ([1], ["https://x.io/a.png"], [None, "https://x.io/"]))
    for x, y, z in itertools.permutations((a, b, c)):
        assert signature(merge(merge(x, y), z)) == signature(merge(a, merge(b, c)))


def test_diff_lists_added_removed_changed_optional_and_nullable_with_paths() -> None:
    old = infer_value({"data": [{"id": 1, "name": "a", "gone": True, "nick": "x"}]})
    new = infer_value(
        {
            "data": [
                {"id": "1", "name": "a", "nick": None, "new": {"deep": 1}},
                {"id": "2", "nick": "y"},
            ]
        }
    )
    changes = {(c.kind, c.path) for c in diff(old, new)}
    assert changes == {
        ("type", "data[].id"),
        ("removed", "data[].gone"),
        ("added", "data[].new"),  # its children are not listed again
        ("optional", "data[].name"),
        ("nullable", "data[].nick"),
    }
    line = summarize(diff(old, new))
    assert line == (
        "1 field added, 1 field removed, 1 changed type, 1 became optional, 1 became nullable"
    )


def test_removed_fields_name_where_they_were() -> None:
    old = infer_value({"a": {"x": 1, "y.z": 2}, "tags": [{"k": 1}], "top": True})
    new = infer_value({"a": {"x": 1}, "tags": []})
    removed = {c.path: (c.parent, c.name, c.before) for c in diff(old, new) if c.kind == "removed"}
    assert removed == {
        'a["y.z"]': ("a", "y.z", "integer"),  # a name that needs quoting in paths
        "tags[].k": ("tags[]", "k", "integer"),
        "top": ("", "top", "boolean"),
    }


def test_diff_of_equal_structures_is_empty() -> None:
    shape = infer_value({"a": [1, 2]})
    assert diff(shape, infer_value({"a": [3]})) == []
    assert summarize([]) == "no changes"
    assert diff(None, shape) == []
