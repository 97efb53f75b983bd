"""A local mock of a workspace's APIs, answering every call with a body that fits its structure.

Built on the standard library's asyncio streams with ``h11`` for HTTP/1.1:
h11 is already installed with httpx, it is a small, well-kept, pure protocol
implementation (framing, keep-alive, chunked bodies, error states), and
asyncio streams let the same server run on the command line
(:func:`serve_forever`), on the app's event loop, and in a thread for tests
(:func:`serve_in_thread`) with no new dependency.

Routing: each API is served under one prefix (the path of its base URL;
when several APIs are served, ``/<api-name>`` before it), and each call by
its method and path, ``{name}`` placeholders matching one path segment.
Literal paths win over templates. The body comes from the call's structure
(:mod:`designer.core.mock_values`), or a bundle's saved sample response
verbatim. ``X-Mock-Status: 404`` (or ``?__status=404``) asks for an error
status: a call that includes errors answers with its own structure and that
status; any other answers a generic JSON error.
"""

from __future__ import annotations

import asyncio
import http
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import h11
import orjson

from .interop.secret_names import snake
from .mock_values import ValueMaker, to_xml
from .models import Api, Call, path_placeholders
from .structure import ResponseType, Shape, ValueType

__all__ = ["MockApi", "MockServer", "RunningMock", "serve_in_thread"]

MAX_REQUEST_BODY = 16 * 1024 * 1024
_HOP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}
)


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    literal: int
    api: Api
    call: Call


@dataclass(frozen=True, slots=True)
class MockApi:
    """An API the mock serves, and the path prefix it is served under."""

    api: Api
    prefix: str


def _base_path(api: Api) -> str:
    return urlsplit(api.base_url).path.rstrip("/")


def _pattern(prefix: str, path: str) -> tuple[re.Pattern[str], int]:
    path = path.split("?", 1)[0]
    full = prefix + "/" + path.lstrip("/") if path.strip("/") else prefix or "/"
    parts = re.split(r"(\{[^{}/]+\})", full.rstrip("/") or "/")
    regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    literal = sum(len(p) for p in parts if not p.startswith("{"))
    return re.compile(regex + "/?"), literal


