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
(:mod:`designer.core.mock.values`), or a bundle's saved sample response
verbatim. A streamed call answers events over time (:mod:`designer.core.mock.streams`).
``X-Mock-Status: 404`` (or ``?__status=404``) asks for an error
status: a call that includes errors answers with its own structure and that
status; any other answers a generic JSON error.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import orjson

from designer.core.http.server import Headers, LocalHttpServer, Reply, error_reply
from designer.core.mock.streams import StreamSample, stream_reply, wants_stream
from designer.core.mock.values import ValueMaker, to_xml
from designer.core.models import Api, Call, path_placeholders
from designer.core.secrets.names import snake
from designer.core.structure import ResponseType, Shape, ValueType

__all__ = ["MockApi", "MockServer", "RunningMock", "serve_in_thread"]

_STATUS = re.compile(r"[0-9]{3}")


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


class MockServer(LocalHttpServer):
    """Answers requests for ``apis``; :meth:`start` listens on ``host``:``port``."""

    server_name = "connector-designer-mock"

    def __init__(
        self,
        apis: Sequence[Api],
        *,
        seed: int = 0,
        latency: float = 0.0,
        samples: Mapping[str, tuple[str, str]] | None = None,
        stream_samples: Mapping[str, StreamSample] | None = None,
        speed: float = 1.0,
    ) -> None:
        single = len(apis) == 1
        self.apis = [
            MockApi(a, _base_path(a) if single else f"/{snake(a.name).lower()}{_base_path(a)}")
            for a in apis
        ]
        self.seed = seed
        self.latency = latency
        self.samples = dict(samples or {})
        #: kept streamed responses by "api id/call id", replayed with their spacing
        self.stream_samples = dict(stream_samples or {})
        #: how much faster than recorded (or made) streamed answers are sent
        self.speed = speed
        routes = []
        for mock in self.apis:
            for call in mock.api.calls:
                pattern, literal = _pattern(mock.prefix, call.path)
                routes.append(_Route(call.method.value, pattern, literal, mock.api, call))
        # The most literal path first: /items/featured before /items/{id}.
        routes.sort(key=lambda r: (-r.literal, len(path_placeholders(r.call.path))))
        self.routes = routes
        super().__init__()

    def base_url(self, api: Api) -> str:
        """Where ``api`` is served: its ``mock`` environment's base URL."""
        prefix = next(m.prefix for m in self.apis if m.api.id == api.id)
        return self.url + prefix

    # -- answering ---------------------------------------------------------------------------

    async def respond(self, method: str, target: str, headers: Headers, body: bytes) -> Reply:
        if self.latency:
            await asyncio.sleep(self.latency)
        return self.answer(method, target, dict(headers), body)

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
            from designer.core.gql.mock import choose_graphql_call

            chosen = choose_graphql_call([r.call for r in same], body, query)
            route = same[chosen] if chosen is not None else route
        if route is None:
            if matched:
                allowed = ", ".join(sorted({r.method for r in matched}))
                return error_reply(405, f"{method} is not allowed on {url.path}; use {allowed}")
            return error_reply(404, f"No call of the mock is at {url.path}")
        status = None
        if wanted:
            # Three ASCII digits (str.isdigit() takes "²", which int() refuses), and a final
            # status: a 1xx cannot end an answer.
            if not _STATUS.fullmatch(wanted) or not 200 <= int(wanted) <= 599:
                shown = wanted if len(wanted) <= 20 else wanted[:20] + "…"
                return error_reply(
                    400, f"X-Mock-Status must be an HTTP status (200 to 599), not {shown!r}"
                )
            status = int(wanted)
        return self._reply(route.api, route.call, status)

    def _reply(self, api: Api, call: Call, status: int | None) -> Reply:
        sample = self.samples.get(f"{api.id}/{call.id}")
        if status is None and self._streamed(call):
            kept = self.stream_samples.get(f"{api.id}/{call.id}")
            if kept is None and sample is not None:
                kept = StreamSample(sample[0], sample[1].encode())
            if kept is not None:
                return stream_reply(None, ValueMaker(0), sample=kept, speed=self.speed)
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
            return error_reply(status, f"The mock answers {status} as asked", extra)
        maker = ValueMaker(f"{self.seed}:{call.id}:{status or ''}")
        if wants_stream(call.response_type, shape) and (status or stored_status) < 400:
            return stream_reply(
                shape, maker, status=status or stored_status, headers=extra, speed=self.speed
            )
        content_type, body = _body(call, shape, maker)
        if call.graphql is not None and content_type == "application/json":
            from designer.core.gql.mock import data_envelope

            body = data_envelope(body)
        return Reply(status or stored_status, content_type, body, extra)

    def _streamed(self, call: Call) -> bool:
        shape = call.structure
        if shape is not None and (call.include_errors or call.capture_headers) and shape.fields:
            shape = shape.fields.get("body")
        return wants_stream(call.response_type, shape)


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
