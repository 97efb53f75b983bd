"""A small HTTP/1.1 server on asyncio streams and h11, for the mock API and webhook listener.

Both answer plain requests on a local port and need nothing a framework adds: h11
(already installed with httpx) does the protocol, asyncio's streams the sockets.
Subclasses say what to answer in :meth:`LocalHttpServer.respond`; this module
reads requests (bodies capped at :data:`MAX_REQUEST_BODY`), writes replies,
keeps connections alive and answers broken requests with a JSON error.

Both servers may face the internet (a webhook sender, a tunnel), so every
resource a stranger can hold is bounded: a request head must arrive within
:attr:`LocalHttpServer.header_timeout` and its body within
:attr:`LocalHttpServer.body_timeout`; at most
:attr:`LocalHttpServer.max_connections` connections are open (kept under the
open-files limit), and when a new one arrives at the limit the oldest
connection still waiting for a request head (then one still sending a body)
is dropped, so slow or half-open connections cannot starve a real sender. If the process still
runs out of file descriptors, asyncio's "socket.accept() out of system
resource" report becomes one line at most once a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import logging
import resource
import time
from dataclasses import dataclass, field

import h11
import orjson

__all__ = ["MAX_REQUEST_BODY", "LocalHttpServer", "Reply", "error_reply", "default_max_connections"]

MAX_REQUEST_BODY = 16 * 1024 * 1024
#: Open-files headroom left to the rest of the process (files, the app, the listener itself).
_FD_RESERVE = 64
_HOP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}
)

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """An answer; with ``parts`` the body is sent as they say instead of ``body``: chunked,
    each part after waiting its seconds (a streamed answer, e.g. Server-Sent Events)."""

    status: int
    content_type: str
    body: bytes
    headers: Headers = ()
    parts: tuple[tuple[float, bytes], ...] = ()


def error_reply(status: int, message: str, headers: Headers = ()) -> Reply:
    """A JSON error body, ``{"error": {"code": "not_found", "message": …}}``."""
    try:
        code = http.HTTPStatus(status).name.lower()
    except ValueError:
        code = "error"
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Reply(status, "application/json", body, headers)


def default_max_connections() -> int:
    """At most 256 connections, and at most a third of the files the process may open.

    asyncio accepts up to a backlog of connections at once before any is looked at,
    and a dropped connection's file closes on the next turn of the loop: a third
    leaves room for both.
    """
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (OSError, ValueError):
        return 256
    if soft == resource.RLIM_INFINITY:
        return 256
    return max(8, min(256, (soft - _FD_RESERVE) // 3))


class _AcceptErrorFilter(logging.Filter):
    """Turns asyncio's accept failure at the open-files limit into a line a minute."""

    message = "socket.accept() out of system resource"
    interval = 60.0

    def __init__(self) -> None:
        super().__init__()
        self._last = -float("inf")
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.message):
            return True
        now = time.monotonic()
        if now - self._last < self.interval:
            self._dropped += 1
            return False
        dropped = f" ({self._dropped} more since the last report)" if self._dropped else ""
        self._last, self._dropped = now, 0
        record.msg = (
            "A local server cannot accept more connections: the open-files limit is "
            f"reached; raise it with 'ulimit -n'{dropped}"
        )
        record.args = None
        record.exc_info = None
        record.exc_text = None
        return True


def _quiet_accept_errors() -> None:
    log = logging.getLogger("asyncio")
    if not any(isinstance(f, _AcceptErrorFilter) for f in log.filters):
        log.addFilter(_AcceptErrorFilter())


@dataclass(eq=False, slots=True)
class _Connection:
    """One open connection: when it opened, and how far its current request has come."""

    task: asyncio.Task[None] | None
    writer: asyncio.StreamWriter
    opened: float = field(default_factory=time.monotonic)
    #: _HEAD: waiting for a request head; _BODY: receiving a body; _ANSWERING
    phase: int = 0


_HEAD, _BODY, _ANSWERING = 0, 1, 2


