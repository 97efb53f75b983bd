"""Maps (objects whose keys are data) against records, merging, diffing, bounds and schemas."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.inference import (
    diff,
    infer_body,
    infer_value,
    infer_values,
    merge,
    render_tree,
    to_json_schema,
    walk,
)
from designer.core.inference.maps import MAX_FIELDS, MAX_NODES
from designer.core.structure import FieldOverride, Shape, ValueType
from tests.core.inference.strategies import json_values, signature

DATA = Path(__file__).parents[2] / "data" / "maps"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def node(shape: Shape, path: str) -> Shape:
    found = dict(walk(shape))
    assert path in found, sorted(found)[:20]
    return found[path]


def check(schema: dict[str, Any], value: object) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(value)


# -- maps ---------------------------------------------------------------------------------------


def test_exchange_rates_keyed_by_currency_code_are_a_map_of_number() -> None:
    body = load("exchange_rates.json")
    shape = infer_value(body)
    rates = node(shape, "rates")
    assert rates.type is ValueType.MAP
    assert rates.label == "map of number"
    assert rates.items is not None
    assert rates.items.count == 30
    assert "rates: map of number  [30 keys]" in render_tree(shape)
    assert "    [key]: number" in render_tree(shape)
    schema = to_json_schema(shape)["properties"]["rates"]
    assert schema == {"type": "object", "additionalProperties": {"type": "number"}}
    check(to_json_schema(shape), body)


def test_a_collection_keyed_by_generated_ids_is_a_map_of_merged_objects() -> None:
    body = load("firebase_tasks.json")
    shape = infer_value(body)
    assert shape.type is ValueType.MAP
    assert shape.items is not None
    task = shape.items
    assert task.count == 400
    assert task.fields is not None
    assert {n for n, f in task.fields.items() if not f.optional} == {
        "title",
        "done",
        "createdAt",
        "owner",
    }
    assert task.fields["tags"].optional
    assert task.fields["dueDate"].optional
    assert len(list(walk(shape))) < 12
    check(to_json_schema(shape), body)


def test_a_time_series_keyed_by_date_is_a_map_and_its_meta_data_a_record() -> None:
    body = load("alpha_vantage_daily.json")
    shape = infer_value(body)
    series = node(shape, "Time Series (Daily)")
    assert series.label == "map of object"
    assert series.items is not None
    assert series.items.fields is not None
    assert list(series.items.fields) == ["1. open", "2. high", "3. low", "4. close", "5. volume"]
    assert node(shape, "Meta Data").type is ValueType.OBJECT
    three = {k: body["Meta Data"][k] for k in ("1. Information", "2. Symbol", "3. Last Refreshed")}
    meta = infer_value({"Meta Data": three})
    assert node(meta, "Meta Data").fields is not None
    assert list(node(meta, "Meta Data").fields or ()) == list(three)
    check(to_json_schema(shape), body)


def test_records_stay_records_permissions_and_an_eleven_field_user() -> None:
    shape = infer_value(load("github_repos.json"))
    permissions = node(shape, "[].permissions")
    assert permissions.type is ValueType.OBJECT
    assert list(permissions.fields or ()) == ["admin", "maintain", "push", "triage", "pull"]
    owner = node(shape, "[].owner")
    assert owner.type is ValueType.OBJECT
    assert len(owner.fields or ()) == 11


@pytest.mark.parametrize(
    "record",
    [
        {"ID": 1, "URL": 2},  # upper-case codes need four keys
        {"address1": "a", "address2": "b"},
        {f"header-{i}": "v" for i in range(30)},  # text values need fifty keys
        {f"f{i}": (i if i % 2 else "x") for i in range(40)},  # values of two kinds
        {"a": {"x": 1}, "b": {"y": 2}, **{f"k{i}": {"z": i} for i in range(20)}},  # no common field
    ],
)
def test_objects_that_do_not_read_as_maps_keep_their_fields(record: dict[str, Any]) -> None:
    shape = infer_value(record)
    assert shape.type is ValueType.OBJECT
    assert list(shape.fields or ()) == list(record)


@pytest.mark.parametrize(
    "keys",
    [
        ["USD", "EUR", "GBP", "JPY"],
        ["2024-03-01", "2024-03-02"],
        ["1", "2", "30"],
        ["d17d05d7-7cea-4a31-a33f-913de55116b4", "0b6c1e0a-5f7e-4a8e-9d7f-2b5e3c4d5e6f"],
        ["/pets", "/pets/{id}"],
        ["en-US", "pt_BR"],
        [f"lang{i}" for i in range(20)],
    ],
)
def test_keys_that_look_like_data_make_a_map(keys: list[str]) -> None:
    shape = infer_value({k: i for i, k in enumerate(keys)})
    assert shape.label == "map of integer"


def test_a_map_of_objects_with_optional_fields_keeps_them_optional() -> None:
    body = {f"2024-01-{d:02d}": {"open": 1.5, **({"note": "x"} if d % 2 else {})} for d in (1, 2)}
    values = infer_value(body).items
    assert values is not None
    assert values.fields is not None
    assert not values.fields["open"].optional
    assert values.fields["note"].optional


# -- lists and merged samples ---------------------------------------------------------------------

CODES = [f"{a}{b}X" for a in "ABCDEF" for b in "ABCDE"]  # thirty code-like keys


def test_maps_inside_list_items_are_one_map_even_when_one_item_has_few_keys() -> None:
    items = [
        {"day": "mon", "rates": {c: 1.0 for c in CODES}},
        {"day": "tue", "rates": {c: 2 for c in CODES[:3]}},
    ]
    shape = infer_value(items)
    rates = node(shape, "[].rates")
    assert rates.label == "map of number"
    assert rates.items is not None
    assert rates.items.count == 33
    check(to_json_schema(shape), items)


def test_a_map_merged_with_a_record_of_a_few_keys_stays_a_map_in_any_order() -> None:
    big = infer_value({"rates": {c: 1.0 for c in CODES}})
    few = infer_value({"rates": {"AAX": 2, "ABX": 3}})
    assert node(few, "rates").type is ValueType.OBJECT
    for merged in (merge(big, few), merge(few, big)):
        assert node(merged, "rates").label == "map of number"
        assert signature(merged) == signature(
            infer_values([{"rates": {c: 1.0 for c in CODES}}, {"rates": {"AAX": 2, "ABX": 3}}])
        )


def test_records_whose_keys_together_read_as_a_map_merge_into_one() -> None:
    first = infer_value({"AAX": 1, "ABX": 2})
    second = infer_value({"ACX": 3, "ADX": 4.5})
    assert first.type is ValueType.OBJECT
    assert second.type is ValueType.OBJECT
    merged = merge(first, second)
    assert merged.label == "map of number"
    assert signature(merged) == signature(
        infer_values([{"AAX": 1, "ABX": 2}, {"ACX": 3, "ADX": 4.5}])
    )


# -- bounds -------------------------------------------------------------------------------------


def test_an_object_wider_than_the_limit_becomes_a_map_when_its_values_unify() -> None:
    body = {f"field_{i}": {"v": i} for i in range(MAX_FIELDS + 1)}
    assert infer_value(body).label == "map of object"


def test_an_object_wider_than_the_limit_whose_values_differ_is_truncated() -> None:
    body = {f"field_{i}": (i if i % 2 else str(i)) for i in range(MAX_FIELDS + 1)}
    shape = infer_value(body)
    assert shape.type is ValueType.OBJECT
    assert shape.truncated
    assert shape.fields is None
    assert "not inferred" in render_tree(shape)
    schema = to_json_schema(shape)
    assert schema["x-truncated"] is True
    check(schema, body)


def test_a_structure_never_grows_past_a_fixed_size() -> None:
    # Objects of 900 fields of two kinds each hold more such objects: each level multiplies.
    def wide(level: int) -> dict[str, Any]:
        if level == 0:
            return {f"f{i}": (i if i % 2 else "x") for i in range(900)}
        return {f"g{i}": (wide(level - 1) if i < 30 else "x") for i in range(900)}

    shape = infer_value(wide(2))
    assert len(list(walk(shape))) <= MAX_NODES + 10
    assert any(n.truncated for _p, n in walk(shape))


# -- hints, diff, overrides ---------------------------------------------------------------------


def test_a_chosen_kind_wins_over_detection() -> None:
    body = {"rates": {c: 1.0 for c in CODES}, "permissions": {"read": True, "write": False}}
    shape = infer_value(body, kinds={"rates": ValueType.OBJECT, "permissions": ValueType.MAP})
    assert list(node(shape, "rates").fields or ()) == CODES
    assert node(shape, "permissions").label == "map of boolean"


def test_new_or_missing_map_keys_are_not_drift_but_a_change_in_the_values_is() -> None:
    old = infer_value({"rates": {c: 1.0 for c in CODES[:25]}})
    new = infer_value({"rates": {c: 1.0 for c in CODES[5:]}})
    assert diff(old, new) == []
    changed = infer_value({"rates": {c: "1.0" for c in CODES}})
    kinds = {(c.kind, c.path) for c in diff(old, changed)}
    assert ("type", "rates[]") in kinds


def test_a_record_turning_into_a_map_is_one_type_change_not_every_key() -> None:
    old = infer_value({"rates": {"USD": 1.0, "GBP": 0.8}})
    new = infer_value({"rates": {c: 1.0 for c in CODES}})
    changes = diff(old, new)
    assert [(c.kind, c.path) for c in changes] == [("type", "rates")]
    assert [(c.kind, c.path) for c in diff(new, old)] == [("type", "rates")]


def test_overrides_export_a_record_as_a_map_and_a_map_as_an_object() -> None:
    body = {"rates": {c: 1.0 for c in CODES}, "permissions": {"read": True, "write": False}}
    shape = infer_value(body)
    overrides = {
        "rates": FieldOverride(type=ValueType.OBJECT),
        "permissions": FieldOverride(type=ValueType.MAP),
    }
    schema = to_json_schema(shape, overrides)
    assert schema["properties"]["rates"] == {"type": "object"}
    assert schema["properties"]["permissions"] == {
        "type": "object",
        "additionalProperties": {"type": "boolean"},
    }
    check(schema, body)
    assert "permissions: map (detected object)" in render_tree(shape, overrides)


def test_a_body_keyed_by_many_ids_gives_a_small_schema() -> None:
    body = {f"-Nx{i:07d}ab": {"name": f"C{i}", "score": i} for i in range(20_000)}
    shape = infer_body(orjson.dumps(body), "application/json")
    schema = orjson.dumps(to_json_schema(shape))
    assert len(schema) < 1000
    assert render_tree(shape).splitlines()[0] == "(root): map of object  [20000 keys]"


def test_a_sampled_first_pass_types_a_bounded_number_of_map_values() -> None:
    body = {
        f"2024-01-{d:02d}": ({"v": d} if d < 20 else {"v": d, "late": True}) for d in range(1, 29)
    }
    quick = infer_value(body, sample_limit=10)
    assert quick.items is not None
    assert quick.items.count == 10
    full = infer_value(body).items
    assert full is not None
    assert full.count == 28
    assert full.fields is not None
    assert full.fields["late"].optional


# -- properties ---------------------------------------------------------------------------------

data_keys = st.one_of(
    st.dates().map(str),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.uuids().map(str),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
)
one_kind = st.sampled_from(
    [
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.fixed_dictionaries({"id": st.integers()}, optional={"note": st.text(max_size=4)}),
    ]
)
#: maps by their key names: values of one kind, or of any kinds
named_maps = st.one_of(one_kind, st.just(json_values)).flatmap(
    lambda values: st.dictionaries(data_keys, values, min_size=2, max_size=30)
)
#: maps by their number of keys, whose names are identifiers
WORDS = [f"{w}_{n}" for w in ("alpha", "beta", "gamma") for n in ("one", "two", "three", "four")]
counted_maps = st.dictionaries(
    st.sampled_from([*WORDS, *(w.upper() for w in WORDS)]),
    st.integers(-5, 5),
    min_size=20,
    max_size=24,
)
maps = st.one_of(named_maps, counted_maps)
bodies = st.recursive(
    st.one_of(maps, json_values),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), children)
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(bodies)
def test_every_body_with_maps_validates_against_its_own_schema(body: object) -> None:
    check(to_json_schema(infer_value(body)), body)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


def _kinds(shape: Shape) -> list[tuple[str, str]]:
    return sorted((path, n.label) for path, n in walk(shape))


@settings(max_examples=80, deadline=None)
@given(
    st.one_of(
        st.lists(named_maps, min_size=1, max_size=4), st.lists(counted_maps, min_size=1, max_size=4)
    ),
    st.randoms(),
)
def test_detection_is_independent_of_key_item_and_sample_order(
    samples: list[dict[str, Any]], rng: random.Random
) -> None:
    wrapped = [{"rates": s} for s in samples]
    at_once = infer_values(wrapped)
    shuffled = infer_values(_shuffled(wrapped, rng))
    assert _kinds(at_once) == _kinds(shuffled)
    order = list(range(len(wrapped)))
    rng.shuffle(order)
    merged = infer_value(wrapped[order[0]])
    for i in order[1:]:
        merged = merge(merged, infer_value(wrapped[i]))
    assert _kinds(merged) == _kinds(at_once)
    for sample in wrapped:
        check(to_json_schema(merged), sample)


# -- maps need evidence -------------------------------------------------------------------------

EVIDENCE_FIELDS = [
    "access_activity_log",
    "billing_address",
    "cancellation_policy",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_communication",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "customer_signature",
    "duplicate_charge_documentation",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "receipt",
    "refund_policy",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "service_documentation",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_documentation",
    "shipping_tracking_number",
    "uncategorized_file",
    "uncategorized_text",
]


def test_a_record_whose_values_are_all_null_is_a_record_of_nullable_fields() -> None:
    # Stripe's dispute evidence: 27 named fields, every one null in the sample.
    body = {"id": "dp_1", "evidence": dict.fromkeys(EVIDENCE_FIELDS)}
    evidence = node(infer_value(body), "evidence")
    assert evidence.type is ValueType.OBJECT
    assert list(evidence.fields or ()) == EVIDENCE_FIELDS
    assert all(f.type is ValueType.NULL for f in (evidence.fields or {}).values())
    schema = to_json_schema(infer_value(body))
    assert set(schema["properties"]["evidence"]["properties"]) == set(EVIDENCE_FIELDS)
    # A later sample fills the fields in: they become nullable text, still a record.
    filled = dict.fromkeys(EVIDENCE_FIELDS, "text")
    merged = node(
        merge(infer_value(body), infer_value({"id": "dp_2", "evidence": filled})), "evidence"
    )
    assert merged.type is ValueType.OBJECT
    assert (merged.fields or {})["receipt"].label == "text"
    assert (merged.fields or {})["receipt"].nullable
    at_once = node(infer_values([body, {"id": "dp_2", "evidence": filled}]), "evidence")
    assert at_once.type is ValueType.OBJECT


@pytest.mark.parametrize(
    "empty", [None, "", {}, []], ids=["null", "empty text", "empty object", "empty list"]
)
def test_many_fields_that_are_all_empty_are_no_evidence_of_a_map(empty: object) -> None:
    fields = [f"setting_{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(60)]
    body = {"settings": {name: empty for name in fields}}
    settings_node = node(infer_value(body), "settings")
    assert settings_node.type is ValueType.OBJECT
    assert list(settings_node.fields or ()) == fields
    # Two samples merged judge the same way as one.
    merged = node(merge(infer_value(body), infer_value(body)), "settings")
    assert merged.type is ValueType.OBJECT


def test_many_fields_with_values_to_show_are_still_a_map() -> None:
    fields = [f"setting_{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(60)]
    # Mostly empty, but the values that are there are one kind: evidence enough.
    body = {name: ("on" if i == 3 else "") for i, name in enumerate(fields)}
    assert infer_value(body).label == "map of text"
    nulls = {f"k{i}": (None if i % 2 else {"v": i}) for i in range(30)}
    assert infer_value(nulls).type is ValueType.MAP


def test_keys_that_are_data_make_a_map_even_of_nulls() -> None:
    # Rule 1: the keys are the evidence (a time series with no readings yet).
    body = {"2024-03-01": None, "2024-03-02": None, "2024-03-03": None}
    assert infer_value(body).type is ValueType.MAP
