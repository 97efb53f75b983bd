"""The mock API: routing, bodies that fit each structure, error statuses, determinism."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest

from designer.core.errors import BodyParseError
from designer.core.inference import diff, infer_body, walk
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import read_source
from designer.core.mock.server import MockServer, RunningMock, serve_in_thread
from designer.core.mock.values import ValueMaker
from designer.core.models import Api, Call, Method, Workspace
from designer.core.structure import ResponseType, Shape, TextFormat, ValueType
from tests.perf.bench_openapi_import import generate

INTEROP = Path(__file__).parents[1] / "data" / "interop"


def _imported(*names: str) -> Workspace:
    ws = None
    for name in names:
        merged = merge_import(ws, read_import(read_source(INTEROP / name), name))
        ws = merged.outcome.workspace
    assert ws is not None
    return ws


@pytest.fixture
def served() -> Iterator[tuple[Workspace, RunningMock]]:
    ws = _imported("petstore-3.0.yaml", "catalog-3.1.json", "weather-swagger-2.0.json")
    big = read_import(orjson.dumps(generate(25)), "big.json")
    ws = merge_import(ws, big).outcome.workspace
    running = serve_in_thread(MockServer(ws.apis, seed=3))
    try:
        yield ws, running
    finally:
        running.stop()


def _differences(stored: Shape, new: Shape) -> list[str]:
    """The changes from ``stored`` to ``new``, except one a single value cannot avoid: a
    value seen as one of several types (``number or text``), sent once, is one of them."""
    return [
        str(c)
        for c in diff(stored, new)
        if not (c.kind == "type" and c.before and c.after in c.before.split(" or "))
    ]


def _url(running: RunningMock, api: Api, call: Call) -> str:
    path = re.sub(r"\{[^{}/]+\}", "x1", call.path)
    return running.server.base_url(api) + "/" + path.lstrip("/")


def test_every_imported_call_answers_its_structure(
    served: tuple[Workspace, RunningMock],
) -> None:
    ws, running = served
    checked = 0
    with httpx.Client() as client:
        for api in ws.apis:
            for call in api.calls:
                response = client.request(call.method.value, _url(running, api, call))
                assert response.status_code == 200, (call.name, response.text)
                if call.structure is None:
                    continue
                media = response.headers["content-type"]
                try:
                    shape = infer_body(response.content, media, call.response_type)
                except BodyParseError:  # as Initialize does: a body not of its type is text
                    shape = infer_body(response.content, media, ResponseType.TEXT)
                assert _differences(call.structure, shape) == [], (api.name, call.name)
                checked += 1
    assert checked >= 80  # the petstore, catalog and weather calls and a 100-operation API
    assert any(a.name == "Catalog" for a in ws.apis)


def test_xml_calls_answer_xml() -> None:
    body = (
        b'<rss version="2.0"><channel><title>New</title>'
        b"<item><title>A</title><link>https://shop.example/a</link></item>"
        b"<item><title>B</title><link>https://shop.example/b</link></item></channel></rss>"
    )
    structure = infer_body(body, "application/rss+xml")
    feed = Call(name="Feed", path="/feed.xml", response_type=ResponseType.XML, structure=structure)
    reply = MockServer([Api(name="A", calls=[feed])]).answer("GET", "/feed.xml", {})
    assert reply.content_type.startswith("application/xml")
    assert reply.body.startswith(b"<?xml")
    assert diff(structure, infer_body(reply.body, reply.content_type)) == []


def test_error_statuses_on_request(served: tuple[Workspace, RunningMock]) -> None:
    ws, running = served
    api = next(a for a in ws.apis if a.name == "Pet Shop")
    get = next(c for c in api.calls if c.name == "Get a pet")
    url = _url(running, api, get)
    asked = httpx.get(url, headers={"X-Mock-Status": "404"})
    assert asked.status_code == 404
    assert asked.json()["error"]["code"] == "not_found"
    assert httpx.get(url, params={"__status": "503"}).status_code == 503
    assert httpx.get(url, headers={"X-Mock-Status": "nope"}).status_code == 400
    missing = httpx.get(running.server.base_url(api) + "/nowhere")
    assert missing.status_code == 404
    wrong = httpx.patch(url)
    assert wrong.status_code == 405
    assert "GET" in wrong.json()["error"]["message"]
    head = httpx.head(url)
    assert head.status_code == 200
    assert head.content == b""


def test_literal_paths_win_over_templates() -> None:
    api = Api(
        name="A",
        base_url="https://a.example/v1",
        calls=[
            Call(name="one", path="/items/{id}", structure=Shape(ValueType.INTEGER)),
            Call(name="featured", path="/items/featured", structure=Shape(ValueType.BOOLEAN)),
        ],
    )
    server = MockServer([api])
    assert isinstance(orjson.loads(server.answer("GET", "/v1/items/featured", {}).body), bool)
    assert isinstance(orjson.loads(server.answer("GET", "/v1/items/12", {}).body), int)


def test_bodies_are_deterministic_for_a_seed() -> None:
    ws = _imported("petstore-3.0.yaml")
    api = ws.apis[0]
    path = next(c for c in api.calls if c.method is Method.GET and "{" not in c.path).path
    target = "/api/v2" + path

    def body(seed: int) -> bytes:
        return MockServer([api], seed=seed).answer("GET", target, {}).body

    assert body(1) == body(1)
    assert body(1) != body(2)


def test_values_fit_formats_and_vary_within_lists() -> None:
    item = Shape(
        ValueType.OBJECT,
        fields={
            "id": Shape(ValueType.TEXT, format=TextFormat.UUID),
            "on": Shape(ValueType.TEXT, format=TextFormat.DATE),
            "at": Shape(ValueType.TEXT, format=TextFormat.DATE_TIME),
            "mail": Shape(ValueType.TEXT, format=TextFormat.EMAIL),
            "site": Shape(ValueType.TEXT, format=TextFormat.URL),
            "price": Shape(ValueType.NUMBER),
            "note": Shape(ValueType.TEXT, optional=True, nullable=True),
        },
    )
    shape = Shape(ValueType.LIST, items=item)
    value = ValueMaker(5).value(shape)
    assert 3 <= len(value) <= 5
    assert "note" not in value[1]
    assert value[2]["note"] is None
    assert isinstance(value[0]["note"], str)
    again = infer_body(orjson.dumps(value), "application/json")
    assert diff(shape, again) == []
    nodes = dict(walk(again))
    assert nodes["[].note"].optional
    assert nodes["[].note"].nullable
    assert nodes["[].id"].format is TextFormat.UUID


def test_an_unknown_kind_of_node_still_gets_a_value() -> None:
    # A structure written by a newer version: a dict-like node this one does not know.
    odd = Shape(ValueType.OBJECT)
    object.__setattr__(odd, "type", "table")
    odd.items = Shape(ValueType.INTEGER)
    shape = Shape(ValueType.OBJECT, fields={"counts": odd, "name": Shape(ValueType.TEXT)})
    value = ValueMaker(0).value(shape)
    assert set(value["counts"]) == {"key1", "key2", "key3"}
    assert all(isinstance(v, int) for v in value["counts"].values())


def test_a_map_answers_keys_that_read_as_data_again() -> None:
    rates = Shape(ValueType.MAP, items=Shape(ValueType.NUMBER))
    shape = Shape(ValueType.OBJECT, fields={"rates": rates})
    value = ValueMaker(0).value(shape)
    assert len(value["rates"]) == 3
    assert all(isinstance(v, float | int) for v in value["rates"].values())
    inferred = infer_body(orjson.dumps(value), "application/json")
    assert inferred.fields is not None
    assert inferred.fields["rates"].type is ValueType.MAP  # a client sees a map, as stored
    assert ValueMaker(0).value(shape) == value  # the same seed, the same keys


def test_a_busy_port_is_an_error() -> None:
    first = serve_in_thread(MockServer([]))
    try:
        port = int(first.url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match="address already in use|in use"):
            serve_in_thread(MockServer([]), port=port)
    finally:
        first.stop()


def test_a_bundle_is_served_with_its_saved_responses(tmp_path: Path) -> None:
    from designer.core.interop.bundle import SampleResponse
    from designer.core.interop.connectors import load_connectors
    from designer.core.interop.service import export_workspace

    ws = _imported("petstore-3.0.yaml", "catalog-3.1.json")
    pets = ws.apis[0]
    listing = next(c for c in pets.calls if c.name == "List pets")
    saved = '[{"id": 1, "name": "Rex", "species": "dog"}]'
    bundle = tmp_path / "shop.bundle.json"
    bundle.write_bytes(
        export_workspace(
            ws,
            "bundle",
            include_samples=True,
            samples={listing.id: SampleResponse("application/json", saved)},
        )
    )
    loaded = load_connectors(bundle)
    assert loaded.bundle
    running = serve_in_thread(MockServer(loaded.workspace.apis, samples=loaded.samples))
    try:
        served = loaded.workspace.apis[0]
        with httpx.Client() as client:
            answer = client.get(_url(running, served, listing))
            assert answer.text == saved  # the saved response, as it was
            other = next(c for c in served.calls if c.name == "Get a pet")
            shape = infer_body(client.get(_url(running, served, other)).content, "application/json")
            assert other.structure is not None
            assert _differences(other.structure, shape) == []
    finally:
        running.stop()


@pytest.mark.parametrize(
    ("header", "query"),
    [
        (b"\xb2", None),  # "²" in Latin-1: a digit to str.isdigit(), not to int()
        ("²".encode(), None),
        (None, "²"),
        (None, "4" * 5000),  # longer than int() reads
        (None, "100"),  # a 1xx cannot end an answer: the connection used to drop
        (b"0404", None),
    ],
)
def test_a_malformed_status_override_is_a_400_and_the_mock_keeps_serving(
    header: bytes | None, query: str | None
) -> None:
    api = Api(name="Shop", base_url="https://shop.example", calls=[Call(name="Ping", path="/ping")])
    running = serve_in_thread(MockServer([api]))
    try:
        url = running.url + "/ping"
        headers = {"X-Mock-Status": header} if header is not None else {}
        params = {"__status": query} if query is not None else {}
        answer = httpx.get(url, headers=headers, params=params, timeout=5)
        assert answer.status_code == 400
        message = answer.json()["error"]["message"]
        assert message.startswith("X-Mock-Status must be an HTTP status (200 to 599), not '")
        assert len(message) < 120
        assert httpx.get(url, timeout=5).status_code == 200
        assert httpx.get(url, params={"__status": "503"}, timeout=5).status_code == 503
    finally:
        running.stop()
