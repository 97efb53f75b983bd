"""JSON Schema 2020-12 export: every sample validates against the schema inferred from it."""

from __future__ import annotations

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.inference import SCHEMA_DIALECT, infer_value, infer_values, to_json_schema
from designer.core.structure import FieldOverride, ValueType
from tests.core.inference.strategies import json_values


def validator(schema: dict[str, object]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_schema_shape_required_nullable_and_formats() -> None:
    samples = [
        {"id": 1, "email": "a@example.com", "nick": None, "site": "https://a.example/"},
        {"id": 2, "email": "b@example.com", "nick": "bo"},
    ]
    schema = to_json_schema(infer_value(samples), title="Customers")
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["title"] == "Customers"
    items = schema["items"]
    assert items["required"] == ["id", "email", "nick"]
    assert items["properties"]["nick"]["type"] == ["string", "null"]
    assert items["properties"]["email"]["format"] == "email"
    assert items["properties"]["site"]["format"] == "uri"
    assert validator(schema).is_valid(samples)
    assert not validator(schema).is_valid([{"id": "x", "email": "a@example.com", "nick": None}])


def test_mixed_values_become_any_of_and_json_text_a_content_schema() -> None:
    schema = to_json_schema(infer_value([{"v": 1}, {"v": "x"}, {"v": None}, {"j": '{"a": 1}'}]))
    v = schema["items"]["properties"]["v"]
    assert {"type": "null"} in v["anyOf"]
    j = schema["items"]["properties"]["j"]
    assert j["contentMediaType"] == "application/json"
    assert j["contentSchema"]["properties"]["a"]["type"] == "integer"


def test_overrides_change_type_title_and_leave_out_excluded_fields() -> None:
    shape = infer_value({"id": "42", "secret_note": "x", "when": "2024-01-01"})
    schema = to_json_schema(
        shape,
        {
            "id": FieldOverride(type=ValueType.NUMBER, label="Identifier"),
            "secret_note": FieldOverride(include=False),
        },
    )
    assert schema["properties"]["id"] == {"title": "Identifier", "type": "number"}
    assert "secret_note" not in schema["properties"]
    assert schema["required"] == ["id", "when"]


def test_truncated_nodes_are_marked_and_accept_what_lies_below() -> None:
    value: object = "leaf"
    for _ in range(400):
        value = [value]
    schema = to_json_schema(infer_value(value))
    node = schema
    while "items" in node:
        node = node["items"]
    assert node.get("x-truncated") is True
    assert validator(schema).is_valid(value)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_every_value_validates_against_its_own_inferred_schema(value: object) -> None:
    assert validator(to_json_schema(infer_value(value))).is_valid(value)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_values, min_size=1, max_size=5))
def test_every_sample_validates_against_the_schema_of_all_samples(samples: list[object]) -> None:
    check = validator(to_json_schema(infer_values(samples)))
    for sample in samples:
        assert check.is_valid(sample)
