"""Spec against reality: each rule of inference.spec, with what is not a departure."""

from __future__ import annotations

from typing import Any

from designer.core.inference import infer_value
from designer.core.inference.spec import departures, summarize_departures
from designer.core.interop.openapi.schema_shape import schema_to_shape
from designer.core.interop.reader import Reader
from designer.core.interop.refs import Resolver
from designer.core.structure import Shape


def spec(schema: dict[str, Any]) -> Shape:
    return schema_to_shape(schema, "#", Resolver({}, Reader("spec.json")))


def found(schema: dict[str, Any], answer: object) -> list[tuple[str, str]]:
    return [(d.kind, d.path) for d in departures(spec(schema), infer_value(answer))]


CHARGE = {
    "type": "object",
    "required": ["id", "amount", "created", "customer"],
    "properties": {
        "id": {"type": "string"},
        "amount": {"type": "integer"},
        "created": {"type": "integer", "format": "unix-time"},
        "customer": {"type": "string", "nullable": True},
        "receipt_url": {"type": "string", "format": "uri"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "refunds": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "amount": {"type": "number"}},
            },
        },
        "extra": {"type": "object"},  # free-form
    },
}
GOOD = {
    "id": "ch_1",
    "amount": 500,
    "created": 1741476542,
    "customer": None,
    "metadata": {"order_id": "6735"},
    "refunds": [{"id": "re_1", "amount": 5}],
    "extra": {"anything": [1, 2]},
}


def test_an_answer_as_documented_has_no_departure() -> None:
    # Integers where numbers are documented, a record where a map is, an optional field
    # left out, a field the spec allows to be null, a free-form object: all as documented.
    assert found(CHARGE, GOOD) == []
    assert summarize_departures([]) == "as documented"


def test_fields_the_spec_lacks_and_required_fields_the_answer_lacks() -> None:
    answer = {**GOOD, "livemode": False}
    del answer["amount"]
    answer["refunds"] = [{"amount": 1.5, "reason": "duplicate"}]
    result = departures(spec(CHARGE), infer_value(answer))
    assert [(d.kind, d.path) for d in result] == [
        ("undocumented", "livemode"),
        ("missing", "amount"),
        ("undocumented", "refunds[].reason"),
        ("missing", "refunds[].id"),
    ]
    assert str(result[0]) == "livemode: in the answer (boolean), not in the spec"
    assert str(result[1]) == "amount: required by the spec (integer), not in the answer"
    assert summarize_departures(result) == "2 fields not in the spec, 2 required fields missing"


def test_a_required_field_present_only_in_some_objects_is_missing() -> None:
    answer = {**GOOD, "refunds": [{"id": "re_1"}, {"amount": 2}]}
    assert found(CHARGE, answer) == [("missing", "refunds[].id")]


def test_types_formats_and_nulls_that_depart() -> None:
    answer = {
        **GOOD,
        "id": 42,  # a number, documented as text
        "amount": 5.25,  # a fraction, documented as an integer
        "created": "2024-03-01T10:00:00Z",  # ISO text, documented as a Unix time
        "receipt_url": "not a link",
        "metadata": {"order_id": None},  # null where text is documented
    }
    kinds = found(CHARGE, answer)
    assert ("type", "id") in kinds
    assert ("type", "amount") in kinds
    assert ("type", "created") in kinds
    assert ("format", "receipt_url") in kinds
    assert ("nullable", "metadata.order_id") in kinds


def test_a_documented_unix_time_is_read_from_the_values_not_the_name() -> None:
    schema = {
        "type": "object",
        "properties": {"anchor": {"type": "integer", "format": "unix-time"}},
    }
    # The name says nothing of time, so inference sees a plain integer; the values fit.
    assert found(schema, {"anchor": 1741476542}) == []
    assert found(schema, {"anchor": 0}) == []
    assert found(schema, {"anchor": 12}) == [("format", "anchor")]


def test_a_format_the_answer_shows_and_the_spec_does_not_give_is_no_departure() -> None:
    schema = {"type": "object", "properties": {"ip": {"type": "string"}}}
    assert found(schema, {"ip": "10.0.0.1"}) == []
    typed = {"type": "object", "properties": {"ip": {"type": "string", "format": "ipv4"}}}
    assert found(typed, {"ip": "2604:a880::1"}) == [("format", "ip")]


def test_choices_of_types_and_empty_answers() -> None:
    schema = {
        "type": "object",
        "properties": {
            "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    assert found(schema, {"value": 3, "tags": []}) == []
    assert found(schema, {"value": True, "tags": [1]}) == [("type", "value"), ("type", "tags[]")]