class LocalHttpServer:
    """Listens on a host and port; each request is answered by :meth:`respond`."""

    #: the Server header of every reply
    server_name = "connector-designer"
    #: seconds for a whole request head to arrive (and for the next one on a kept-alive
    #: connection)
    header_timeout = 10.0
    #: seconds for a whole request body to arrive, once its head has
    body_timeout = 60.0

    def __init__(self, *, max_connections: int | None = None) -> None:
        self._server: asyncio.Server | None = None
        self.url = ""
        #: connections open at once; at the limit the oldest waiting one makes room
        self.max_connections = max_connections or default_max_connections()
        self._connections: dict[asyncio.StreamWriter, _Connection] = {}

    def url_path(self) -> str:
        """What follows host and port in :attr:`url` (a listener's own path)."""
        return ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen; returns the server's URL (``http://host:port`` and :meth:`url_path`)."""
        _quiet_accept_errors()
        # The backlog is also how many connections asyncio accepts in one go.
        backlog = min(100, self.max_connections)
        self._server = await asyncio.start_server(self._connection, host, port, backlog=backlog)
        sock_host, sock_port = self._server.sockets[0].getsockname()[:2]
        shown = f"[{sock_host}]" if ":" in sock_host else sock_host
        self.url = f"http://{shown}:{sock_port}{self.url_path()}"
        return self.url

    async def stop(self) -> None:
        for entry in list(self._connections.values()):
            self._drop(entry)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def respond(self, method: str, target: str, headers: Headers, body: bytes) -> Reply:
        raise NotImplementedError

    def _admit(self, writer: asyncio.StreamWriter) -> _Connection | None:
        """Register a new connection, making room at the limit; None: refuse it."""
        if len(self._connections) >= self.max_connections:
            # Those still waiting for a head go first, then those still sending a body
            # (a slow-body sender), the oldest first; one being answered stays.
            waiting = [c for c in self._connections.values() if c.phase != _ANSWERING]
            if not waiting:
                return None  # every slot is answering a request: the newcomer may retry
            self._drop(min(waiting, key=lambda c: (c.phase, c.opened)))
        entry = _Connection(asyncio.current_task(), writer)
        self._connections[writer] = entry
        return entry

    def _drop(self, entry: _Connection) -> None:
        self._connections.pop(entry.writer, None)
        entry.writer.transport.abort()
        if entry.task is not None:
            entry.task.cancel()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        entry = self._admit(writer)
        if entry is None:
            writer.transport.abort()
            return
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await _read_request(
                    conn, reader, entry, self.header_timeout, self.body_timeout
                )
                if request is None:
                    break
                event, body = request
                entry.phase = _ANSWERING
                headers = tuple(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers
                )
                method = event.method.decode("ascii", "replace")
                target = event.target.decode("latin-1")
                try:
                    reply = await self.respond(method, target, headers, body)
                except Exception as exc:  # one bad request must not end the server
                    reply = error_reply(
                        500, f"The server could not answer this request ({type(exc).__name__})"
                    )
                self._send(conn, writer, reply, head=method == "HEAD")
                await writer.drain()
                if reply.parts:
                    await _send_parts(conn, writer, reply, head=method == "HEAD")
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    break
                conn.start_next_cycle()
                entry.phase = _HEAD
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                reply = error_reply(exc.error_status_hint, "Bad request")
                self._send(conn, writer, reply, head=False)
        except (ConnectionError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass  # the client went away or broke the protocol: drop the connection
        except TimeoutError:
            pass  # too slow: a head or body that does not arrive in time is dropped
        except asyncio.CancelledError:
            pass  # the server stopped, or the connection made room for a newer one
        finally:
            self._connections.pop(writer, None)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    def _send(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply, *, head: bool
    ) -> None:
        length = [] if reply.parts else [("Content-Length", str(len(reply.body)))]
        headers = [
            ("Content-Type", reply.content_type),
            *length,
            ("Server", self.server_name),
            *[(k, v) for k, v in reply.headers if k.lower() not in _HOP_HEADERS | {"content-type"}],
        ]
        try:
            reason = http.HTTPStatus(reply.status).phrase
        except ValueError:
            reason = ""
        response = h11.Response(status_code=reply.status, headers=headers, reason=reason)
        writer.write(conn.send(response))
        if reply.parts:
            return  # the body follows, part by part (_send_parts)
        if not head and reply.body:
            writer.write(conn.send(h11.Data(data=reply.body)))
        writer.write(conn.send(h11.EndOfMessage()))


async def _send_parts(
    conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply, *, head: bool
) -> None:
    """The body of a streamed reply, each part flushed after its pause."""
    if not head:
        for pause, data in reply.parts:
            if pause > 0:
                await asyncio.sleep(pause)
            if data:
                writer.write(conn.send(h11.Data(data=data)))
                await writer.drain()
    writer.write(conn.send(h11.EndOfMessage()))
    await writer.drain()


async def _read_request(
    conn: h11.Connection,
    reader: asyncio.StreamReader,
    entry: _Connection,
    header_timeout: float,
    body_timeout: float,
) -> tuple[h11.Request, bytes] | None:
    request: h11.Request | None = None
    chunks: list[bytes] = []
    size = 0
    loop = asyncio.get_running_loop()
    deadline = loop.time() + header_timeout
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            async with asyncio.timeout_at(deadline):
                conn.receive_data(await reader.read(65536))
            continue
        if isinstance(event, h11.Request):
            request = event
            entry.phase = _BODY
            deadline = loop.time() + body_timeout
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_REQUEST_BODY:
                raise h11.RemoteProtocolError("request body too large", error_status_hint=413)
            chunks.append(event.data)
        elif isinstance(event, h11.EndOfMessage):
            assert request is not None
            return request, b"".join(chunks)
        else:  # ConnectionClosed, or PAUSED after a bad state
            return None
