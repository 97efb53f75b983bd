"""A one-webhook listener on 127.0.0.1: capture the next N requests, answer each one.

It serves HTTP/1.1 with asyncio streams and h11, as the mock server does
(:mod:`designer.core.mock_server`). Requests to the webhook's method and path
are captured (their signature checked when the webhook is signed) and
answered with the chosen status and body; others get a 404 or 405 that says
what is listened for, and are not captured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import h11

from ..mock_server import Reply, _error, _read_request, _send
from ..models import Webhook
from .capture import CapturedRequest
from .signature import DEFAULT_TOLERANCE, verify

__all__ = ["Answer", "WebhookListener"]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the listener answers each captured request."""

    status: int = 200
    body: str = '{"received": true}'
    content_type: str = "application/json"


class WebhookListener:
    """Listens for ``hook``; :attr:`done` is set after ``count`` captures (0: never)."""

    def __init__(
        self,
        hook: Webhook,
        secret: str | None,
        *,
        count: int = 1,
        answer: Answer | None = None,
        tolerance: int = DEFAULT_TOLERANCE,
        on_capture: Callable[[CapturedRequest], None] | None = None,
        on_ignored: Callable[[str, str], None] | None = None,
    ) -> None:
        self.hook = hook
        self._secret = secret
        self.count = count
        self.answer = answer or Answer()
        self.tolerance = tolerance
        self.captured: list[CapturedRequest] = []
        self.on_capture = on_capture
        self.on_ignored = on_ignored
        self.done = asyncio.Event()
        self._server: asyncio.Server | None = None
        self.url = ""

    @property
    def path(self) -> str:
        return "/" + self.hook.path.strip().lstrip("/")

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen; returns the URL to give the sender."""
        self._server = await asyncio.start_server(self._connection, host, port)
        sock_host, sock_port = self._server.sockets[0].getsockname()[:2]
        shown = f"[{sock_host}]" if ":" in sock_host else sock_host
        self.url = f"http://{shown}:{sock_port}{self.path}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def wait(self) -> list[CapturedRequest]:
        """Wait for the requests asked for; returns every capture."""
        await self.done.wait()
        return self.captured

    def handle(
        self, method: str, target: str, headers: tuple[tuple[str, str], ...], body: bytes
    ) -> Reply:
        """Capture (or turn away) one request and say what to answer."""
        path = target.split("?", 1)[0]
        if path.rstrip("/") != self.path.rstrip("/"):
            if self.on_ignored is not None:
                self.on_ignored(method, target)
            return _error(404, f"This listener captures {self.hook.method.value} {self.path} only")
        if method != self.hook.method.value:
            if self.on_ignored is not None:
                self.on_ignored(method, target)
            return _error(405, f"This listener captures {self.hook.method.value} {self.path} only")
        verdict = verify(self.hook, self._secret, dict(headers), body, tolerance=self.tolerance)
        sample = CapturedRequest(method, target, headers, body, verdict.verified, verdict.reason)
        if not self.done.is_set():
            self.captured.append(sample)
            if self.on_capture is not None:
                self.on_capture(sample)
            if self.count and len(self.captured) >= self.count:
                self.done.set()
        return Reply(self.answer.status, self.answer.content_type, self.answer.body.encode())

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await _read_request(conn, reader)
                if request is None:
                    break
                event, body = request
                headers = tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers
                )
                method = event.method.decode("ascii", "replace")
                reply = self.handle(method, event.target.decode("latin-1"), headers, body)
                _send(conn, writer, reply, head=method == "HEAD")
                await writer.drain()
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    break
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                _send(conn, writer, _error(exc.error_status_hint, "Bad request"), head=False)
        except (ConnectionError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass  # the sender went away or broke the protocol: drop the connection
        except asyncio.CancelledError:
            pass  # the listener stopped while the sender kept the connection open
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass
