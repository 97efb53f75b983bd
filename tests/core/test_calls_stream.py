"""The call service receives a streamed answer event by event (StreamServer on 127.0.0.1).

Each case checks how the stream ended (result or error), what the user is
told, that it ended within its time bound, and the structure it gave.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from designer.core.calls.initialize import InferOutcome
from designer.core.calls.service import CallDeadlineExceeded, CallService, Initialized
from designer.core.calls.stream_log import EndReason
from designer.core.errors import CancelledError_, RequestTimeoutError, ResponseTooLargeError
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.http.response import ResponseResult
from designer.core.models import Api, Call
from designer.core.secrets.store import MemorySecretStore
from designer.core.streams.events import StreamEvent
from designer.core.structure import ResponseType, Shape, ValueType
from tests.helpers.sse_server import (
    ANTHROPIC_TEXT,
    GATE,
    OLLAMA_TEXT,
    OPENAI_TEXT,
    StreamServer,
)

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]


async def _never(call: Call, response: ResponseResult) -> InferOutcome:
    raise AssertionError("a stream is not inferred from its whole body")


async def _initialize(
    server: StreamServer,
    path: str,
    *,
    read_timeout: float = 10.0,
    max_body_bytes: int = 200 * 1024 * 1024,
    exchange_deadline: float | None = None,
    **kwargs: Any,
) -> Initialized:
    call_fields = kwargs.pop("call_fields", {})
    call = Call(name="Chat", path=path, **call_fields)
    api = Api(name="LLM", base_url=server.url, calls=[call])
    settings = ExecutionSettings(
        read_timeout=read_timeout, max_body_bytes=max_body_bytes, deadline=exchange_deadline
    )
    async with Executor(settings) as executor:
        service = CallService(executor, MemorySecretStore(), infer=_never)
        return await service.initialize(api, call, **kwargs)


def _fields(shape: Shape) -> dict[str, Shape]:
    assert shape.fields is not None
    return shape.fields


def _sample(shape: Shape, name: str) -> object:
    return _fields(shape)[name].samples[0]


def test_an_openai_stream_gives_its_events_text_and_merged_structure(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    seen: list[StreamEvent] = []
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/openai", on_event=seen.append))
    assert time.monotonic() - started < 5
    assert done.stream is not None
    assert done.stream.end is EndReason.DONE
    assert done.outcome.kind is ResponseType.STREAM
    assert done.outcome.note == "Stream of 7 events ended: the stream said it was done"
    assert [e.index for e in seen] == list(range(7))
    assert done.stream.text == OPENAI_TEXT
    assert done.stream.text_field == "data.choices[].delta.content"
    shape = done.outcome.shape
    assert _sample(shape, "text so far") == OPENAI_TEXT
    assert _sample(shape, "is done") is True
    assert _sample(shape, "is streaming") is False
    data = _fields(shape)["data"]
    assert data.count == 6  # the [DONE] sentinel is not data
    choice = _fields(data)["choices"].items
    assert choice is not None
    assert _fields(_fields(choice)["delta"])["content"].type is ValueType.TEXT
    assert done.response.status == 200
    assert done.response.body.endswith(b"data: [DONE]\n\n")


def test_named_events_are_groups_and_the_calls_text_field_is_used(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    fields = {"stream_text_field": "content_block_delta.delta.text"}
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/anthropic", call_fields=fields))
    assert time.monotonic() - started < 5
    assert done.stream is not None
    assert done.stream.end is EndReason.SERVER_CLOSED
    assert done.outcome.note == "Stream of 10 events ended: the server closed the stream"
    assert done.stream.text == ANTHROPIC_TEXT
    groups = set(_fields(done.outcome.shape)) - {"text so far", "is streaming", "is done"}
    assert groups == {
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    }
    assert _fields(done.outcome.shape)["content_block_delta"].count == 4


def test_json_lines_stream_and_a_stream_call_with_another_content_type(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    done = run_async(_initialize(stream_server, "/ollama"))
    assert done.stream is not None
    assert done.stream.text == OLLAMA_TEXT
    assert done.stream.text_field == "data.message.content"
    assert _fields(_fields(done.outcome.shape)["data"])["done"].type is ValueType.BOOLEAN

    stream_server.script("/plain", [b"data: one\n\n", b"data: two\n\n"], "text/plain")
    plain = run_async(
        _initialize(stream_server, "/plain", call_fields={"response_type": ResponseType.STREAM})
    )
    assert plain.stream is not None
    assert [e.data for e in plain.stream.events] == ["one", "two"]
    assert plain.stream.text == "onetwo"  # plain text events: the data is the text


def test_on_event_hears_of_the_first_event_before_the_server_sends_the_second(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    gate_was_open: list[bool] = []

    def on_event(event: StreamEvent) -> None:
        gate_was_open.append(stream_server.gate.is_set())
        stream_server.gate.set()  # only now may the server send the second event

    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/gated", read_timeout=5, on_event=on_event))
    assert time.monotonic() - started < 3
    assert gate_was_open == [False, True]
    assert done.stream is not None
    assert [e.data for e in done.stream.events] == ["one", "two"]


def test_max_events_ends_a_never_ending_stream(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/forever", max_events=3))
    assert time.monotonic() - started < 3
    assert done.stream is not None
    assert done.stream.end is EndReason.MAX_EVENTS
    assert done.stream.count == 3
    assert done.outcome.note == (
        "Stream of 3 events ended: the most events to receive were received"
    )
    assert _fields(_fields(done.outcome.shape)["data"])["n"].type is ValueType.INTEGER
    assert done.response.body == b'data: {"n": 0}\n\ndata: {"n": 1}\n\ndata: {"n": 2}\n\n'


def test_the_deadline_ends_a_stream_gracefully_once_an_event_arrived(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/forever", deadline=0.5))
    assert time.monotonic() - started < 3
    assert done.stream is not None
    assert done.stream.end is EndReason.DEADLINE
    assert done.stream.count >= 1
    assert done.outcome.note is not None
    assert done.outcome.note.endswith(
        "ended: the time allowed ran out (stopped at the deadline of 0.5 s)"
    )
    assert _sample(done.outcome.shape, "is done") is False
    assert "data" in _fields(done.outcome.shape)


def test_the_executors_own_deadline_ends_a_stream_gracefully_too(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/forever", exchange_deadline=0.5))
    assert time.monotonic() - started < 3
    assert done.stream is not None
    assert done.stream.end is EndReason.DEADLINE
    assert done.stream.count >= 1
    assert done.outcome.note is not None
    assert done.outcome.note.endswith(
        "ended: the time allowed ran out (stopped at the deadline of 0.5 s)"
    )


def test_the_deadline_before_any_event_is_the_usual_error(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    stream_server.script("/silent", [GATE, b"data: late\n\n"])
    started = time.monotonic()
    with pytest.raises(CallDeadlineExceeded) as caught:
        run_async(_initialize(stream_server, "/silent", deadline=0.5))
    assert time.monotonic() - started < 3
    assert str(caught.value) == (
        "No complete response from 'LLM/Chat' within the deadline of 0.5 s: raise it with "
        "--deadline (app: Edit ▸ Network Settings) or try again"
    )


def test_stop_ends_a_stream_gracefully_or_fails_before_any_event(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    async def stopped_after_first_event() -> Initialized:
        stop = asyncio.Event()
        return await _initialize(
            stream_server, "/forever", on_event=lambda _e: stop.set(), stop=stop
        )

    started = time.monotonic()
    done = run_async(stopped_after_first_event())
    assert time.monotonic() - started < 3
    assert done.stream is not None
    assert done.stream.end is EndReason.CANCELLED
    assert done.outcome.note == "Stream of 1 event ended: cancelled"

    stream_server.script("/silent", [GATE, b"data: late\n\n"])

    async def stopped_before_any_event() -> Initialized:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, stop.set)
        return await _initialize(stream_server, "/silent", stop=stop)

    started = time.monotonic()
    with pytest.raises(CancelledError_) as caught:
        run_async(stopped_before_any_event())
    assert time.monotonic() - started < 3
    assert str(caught.value) == "'LLM/Chat' was cancelled before any event arrived"


def test_a_line_that_never_ends_is_cut_by_the_size_cap(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError) as caught:
        run_async(_initialize(stream_server, "/huge-line", max_body_bytes=4 * 1024 * 1024))
    assert time.monotonic() - started < 15
    message = str(caught.value)
    assert "\n" not in message
    assert "size cap of 4 MB" in message
    assert "--max-size" in message


def test_a_stream_cut_mid_event_keeps_the_events_before_it(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/cut"))
    assert time.monotonic() - started < 5
    assert done.stream is not None
    assert [e.data for e in done.stream.events] == ["whole"]
    assert done.stream.end is EndReason.SERVER_CLOSED
    assert done.outcome.note == (
        "Stream of 1 event ended: the server closed the stream (the connection closed "
        "before the stream ended: the stream stopped in the middle of an event; that "
        "unfinished event was dropped)"
    )
    assert _fields(done.outcome.shape)["data"].type is ValueType.TEXT


def test_the_read_timeout_is_the_longest_silence_between_events(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    stream_server.script("/steady", [b"data: 1\n\n", 0.4, b"data: 2\n\n", 0.4, b"data: 3\n\n"])
    started = time.monotonic()
    done = run_async(_initialize(stream_server, "/steady", read_timeout=0.7))
    assert time.monotonic() - started > 0.7  # longer in all than the timeout
    assert done.stream is not None
    assert done.stream.count == 3

    stream_server.script("/stalls", [b"data: 1\n\n", 3.0, b"data: 2\n\n"])
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as caught:
        run_async(_initialize(stream_server, "/stalls", read_timeout=0.5))
    assert time.monotonic() - started < 2.5
    assert str(caught.value).startswith("Timed out after 0.5 s waiting for 127.0.0.1:")


def test_on_event_never_sees_a_secret_the_server_echoes(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    from designer.core.models import ApiKeyHeaderAuth
    from designer.core.secrets.names import secret_ref

    stream_server.script("/echo", [b'data: {"key": "k3y-value-123"}\n\n'])
    call = Call(name="Chat", path="/echo")
    api = Api(name="LLM", base_url=stream_server.url, auth=ApiKeyHeaderAuth(), calls=[call])
    store = MemorySecretStore({secret_ref(api, "auth.key"): "k3y-value-123"})
    seen: list[str] = []

    async def go() -> Initialized:
        async with Executor(ExecutionSettings(deadline=None)) as executor:
            service = CallService(executor, store, infer=_never)
            return await service.initialize(api, call, on_event=lambda e: seen.append(e.data))

    done = run_async(go())
    assert seen == ['{"key": "••••"}']
    text = str(_fields(_fields(done.outcome.shape)["data"])["key"].samples)
    assert "k3y-value-123" not in text


def test_a_long_stream_is_received_in_bounded_memory(
    run_async: Run[Initialized], stream_server: StreamServer
) -> None:
    import tracemalloc

    # 20,000 events of about 1 KB: 20 MB on the wire, all inside the size cap.
    event = b'data: {"choices":[{"delta":{"content":"%s"}}]}\n\n' % (b"x" * 1000)
    stream_server.script("/long", [event * 1000] * 20 + [b"data: [DONE]\n\n"])
    tracemalloc.start()
    try:
        done = run_async(_initialize(stream_server, "/long"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert done.stream is not None
    assert done.stream.count == 20_001  # and the [DONE] that ended it
    assert done.stream.end is EndReason.DONE
    assert len(done.stream.events) == 200  # the first events are kept, the rest counted
    # Neither the body nor the events are all held: far below the 20 MB received.
    assert peak < 10 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert len(done.response.body) < 1024 * 1024
