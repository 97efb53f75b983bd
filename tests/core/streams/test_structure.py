"""A stream's structure as one shape, the text field it suggests, and the text of an event."""

from __future__ import annotations

import pytest

from designer.core.inference import detect_kind, infer_body, walk
from designer.core.inference.stream import (
    IS_DONE,
    IS_STREAMING,
    TEXT_SO_FAR,
    StreamStructure,
    infer_stream_body,
    split_text_field,
    stream_shape,
    suggest_text_field,
    text_of,
)
from designer.core.streams.events import StreamEvent, parse_stream
from designer.core.structure import ResponseType, Shape, ValueType
from tests.helpers.sse_server import (
    ANTHROPIC_TEXT,
    OLLAMA_TEXT,
    OPENAI_TEXT,
    RESPONSES_TEXT,
    anthropic_body,
    ollama_body,
    openai_body,
    responses_body,
)


def _event(data: str, event: str = "", index: int = 0) -> StreamEvent:
    return StreamEvent(index, 0.0, event, None, data, len(data.encode()))


def _field(shape: Shape, path: str) -> Shape:
    nodes = dict(walk(shape))
    assert path in nodes, sorted(nodes)
    return nodes[path]


def test_the_built_in_fields_come_first_with_their_types() -> None:
    shape = stream_shape([_event('{"a": 1}')])
    assert shape.type is ValueType.OBJECT
    assert shape.count == 1
    assert list(shape.fields or {})[:3] == [TEXT_SO_FAR, IS_STREAMING, IS_DONE]
    assert _field(shape, "text so far").type is ValueType.TEXT
    assert _field(shape, "is streaming").type is ValueType.BOOLEAN
    assert _field(shape, "is done").type is ValueType.BOOLEAN


def test_unnamed_events_merge_under_data_and_fields_seen_in_some_are_optional() -> None:
    events = [_event('{"id": 1, "text": "a"}'), _event('{"id": 2}'), _event('{"id": 3, "x": null}')]
    shape = stream_shape(events)
    data = _field(shape, "data")
    assert data.type is ValueType.OBJECT
    assert data.count == 3
    assert not _field(shape, "data.id").optional
    assert _field(shape, "data.text").optional
    assert _field(shape, "data.text").count == 1
    assert _field(shape, "data.x").optional


def test_merging_in_batches_agrees_with_inferring_everything_at_once() -> None:
    events = [
        _event(f'{{"n": {n}, "even": true}}' if n % 2 else f'{{"n": {n}}}') for n in range(50)
    ]
    small = StreamStructure(batch=3)
    whole = StreamStructure(batch=1000)
    for event in events:
        small.add(event)
        whole.add(event)
    assert small.shape() == whole.shape()
    assert _field(small.shape(), "data.even").optional
    assert _field(small.shape(), "data").count == 50


def test_named_events_get_one_field_each() -> None:
    events = [
        _event('{"type": "start", "id": "m1"}', "message_start"),
        _event('{"delta": {"text": "He"}}', "content_block_delta"),
        _event('{"delta": {"text": "llo"}, "index": 0}', "content_block_delta"),
        _event('{"type": "stop"}', "message_stop"),
    ]
    shape = stream_shape(events)
    assert list(shape.fields or {})[3:] == ["message_start", "content_block_delta", "message_stop"]
    assert _field(shape, "content_block_delta").count == 2
    assert _field(shape, "content_block_delta.index").optional
    assert not _field(shape, "content_block_delta.delta.text").optional


def test_the_done_sentinel_ends_the_stream_and_is_not_data() -> None:
    structure = StreamStructure()
    structure.add(_event('{"a": 1}'))
    structure.add(_event("[DONE]"))
    shape = structure.shape()
    assert structure.done
    assert _field(shape, "is done").samples == [True]
    assert _field(shape, "data").type is ValueType.OBJECT
    assert _field(shape, "data").count == 1


def test_data_that_is_not_json_is_text() -> None:
    shape = stream_shape([_event("hello"), _event("world {")])
    data = _field(shape, "data")
    assert data.type is ValueType.TEXT
    assert data.count == 2


