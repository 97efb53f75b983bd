"""OpenAPI: exports pass openapi-spec-validator; imports of 3.0, 3.1 and Swagger 2.0 fixtures."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from designer.core.errors import ImportReferenceError, ImportVersionError
from designer.core.inference import walk
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.service import read_import
from designer.core.interop.source import read_document, read_source
from designer.core.models import Api, Call, Placement, Workspace
from designer.core.structure import Shape, TextFormat, ValueType
from tests.core.interop.conftest import DATA

FIXTURES = ["petstore-3.0.yaml", "catalog-3.1.json", "weather-swagger-2.0.json"]


def signature(shape: Shape | None) -> list[tuple[str, str, bool, bool, str | None]]:
    if shape is None:
        return []
    return [
        (path, node.type.value, node.optional, node.nullable, node.format and node.format.value)
        for path, node in walk(shape)
    ]


def placements(api: Api, call: Call) -> set[tuple[str, str]]:
    shared = [(p.name, "header") for p in api.headers] + [
        (p.name, p.placement.value) for p in api.parameters
    ]
    return {*shared, *((p.name, p.placement.value) for p in call.parameters)}


def test_every_export_validates(rich: Workspace) -> None:
    for apis in ([rich.apis[0]], [rich.apis[1]], [rich.apis[2]], rich.apis):
        validate(export_openapi(rich, apis))


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_import_then_export_validates(name: str) -> None:
    imported = read_import(read_source(DATA / name), name)
    ws = Workspace(apis=imported.result.apis)
    validate(export_openapi(ws, ws.apis))


def test_round_trip_keeps_calls_placements_and_structures(rich: Workspace) -> None:
    for api in rich.apis:
        doc = export_openapi(rich, [api])
        (back,) = import_openapi(doc, "export.json").apis
        assert (back.name, back.base_url, back.auth) == (api.name, api.base_url, api.auth)
        by_name = {c.name: c for c in back.calls}
        assert set(by_name) == {c.name for c in api.calls}
        for call in api.calls:
            again = by_name[call.name]
            assert (again.method, again.path, again.body_type) == (
                call.method,
                call.path,
                call.body_type,
            )
            ignored = {("Accept", "header"), ("Content-Type", "header")}
            assert placements(back, again) == placements(api, call) - ignored
            assert signature(again.structure) == signature(call.structure)


def test_several_apis_share_one_document(rich: Workspace) -> None:
    doc = export_openapi(rich, rich.apis)
    assert [t["name"] for t in doc["tags"]] == ["Shop", "CRM", "Legacy"]
    back = import_openapi(doc, "all.json").apis
    assert [(a.name, a.base_url) for a in back] == [(a.name, a.base_url) for a in rich.apis]


def test_same_path_and_method_in_two_apis_export_as_one_operation(rich: Workspace) -> None:
    twin = rich.apis[0].model_copy(update={"name": "Shop EU", "id": "other"})
    notes: list[str] = []
    doc = export_openapi(rich, [rich.apis[0], twin], notes=notes)
    validate(doc)
    kept = doc["paths"]["/orders"]["get"]["x-connector-designer-alternatives"]
    assert [op["tags"] for op in kept] == [["Shop EU"]]
    assert any("are both GET /orders" in n for n in notes)
    back = import_openapi(doc, "export.json").apis
    assert sum(len(a.calls) for a in back) == len(rich.apis[0].calls) * 2


def test_petstore_30() -> None:
    result = import_openapi(read_document(DATA / "petstore-3.0.yaml"), "petstore-3.0.yaml")
    # The one operation with its own security requirement is an API of its own.
    api, removal = result.apis
    assert (removal.name, removal.auth.type) == ("Pet Shop (apiKey)", "api_key_header")
    assert [c.name for c in removal.calls] == ["Remove a pet"]
    assert (api.name, api.base_url, api.auth.type) == (
        "Pet Shop",
        "https://eu.petshop.example/api/v2",
        "bearer",
    )
    calls = {c.name: c for c in api.calls}
    assert list(calls) == [
        "List pets",
        "Add a pet",
        "Get a pet",
        "Request an adoption",
    ]
    listing = calls["List pets"]
    assert [(p.name, p.placement, p.value, p.optional) for p in listing.parameters] == [
        ("limit", Placement.QUERY, "20", True),
        ("species", Placement.QUERY, "cat", True),
        ("X-Request-Id", Placement.HEADER, "", True),
    ]
    shape = listing.structure
    assert shape is not None
    assert shape.fields is not None
    items = shape.fields["items"].items
    assert items is not None
    assert items.fields is not None
    # allOf merged NewPet and the id part; required from either member.
    assert not items.fields["name"].optional
    assert not items.fields["id"].optional
    assert items.fields["born"].optional
    assert items.fields["born"].format is TextFormat.DATE
    assert items.fields["photo"].format is TextFormat.IMAGE_URL
    assert items.fields["weight_kg"].nullable
    assert shape.fields["next"].nullable
    assert shape.fields["next"].format is TextFormat.URL
    add = calls["Add a pet"]
    assert [p.name for p in add.parameters] == [
        "name",
        "species",
        "born",
        "owner.email",
        "owner.phone",
    ]
    assert add.parameters[0].value == "Mittens"
    adoption = calls["Request an adoption"]
    assert adoption.body_type.value == "form"
    assert adoption.structure is not None
    assert adoption.structure.fields is not None
    # oneOf of two objects: 'status' in both, the rest optional.
    assert not adoption.structure.fields["status"].optional
    assert adoption.structure.fields["position"].optional
    assert removal.calls[0].structure is None
    assert "TRACE operations are not imported" in result.notes


def test_catalog_31_cycles_and_unions() -> None:
    api, public = import_openapi(read_document(DATA / "catalog-3.1.json"), "catalog").apis
    assert api.auth.type == "basic"
    # 'security: []' on the feed: that operation needs no authentication.
    assert public.auth.type == "none"
    assert public.name.endswith("(no authentication)")
    assert [c.name for c in public.calls] == ["Product feed"]
    calls = {c.name: c for c in api.calls}
    tree = calls["Category tree"].structure
    assert tree is not None
    assert tree.items is not None
    assert tree.items.fields is not None
    children = tree.items.fields["children"]
    assert children.type is ValueType.LIST
    assert children.items is not None
    assert children.items.truncated  # the recursion is cut, not followed forever
    parent = tree.items.fields["parent"]
    assert parent.nullable
    assert parent.truncated
    product = calls["Get a product"].structure
    assert product is not None
    assert product.fields is not None
    assert product.fields["discount_percent"].nullable
    assert product.fields["rating"].type is ValueType.MIXED
    embedded = product.fields["metadata"].embedded
    assert embedded is not None
    assert embedded.fields is not None
    assert "source" in embedded.fields
    assert calls["Get a product"].parameters[0].value == "SKU-00001"
    assert public.calls[0].response_type.value == "xml"
    assert calls["Replace a product"].body_type.value == "json"


def test_swagger_20() -> None:
    (api,) = import_openapi(read_document(DATA / "weather-swagger-2.0.json"), "w").apis
    assert (api.base_url, api.auth.type) == (
        "https://weather.example.org/data/2.5",
        "api_key_query",
    )
    calls = {c.name: c for c in api.calls}
    assert calls["Current weather"].parameters[0].value == "Oslo"
    current = calls["Current weather"].structure
    assert current is not None
    assert current.fields is not None
    assert current.fields["rain"].nullable
    assert current.fields["rain"].optional
    assert [p.name for p in calls["Subscribe to alerts"].parameters] == [
        "city",
        "email",
        "threshold",
    ]
    upload = calls["Upload a station photo"]
    assert upload.body_type.value == "multipart"


def _doc(schema: Any, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
        "components": {"schemas": {}},
    }
    doc["components"]["schemas"].update(extra)
    return doc


@pytest.mark.parametrize(
    ("doc", "error", "text"),
    [
        (
            _doc({"$ref": "#/components/schemas/Missing"}),
            ImportReferenceError,
            's.json: $.paths["/x"].get.responses["200"].content["application/json"].schema'
            ".$ref: '#/components/schemas/Missing' points to nothing",
        ),
        (
            _doc(
                {"$ref": "#/components/schemas/A"},
                A={"$ref": "#/components/schemas/B"},
                B={"$ref": "#/components/schemas/A"},
            ),
            ImportReferenceError,
            "$ref cycle #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A",
        ),
        (
            _doc({"$ref": "common.yaml#/Pet"}),
            ImportReferenceError,
            "points to another file: import the document from its folder",
        ),
        ({"openapi": "4.0.0"}, ImportVersionError, "$.openapi: version '4.0.0' is not supported"),
        ({"swagger": "1.2"}, ImportVersionError, "$.swagger: version '1.2' is not supported"),
        (
            {
                "openapi": "3.0.0",
                "info": {},
                "paths": {"/x": {"get": {"parameters": [{"in": "query", "name": 5}]}}},
            },
            Exception,
            '$.paths["/x"].get.parameters[0].name: must be text, not a number',
        ),
        (
            {"openapi": "3.0.0", "paths": []},
            Exception,
            "$.paths: must be an object, not a list",
        ),
    ],
)
def test_bad_documents(doc: dict[str, Any], error: type[Exception], text: str) -> None:
    with pytest.raises(error) as caught:
        import_openapi(doc, "s.json")
    assert text in str(caught.value)
    assert "\n" not in str(caught.value)


def test_self_referencing_schema_is_truncated_not_endless() -> None:
    node = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
    (api,) = import_openapi(_doc({"$ref": "#/components/schemas/Node"}, Node=node), "s").apis
    shape = api.calls[0].structure
    assert shape is not None
    assert shape.fields is not None
    assert shape.fields["next"].truncated


def test_a_map_is_exported_as_additional_properties_and_imported_back_as_a_map(
    rich: Workspace,
) -> None:
    doc = export_openapi(rich, [rich.apis[0]])
    validate(doc)
    text = repr(doc)
    assert "'additionalProperties': {'type': 'number'}" in text
    (back,) = import_openapi(doc, "export.json").apis
    listed = next(c for c in back.calls if c.name == "List orders")
    assert listed.structure is not None
    nodes = dict(walk(listed.structure))
    assert nodes["totals_by_currency"].label == "map of number"


def test_additional_properties_with_a_schema_is_a_map_and_a_free_form_object_is_not() -> None:
    from designer.core.interop.openapi.schema_shape import schema_to_shape
    from designer.core.interop.reader import Reader
    from designer.core.interop.refs import Resolver

    def shape(schema: dict[str, Any]) -> Shape:
        return schema_to_shape(schema, "#", Resolver({}, Reader("spec.json")))

    assert shape({"type": "object", "additionalProperties": {"type": "number"}}).label == (
        "map of number"
    )
    assert shape({"type": "object", "additionalProperties": {}}).label == "object"
    both = {"type": "object", "properties": {"id": {"type": "string"}}, "additionalProperties": {}}
    assert shape(both).fields is not None
