"""The demo API's streamed chat endpoints, as a user's first streaming call sees them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import orjson
import pytest

from designer.core.demo.server import (
    DemoServer,
    example_secrets,
    example_workspace,
    start_demo_server,
)
from designer.core.demo.streams import demo_reply
from designer.core.http.request import build_request
from designer.core.inference.stream import infer_stream_body, suggest_text_field
from designer.core.secrets.store import MemorySecretStore
from designer.core.streams.events import parse_stream
from designer.core.structure import ResponseType

ASK = {"messages": [{"role": "user", "content": "What do you sell?"}]}


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    demo = start_demo_server()
    yield demo
    demo.stop()


def _timed(url: str, payload: dict[str, object]) -> tuple[str, list[tuple[float, bytes]]]:
    start = time.monotonic()
    with httpx.Client(timeout=10) as client:
        with client.stream("POST", url, json=payload) as response:
            assert response.status_code == 200
            chunks = [(time.monotonic() - start, c) for c in response.iter_raw()]
            return response.headers["content-type"], chunks


def test_chat_completion_streams_openai_chunks_over_time(server: DemoServer) -> None:
    content_type, chunks = _timed(server.url + "/v1/chat/completions", {**ASK, "stream": True})
    assert content_type.startswith("text/event-stream")
    # Pieces arrive spread over time, not all at once.
    assert chunks[-1][0] - chunks[0][0] > 0.3
    assert len(chunks) > 10
    events = parse_stream(b"".join(c for _, c in chunks), content_type).events
    assert events[-1].data == "[DONE]"
    data = [orjson.loads(e.data) for e in events[:-1]]
    assert {d["object"] for d in data} == {"chat.completion.chunk"}
    assert data[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert data[-1]["choices"][0]["finish_reason"] == "stop"
    text = "".join(d["choices"][0]["delta"].get("content", "") for d in data)
    assert text == demo_reply(ASK)
    assert "What do you sell?" in text


def test_chat_completion_without_stream_is_one_json_completion(server: DemoServer) -> None:
    response = httpx.post(server.url + "/v1/chat/completions", json=ASK, timeout=10)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["message"]["content"] == demo_reply(ASK)


def test_messages_stream_named_events_in_anthropic_order(server: DemoServer) -> None:
    content_type, chunks = _timed(server.url + "/v1/messages", {**ASK, "stream": True})
    body = b"".join(c for _, c in chunks)
    events = parse_stream(body, content_type).events
    names = [e.event for e in events]
    assert names[:2] == ["message_start", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    deltas = [orjson.loads(e.data) for e in events if e.event == "content_block_delta"]
    assert len(deltas) > 5
    assert "".join(d["delta"]["text"] for d in deltas) == demo_reply(ASK)
    shape = infer_stream_body(body, content_type)
    assert suggest_text_field(shape) == "content_block_delta.delta.text"


def test_bad_json_is_a_clear_400(server: DemoServer) -> None:
    response = httpx.post(server.url + "/v1/messages", content=b"{not json", timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_the_example_streams_with_its_text_field(server: DemoServer) -> None:
    ws = example_workspace(server.url)
    api = ws.apis[0]
    streamed = [c for c in api.calls if c.response_type is ResponseType.STREAM]
    assert {c.name for c in streamed} == {"Chat (stream)", "Messages (stream)"}
    secrets = MemorySecretStore(example_secrets(ws))
    for call in streamed:
        built = build_request(api, call, secrets)
        with httpx.Client(timeout=10) as client:
            response = client.send(built.to_httpx())
        shape = infer_stream_body(
            response.content, response.headers["content-type"], text_field=call.stream_text_field
        )
        assert shape.fields is not None
        assert shape.fields["text so far"].samples == [demo_reply(ASK)[:60]]
        assert call.stream_text_field == suggest_text_field(shape)
