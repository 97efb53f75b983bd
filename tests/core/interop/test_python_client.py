"""The typed Python client export: it type-checks, lints, and calls the demo API."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from uuid import UUID

import pytest
from pydantic import BaseModel

from designer import cli
from designer.core.demo.server import (
    DEMO_API_KEY,
    DemoServer,
    start_demo_server,
)
from designer.core.demo.streams import demo_reply
from designer.core.inference.stream import infer_stream_body
from designer.core.interop.python.client import export_python
from designer.core.models import Api, Call, Workspace
from designer.core.streams.events import parse_stream
from designer.core.structure import FieldOverride, ResponseType, ValueType
from designer.core.workspace import file as wf
from tests.helpers.sse_server import OLLAMA_TEXT, RULES_BODY, StreamServer, ollama_body
from tests.helpers.workspaces import initialized_example

SECRET_ENV = "CD_SECRET_DEMO_STORE_GET_ACCOUNT_PARAM_X_API_KEY"


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[DemoServer, Workspace]]:
    """The demo API, and the example workspace with the structures of its answers."""
    server = start_demo_server()
    try:
        ws = initialized_example(server.url)
        api = ws.apis[0]
        products = next(c for c in api.calls if c.name == "List products")
        products.overrides = {
            "data[].vendor": FieldOverride(include=False),
            "data[].stock": FieldOverride(ValueType.NUMBER, label="Units in stock"),
        }
        yield server, ws
    finally:
        server.stop()


@pytest.fixture(scope="module")
def generated(demo: tuple[DemoServer, Workspace], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("client")
    workspace = folder / "example.json"
    wf.save(demo[1], workspace)
    code = cli.main(["export", str(workspace), "--to", "python", "-o", str(folder)])
    assert code == 0
    module = folder / "demo_store_client.py"
    assert module.exists()
    return module


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def test_the_client_passes_mypy_strict_and_ruff(generated: Path) -> None:
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(generated)],
        capture_output=True,
        text=True,
        cwd=generated.parent,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    rules = "E,F,I,B,PIE,UP,W"
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", rules]
        + ["--line-length", "100", str(generated)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_the_client_returns_typed_objects(
    generated: Path, demo: tuple[DemoServer, Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    client_module = _load(generated)
    base = demo[0].url + "/v1"
    client = client_module.DemoStoreClient(base_url=base)
    try:
        page = client.list_products(page="2", per_page="3")
        assert isinstance(page, BaseModel)
        assert page.page == 2
        assert len(page.data) == 3
        first = page.data[0]
        assert isinstance(first.id, UUID)
        assert isinstance(first.created_at, datetime)
        assert isinstance(first.release_date, date)
        assert isinstance(first.price.amount, float)
        assert isinstance(first.stock, float)  # the type override
        assert "vendor" not in type(first).model_fields  # excluded
        assert type(first).model_fields["stock"].description == "Units in stock"
        order = client.get_order(order_id="1002")
        assert order.id == 1002
        feed = client.news_feed_xml()
        assert isinstance(feed, BaseModel)
        with pytest.raises(LookupError, match=SECRET_ENV):
            client.get_account()
        monkeypatch.setenv(SECRET_ENV, DEMO_API_KEY)
        account = client.get_account()
        assert isinstance(account, BaseModel)
    finally:
        client.close()

    async def use_async() -> object:
        async with client_module.AsyncDemoStoreClient(base_url=base) as async_client:
            return await async_client.get_product(sku="SKU-00003")

    product = asyncio.run(use_async())
    assert isinstance(product, BaseModel)
    assert product.sku == "SKU-00003"  # type: ignore[attr-defined]


def test_no_secret_is_written(generated: Path, demo: tuple[DemoServer, Workspace]) -> None:
    source = generated.read_text()
    assert DEMO_API_KEY not in source
    assert SECRET_ENV in source


def test_clients_of_imported_documents_type_check(tmp_path: Path) -> None:
    interop = Path(__file__).parents[2] / "data" / "interop"
    names = ["petstore-3.0.yaml", "catalog-3.1.json", "weather-swagger-2.0.json"]
    modules = []
    for name in names:
        workspace = tmp_path / f"{name}.json"
        assert cli.main(["import", str(interop / name), "-o", str(workspace)]) == 0
        module = tmp_path / f"{workspace.stem.replace('.', '_').replace('-', '_')}.py"
        assert cli.main(["export", str(workspace), "--to", "python", "-o", str(module)]) == 0
        modules.append(str(module))
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *modules],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,I,B,PIE,UP,W"]
        + ["--line-length", "100", *modules],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    pets = _load(Path(modules[0]))
    assert "CD_SECRET_PET_SHOP_AUTH_TOKEN" in Path(modules[0]).read_text()
    assert hasattr(pets, "PetShopClient")
    assert hasattr(pets, "AsyncPetShopClient")


def test_graphql_calls_send_the_envelope_and_return_typed_data(
    generated: Path, demo: tuple[DemoServer, Workspace]
) -> None:
    if not any(c.graphql for c in demo[1].apis[0].calls):
        pytest.skip("this checkout's example workspace has no GraphQL call")
    client_module = _load(generated)
    client = client_module.DemoStoreClient(base_url=demo[0].url + "/v1")
    try:
        result = client.products_graph_ql(per_page=3, category=None)
    finally:
        client.close()
    assert isinstance(result, BaseModel)
    assert len(result.products) == 3  # type: ignore[attr-defined]
    assert isinstance(result.products[0].price.amount, float)  # type: ignore[attr-defined]


def test_dates_and_addresses_are_parsed_and_written_back_as_they_came(tmp_path: Path) -> None:
    import ipaddress
    import json

    from designer.core.inference import infer_value
    from designer.core.models import Api, Call

    body = {
        "created": 1741476542,
        "period_end": 1741476542.5,
        "updated_at": 1741476542123,
        "date_created": "Fri, 18 Oct 2019 17:02:00 +0000",
        "ip_address": "10.128.192.124",
        "ipv6_address": "2604:a880:0:1010::1",
        "ip_range": "192.168.1.5/24",
        "canceled_at": None,
    }
    call = Call(
        name="Get event",
        path="/event",
        structure=infer_value([body, {**body, "canceled_at": 1741476600}]),
    )
    ws = Workspace(
        name="Events", apis=[Api(name="Events", base_url="http://127.0.0.1:1", calls=[call])]
    )
    workspace = tmp_path / "events.json"
    wf.save(ws, workspace)
    module = tmp_path / "events_client.py"
    assert cli.main(["export", str(workspace), "--to", "python", "-o", str(module)]) == 0
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(module)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,I,B,PIE,UP,W"]
        + ["--line-length", "100", str(module)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    events = _load(module)
    model = next(
        v
        for k, v in vars(events).items()
        if isinstance(v, type) and issubclass(v, BaseModel) and k.startswith("GetEvent")
    )
    wire = [{**body, "canceled_at": 1741476600}]
    (event,) = events.TypeAdapter(list[model]).validate_json(json.dumps(wire))
    assert event.created == datetime(2025, 3, 8, 23, 29, 2, tzinfo=event.created.tzinfo)
    assert event.created.utcoffset().total_seconds() == 0
    assert isinstance(event.period_end, datetime)
    assert event.updated_at.microsecond == 123000
    assert event.date_created == datetime.fromisoformat("2019-10-18T17:02:00+00:00")
    assert event.ip_address == ipaddress.IPv4Address("10.128.192.124")
    assert isinstance(event.ipv6_address, ipaddress.IPv6Address)
    assert event.ip_range == ipaddress.IPv4Interface("192.168.1.5/24")
    assert isinstance(event.canceled_at, datetime)
    # Dumped to JSON, every value is written back in the encoding it came in.
    assert json.loads(event.model_dump_json()) == wire[0]


def test_streamed_calls_yield_typed_events_as_they_arrive(
    generated: Path, demo: tuple[DemoServer, Workspace]
) -> None:
    client_module = _load(generated)
    base = demo[0].url + "/v1"
    expected = demo_reply({"messages": [{"role": "user", "content": "What do you sell?"}]})
    with client_module.DemoStoreClient(base_url=base) as client:
        start = time.monotonic()
        arrivals = []
        events = []
        for event in client.chat_stream():
            arrivals.append(time.monotonic() - start)
            events.append(event)
    assert isinstance(events[0], client_module.StreamEvent)
    assert all(e.event == "" for e in events)
    assert all(isinstance(e.data, BaseModel) for e in events)
    assert events[0].data.object == "chat.completion.chunk"
    assert "".join(e.text or "" for e in events) == expected
    assert events[-1].data.choices[0].finish_reason == "stop"  # [DONE] is not an event
    assert arrivals[-1] - arrivals[0] > 0.2  # yielded as they came, not at the end

    async def read_messages() -> list[object]:
        async with client_module.AsyncDemoStoreClient(base_url=base) as async_client:
            return [e async for e in async_client.messages_stream(message="Hi")]

    named = asyncio.run(read_messages())
    names = [e.event for e in named]  # type: ignore[attr-defined]
    assert names[0] == "message_start"
    assert names[-1] == "message_stop"
    deltas = [e for e in named if e.event == "content_block_delta"]  # type: ignore[attr-defined]
    assert all(isinstance(e.data, BaseModel) for e in deltas)  # type: ignore[attr-defined]
    text = "".join(e.text or "" for e in named)  # type: ignore[attr-defined]
    assert text == demo_reply({"messages": [{"role": "user", "content": "Hi"}]})


def test_a_streamed_client_reads_sse_rules_and_json_lines(tmp_path: Path) -> None:

    body = b"".join(ollama_body())
    structure = infer_stream_body(body, "application/x-ndjson")
    structure.content_type = "application/x-ndjson"
    calls = [
        Call(
            id="ollamachat01",
            name="Ollama chat",
            path="/ollama",
            response_type=ResponseType.STREAM,
            structure=structure,
            stream_text_field="data.message.content",
        ),
        Call(id="rulescall001", name="Rules", path="/rules", response_type=ResponseType.STREAM),
    ]
    with StreamServer() as server:
        api = Api(id="streams00001", name="Streams", base_url=server.url, calls=calls)
        module = tmp_path / "streams_client.py"
        module.write_text(export_python(Workspace(name="S", apis=[api]), [api]))
        loaded = _load(module)
        with loaded.StreamsClient() as client:
            chat = list(client.ollama_chat())
            rules = list(client.rules())
    assert "".join(e.text or "" for e in chat) == OLLAMA_TEXT
    assert all(isinstance(e.data, BaseModel) for e in chat)
    # The generated parser reads what the app reads: comments, CRLF, multi-line data, ids.
    expected = [
        (e.event, e.id, e.data) for e in parse_stream(RULES_BODY, "text/event-stream").events
    ]
    assert [(e.event, e.id, e.raw) for e in rules] == expected
