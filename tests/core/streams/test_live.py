"""Streams read as they arrive from a real local server, over httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.calls.stream_read import read_stream
from designer.core.streams.events import (
    StreamFormat,
    StreamReader,
    StreamTooLargeError,
)
from tests.helpers.sse_server import (
    ANTHROPIC_TEXT,
    CUT,
    OLLAMA_TEXT,
    OPENAI_TEXT,
    SLOW_DELAY,
    StreamServer,
)

Run = Callable[[Coroutine[Any, Any, Any]], Any]


async def _read(url: str, log: StreamLog, **kwargs: Any) -> StreamLog:
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("GET", url) as response,
    ):
        return await read_stream(response, log, **kwargs)


def test_the_first_event_arrives_before_the_server_sends_the_second(
    stream_server: StreamServer, run_async: Run
) -> None:
    async def main() -> list[str]:
        got: list[str] = []
        async with (
            httpx.AsyncClient(timeout=10) as client,
            client.stream("GET", stream_server.url + "/gated") as response,
        ):
            reader = StreamReader(StreamFormat.SSE)
            async for event in reader.aiter_chunks(response.aiter_bytes()):
                got.append(event.data)
                if len(got) == 1:
                    # The server sends the second event only once this is set.
                    assert not stream_server.gate.is_set()
                    stream_server.gate.set()
        return got

    assert run_async(main()) == ["one", "two"]


def test_events_carry_their_offsets_from_the_first_byte(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(_read(stream_server.url + "/slow", StreamLog()))
    assert [e.data for e in log.events] == ["one", "two", "three"]
    offsets = [e.offset for e in log.events]
    assert offsets[0] < SLOW_DELAY
    assert offsets[1] >= SLOW_DELAY * 0.8
    assert offsets[2] >= offsets[1] + SLOW_DELAY * 0.8
    assert log.end is EndReason.SERVER_CLOSED


def test_an_openai_stream_ends_at_done_with_its_text(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(
        _read(stream_server.url + "/openai", StreamLog(text_field="data.choices[].delta.content"))
    )
    assert log.end is EndReason.DONE
    assert log.done
    assert log.text == OPENAI_TEXT


def test_an_anthropic_stream_reads_its_named_events(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(
        _read(
            stream_server.url + "/anthropic",
            StreamLog(text_field="content_block_delta.delta.text"),
        )
    )
    assert log.events[0].event == "message_start"
    assert log.events[-1].event == "message_stop"
    assert log.text == ANTHROPIC_TEXT
    assert log.end is EndReason.SERVER_CLOSED
    assert log.note is None


def test_an_ollama_json_lines_stream_is_read_by_line(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(
        _read(stream_server.url + "/ollama", StreamLog(text_field="data.message.content"))
    )
    assert log.text == OLLAMA_TEXT
    assert log.count == 5
    assert log.end is EndReason.SERVER_CLOSED


def test_the_rules_stream_reads_crlf_comments_and_multi_line_data(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(_read(stream_server.url + "/rules", StreamLog()))
    assert [(e.event, e.id, e.data) for e in log.events] == [
        ("", None, "first line\nsecond line"),
        ("update", "42", '{"n": 1}'),
        ("", "42", "after the id"),
    ]
    assert log.events[0].retry == 3000


def test_a_stream_cut_mid_event_keeps_the_events_before_it(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(_read(stream_server.url + "/cut", StreamLog()))
    assert [e.data for e in log.events] == ["whole"]
    assert log.end is EndReason.SERVER_CLOSED
    assert log.note == (
        "the connection closed before the stream ended: "
        "the stream stopped in the middle of an event; that unfinished event was dropped"
    )


def test_a_json_lines_stream_cut_mid_line_drops_that_line(
    stream_server: StreamServer, run_async: Run
) -> None:
    url = stream_server.script(
        "/ndjson-cut", [b'{"a": 1}\n{"a": 2}\n{"a": ', CUT], "application/x-ndjson"
    )
    log = run_async(_read(url, StreamLog()))
    assert [e.data for e in log.events] == ['{"a": 1}', '{"a": 2}']
    assert log.note is not None
    assert "unfinished event was dropped" in log.note


def test_a_never_ending_stream_stops_at_its_deadline(
    stream_server: StreamServer, run_async: Run
) -> None:
    started = time.monotonic()
    log = run_async(_read(stream_server.url + "/forever", StreamLog(), deadline=0.3))
    assert time.monotonic() - started < 5
    assert log.end is EndReason.DEADLINE
    assert log.count >= 3
    assert log.note == "stopped after 0.3 seconds"


def test_a_never_ending_stream_stops_at_max_events(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = run_async(_read(stream_server.url + "/forever", StreamLog(max_events=4)))
    assert log.end is EndReason.MAX_EVENTS
    assert [e.data for e in log.events] == [f'{{"n": {n}}}' for n in range(4)]


def test_a_cancelled_read_is_recorded_as_cancelled(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = StreamLog()

    async def main() -> None:
        two = asyncio.Event()

        def seen(_event: object) -> None:
            if log.count >= 2:
                two.set()

        task = asyncio.create_task(_read(stream_server.url + "/forever", log, on_event=seen))
        await two.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run_async(main())
    assert log.end is EndReason.CANCELLED
    assert log.count >= 2


def test_a_50_mb_line_stops_at_the_size_cap_with_one_line(
    stream_server: StreamServer, run_async: Run
) -> None:
    log = StreamLog()
    started = time.monotonic()
    with pytest.raises(StreamTooLargeError) as caught:
        run_async(_read(stream_server.url + "/huge-line", log, max_bytes=4 * 1024 * 1024))
    assert time.monotonic() - started < 15
    assert str(caught.value) == (
        "The stream passed its size cap of 4 MB after 1 event; "
        "raise the cap or end the stream sooner"
    )
    assert [e.data for e in caught.value.events] == ["before"]
    assert log.end is EndReason.SIZE_CAP
    assert [e.data for e in log.events] == ["before"]


def test_the_server_stops_promptly_while_a_client_is_still_reading() -> None:
    server = StreamServer().start()
    try:
        with (
            httpx.Client(timeout=10) as client,
            client.stream("GET", server.url + "/forever") as response,
        ):
            reader = StreamReader(StreamFormat.SSE)
            events = reader.iter_chunks(response.iter_bytes())
            assert next(events).data == '{"n": 0}'
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 3
            rest = list(events)  # the body ends (or the connection closes) once stopped
            assert all(e.data.startswith('{"n": ') for e in rest)
    finally:
        server.stop()
    assert server.requests == ["/forever"]
