"""Reading stream bodies as events: the WHATWG rules, JSON Lines, the size cap, cut streams."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.errors import ExecutionError, ResponseTooLargeError
from designer.core.streams.events import (
    StreamEvent,
    StreamFormat,
    StreamReader,
    StreamTooLargeError,
    encode_events,
    is_stream_content_type,
    parse_stream,
    sniff_format,
    stream_format,
)


def _triples(events: list[StreamEvent]) -> list[tuple[str, str | None, str]]:
    return [(e.event, e.id, e.data) for e in events]


def _sse(body: bytes) -> list[tuple[str, str | None, str]]:
    parsed = parse_stream(body, "text/event-stream")
    return _triples(parsed.events)


# -- content types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/event-stream", StreamFormat.SSE),
        ("Text/Event-Stream; charset=utf-8", StreamFormat.SSE),
        ("application/x-ndjson", StreamFormat.NDJSON),
        ("application/jsonl; charset=utf-8", StreamFormat.NDJSON),
        ("application/x-jsonlines", StreamFormat.NDJSON),
        ("application/json", None),
        ("text/plain", None),
        ("", None),
    ],
)
def test_stream_content_types_are_recognised_with_parameters_ignored(
    content_type: str, expected: StreamFormat | None
) -> None:
    assert stream_format(content_type) is expected
    assert is_stream_content_type(content_type) is (expected is not None)


def test_a_body_without_content_type_is_sniffed() -> None:
    assert sniff_format(b'{"a": 1}\n{"a": 2}\n') is StreamFormat.NDJSON
    assert sniff_format(b"\xef\xbb\xbf  [1]\n") is StreamFormat.NDJSON
    assert sniff_format(b"data: hi\n\n") is StreamFormat.SSE
    assert parse_stream(b'{"a": 1}\n').format is StreamFormat.NDJSON


# -- the WHATWG rules --------------------------------------------------------------------------


def test_data_lines_of_one_event_are_joined_with_newlines() -> None:
    assert _sse(b"data: one\ndata: two\ndata:three\n\n") == [("", None, "one\ntwo\nthree")]


def test_only_one_space_after_the_colon_is_removed() -> None:
    assert _sse(b"data:  indented\n\n") == [("", None, " indented")]


def test_event_names_the_event_and_is_reset_after_dispatch() -> None:
    body = b"event: update\ndata: a\n\ndata: b\n\n"
    assert _sse(body) == [("update", None, "a"), ("", None, "b")]


def test_the_default_event_type_reads_as_unnamed() -> None:
    assert _sse(b"event: message\ndata: a\n\n") == [("", None, "a")]


def test_an_id_stays_for_the_events_after_it() -> None:
    body = b"id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\n"
    assert _sse(body) == [("", "1", "a"), ("", "1", "b"), ("", "2", "c")]


def test_an_id_with_nul_is_ignored() -> None:
    assert _sse(b"id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n") == [("", "1", "a"), ("", "1", "b")]


def test_retry_is_read_when_it_is_a_number() -> None:
    events = parse_stream(b"retry: 2500\ndata: a\n\nretry: soon\ndata: b\n\n").events
    assert [e.retry for e in events] == [2500, None]


def test_comment_lines_are_ignored() -> None:
    body = b": keep-alive\ndata: a\n: another\ndata: b\n\n:\n\n"
    assert _sse(body) == [("", None, "a\nb")]


def test_unknown_fields_and_lines_without_colon_are_ignored() -> None:
    assert _sse(b"foo: bar\ndata\ndata: a\n\n") == [("", None, "\na")]


def test_events_without_data_are_not_dispatched() -> None:
    body = b"event: ping\n\nid: 7\n\nretry: 10\n\ndata: real\n\n"
    assert _sse(body) == [("", "7", "real")]


@pytest.mark.parametrize("end", [b"\n", b"\r", b"\r\n"])
def test_cr_lf_and_crlf_line_ends_read_alike(end: bytes) -> None:
    body = end.join([b"event: e", b"data: a", b"data: b", b"", b"data: c", b"", b""])
    assert _sse(body) == [("e", None, "a\nb"), ("", None, "c")]


def test_a_leading_bom_is_removed_and_a_later_one_is_not() -> None:
    body = b"\xef\xbb\xbfdata: a\n\n\xef\xbb\xbfdata: b\n\ndata: \xef\xbb\xbfc\n\n"
    # The second BOM makes an unknown field name: that line is ignored.
    assert _sse(body) == [("", None, "a"), ("", None, "\ufeffc")]


def test_the_body_is_utf8_whatever_the_charset_says() -> None:
    parsed = parse_stream("data: café ☕\n\n".encode(), "text/event-stream; charset=latin-1")
    assert _triples(parsed.events) == [("", None, "café ☕")]
    assert parsed.events[0].size == len("café ☕".encode())


def test_events_are_numbered_and_sized() -> None:
    events = parse_stream(b"data: ab\n\ndata: cde\n\n").events
    assert [(e.index, e.size, e.offset) for e in events] == [(0, 2, 0.0), (1, 3, 0.0)]


_RULES = (
    b"\xef\xbb\xbf: comment\r\n"
    b"retry: 100\n"
    b"event: start\r"
    b'data: {"a": 1}\r\n'
    b"\r\n"
    b"id: 9\n"
    b"data: line one\r"
    b"data: line two\n"
    b"\r"
    b"event: ping\n"
    b"\n"
    b"data: caf\xc3\xa9\r\n"
    b"\n"
)
_RULES_EVENTS = [("start", None, '{"a": 1}'), ("", "9", "line one\nline two"), ("", "9", "café")]


def test_the_rules_body_reads_as_expected_in_one_piece() -> None:
    assert _sse(_RULES) == _RULES_EVENTS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(_RULES)), max_size=12))
def test_the_same_events_whatever_the_chunk_boundaries(cuts: list[int]) -> None:
    bounds = [0, *sorted(cuts), len(_RULES)]
    chunks = [_RULES[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    reader = StreamReader(StreamFormat.SSE, keep=None)
    assert _triples(list(reader.iter_chunks(chunks))) == _RULES_EVENTS
    assert reader.note is None


_LINE = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=8
)


@settings(max_examples=150, deadline=None)
@given(
    datas=st.lists(st.lists(_LINE, min_size=1, max_size=3), min_size=1, max_size=4),
    end=st.sampled_from(["\n", "\r", "\r\n"]),
    bom=st.booleans(),
    splits=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
)
def test_generated_streams_read_back_whatever_the_line_ends_bom_and_chunks(
    datas: list[list[str]], end: str, bom: bool, splits: list[int]
) -> None:
    text = "".join("".join(f"data: {line}{end}" for line in lines) + end for lines in datas)
    body = (b"\xef\xbb\xbf" if bom else b"") + text.encode()
    bounds = [0, *sorted(min(s, len(body)) for s in splits), len(body)]
    chunks = [body[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    expected = ["\n".join(lines) for lines in datas if "\n".join(lines) != ""]
    events = list(StreamReader(StreamFormat.SSE, keep=None).iter_chunks(chunks))
    assert [e.data for e in events] == expected


# -- JSON Lines --------------------------------------------------------------------------------


def test_json_lines_give_one_event_per_non_blank_line() -> None:
    body = b'{"a": 1}\n\n  \r\n{"a": 2}\r\n[3]\n'
    parsed = parse_stream(body, "application/x-ndjson")
    assert [e.data for e in parsed.events] == ['{"a": 1}', '{"a": 2}', "[3]"]
    assert parsed.note is None


def test_a_json_lines_body_whose_last_line_has_no_end_keeps_it_when_it_is_json() -> None:
    parsed = parse_stream(b'{"a": 1}\n{"a": 2}', "application/jsonl")
    assert [e.data for e in parsed.events] == ['{"a": 1}', '{"a": 2}']
    assert parsed.note is None


def test_a_json_lines_body_cut_mid_line_drops_that_line_and_says_so() -> None:
    parsed = parse_stream(b'{"a": 1}\n{"a": ', "application/x-ndjson")
    assert [e.data for e in parsed.events] == ['{"a": 1}']
    assert parsed.note is not None
    assert "unfinished" in parsed.note


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60), max_size=8))
def test_json_lines_read_alike_whatever_the_chunks(cuts: list[int]) -> None:
    body = b'\xef\xbb\xbf{"a": 1}\r\n\n{"b": "x\xc3\xa9"}\n{"c": [1, 2]}\n'
    bounds = [0, *sorted(min(c, len(body)) for c in cuts), len(body)]
    chunks = [body[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    events = list(StreamReader(StreamFormat.NDJSON, keep=None).iter_chunks(chunks))
    assert [e.data for e in events] == ['{"a": 1}', '{"b": "xé"}', '{"c": [1, 2]}']


# -- cut streams -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [b"data: half", b"data: half\n", b"data: half\r", b"data: half\r\n", b"event: x\ndata: y\n"],
)
def test_a_stream_that_stops_mid_event_keeps_the_events_before_it(tail: bytes) -> None:
    parsed = parse_stream(b"data: whole\n\n" + tail, "text/event-stream")
    assert _triples(parsed.events) == [("", None, "whole")]
    assert parsed.note == (
        "the stream stopped in the middle of an event; that unfinished event was dropped"
    )


@pytest.mark.parametrize("tail", [b"\n\n", b"\r\r", b"\r\n\r\n", b"\n\r", b"\n\n: bye\n"])
def test_a_stream_that_ends_after_a_blank_line_is_whole(tail: bytes) -> None:
    parsed = parse_stream(b"data: whole" + tail, "text/event-stream")
    assert _triples(parsed.events) == [("", None, "whole")]
    assert parsed.note is None


# -- the size cap ------------------------------------------------------------------------------


def test_passing_the_size_cap_raises_one_line_carrying_the_events_before_it() -> None:
    body = b"data: one\n\ndata: two\n\n" + b"data: " + b"x" * 10_000
    with pytest.raises(StreamTooLargeError) as caught:
        parse_stream(body, "text/event-stream", max_bytes=4096)
    error = caught.value
    assert isinstance(error, ResponseTooLargeError)
    assert isinstance(error, ExecutionError)
    assert "\n" not in str(error)
    assert str(error) == (
        "The stream passed its size cap of 4 KB after 2 events; "
        "raise the cap or end the stream sooner"
    )
    assert [e.data for e in error.events] == ["one", "two"]
    assert error.events_read == 2
    assert error.limit == 4096


def test_events_complete_within_the_cap_in_the_chunk_that_passes_it_are_kept() -> None:
    body = b"data: one\n\ndata: two\n\n" + b"data: " + b"x" * 100
    reader = StreamReader(StreamFormat.SSE, max_bytes=40)
    got: list[str] = []
    with pytest.raises(StreamTooLargeError):
        got.extend(e.data for e in reader.iter_chunks([body]))
    assert got == ["one", "two"]
    assert reader.bytes_read > 40


def test_a_line_that_never_ends_stops_at_the_cap_quickly() -> None:
    def endless() -> object:
        yield b"data: before\n\n"
        yield b"data: "
        while True:
            yield b"y" * 65536

    started = time.monotonic()
    for fmt in StreamFormat:
        reader = StreamReader(fmt, max_bytes=2 * 1024 * 1024)
        with pytest.raises(StreamTooLargeError) as caught:
            list(reader.iter_chunks(endless()))  # type: ignore[arg-type]
        assert "2 MB" in str(caught.value)
        assert reader.bytes_read <= 2 * 1024 * 1024 + 65536
    assert time.monotonic() - started < 10


def test_the_cap_counts_the_whole_stream_in_json_lines_too() -> None:
    body = b"".join(b'{"n": %d}\n' % n for n in range(1000))
    with pytest.raises(StreamTooLargeError) as caught:
        parse_stream(body, "application/x-ndjson", max_bytes=1000)
    assert 0 < caught.value.events_read < 1000
    assert [e.data for e in caught.value.events][:2] == ['{"n": 0}', '{"n": 1}']


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=10)
_DATA = st.text(
    alphabet=st.characters(blacklist_characters="\r", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "update"]) | _NAME,
            st.none() | st.text(alphabet="0123456789abc", min_size=1, max_size=4),
            _DATA,
            st.none() | st.integers(min_value=0, max_value=10_000),
        ),
        max_size=6,
    )
)
def test_encoded_events_read_back_the_same(
    specs: list[tuple[str, str | None, str, int | None]],
) -> None:
    events, last_id = [], None
    for i, (name, id_, data, retry) in enumerate(specs):
        last_id = id_ if id_ is not None else last_id
        name = "" if name == "message" else name
        events.append(StreamEvent(i, 0.0, name, last_id, data, len(data.encode()), retry))
    body = encode_events(events, StreamFormat.SSE)
    assert parse_stream(body, "text/event-stream").events == events


def test_json_lines_encode_one_event_per_line() -> None:
    events = parse_stream(b'{"a": 1}\n{"b": 2}\n', "application/x-ndjson").events
    assert encode_events(events, StreamFormat.NDJSON) == b'{"a": 1}\n{"b": 2}\n'
