"""Streamed responses through OpenAPI: exported as an event stream with one event's data
schema (a valid 3.1 document), imported back as a stream call with its structure."""

from __future__ import annotations

import jsonschema
import orjson
from openapi_spec_validator import validate

from designer.core.inference import diff
from designer.core.inference.stream import infer_stream_body, stream_groups
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.openapi.stream import STREAM_EXTENSION
from designer.core.models import Api, Call, Method, Workspace
from designer.core.streams.events import parse_stream
from designer.core.structure import ResponseType
from tests.helpers.sse_server import anthropic_body, ollama_body, openai_body

SSE = "text/event-stream"
NDJSON = "application/x-ndjson"


def _call(cid: str, name: str, path: str, body: bytes, media: str, field: str) -> Call:
    return Call(
        id=cid,
        name=name,
        method=Method.POST,
        path=path,
        response_type=ResponseType.STREAM,
        structure=infer_stream_body(body, media),
        stream_text_field=field,
    )


def _workspace() -> Workspace:
    calls = [
        _call(
            "openaichat01",
            "Chat",
            "/chat",
            b"".join(openai_body()),
            SSE,
            "data.choices[].delta.content",
        ),
        _call(
            "anthropicmsg",
            "Messages",
            "/messages",
            b"".join(anthropic_body()),
            SSE,
            "content_block_delta.delta.text",
        ),
    ]
    api = Api(id="llmapi000001", name="LLM", base_url="https://llm.example/v1", calls=calls)
    return Workspace(name="LLM", apis=[api])


def test_export_describes_streams_and_validates() -> None:
    ws = _workspace()
    doc = export_openapi(ws, ws.apis)
    validate(doc)
    chat = doc["paths"]["/chat"]["post"]["responses"]["200"]["content"]
    assert list(chat) == [SSE]
    extension = chat[SSE][STREAM_EXTENSION]
    assert extension["events"] == ["data"]
    assert extension["text_field"] == "data.choices[].delta.content"
    assert extension["done"] == "[DONE]"
    # The schema describes one event's data: every chunk of the stream fits it.
    schema = chat[SSE]["schema"]
    for event in parse_stream(b"".join(openai_body()), SSE).events[:-1]:
        jsonschema.validate(orjson.loads(event.data), schema)
    messages = doc["paths"]["/messages"]["post"]["responses"]["200"]["content"][SSE]
    titles = [part["title"] for part in messages["schema"]["anyOf"]]
    assert titles == messages[STREAM_EXTENSION]["events"]
    assert "content_block_delta" in titles
    for event in parse_stream(b"".join(anthropic_body()), SSE).events:
        part = messages["schema"]["anyOf"][titles.index(event.event)]
        jsonschema.validate(orjson.loads(event.data), part)


def test_round_trip_keeps_the_stream_structure_and_text_field() -> None:
    ws = _workspace()
    doc = orjson.loads(orjson.dumps(export_openapi(ws, ws.apis)))
    (api,) = import_openapi(doc, "llm.json").apis
    for before in ws.apis[0].calls:
        after = next(c for c in api.calls if c.name == before.name)
        assert after.response_type is ResponseType.STREAM
        assert after.stream_text_field == before.stream_text_field
        assert before.structure is not None
        assert after.structure is not None
        assert diff(before.structure, after.structure) == []
        assert diff(after.structure, before.structure) == []
        assert list(stream_groups(after.structure)) == list(stream_groups(before.structure))
    chat = next(c for c in api.calls if c.name == "Chat")
    assert chat.structure is not None
    assert chat.structure.fields is not None
    assert chat.structure.fields["is done"].samples == [True]  # it ends with [DONE]
    assert chat.structure.fields["data"].count > 1  # several chunks: a mock sends several


def test_json_lines_export_and_import() -> None:
    body = b"".join(ollama_body())
    call = _call("ollamachat01", "Ollama", "/api/chat", body, NDJSON, "data.message.content")
    assert call.structure is not None
    call.structure.content_type = NDJSON
    api = Api(id="ollama000001", name="Ollama", base_url="http://localhost:11434", calls=[call])
    doc = export_openapi(Workspace(name="O", apis=[api]), [api])
    validate(doc)
    content = doc["paths"]["/api/chat"]["post"]["responses"]["200"]["content"]
    assert list(content) == [NDJSON]
    (again,) = import_openapi(orjson.loads(orjson.dumps(doc)), "o.json").apis
    assert again.calls[0].response_type is ResponseType.STREAM
    assert again.calls[0].structure is not None
    assert again.calls[0].structure.content_type == NDJSON
    assert diff(call.structure, again.calls[0].structure) == []


def test_a_foreign_event_stream_imports_as_one_data_group() -> None:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Ticks", "version": "1"},
        "servers": [{"url": "https://ticks.example"}],
        "paths": {
            "/ticks": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ticks",
                            "content": {
                                SSE: {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"price": {"type": "number"}},
                                        "required": ["price"],
                                    }
                                }
                            },
                        }
                    }
                }
            }
        },
    }
    validate(doc)
    (api,) = import_openapi(doc, "ticks.json").apis
    call = api.calls[0]
    assert call.response_type is ResponseType.STREAM
    assert call.stream_text_field is None
    assert call.structure is not None
    groups = stream_groups(call.structure)
    assert list(groups) == ["data"]
    assert groups["data"].fields is not None
    assert "price" in groups["data"].fields
