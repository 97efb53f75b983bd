"""The demo API and the example workspace, without Qt: what a newcomer's first Initialize hits."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree

import httpx
import orjson
import pytest

from designer.core.demo import data as demo_data
from designer.core.demo.server import (
    DEMO_API_KEY,
    DemoServer,
    example_secrets,
    example_workspace,
    start_demo_server,
)
from designer.core.http.request import build_request
from designer.core.models import Placement
from designer.core.secrets.store import MemorySecretStore


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    demo = start_demo_server()
    yield demo
    demo.stop()


@pytest.fixture
def client(server: DemoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def test_server_listens_on_loopback_on_a_free_port(server: DemoServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith(":0")


def test_products_are_paginated(client: httpx.Client) -> None:
    first = client.get("/v1/products", params={"page": 1, "per_page": 50}).json()
    last = client.get("/v1/products", params={"page": 3, "per_page": 50}).json()
    assert len(first["data"]) == 50
    assert first["has_more"] is True
    assert first["next_page"].endswith("/v1/products?page=2&per_page=50")
    assert len(last["data"]) == demo_data.PRODUCT_COUNT - 100
    assert last["has_more"] is False
    assert last["next_page"] is None
    assert first["data"][0]["sku"] == "SKU-00001"


def test_products_have_the_variety_inference_needs(client: httpx.Client) -> None:
    items = client.get("/v1/products", params={"per_page": 100}).json()["data"]
    with_rating = [p for p in items if "rating" in p]
    assert 0 < len(with_rating) < len(items), "rating must be an optional field"
    discounts = {p["discount_percent"] is None for p in items}
    assert discounts == {True, False}, "discount_percent must be nullable"
    websites = {p["vendor"]["website"] is None for p in items}
    assert websites == {True, False}, "a nested field must be nullable too"
    sample = items[0]
    assert sample["images"][0]["url"].endswith(".jpg")
    assert len(sample["release_date"]) == 10
    assert sample["created_at"].endswith("Z")
    assert "@" in sample["vendor"]["email"]


def test_the_data_is_deterministic(client: httpx.Client) -> None:
    one = client.get("/v1/products", params={"page": 2}).content
    two = client.get("/v1/products", params={"page": 2}).content
    assert one == two


def test_product_by_sku_and_unknown_product(client: httpx.Client) -> None:
    assert client.get("/v1/products/SKU-00007").json()["sku"] == "SKU-00007"
    missing = client.get("/v1/products/SKU-99999")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_orders_exist_or_answer_404_json(client: httpx.Client) -> None:
    order = client.get("/v1/orders/1001").json()
    assert order["id"] == 1001
    assert order["lines"]
    missing = client.get("/v1/orders/42")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"
    assert "1001 to 1040" in missing.json()["error"]["message"]


def test_create_order_answers_201(client: httpx.Client) -> None:
    created = client.post("/v1/orders", json={"product_id": "SKU-00001", "quantity": "2"})
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    assert client.post("/v1/orders", content=b"{").status_code == 400


def test_account_needs_the_api_key(client: httpx.Client) -> None:
    refused = client.get("/v1/account")
    assert refused.status_code == 401
    assert "X-API-Key" in refused.json()["error"]["message"]
    assert client.get("/v1/account", headers={"X-API-Key": "wrong"}).status_code == 401
    ok = client.get("/v1/account", headers={"X-API-Key": DEMO_API_KEY})
    assert ok.status_code == 200
    assert ok.json()["plan"] == "starter"


def test_feed_is_well_formed_xml(client: httpx.Client) -> None:
    response = client.get("/v1/feed.xml")
    assert response.headers["content-type"].startswith("application/rss+xml")
    root = ElementTree.fromstring(response.content)
    assert len(root.findall("./channel/item")) == 10


def test_unstable_always_fails_and_unknown_paths_are_json_404(client: httpx.Client) -> None:
    assert client.get("/v1/unstable").status_code == 500
    assert client.get("/v1/nothing").json()["error"]["status"] == 404
    assert client.post("/v1/products").status_code == 405


def test_big_list_is_streamed_valid_json(client: httpx.Client) -> None:
    response = client.get("/v1/big", params={"items": 4321})
    assert response.headers["transfer-encoding"] == "chunked"
    body = orjson.loads(response.content)
    assert body["count"] == 4321
    assert [item["id"] for item in body["items"]] == list(range(1, 4322))
    # ~400 bytes an item, so 200 000 items make the ~80 MB of the benchmark.
    assert 300 < len(response.content) / 4321 < 500


def test_big_list_can_be_empty(client: httpx.Client) -> None:
    assert orjson.loads(client.get("/v1/big", params={"items": 0}).content)["items"] == []


def test_stop_releases_the_port() -> None:
    demo = start_demo_server()
    url = demo.url
    demo.stop()
    demo.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v1/products", timeout=2)


def test_example_workspace_points_at_the_server(server: DemoServer) -> None:
    ws = example_workspace(server.url)
    (api,) = ws.apis
    assert api.name == "Demo Store"
    assert api.base_url == server.url + "/v1"
    names = {call.name for call in api.calls}
    assert {"List products", "Get order", "Get account", "News feed (XML)"} <= names
    placements = {p.placement for call in api.calls for p in call.parameters}
    assert {Placement.PATH, Placement.QUERY, Placement.HEADER} <= placements


def test_example_file_holds_no_secret() -> None:
    from designer.core.demo.server import EXAMPLE_PATH

    assert DEMO_API_KEY.encode() not in EXAMPLE_PATH.read_bytes()


def test_every_example_call_reaches_its_endpoint(server: DemoServer, client: httpx.Client) -> None:
    ws = example_workspace(server.url)
    secrets = MemorySecretStore(example_secrets(ws))
    statuses = {}
    for call in ws.apis[0].calls:
        built = build_request(ws.apis[0], call, secrets)
        response = client.request(
            built.method, built.url, headers=list(built.headers), content=built.content
        )
        statuses[call.name] = response.status_code
    assert statuses.pop("Unstable endpoint") == 500
    assert statuses.pop("Create order") == 201
    assert set(statuses.values()) == {200}, statuses


def test_a_saved_copy_of_the_example_calls_whichever_demo_api_is_served(tmp_path) -> None:
    from designer.core.demo.server import DEMO_SERVER, served_demo, stop_served_demo
    from designer.core.workspace import file as workspace_file

    saved = tmp_path / "copy.workspace.json"
    workspace_file.save(example_workspace(), saved)
    assert b"127.0.0.1:" not in saved.read_bytes()  # no port of today's server
    stop_served_demo()  # as after a restart: no demo API is being served
    try:
        api = workspace_file.load(saved).apis[0]
        assert api.base_url == DEMO_SERVER + "/v1"
        call = next(c for c in api.calls if c.name == "Get order")
        request = build_request(api, call, MemorySecretStore())
        assert request.url.startswith(served_demo().url + "/v1/orders/")
        with httpx.Client(timeout=10) as c:
            assert c.send(request.to_httpx()).status_code == 200
    finally:
        stop_served_demo()


def test_a_client_hanging_up_after_a_stream_prints_nothing(capfd) -> None:
    import socket
    import struct
    import time

    from designer.core.demo.server import start_demo_server

    server = start_demo_server(0)
    try:
        host, port = server.url.removeprefix("http://").split(":")
        body = b'{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true}'
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                % (len(body), body)
            )
            received = b""
            while b"[DONE]" not in received:
                received += sock.recv(4096)
            # Hang up hard (a reset, as an HTTP client that closes a stream it read up to
            # [DONE] does), while the server waits for the connection's next request.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.5)
    finally:
        server.stop()
    out, err = capfd.readouterr()
    assert "Traceback" not in err
    assert err == ""
