"""The bounded record of a stream: kept events, counts, text so far, structure, end reason."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import orjson

from designer.core.calls.stream_log import EndReason, StreamLog
from designer.core.inference import walk
from designer.core.streams.events import StreamEvent, parse_stream
from designer.core.structure import ValueType
from tests.helpers.sse_server import ANTHROPIC_TEXT, OPENAI_TEXT, anthropic_body, openai_body


def _events(n: int) -> Iterator[StreamEvent]:
    for i in range(n):
        data = orjson.dumps(
            {"id": f"chunk-{i}", "choices": [{"delta": {"content": f"w{i % 10} "}}], "n": i}
            if i % 7
            else {"id": f"chunk-{i}", "choices": [{"delta": {}}], "n": i, "extra": True}
        ).decode()
        yield StreamEvent(i, i / 1000, "", None, data, len(data))


def test_a_hundred_thousand_events_keep_memory_bounded() -> None:
    log = StreamLog(keep=200, text_field="data.choices[].delta.content", max_text=10_000)
    tracemalloc.start()
    try:
        started = time.monotonic()
        for event in _events(100_000):
            assert log.add(event)
        shape = log.shape()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(log.events) == 200
    assert log.events[-1].index == 199
    assert log.count == 100_000
    assert log.omitted == 99_800
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"
    assert time.monotonic() - started < 60
    assert len(log.text) == 10_000
    assert log.text_truncated
    assert log.text.startswith("w1 w2 w3 w4 w5 w6 w8 w9 w0 ")
    nodes = dict(walk(shape))
    assert nodes["data"].count == 100_000
    assert nodes["data.extra"].optional
    assert nodes["data.extra"].count == 100_000 // 7 + 1
    assert nodes["data.choices[].delta.content"].optional


def test_the_text_so_far_follows_the_text_field_of_named_events() -> None:
    log = StreamLog(text_field="content_block_delta.delta.text")
    for event in parse_stream(b"".join(anthropic_body())).events:
        assert log.add(event)
    assert log.text == ANTHROPIC_TEXT
    assert not log.done
    assert log.streaming
    log.finish(EndReason.SERVER_CLOSED)
    assert log.end is EndReason.SERVER_CLOSED
    assert not log.streaming
    nodes = dict(walk(log.shape()))
    assert nodes["text so far"].samples == [ANTHROPIC_TEXT]
    assert nodes["is streaming"].samples == [False]
    assert nodes["is done"].samples == [False]


def test_the_done_sentinel_stops_reading_and_is_the_end_reason() -> None:
    log = StreamLog(text_field="data.choices[].delta.content")
    goes_on = [log.add(event) for event in parse_stream(b"".join(openai_body())).events]
    assert goes_on[-1] is False
    assert all(goes_on[:-1])
    assert log.done
    assert log.text == OPENAI_TEXT
    log.finish(EndReason.SERVER_CLOSED)  # the body ended right after the sentinel
    assert log.end is EndReason.DONE
    assert dict(walk(log.shape()))["is done"].samples == [True]
    assert log.events[-1].data == "[DONE]"


def test_max_events_stops_reading_and_the_first_reason_stands() -> None:
    log = StreamLog(max_events=3)
    results = [log.add(StreamEvent(i, 0.0, "", None, "x", 1)) for i in range(3)]
    assert results == [True, True, False]
    log.finish(EndReason.MAX_EVENTS)
    log.finish(EndReason.CANCELLED, "later")
    assert log.end is EndReason.MAX_EVENTS
    assert log.note is None
    assert log.size == 3
    assert dict(walk(log.shape()))["data"].type is ValueType.TEXT


def test_every_end_reason_reads_as_words() -> None:
    assert {reason.value for reason in EndReason} == {
        "done",
        "server-closed",
        "max-events",
        "deadline",
        "cancelled",
        "size-cap",
    }
    assert all(reason.describe for reason in EndReason)
