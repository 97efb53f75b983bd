"""A local API whose answers a test changes between runs: for drift checks and benchmarks.

Each path answers the JSON body (and status) the test sets with :meth:`answer`;
``retry_after`` makes the next answers of a path 429s with a ``Retry-After``;
``token`` requires ``Authorization: Bearer <token>``; ``latency`` delays every
answer. The server records the most requests it had in flight at once.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson

__all__ = ["DriftServer", "running_drift_server"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Head and body go out in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        server: DriftServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            server.requests.append((self.path, time.monotonic()))
        try:
            if server.latency:
                time.sleep(server.latency)
            self._answer(server)
        finally:
            with server.lock:
                server.in_flight -= 1

    def _answer(self, server: DriftServer) -> None:
        path = self.path.split("?", 1)[0]
        headers = {"Content-Type": "application/json"}
        if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
            status, body = 401, {"error": "unauthorized"}
        elif server.pending_429.get(path, 0) > 0:
            server.pending_429[path] -= 1
            status, body = 429, {"error": "slow down"}
            headers["Retry-After"] = str(server.retry_after)
        elif path in server.bodies:
            status, body = server.statuses.get(path, 200), server.bodies[path]
        else:
            status, body = 404, {"error": "not found"}
        data = orjson.dumps(body)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class DriftServer(ThreadingHTTPServer):
    """Answers GETs with bodies set per path."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.latency = latency
        self.bodies: dict[str, Any] = {}
        self.statuses: dict[str, int] = {}
        self.pending_429: dict[str, int] = {}
        self.retry_after = 1
        self.token = ""
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[tuple[str, float]] = []

    def answer(self, path: str, body: Any, status: int = 200) -> None:
        self.bodies[path] = body
        self.statuses[path] = status


@contextmanager
def running_drift_server(latency: float = 0.0) -> Iterator[DriftServer]:
    server = DriftServer(latency)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _main() -> None:
    """Serve ``--paths`` paths (``/v1/items/<n>``) with one JSON body, for the benchmark."""
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--paths", type=int, default=200)
    parser.add_argument("--body", default="{}")
    args = parser.parse_args()
    with running_drift_server(args.latency) as server:
        body = orjson.loads(args.body)
        for n in range(args.paths):
            server.answer(f"/v1/items/{n}", body)
        print(server.url, flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin


if __name__ == "__main__":
    _main()