class MockServer:
    """Answers requests for ``apis``; :meth:`start` listens on ``host``:``port``."""

    def __init__(
        self,
        apis: Sequence[Api],
        *,
        seed: int = 0,
        latency: float = 0.0,
        samples: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        single = len(apis) == 1
        self.apis = [
            MockApi(a, _base_path(a) if single else f"/{snake(a.name).lower()}{_base_path(a)}")
            for a in apis
        ]
        self.seed = seed
        self.latency = latency
        self.samples = dict(samples or {})
        routes = []
        for mock in self.apis:
            for call in mock.api.calls:
                pattern, literal = _pattern(mock.prefix, call.path)
                routes.append(_Route(call.method.value, pattern, literal, mock.api, call))
        # The most literal path first: /items/featured before /items/{id}.
        routes.sort(key=lambda r: (-r.literal, len(path_placeholders(r.call.path))))
        self.routes = routes
        self._server: asyncio.Server | None = None
        self.url = ""

    def base_url(self, api: Api) -> str:
        """Where ``api`` is served: its ``mock`` environment's base URL."""
        prefix = next(m.prefix for m in self.apis if m.api.id == api.id)
        return self.url + prefix

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen; returns the server's URL (``http://host:port``)."""
        self._server = await asyncio.start_server(self._connection, host, port)
        sock_host, sock_port = self._server.sockets[0].getsockname()[:2]
        shown = f"[{sock_host}]" if ":" in sock_host else sock_host
        self.url = f"http://{shown}:{sock_port}"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # -- answering ---------------------------------------------------------------------------

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Reply:
        """The reply to ``method`` on ``target`` (path and query); ``body`` picks a GraphQL call."""
        url = urlsplit(target)
        query = parse_qs(url.query)
        wanted = headers.get("x-mock-status") or (query.get("__status") or [""])[0]
        matched = [r for r in self.routes if r.pattern.fullmatch(url.path)]
        verb = "GET" if method == "HEAD" else method
        route = next((r for r in matched if r.method == verb), None)
        same = [r for r in matched if r.method == verb]
        if len(same) > 1:  # GraphQL calls share an endpoint: the request names its operation
            from .gql.mock import choose_graphql_call

            chosen = choose_graphql_call([r.call for r in same], body, query)
            route = same[chosen] if chosen is not None else route
        if route is None:
            if matched:
                allowed = ", ".join(sorted({r.method for r in matched}))
                return _error(405, f"{method} is not allowed on {url.path}; use {allowed}")
            return _error(404, f"No call of the mock is at {url.path}")
        status = None
        if wanted:
            if not wanted.isdigit() or not 100 <= int(wanted) <= 599:
                return _error(400, f"X-Mock-Status must be an HTTP status, not {wanted!r}")
            status = int(wanted)
        return self._reply(route.api, route.call, status)

    def _reply(self, api: Api, call: Call, status: int | None) -> Reply:
        sample = self.samples.get(f"{api.id}/{call.id}")
        if sample is not None and status is None:
            return Reply(200, sample[0] or "application/json", sample[1].encode())
        shape = call.structure
        extra: tuple[tuple[str, str], ...] = ()
        stored_status = 200
        if shape is not None and (call.include_errors or call.capture_headers) and shape.fields:
            envelope = shape
            shape = envelope.fields.get("body") if envelope.fields else None
            stored_status = _stored_status(envelope)
            extra = _stored_headers(envelope)
        if status is not None and status >= 400 and not call.include_errors:
            return _error(status, f"The mock answers {status} as asked", extra)
        maker = ValueMaker(f"{self.seed}:{call.id}:{status or ''}")
        content_type, body = _body(call, shape, maker)
        if call.graphql is not None and content_type == "application/json":
            from .gql.mock import data_envelope

            body = data_envelope(body)
        return Reply(status or stored_status, content_type, body, extra)

    # -- HTTP --------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request = await _read_request(conn, reader)
                if request is None:
                    break
                event, request_body = request
                if self.latency:
                    await asyncio.sleep(self.latency)
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in event.headers}
                method = event.method.decode("ascii", "replace")
                reply = self.answer(method, event.target.decode("latin-1"), headers, request_body)
                _send(conn, writer, reply, head=method == "HEAD")
                await writer.drain()
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    break
                conn.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                _send(conn, writer, _error(exc.error_status_hint, "Bad request"), head=False)
        except (ConnectionError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass  # the client went away or broke the protocol: drop the connection
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass


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


def _send(conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply, *, head: bool) -> None:
    headers = [
        ("Content-Type", reply.content_type),
        ("Content-Length", str(len(reply.body))),
        ("Server", "connector-designer-mock"),
        *[(k, v) for k, v in reply.headers if k.lower() not in _HOP_HEADERS | {"content-type"}],
    ]
    try:
        reason = http.HTTPStatus(reply.status).phrase
    except ValueError:
        reason = ""
    writer.write(conn.send(h11.Response(status_code=reply.status, headers=headers, reason=reason)))
    if not head and reply.body:
        writer.write(conn.send(h11.Data(data=reply.body)))
    writer.write(conn.send(h11.EndOfMessage()))


def _error(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    try:
        code = http.HTTPStatus(status).name.lower()
    except ValueError:
        code = "error"
    body = orjson.dumps({"error": {"code": code, "message": message}})
    return Reply(status, "application/json", body, headers)


def _stored_status(envelope: Shape) -> int:
    node = (envelope.fields or {}).get("status_code")
    for sample in node.samples if node is not None else ():
        if isinstance(sample, int) and not isinstance(sample, bool) and 100 <= sample <= 599:
            return sample
    return 200


def _stored_headers(envelope: Shape) -> tuple[tuple[str, str], ...]:
    node = (envelope.fields or {}).get("headers")
    out = []
    maker = ValueMaker(0)
    for name, child in ((node.fields or {}) if node is not None else {}).items():
        out.append((name, str(maker.value(child))))
    return tuple(out)


def _body(call: Call, shape: Shape | None, maker: ValueMaker) -> tuple[str, bytes]:
    """The Content-Type and body for ``call`` from ``shape``."""
    if shape is None:
        return "application/json", b"{}"
    if shape.type is ValueType.BINARY or call.response_type is ResponseType.BINARY:
        size = min(shape.size or 64, 1024 * 1024)
        return shape.content_type or "application/octet-stream", maker.rng.randbytes(size)
    plain = shape.type is ValueType.TEXT and call.response_type is ResponseType.XML
    if shape.content_type is not None or call.response_type is ResponseType.TEXT or plain:
        text = maker.value(shape) if shape.type is ValueType.TEXT else ""
        media = shape.content_type or "text/plain"
        return f"{media}; charset=utf-8", str(text if text is not None else "").encode()
    value = maker.value(shape)
    if call.response_type is ResponseType.XML:
        return "application/xml; charset=utf-8", to_xml(value)
    return "application/json", orjson.dumps(value)


# -- running -----------------------------------------------------------------------------------


class RunningMock:
    """A mock served by a thread of its own (tests, benchmarks); :meth:`stop` ends it."""

    def __init__(self, server: MockServer, host: str, port: int) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(host, port), name="mock-api", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    @property
    def url(self) -> str:
        return self.server.url

    def _run(self, host: str, port: int) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main(host, port))
        self._loop.close()

    async def _main(self, host: str, port: int) -> None:
        self._stop = asyncio.Event()
        try:
            await self.server.start(host, port)
        except OSError as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        await self.server.stop()

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join()


def serve_in_thread(server: MockServer, host: str = "127.0.0.1", port: int = 0) -> RunningMock:
    """Serve ``server`` from a daemon thread; returns once it listens."""
    return RunningMock(server, host, port)
