"""A local server of scripted streaming responses: Server-Sent Events and JSON Lines.

:class:`StreamServer` is a real threaded HTTP server on 127.0.0.1 (a free
port) that answers each path with a *script*: the chunks of a chunked
response body, pauses between them, and waits on a gate the test opens.
Use it as a context manager (or call :meth:`StreamServer.stop`); stopping
ends every stream still being served, the never-ending one included, and
joins the handler threads, so nothing outlives the test.

Built-in paths (:data:`PATHS`), each with the content type of its format:

``/openai``      OpenAI chat completion chunks ending in ``data: [DONE]`` (:data:`OPENAI_TEXT`)
``/anthropic``   Anthropic named events, message_start … message_stop (:data:`ANTHROPIC_TEXT`)
``/responses``   OpenAI Responses API named events (:data:`RESPONSES_TEXT`)
``/ollama``      Ollama chat JSON Lines, ``application/x-ndjson`` (:data:`OLLAMA_TEXT`)
``/rules``       comments, CRLF line ends, multi-line data, ``id`` and ``retry``
``/slow``        three events :data:`SLOW_DELAY` seconds apart
``/gated``       one event, then waits for :attr:`StreamServer.gate` before the second
``/forever``     an event every 20 ms until the client leaves or the server stops
``/cut``         one whole event, half of another, then the connection closes
``/huge-line``   ``data: `` and a 50 MB line (1 MB chunks), abandoned when the client leaves

A test can add its own with :meth:`StreamServer.script`. Each step of a
script is ``bytes`` (one chunk, flushed), a ``float`` (a pause in seconds),
:data:`GATE` (wait until :attr:`StreamServer.gate` is set) or :data:`CUT`
(close the connection without ending the body).

Example::

    with StreamServer() as server:
        async with httpx.AsyncClient() as client:
            async with client.stream("GET", server.url + "/openai") as response:
                ...
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final

__all__ = [
    "ANTHROPIC_TEXT",
    "CUT",
    "GATE",
    "HUGE_LINE_BYTES",
    "OLLAMA_TEXT",
    "OPENAI_TEXT",
    "PATHS",
    "RESPONSES_TEXT",
    "SLOW_DELAY",
    "Step",
    "StreamServer",
    "anthropic_body",
    "ollama_body",
    "openai_body",
    "responses_body",
]

SSE: Final = "text/event-stream"
NDJSON: Final = "application/x-ndjson"


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: Wait until the server's gate is set (the test says "go on").
GATE: Final = _Marker("GATE")
#: Close the connection here, without the chunked body's last chunk.
CUT: Final = _Marker("CUT")

Step = bytes | float | _Marker

OPENAI_TEXT = "Hello there, friend!"
ANTHROPIC_TEXT = "Hi! How can I help?"
RESPONSES_TEXT = "Streaming works."
OLLAMA_TEXT = "Why is the sky blue?"
SLOW_DELAY = 0.15
HUGE_LINE_BYTES = 50 * 1024 * 1024
_PIECES = 4


def _split(text: str, parts: int = _PIECES) -> list[str]:
    size = max(1, -(-len(text) // parts))
    return [text[i : i + size] for i in range(0, len(text), size)]


def _sse(data: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"{head}data: {text}\n\n".encode()


def openai_body() -> list[bytes]:
    """OpenAI chat completion chunks: a role delta, content deltas, a finish, ``[DONE]``."""
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000}
    base["model"] = "gpt-4o-mini"

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _sse({**base, "choices": [choice]})

    steps = [chunk({"role": "assistant", "content": ""})]
    steps += [chunk({"content": piece}) for piece in _split(OPENAI_TEXT)]
    steps.append(chunk({}, "stop"))
    steps.append(_sse("[DONE]"))
    return steps


def anthropic_body() -> list[bytes]:
    """Anthropic Messages events, named, with a ``ping`` among them."""
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 12, "output_tokens": 1},
    }
    steps = [
        _sse({"type": "message_start", "message": message}, "message_start"),
        _sse(
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            "content_block_start",
        ),
        _sse({"type": "ping"}, "ping"),
    ]
    for piece in _split(ANTHROPIC_TEXT):
        delta = {"type": "content_block_delta", "index": 0}
        delta["delta"] = {"type": "text_delta", "text": piece}  # type: ignore[assignment]
        steps.append(_sse(delta, "content_block_delta"))
    steps += [
        _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        _sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": 9},
            },
            "message_delta",
        ),
        _sse({"type": "message_stop"}, "message_stop"),
    ]
    return steps


def responses_body() -> list[bytes]:
    """OpenAI Responses API events: created, output text deltas, done, completed."""
    response = {"id": "resp_1", "object": "response", "status": "in_progress"}
    steps = [_sse({"type": "response.created", "response": response}, "response.created")]
    for n, piece in enumerate(_split(RESPONSES_TEXT)):
        data = {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": piece,
            "sequence_number": n + 1,
        }
        steps.append(_sse(data, "response.output_text.delta"))
    steps.append(
        _sse(
            {"type": "response.output_text.done", "item_id": "msg_1", "text": RESPONSES_TEXT},
            "response.output_text.done",
        )
    )
    done = {**response, "status": "completed"}
    steps.append(_sse({"type": "response.completed", "response": done}, "response.completed"))
    return steps


def ollama_body() -> list[bytes]:
    """Ollama ``/api/chat`` JSON Lines: message pieces, then a ``done`` line with counts."""
    lines = []
    for piece in _split(OLLAMA_TEXT):
        lines.append(
            {
                "model": "llama3.2",
                "created_at": "2024-07-01T10:00:00.000Z",
                "message": {"role": "assistant", "content": piece},
                "done": False,
            }
        )
    lines.append(
        {
            "model": "llama3.2",
            "created_at": "2024-07-01T10:00:01.000Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "total_duration": 4883583458,
            "eval_count": 5,
        }
    )
    return [(json.dumps(line) + "\n").encode() for line in lines]


#: The rules body: a BOM-less stream with comments, CRLF ends, multi-line data, id and retry.
RULES_BODY: Final = (
    b": a comment, ignored\r\n"
    b"retry: 3000\r\n"
    b"data: first line\r\n"
    b"data: second line\r\n"
    b"\r\n"
    b"id: 42\r\n"
    b"event: update\r\n"
    b'data: {"n": 1}\r\n'
    b"\r\n"
    b"event: empty\r\n"
    b"\r\n"
    b"data: after the id\r\n"
    b"\r\n"
)

#: Each built-in path, its content type and its script.
PATHS: dict[str, tuple[str, list[Step]]] = {
    "/openai": (SSE, list(openai_body())),
    "/anthropic": (SSE, list(anthropic_body())),
    "/responses": (SSE, list(responses_body())),
    "/ollama": (NDJSON, list(ollama_body())),
    "/rules": (SSE, [RULES_BODY[:30], RULES_BODY[30:71], RULES_BODY[71:]]),
    "/slow": (
        SSE,
        [b"data: one\n\n", SLOW_DELAY, b"data: two\n\n", SLOW_DELAY, b"data: three\n\n"],
    ),
    "/gated": (SSE, [b"data: one\n\n", GATE, b"data: two\n\n"]),
    "/cut": (SSE, [b"data: whole\n\n", b"data: half of a", CUT]),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # a client that stops reading cannot hold a write (and stop()) forever
    server: StreamServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve()

    def _serve(self) -> None:
        server = self.server
        path = self.path.split("?", 1)[0]
        server.requests.append(path)
        if path == "/forever":
            self._start(SSE)
            self._forever()
            return
        if path == "/huge-line":
            self._start(SSE)
            self._huge_line()
            return
        script = server.scripts.get(path)
        if script is None:
            self.send_error(404)
            return
        content_type, steps = script
        self._start(content_type)
        for step in steps:
            if isinstance(step, bytes):
                self._chunk(step)
            elif isinstance(step, float):
                if server.stopping.wait(step):
                    return
            elif step is GATE:
                while not server.gate.wait(0.02):
                    if server.stopping.is_set():
                        return
            elif step is CUT:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _start(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _forever(self) -> None:
        n = 0
        try:
            while not self.server.stopping.wait(0.02):
                self._chunk(b'data: {"n": %d}\n\n' % n)
                n += 1
        except OSError:
            pass  # the client left, which is how this stream ends
        self.close_connection = True

    def _huge_line(self) -> None:
        block = b"x" * (1024 * 1024)
        try:
            self._chunk(b"data: before\n\ndata: ")
            for _ in range(HUGE_LINE_BYTES // len(block)):
                if self.server.stopping.is_set():
                    break
                self._chunk(block)
            self._chunk(b"\n\n")
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        self.close_connection = True


class StreamServer(ThreadingHTTPServer):
    """Scripted streaming responses on 127.0.0.1; see the module's docstring.

    ``url`` is the server's base URL, ``requests`` the paths asked for, in
    order, and ``gate`` the event that :data:`GATE` steps wait on.
    """

    daemon_threads = False  # server_close joins the handler threads
    block_on_close = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.scripts: dict[str, tuple[str, list[Step]]] = dict(PATHS)
        self.requests: list[str] = []
        self.gate = threading.Event()
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that leaves mid-stream is what several scripts are for

    def script(self, path: str, steps: Sequence[Step], content_type: str = SSE) -> str:
        """Serve ``steps`` at ``path``; the full URL."""
        self.scripts[path] = (content_type, list(steps))
        return self.url + path

    def start(self) -> StreamServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """End every stream being served and wait for the threads."""
        self.stopping.set()
        self.gate.set()
        if self._thread.is_alive():
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()

    def __enter__(self) -> StreamServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def iter_paths() -> Iterator[str]:
    """The built-in paths, and the two served by code (``/forever``, ``/huge-line``)."""
    yield from PATHS
    yield "/forever"
    yield "/huge-line"
