"""Streamed calls through curl and Postman: the request is kept, curl reads without buffering,
and a pasted streaming command imports as a stream."""

from __future__ import annotations

import shlex
import subprocess

import orjson

from designer.core.demo.server import example_workspace, start_demo_server
from designer.core.interop.curl.exporter import curl_command, export_curl
from designer.core.interop.curl.importer import curl_to_workspace
from designer.core.interop.postman.exporter import export_postman
from designer.core.secrets.store import MemorySecretStore
from designer.core.streams.events import parse_stream
from designer.core.structure import ResponseType

#: OpenAI's documented streaming example, as pasted from its docs.
OPENAI_STREAMING = """curl https://api.openai.com/v1/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer $OPENAI_API_KEY" \\
  -d '{"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hello!"}], "stream": true}'
"""


def test_openai_streaming_example_imports_as_a_stream() -> None:
    notes: list[str] = []
    secrets = MemorySecretStore()
    ws, api, call = curl_to_workspace(OPENAI_STREAMING, None, secrets, notes)
    assert call.response_type is ResponseType.STREAM
    assert any('"stream": true' in n and "stream of events" in n for n in notes), notes
    assert api.base_url == "https://api.openai.com"
    assert call.path == "/v1/chat/completions"
    # The request itself is imported as without streaming: the body keeps "stream": true.
    names = {p.name: p.value for p in call.parameters}
    assert names["stream"] == "true"
    assert names["model"] == "gpt-4.1"
    assert api.auth.type == "bearer"  # the key itself is read from the variable when sent
    assert "Bearer" not in orjson.dumps(ws.model_dump(mode="json")).decode()


def test_a_command_without_stream_is_not_a_stream() -> None:
    command = OPENAI_STREAMING.replace('"stream": true', '"stream": false')
    notes: list[str] = []
    _, _, call = curl_to_workspace(command, None, MemorySecretStore(), notes)
    assert call.response_type is not ResponseType.STREAM
    assert not any("stream of events" in n for n in notes)


def test_an_event_stream_accept_header_imports_as_a_stream() -> None:
    command = "curl -N https://example.com/events -H 'Accept: text/event-stream'"
    notes: list[str] = []
    _, _, call = curl_to_workspace(command, None, MemorySecretStore(), notes)
    assert call.response_type is ResponseType.STREAM
    assert any("Accept" in n for n in notes)


def test_curl_export_streams_with_no_buffering_and_keeps_the_request() -> None:
    ws = example_workspace("http://127.0.0.1:9")
    api = ws.apis[0]
    chat = next(c for c in api.calls if c.name == "Chat (stream)")
    command, _ = curl_command(ws.apis, api, chat)
    argv = shlex.split(command.replace("\\\n", " "))
    assert argv[:4] == ["curl", "-X", "POST", "-N"]
    body = orjson.loads(argv[argv.index("--data-raw") + 1])
    assert body["stream"] is True
    plain = next(c for c in api.calls if c.name == "Get order")
    assert " -N" not in curl_command(ws.apis, api, plain)[0]
    # Imported again: the same stream call.
    _, _, again = curl_to_workspace(command, None, MemorySecretStore())
    assert again.response_type is ResponseType.STREAM
    assert "-N" in export_curl([api], [(api, chat)])


def test_exported_curl_command_streams_from_the_demo_api() -> None:
    demo = start_demo_server()
    try:
        ws = example_workspace(demo.url)
        api = ws.apis[0]
        call = next(c for c in api.calls if c.name == "Messages (stream)")
        command, _ = curl_command(ws.apis, api, call)
        argv = shlex.split(command.replace("\\\n", " "))
        out = subprocess.run(argv + ["-s"], capture_output=True, timeout=30, check=True).stdout
    finally:
        demo.stop()
    events = parse_stream(out, "text/event-stream").events
    assert events[0].event == "message_start"
    assert events[-1].event == "message_stop"


def test_postman_export_keeps_the_streaming_request() -> None:
    ws = example_workspace("http://127.0.0.1:9")
    collection = export_postman(ws, ws.apis)
    items = [i for folder in collection["item"] for i in folder["item"]]
    chat = next(i for i in items if i["name"] == "Chat (stream)")
    request = chat["request"]
    assert request["method"] == "POST"
    assert "chat/completions" in orjson.dumps(request["url"]).decode()
    raw = request["body"]["raw"]
    assert '"stream": true' in raw