def test_json_and_text_data_in_one_group_are_mixed() -> None:
    shape = stream_shape([_event('{"a": 1}'), _event("plain words")])
    data = _field(shape, "data")
    assert data.type is ValueType.MIXED
    assert {v.type for v in data.variants or ()} == {ValueType.OBJECT, ValueType.TEXT}


def test_auto_reads_stream_content_types_as_streams() -> None:
    for content_type in (
        "text/event-stream",
        "text/event-stream; charset=utf-8",
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
    ):
        assert detect_kind(b"", content_type) is ResponseType.STREAM
    assert detect_kind(b"{}", "application/json") is ResponseType.JSON


def test_infer_body_gives_the_stream_shape_with_the_text_so_far() -> None:
    body = b"".join(openai_body())
    shape = infer_body(body, "text/event-stream")
    assert shape == infer_stream_body(body, "text/event-stream")
    assert _field(shape, "text so far").samples == [OPENAI_TEXT]
    assert _field(shape, "is done").samples == [True]
    assert _field(shape, "data.choices[].delta.content").optional
    assert infer_body(body, "", ResponseType.STREAM) == shape


@pytest.mark.parametrize(
    ("body", "content_type", "field", "text"),
    [
        (openai_body, "text/event-stream", "data.choices[].delta.content", OPENAI_TEXT),
        (anthropic_body, "text/event-stream", "content_block_delta.delta.text", ANTHROPIC_TEXT),
        (
            responses_body,
            "text/event-stream",
            '["response.output_text.delta"].delta',
            RESPONSES_TEXT,
        ),
        (ollama_body, "application/x-ndjson", "data.message.content", OLLAMA_TEXT),
    ],
)
def test_the_text_field_of_known_apis_is_suggested(
    body: object, content_type: str, field: str, text: str
) -> None:
    raw = b"".join(body())  # type: ignore[operator]
    events = parse_stream(raw, content_type).events
    shape = stream_shape(events)
    assert suggest_text_field(shape) == field
    assert _field(stream_shape(events, field), "text so far").samples == [text[:60]]


def test_ollama_generate_and_plain_text_streams_are_suggested_too() -> None:
    generate = [_event('{"model": "m", "response": "Hi", "done": false}')]
    assert suggest_text_field(stream_shape(generate)) == "data.response"
    assert suggest_text_field(stream_shape([_event("word"), _event("word two")])) == "data"
    assert suggest_text_field(stream_shape([_event('{"n": 1}')])) is None


def test_text_of_reads_one_events_text() -> None:
    chunk = {"choices": [{"delta": {"content": "Hel"}}, {"delta": {"content": "other"}}]}
    assert text_of(chunk, "choices[].delta.content") == "Hel"
    assert text_of({"choices": [{"delta": {}}]}, "choices[].delta.content") is None
    assert text_of({"choices": []}, "choices[].delta.content") is None
    assert text_of({"delta": {"text": 3}}, "delta.text") is None
    assert text_of({"a.b": {"c": "x"}}, '["a.b"].c') == "x"
    assert text_of("plain", "") == "plain"
    assert text_of([1], "a") is None


def test_split_text_field_names_the_event_and_the_path_inside_it() -> None:
    assert split_text_field("data.choices[].delta.content") == ("", "choices[].delta.content")
    assert split_text_field("content_block_delta.delta.text") == (
        "content_block_delta",
        "delta.text",
    )
    assert split_text_field('["response.output_text.delta"].delta') == (
        "response.output_text.delta",
        "delta",
    )
    assert split_text_field("data") == ("", "")


def test_infer_stream_body_follows_the_text_field_it_is_given() -> None:
    body = b"".join(anthropic_body())
    shape = infer_stream_body(
        body, "text/event-stream", text_field="message_delta.delta.stop_reason"
    )
    assert _field(shape, "text so far").samples == ["end_turn"]
    assert _field(infer_stream_body(body), "text so far").samples == [ANTHROPIC_TEXT]
