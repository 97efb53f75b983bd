"""Exports and imports that other tools accept: Postman bodies a validating server takes,
GraphQL calls that keep their identity through OpenAPI, HAR calls that keep every query.
"""

from __future__ import annotations

from typing import Any

import orjson
from openapi_spec_validator import validate

from designer.core.inference import infer_value
from designer.core.interop.har import import_har
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.postman.exporter import export_postman
from designer.core.models import (
    Api,
    BodyType,
    Call,
    GraphQLQuery,
    Method,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)


def _body(**fields: Any) -> list[Parameter]:
    return [Parameter(name=n, placement=Placement.BODY, **f) for n, f in fields.items()]


def test_postman_body_leaves_out_blank_optional_fields_and_types_samples() -> None:
    call = Call(
        name="Create link token",
        method=Method.POST,
        path="/link/token/create",
        body_type=BodyType.JSON,
        parameters=_body(
            client_name={"value": "Shop"},
            count={"value": "", "type": ValueType.INTEGER, "optional": True},
            days={"value": "30", "type": ValueType.INTEGER, "optional": True},
            webhook={"value": "", "optional": True},
            products={"value": '["auth", "transactions"]', "type": ValueType.JSON},
            countries={"value": "", "type": ValueType.JSON, "optional": True},
            **{"user.client_user_id": {"value": "u-1"}},
            **{"user.legal_name": {"value": "", "optional": True}},
            **{"options.include": {"value": "true", "type": ValueType.BOOLEAN}},
            **{"options.ratio": {"value": "0.5", "type": ValueType.NUMBER, "optional": True}},
        ),
    )
    api = Api(name="Plaid", base_url="https://sandbox.plaid.example", calls=[call])
    collection = export_postman(Workspace(apis=[api]), [api])
    (request,) = collection["item"][0]["item"]
    assert orjson.loads(request["request"]["body"]["raw"]) == {
        "client_name": "Shop",
        "days": 30,
        "products": ["auth", "transactions"],
        "user": {"client_user_id": "u-1"},
        "options": {"include": True, "ratio": 0.5},
    }


def _graphql_call(name: str, query: str, operation: str, **variables: Any) -> Call:
    return Call(
        name=name,
        method=Method.POST,
        path="/graphql",
        graphql=GraphQLQuery(query=query, operation_name=operation),
        parameters=[
            Parameter(name=n, placement=Placement.BODY, **spec) for n, spec in variables.items()
        ],
        structure=infer_value({"books": [{"id": "1", "title": "Dune"}]}),
    )


def test_graphql_calls_keep_their_identity_through_openapi() -> None:
    calls = [
        _graphql_call("List books", "query Books { books { id title } }", "Books"),
        _graphql_call(
            "One book",
            "query Book($id: ID!) { book(id: $id) { id title } }",
            "Book",
            id={"value": "7", "graphql_type": "ID!"},
        ),
        _graphql_call(
            "Add book",
            "mutation Add($title: String!, $pages: Int) { add(title: $title, pages: $pages) "
            "{ id } }",
            "Add",
            title={"value": "Emma", "graphql_type": "String!"},
            pages={"value": "", "graphql_type": "Int", "type": ValueType.INTEGER, "optional": True},
        ),
        Call(name="Health", path="/health"),
    ]
    api = Api(name="Library", base_url="https://books.example", calls=calls)
    doc = export_openapi(Workspace(apis=[api]), [api])
    validate(doc)
    (back,) = import_openapi(orjson.loads(orjson.dumps(doc)), "library.json").apis
    graphql = [c for c in back.calls if c.graphql is not None]
    assert [(c.name, c.graphql.operation_name, c.path) for c in graphql if c.graphql] == [
        ("List books", "Books", "/graphql"),
        ("One book", "Book", "/graphql"),
        ("Add book", "Add", "/graphql"),
    ]
    add = graphql[2]
    assert add.graphql is not None
    assert add.graphql.query == calls[2].graphql.query  # type: ignore[union-attr]
    assert [(p.name, p.graphql_type, p.value, p.optional) for p in add.parameters] == [
        ("title", "String!", "Emma", False),
        ("pages", "Int", "", True),
    ]
    assert [(p.name, p.value) for p in graphql[1].parameters] == [("id", "7")]
    structure = graphql[0].structure
    assert structure is not None
    assert structure.fields is not None
    assert set(structure.fields) == {"books"}
    assert [c.name for c in back.calls if c.graphql is None] == ["Health"]


def _entry(url: str, headers: dict[str, str]) -> dict[str, Any]:
    return {
        "request": {
            "method": "GET",
            "url": url,
            "headers": [{"name": k, "value": v} for k, v in headers.items()],
        },
        "response": {
            "status": 200,
            "content": {"mimeType": "application/json", "text": '{"items": []}'},
        },
    }


def test_har_keeps_every_query_and_drops_conditional_and_hop_by_hop_headers() -> None:
    conditional = {
        "If-None-Match": 'W/"abc"',
        "If-Modified-Since": "Sun, 06 Dec 2026 10:00:00 GMT",
        "Connection": "keep-alive",
        "Keep-Alive": "timeout=5",
        "TE": "trailers",
        "X-Client": "web",
    }
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                _entry("https://shop.example/api/search?q=lamp&page=1", conditional),
                _entry("https://shop.example/api/search?q=desk&sort=price", conditional),
                _entry("https://shop.example/api/search?q=desk&sort=price&lang=fr", {}),
            ],
        }
    }
    (api,) = import_har(har, "shop.har").apis
    (call,) = api.calls
    query = [
        (p.name, p.value, p.optional) for p in call.parameters if p.placement is Placement.QUERY
    ]
    assert query == [
        ("q", "lamp", False),
        ("page", "1", True),
        ("sort", "price", True),
        ("lang", "fr", True),
    ]
    headers = [p.name for p in call.parameters if p.placement is Placement.HEADER]
    assert headers == ["X-Client"]
