"""An HTTP server on 127.0.0.1 that records every request and answers 200 with JSON.

Tests use it to see exactly what went out: the method, the raw request
target (so ``%7Bname%7D`` would show), the headers and the body, whatever
the method or path. A POST to a path ending in ``/token`` is answered as an
OAuth2 token endpoint would (``access_token`` ``echo-access-token``), so calls
of APIs with OAuth2 can be sent too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import orjson

__all__ = ["TOKEN", "EchoServer", "Recorded"]

TOKEN = "echo-access-token"


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    target: str  # path and query exactly as sent
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> object:
        return orjson.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.recorded.append(Recorded(self.command, self.path, headers, body))
        answer = orjson.dumps({"ok": True, "method": self.command, "path": self.path})
        if self.command == "POST" and self.path.split("?", 1)[0].endswith("/token"):
            token = {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600}
            answer = orjson.dumps(token)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _record

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read :attr:`EchoServer.recorded` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    recorded: list[Recorded]


class EchoServer:
    """``with EchoServer() as echo:`` serves on ``echo.host`` until the block ends."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.recorded = []
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, without a scheme."""
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def recorded(self) -> list[Recorded]:
        return self._server.recorded

    def __enter__(self) -> EchoServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
