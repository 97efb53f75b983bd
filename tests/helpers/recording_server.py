"""A local HTTP server that records what each request carried, and can redirect.

``GET /redirect?to=URL`` answers 302 to ``URL`` (``status`` picks another
code; ``reflect=1`` adds the rest of the query to it); ``/need-bearer``
answers 200 only to ``Authorization: Bearer <expected_token>``; every other
path answers ``{"ok": true, ...}``. Nothing received is echoed
back, so a secret sent to it shows up in :attr:`RecordingServer.seen` only.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # lower-case names
    body: bytes


class RecordingServer:
    """Starts on 127.0.0.1 on a free port; ``url`` is its origin."""

    def __init__(self, expected_token: str = "") -> None:
        self.seen: list[Seen] = []
        self.expected_token = expected_token
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = parse_qsl(parts.query, keep_blank_values=True)
                headers = {k.lower(): v for k, v in self.headers.items()}
                owner.seen.append(Seen(self.command, parts.path, query, headers, body))
                params = dict(query)
                if parts.path == "/redirect":
                    location = params["to"]
                    if params.get("reflect") == "1":
                        # As login pages do: the rest of the query goes along.
                        rest = [(k, v) for k, v in query if k not in ("to", "status", "reflect")]
                        location += ("&" if "?" in location else "?") + urlencode(rest)
                    self.send_response(int(params.get("status", "302")))
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 200
                if parts.path == "/need-bearer":
                    wanted = f"Bearer {owner.expected_token}"
                    status = 200 if headers.get("authorization") == wanted else 401
                payload = b'{"ok": true, "items": [{"id": 1, "name": "a"}]}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_HEAD = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
