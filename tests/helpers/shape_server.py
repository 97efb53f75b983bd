"""A local server that answers every GET with a body the test sets, and can hold answers back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

__all__ = ["ShapeServer", "running_shape_server"]


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        server: ShapeServer = self.server  # type: ignore[assignment]
        server.gate.wait()
        self.send_response(server.status)
        self.send_header("Content-Type", server.content_type)
        self.send_header("Content-Length", str(len(server.body)))
        self.end_headers()
        self.wfile.write(server.body)


class ShapeServer(ThreadingHTTPServer):
    """Answers every GET with the body a test sets; ``gate`` holds answers back."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.body, self.status, self.content_type = b"{}", 200, "application/json"
        self.gate = threading.Event()
        self.gate.set()
        self.url = f"http://127.0.0.1:{self.server_address[1]}"

    def serve(self, value: Any) -> None:
        self.body = orjson.dumps(value)


@contextmanager
def running_shape_server() -> Iterator[ShapeServer]:
    server = ShapeServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.gate.set()
        server.shutdown()
        server.server_close()
