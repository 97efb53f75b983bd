"""Parameter value types in OpenAPI: the schema each type exports as, and back."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.value_types import (
    schema_value_type,
    typed_example,
    value_type_schema,
)
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)


def test_every_type_exports_as_its_schema() -> None:
    assert {t: value_type_schema(t) for t in ValueType} == {
        ValueType.TEXT: {"type": "string"},
        ValueType.INTEGER: {"type": "integer"},
        ValueType.NUMBER: {"type": "number"},
        ValueType.BOOLEAN: {"type": "boolean"},
        ValueType.JSON: {"type": ["array", "object"]},
        ValueType.FILE: {"type": "string", "format": "binary"},
    }
    value_type_schema(ValueType.TEXT)["type"] = "changed"
    assert value_type_schema(ValueType.TEXT) == {"type": "string"}


@pytest.mark.parametrize("kind", list(ValueType))
def test_schema_of_a_type_reads_back_as_that_type(kind: ValueType) -> None:
    assert schema_value_type(value_type_schema(kind)) is kind


@pytest.mark.parametrize(
    ("schema", "kind"),
    [
        ({"type": "integer", "format": "int64"}, ValueType.INTEGER),
        ({"type": ["integer", "null"]}, ValueType.INTEGER),
        ({"type": ["integer", "number"]}, ValueType.NUMBER),
        ({"type": "string", "enum": ["placed", "approved"]}, ValueType.TEXT),
        ({"type": "string", "format": "date-time"}, ValueType.TEXT),
        ({"type": "array", "items": {"type": "string"}}, ValueType.JSON),
        ({"properties": {"a": {}}}, ValueType.JSON),
        ({"type": ["string", "integer"]}, ValueType.JSON),
        ({"type": "null"}, ValueType.JSON),
        ({}, ValueType.TEXT),
        ("not a schema", ValueType.TEXT),
    ],
)
def test_schemas_found_in_documents(schema: Any, kind: ValueType) -> None:
    assert schema_value_type(schema) is kind


def test_examples_are_typed_and_bad_samples_stay_text() -> None:
    assert typed_example(ValueType.INTEGER, "7") == 7
    assert typed_example(ValueType.NUMBER, "7.50") == 7.5
    assert typed_example(ValueType.BOOLEAN, "TRUE") is True
    assert typed_example(ValueType.JSON, '["a", {"b": 1}]') == ["a", {"b": 1}]
    assert typed_example(ValueType.INTEGER, "seven") == "seven"
    assert typed_example(ValueType.FILE, "~/cat.png") == "~/cat.png"


def test_openapi_export_writes_each_parameter_type() -> None:
    def p(name: str, value: str, kind: ValueType, where: Placement = Placement.BODY) -> Parameter:
        return Parameter(name=name, value=value, placement=where, type=kind)

    order = Call(
        name="Place order",
        method=Method.POST,
        path="/store/order",
        body_type=BodyType.JSON,
        parameters=[
            p("dry_run", "false", ValueType.BOOLEAN, Placement.QUERY),
            p("petId", "198772", ValueType.INTEGER),
            p("price", "7.5", ValueType.NUMBER),
            p("complete", "true", ValueType.BOOLEAN),
            p("tags", '["a"]', ValueType.JSON),
            p("status", "placed", ValueType.TEXT),
        ],
    )
    upload = Call(
        name="Upload photo",
        method=Method.POST,
        path="/pet/photo",
        body_type=BodyType.MULTIPART,
        parameters=[p("file", "cat.png", ValueType.FILE)],
    )
    api = Api(name="Pets", base_url="https://pets.example", calls=[order, upload])
    ws = Workspace(name="Pets", apis=[api])
    doc = export_openapi(ws, [api])
    validate(doc)
    operation = doc["paths"]["/store/order"]["post"]
    assert operation["parameters"][0]["schema"] == {"type": "boolean"}
    assert operation["parameters"][0]["example"] is False
    props = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert {name: (s["type"], s["examples"]) for name, s in props.items()} == {
        "petId": ("integer", [198772]),
        "price": ("number", [7.5]),
        "complete": ("boolean", [True]),
        "tags": ("array", [["a"]]),  # a JSON value is written as what its sample is
        "status": ("string", ["placed"]),
    }
    media = doc["paths"]["/pet/photo"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert media["schema"]["properties"]["file"]["format"] == "binary"


def test_a_custom_method_exports_as_an_additional_operation() -> None:
    purge = Call(name="Purge", method=Method("PURGE"), path="/cache")
    get = Call(name="Read", path="/cache")
    api = Api(name="CDN", base_url="https://cdn.example", calls=[get, purge])
    doc = export_openapi(Workspace(apis=[api]), [api])
    validate(doc)
    item = doc["paths"]["/cache"]
    assert set(item) == {"get", "x-additionalOperations"}
    assert list(item["x-additionalOperations"]) == ["PURGE"]
