"""GraphQL calls against a graphql-core server and the demo API's GraphQL endpoint."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer.core.calls.graphql import GraphQLResponseError
from designer.core.calls.introspect import introspect
from designer.core.calls.service import initialize
from designer.core.demo.server import DemoServer, start_demo_server
from designer.core.errors import InputError, RequestBuildError
from designer.core.gql.fields import call_from_field, root_fields
from designer.core.http.execute import Executor
from designer.core.http.request import build_request
from designer.core.models import Api, Call, GraphQLQuery, NoAuth, Parameter, Placement, ValueType
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace import file as workspace_file
from tests.helpers.graphql_server import GraphQLServer

EXAMPLE = Path(__file__).parents[3] / "resources/examples/example.workspace.json"


@pytest.fixture
def server() -> Iterator[GraphQLServer]:
    s = GraphQLServer()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    s = start_demo_server()
    yield s
    s.stop()


def _api(server: GraphQLServer, sdl: str = "") -> Api:
    return Api(name="Books", base_url=server.url, graphql_schema=sdl)


def _books_call() -> Call:
    return Call(
        name="Books",
        method="POST",
        path="/graphql",
        parameters=[
            Parameter(
                name="limit",
                value="2",
                placement=Placement.BODY,
                type=ValueType.INTEGER,
                graphql_type="Int!",
            ),
            Parameter(
                name="filter",
                value='{"minPages": 300}',
                placement=Placement.BODY,
                type=ValueType.JSON,
                graphql_type="BookFilter",
            ),
        ],
        graphql=GraphQLQuery(
            query="query Books($limit: Int!, $filter: BookFilter) "
            "{ books(limit: $limit, filter: $filter) { id title pages author { name } } }",
            operation_name="Books",
        ),
    )


def test_introspection_gives_the_schema_and_calls_come_from_its_fields(
    server: GraphQLServer, run_async: Any
) -> None:
    async def go() -> str:
        async with Executor() as executor:
            return await introspect(executor, _api(server), MemorySecretStore(), "/graphql")

    sdl = run_async(go())
    assert "input BookFilter" in sdl
    assert "books(filter: BookFilter, limit: Int!): [Book!]!" in sdl
    assert root_fields(sdl) == ["query.book", "query.books", "query.broken"]
    call = call_from_field(sdl, "query.books", "/graphql")
    assert call.graphql is not None
    assert call.graphql.operation_name == "Books"
    by_name = {p.name: p for p in call.parameters}
    assert by_name["limit"].graphql_type == "Int!"
    assert by_name["limit"].type == ValueType.INTEGER
    assert not by_name["limit"].optional
    assert by_name["filter"].optional
    assert by_name["filter"].type == ValueType.JSON  # an input object travels as JSON
    assert "author {\n      name\n    }" in call.graphql.query


def test_introspection_refused_is_one_clear_error(run_async: Any) -> None:
    refusing = GraphQLServer(introspection=False)
    try:

        async def go() -> str:
            async with Executor() as executor:
                return await introspect(executor, _api(refusing), MemorySecretStore(), "/graphql")

        with pytest.raises(InputError, match="did not return its GraphQL schema.*introspection"):
            run_async(go())
    finally:
        refusing.stop()


def test_unknown_field_is_named_with_the_known_ones() -> None:
    with pytest.raises(InputError, match="no field 'query.authors'.*query.books"):
        call_from_field("type Query { books: [String] }\n", "query.authors")


def test_variables_are_sent_typed_in_the_envelope(server: GraphQLServer, run_async: Any) -> None:
    async def go() -> Any:
        async with Executor() as executor:
            return await initialize(executor, _api(server), _books_call(), MemorySecretStore())

    response, outcome = run_async(go())
    sent = server.requests[-1]
    assert sent["_method"] == "POST"
    assert sent["_content_type"] == "application/json"
    assert sent["variables"] == {"limit": 2, "filter": {"minPages": 300}}
    assert sent["operationName"] == "Books"
    assert outcome.note is None
    books = outcome.shape.fields["books"]  # the structure of data, not of the envelope
    assert set(books.items.fields) == {"id", "title", "pages", "author"}


def test_get_sends_the_query_string(server: GraphQLServer, run_async: Any) -> None:
    call = _books_call().model_copy(update={"method": "GET"})
    built = build_request(_api(server), call, MemorySecretStore())
    assert built.content is None
    assert "variables=%7B%22limit%22%3A2" in built.url

    async def go() -> Any:
        async with Executor() as executor:
            return await initialize(executor, _api(server), call, MemorySecretStore())

    run_async(go())
    assert server.requests[-1]["_method"] == "GET"
    assert server.requests[-1]["variables"]["limit"] == 2


def test_query_is_checked_against_the_schema_before_sending(server: GraphQLServer) -> None:
    from tests.helpers.graphql_server import SDL

    call = _books_call()
    assert call.graphql is not None
    call.graphql.query = call.graphql.query.replace("pages", "pageCount")
    with pytest.raises(RequestBuildError, match=r"Cannot query field 'pageCount' on type 'Book'"):
        build_request(_api(server, SDL), call, MemorySecretStore())
    assert server.requests == []  # nothing went out
    call.graphql.query = "query { books(limit: 1) { id }"
    with pytest.raises(RequestBuildError, match="Syntax Error.*line 1"):
        build_request(_api(server), call, MemorySecretStore())


def test_a_variable_that_does_not_fit_its_type_is_caught(server: GraphQLServer) -> None:
    call = _books_call()
    call.parameters[0].value = "two"
    with pytest.raises(RequestBuildError, match="Parameter 'limit'.*not a whole number"):
        build_request(_api(server), call, MemorySecretStore())


def test_partial_data_infers_with_a_note(server: GraphQLServer, run_async: Any) -> None:
    call = Call(
        name="Two books",
        method="POST",
        path="/graphql",
        graphql=GraphQLQuery(
            query='{ a: book(id: "b1") { title } b: book(id: "missing") { title } }'
        ),
    )

    async def go() -> Any:
        async with Executor() as executor:
            return await initialize(executor, _api(server), call, MemorySecretStore())

    _response, outcome = run_async(go())
    assert set(outcome.shape.fields) == {"a", "b"}
    assert outcome.note == (
        "Partial result: 1 GraphQL error beside the data: Book 'missing' was withdrawn (at b)"
    )


def test_errors_without_data_fail_even_with_status_200(
    server: GraphQLServer, run_async: Any
) -> None:
    call = Call(
        name="Broken", method="POST", path="/graphql", graphql=GraphQLQuery(query="{ broken }")
    )

    async def go() -> Any:
        async with Executor() as executor:
            return await initialize(executor, _api(server), call, MemorySecretStore())

    with pytest.raises(GraphQLResponseError) as caught:
        run_async(go())
    assert "(HTTP 200): The catalogue database is down (at broken)" in str(caught.value)


def test_demo_endpoint_example_call_and_introspection(demo: DemoServer, run_async: Any) -> None:
    # The repository's copy: an editable install may point at another checkout.
    ws = workspace_file.loads(EXAMPLE.read_bytes(), source=str(EXAMPLE))
    api = ws.apis[0]
    api.base_url = demo.url + "/v1"
    call = next(c for c in api.calls if c.graphql is not None)

    async def go() -> Any:
        async with Executor() as executor:
            sdl = await introspect(executor, api, MemorySecretStore())
            return sdl, await initialize(executor, api, call, MemorySecretStore())

    sdl, (response, outcome) = run_async(go())
    assert "createOrder(input: OrderInput!): Order!" in sdl
    products = outcome.shape.fields["products"]
    assert products.items.fields["price"].fields["amount"].type.value == "number"
    assert len(orjson.loads(response.body)["data"]["products"]) == 5  # perPage sent as 5


def test_plain_calls_are_written_without_graphql_keys() -> None:
    ws_bytes = workspace_file.dumps(
        workspace_file.loads(
            b'{"format": "connector-designer.workspace", "version": 1, "apis": '
            b'[{"name": "A", "calls": [{"name": "c"}]}]}',
            source="t",
        )
    )
    assert b"graphql" not in ws_bytes
    assert b"webhooks" not in ws_bytes


DATA = Path(__file__).parents[2] / "data" / "graphql"


def _imported(name: str) -> Api:
    from designer.core.interop.service import merge_import, read_import
    from designer.core.interop.source import read_source

    merged = merge_import(None, read_import(read_source(DATA / name), name))
    (api,) = merged.outcome.workspace.apis
    return api


@pytest.mark.parametrize("name", ["books.postman_collection.json", "books.insomnia.json"])
def test_collection_graphql_requests_import_as_graphql_calls(
    name: str, server: GraphQLServer, run_async: Any
) -> None:
    api = _imported(name)
    call = api.calls[0]
    assert call.graphql is not None
    assert call.graphql.query.startswith("query Books($limit: Int!, $filter: BookFilter)")
    assert call.body_type.value == "none"
    by_name = {p.name: p for p in call.parameters}
    assert by_name["limit"].type == ValueType.INTEGER
    assert by_name["limit"].graphql_type == "Int!"
    assert not by_name["limit"].optional
    assert by_name["filter"].type == ValueType.JSON
    assert by_name["filter"].optional
    # Sent to a real GraphQL server, the imported call's variables arrive typed.
    api.base_url = server.url
    api.auth = NoAuth()  # the Postman one asks for a token the test server does not check

    async def go() -> Any:
        async with Executor() as executor:
            return await initialize(executor, api, call, MemorySecretStore())

    _response, outcome = run_async(go())
    assert server.requests[-1]["variables"]["filter"] == {"minPages": 300}
    assert "books" in outcome.shape.fields


def test_a_json_body_with_a_plain_query_key_stays_a_json_call() -> None:
    api = _imported("books.postman_collection.json")
    plain = next(c for c in api.calls if c.name == "Plain search")
    assert plain.graphql is None
    assert plain.body_type.value == "json"
    one = next(c for c in api.calls if c.name == "One book")
    assert one.graphql is not None
    assert [(p.name, p.graphql_type) for p in one.parameters if p.placement.value == "body"] == [
        ("id", "ID!")
    ]


def test_curl_and_openapi_exports_write_the_envelope(tmp_path: Path) -> None:
    from openapi_spec_validator import validate as validate_spec

    from designer.core.interop.curl.exporter import export_curl
    from designer.core.interop.openapi.exporter import export_openapi
    from designer.core.models import Workspace

    api = _imported("books.postman_collection.json")
    ws = Workspace(apis=[api])
    curl = export_curl([api])
    first = curl.split("\n\n")[0]
    words = shlex.split(first.split("\n", 1)[1])
    # shlex leaves the \$ a shell unescapes inside double quotes.
    envelope = orjson.loads(words[words.index("--data-raw") + 1].replace("\\$", "$"))
    assert envelope["query"].startswith("query Books($limit: Int!")
    assert envelope["variables"] == {"limit": 2, "filter": {"minPages": 300}}
    doc = export_openapi(ws, [api])
    validate_spec(doc)
    post = doc["paths"]["/graphql"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["required"] == ["query"]
    operations = post["x-graphql"]["operations"]
    assert [o["name"] for o in operations] == ["Books by filter", "One book"]
    assert operations[0]["variables"]["limit"]["x-graphql-type"] == "Int!"
    assert "/search" in doc["paths"]


def test_bundles_carry_graphql_calls() -> None:
    from designer.core.interop.bundle import export_bundle, import_bundle
    from designer.core.models import Workspace

    api = _imported("books.insomnia.json")
    api.graphql_schema = "type Query { books(limit: Int!): [String] }\n"
    data = export_bundle(Workspace(apis=[api]))
    back = import_bundle(orjson.loads(data), "b.json")
    (restored,) = back.result.apis
    assert restored.calls[0].graphql == api.calls[0].graphql
    assert restored.graphql_schema == api.graphql_schema
    assert restored.calls[0].parameters[0].graphql_type == "Int!"


def test_postman_export_round_trips_graphql_calls(tmp_path: Path) -> None:
    from designer.core.interop.postman.exporter import export_postman
    from designer.core.interop.postman.importer import import_postman
    from designer.core.models import Workspace

    api = _imported("books.postman_collection.json")
    doc = export_postman(Workspace(apis=[api]), [api])
    item = next(i for i in doc["item"][0]["item"] if i["name"] == "Books by filter")
    body = item["request"]["body"]
    assert body["mode"] == "graphql"
    assert orjson.loads(body["graphql"]["variables"]) == {"limit": 2, "filter": {"minPages": 300}}
    (again,) = import_postman(doc, "exported.json").apis
    call = next(c for c in again.calls if c.name == "Books by filter")
    assert call.graphql == api.calls[0].graphql
    assert [(p.name, p.value, p.type) for p in call.parameters if p.placement.value == "body"] == [
        ("limit", "2", ValueType.INTEGER),
        ("filter", '{"minPages":300}', ValueType.JSON),
    ]


def test_the_mock_answers_each_graphql_call_of_one_endpoint(
    demo: DemoServer, run_async: Any
) -> None:
    from designer.core.calls.initialize import with_structure
    from designer.core.mock.server import MockServer, serve_in_thread

    async def fetch_schema() -> str:
        async with Executor() as executor:
            api = Api(name="Shop", base_url=demo.url + "/v1")
            return await introspect(executor, api, MemorySecretStore(), "/graphql")

    sdl = run_async(fetch_schema())
    api = Api(name="Shop", base_url=demo.url + "/v1", graphql_schema=sdl)
    api.calls = [call_from_field(sdl, f, "/graphql") for f in ("query.products", "query.order")]
    api.calls[1].parameters[0].value = "1003"

    async def initialize_all(target: Api) -> list[Any]:
        shapes = []
        async with Executor() as executor:
            for call in target.calls:
                _response, outcome = await initialize(executor, target, call, MemorySecretStore())
                shapes.append(outcome.shape)
        return shapes

    real = run_async(initialize_all(api))
    api.calls = [with_structure(c, s)[0] for c, s in zip(api.calls, real, strict=True)]
    running = serve_in_thread(MockServer([api]))
    try:
        mocked = api.model_copy(update={"base_url": running.url + "/v1"})
        from_mock = run_async(initialize_all(mocked))
    finally:
        running.stop()
    assert set(from_mock[0].fields) == {"products"}
    assert set(from_mock[1].fields) == {"order"}
    assert set(from_mock[1].fields["order"].fields) == set(real[1].fields["order"].fields)
