"""A small HTTP/1.1 server on asyncio streams and h11, for the mock API and webhook listener.

Both answer plain requests on a local port and need nothing a framework adds: h11
(already installed with httpx) does the protocol, asyncio's streams the sockets.
Subclasses say what to answer in :meth:`LocalHttpServer.respond`; this module
reads requests (bodies capped at :data:`MAX_REQUEST_BODY`), writes replies,
keeps connections alive and answers broken requests with a JSON error.
"""

from __future__ import annotations

import asyncio
import http
from dataclasses import dataclass

import h11
import orjson

__all__ = ["MAX_REQUEST_BODY", "LocalHttpServer", "Reply", "error_reply"]

MAX_REQUEST_BODY = 16 * 1024 * 1024
_HOP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}
)

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: Headers = ()


def error_reply(status: int, message: str, headers: Headers = ()) -> Reply:
    """A JSON error body, ``{"error": {"code": "not_found", "message": …}}``."""
    try:
        code = http.HTTPStatus(status).name.lower()
    except ValueError:
        code = "error"
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Reply(status, "application/json", body, headers)


class LocalHttpServer:
    """Listens on a host and port; each request is answered by :meth:`respond`."""

    #: the Server header of every reply
    server_name = "connector-designer"

    def __init__(self) -> None:
        self._server: asyncio.Server | None = None
        self.url = ""

    def url_path(self) -> str:
        """What follows host and port in :attr:`url` (a listener's own path)."""
        return ""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen; returns the server's URL (``http://host:port`` and :meth:`url_path`)."""
        self._server = await asyncio.start_server(self._connection, host, port)
        sock_host, sock_port = self._server.sockets[0].getsockname()[:2]
        shown = f"[{sock_host}]" if ":" in sock_host else sock_host
        self.url = f"http://{shown}:{sock_port}{self.url_path()}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def respond(self, method: str, target: str, headers: Headers, body: bytes) -> Reply:
        raise NotImplementedError

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
                reply = await self.respond(method, event.target.decode("latin-1"), headers, body)
                self._send(conn, writer, reply, head=method == "HEAD")
                await writer.drain()
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    break
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                reply = error_reply(exc.error_status_hint, "Bad request")
                self._send(conn, writer, reply, head=False)
        except (ConnectionError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass  # the client went away or broke the protocol: drop the connection
        except asyncio.CancelledError:
            pass  # the server stopped while the client kept the connection open
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass

    def _send(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply, *, head: bool
    ) -> None:
        headers = [
            ("Content-Type", reply.content_type),
            ("Content-Length", str(len(reply.body))),
            ("Server", self.server_name),
            *[(k, v) for k, v in reply.headers if k.lower() not in _HOP_HEADERS | {"content-type"}],
        ]
        try:
            reason = http.HTTPStatus(reply.status).phrase
        except ValueError:
            reason = ""
        response = h11.Response(status_code=reply.status, headers=headers, reason=reason)
        writer.write(conn.send(response))
        if not head and reply.body:
            writer.write(conn.send(h11.Data(data=reply.body)))
        writer.write(conn.send(h11.EndOfMessage()))


async def _read_request(
    conn: h11.Connection, reader: asyncio.StreamReader
) -> tuple[h11.Request, bytes] | None:
    request: h11.Request | None = None
    chunks: list[bytes] = []
    size = 0
    while True:
        event = conn.next_event()
        if event is h11.NEED_DATA:
            conn.receive_data(await reader.read(65536))
            continue
        if isinstance(event, h11.Request):
            request = event
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
