"""The demo API the application serves itself, and the example workspace that calls it.

A newcomer with no internet must be able to press Initialize and see a
structure, so the app starts this small API on 127.0.0.1 (a random free port,
a daemon thread) and opens the bundled example workspace pointed at it.

Endpoints (all under ``/v1``)::

    GET  /products?page=&per_page=   a page of products, {"data": [...], "page", "has_more", ...}
    GET  /products/{id}              one product, by sku (SKU-00001) or number
    GET  /orders/{id}                an order (1001-1040), else 404 with a JSON error
    POST /orders                     creates nothing, answers 201 with the order it would create
    GET  /account                    needs the header X-API-Key: demo-key, else 401
    GET  /feed.xml                   an RSS feed
    GET  /unstable                   always 500 with a JSON error
    GET  /big?items=N                N compact records (up to 200 000), streamed
    POST /graphql (or GET)           GraphQL: products, orders, createOrder, introspection
    POST /chat/completions           OpenAI-shaped chat; "stream": true answers Server-Sent Events
    POST /messages                   Anthropic-shaped messages; "stream": true answers named events

Run ``python -m designer.core.demo.server [PORT]`` to serve it on its own.
"""

from __future__ import annotations

import importlib.resources
import re
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from designer.core.demo import data as demo_data
from designer.core.demo import streams as demo_streams
from designer.core.models import Workspace, secret_ref
from designer.core.workspace import file as workspace_file

__all__ = [
    "DEMO_API_KEY",
    "DEMO_SERVER",
    "EXAMPLE_PATH",
    "DemoServer",
    "example_secrets",
    "example_workspace",
    "resolve_demo_server",
    "served_demo",
    "start_demo_server",
    "stop_served_demo",
]

DEMO_API_KEY = "demo-key"
#: What the example's base URL holds instead of the demo API's address: the port
#: changes with every start, so a saved copy of the example names the server this way,
#: and it is resolved when a request is built (:func:`resolve_demo_server`).
DEMO_SERVER = "{demo_server}"
#: The bundled example: resources/ ships inside the package as designer.resources.
EXAMPLE_PATH = importlib.resources.files("designer.resources") / "examples/example.workspace.json"
MAX_BIG_ITEMS = 200_000
_BIG_CHUNK = 2000

Reply = tuple[int, str, bytes | Iterator[bytes]]


def _json(status: int, value: Any) -> Reply:
    return status, "application/json", orjson.dumps(value)


def _error(status: int, code: str, message: str) -> Reply:
    return _json(status, {"error": {"status": status, "code": code, "message": message}})


def _int(query: dict[str, list[str]], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        return default
    return max(low, min(high, value))


def _products(base: str, query: dict[str, list[str]]) -> Reply:
    page = _int(query, "page", 1, 1, 10_000)
    per_page = _int(query, "per_page", 20, 1, 100)
    first = (page - 1) * per_page + 1
    last = min(first + per_page - 1, demo_data.PRODUCT_COUNT)
    has_more = last < demo_data.PRODUCT_COUNT
    following = f"{base}/v1/products?page={page + 1}&per_page={per_page}"
    return _json(
        200,
        {
            "data": [demo_data.product(i) for i in range(first, last + 1)],
            "page": page,
            "per_page": per_page,
            "total": demo_data.PRODUCT_COUNT,
            "has_more": has_more,
            "next_page": following if has_more else None,
        },
    )


def _product(key: str) -> Reply:
    number = key.removeprefix("SKU-").lstrip("0")
    if number.isdigit() and 1 <= int(number) <= demo_data.PRODUCT_COUNT:
        return _json(200, demo_data.product(int(number)))
    return _error(404, "not_found", f"No product '{key}'; try SKU-00001 to SKU-00137")


def _order(key: str) -> Reply:
    if key.isdigit() and int(key) in demo_data.ORDER_IDS:
        return _json(200, demo_data.order(int(key)))
    return _error(404, "not_found", f"No order with id '{key}'; orders 1001 to 1040 exist")


def _create_order(body: bytes) -> Reply:
    try:
        payload = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        return _error(400, "invalid_json", "The request body is not valid JSON")
    if not isinstance(payload, dict) or "product_id" not in payload:
        return _error(422, "invalid_order", "Send a JSON object with 'product_id' and 'quantity'")
    created = demo_data.order(1041)
    created.update(status="pending", shipped_on=None, tracking_url=None, request=payload)
    return _json(201, created)


def _big(query: dict[str, list[str]]) -> Reply:
    count = _int(query, "items", 1000, 0, MAX_BIG_ITEMS)

    def chunks() -> Iterator[bytes]:
        # Streamed in chunks so 80 MB never sits in memory at once.
        yield b'{"count":%d,"items":[' % count
        for start in range(0, count, _BIG_CHUNK):
            stop = min(start + _BIG_CHUNK, count)
            part = b",".join(demo_data.big_item(i) for i in range(start + 1, stop + 1))
            yield (b"," + part) if start else part
        yield b"]}"

    return 200, "application/json", chunks()


def _graphql(method: str, query: dict[str, list[str]], body: bytes) -> Reply:
    from designer.core.demo.graphql import answer

    status, payload = answer(method, query, body)
    return status, "application/json", payload


def _url(address: Any) -> str:
    host, port = address[:2]
    return f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoStore/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: request lines on stderr would clutter the app's console."""

    def _base(self) -> str:
        return _url(self.server.server_address)

    def _route(self, method: str, body: bytes) -> Reply:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path.rstrip("/")
        routes: list[tuple[str, str, Callable[[re.Match[str]], Reply]]] = [
            ("GET", r"/v1/products", lambda m: _products(self._base(), query)),
            ("GET", r"/v1/products/([^/]+)", lambda m: _product(m[1])),
            ("GET", r"/v1/orders/([^/]+)", lambda m: _order(m[1])),
            ("POST", r"/v1/orders", lambda m: _create_order(body)),
            ("GET", r"/v1/account", lambda m: self._account()),
            (
                "GET",
                r"/v1/feed\.xml",
                lambda m: (
                    200,
                    "application/rss+xml; charset=utf-8",
                    demo_data.feed_xml(self._base()),
                ),
            ),
            (
                "GET",
                r"/v1/unstable",
                lambda m: _error(
                    500, "internal", "The demo server fails here on purpose, every time"
                ),
            ),
            ("GET", r"/v1/big", lambda m: _big(query)),
            ("GET", r"/v1/graphql", lambda m: _graphql("GET", query, body)),
            ("POST", r"/v1/graphql", lambda m: _graphql("POST", query, body)),
            ("POST", r"/v1/chat/completions", lambda m: demo_streams.chat_completion(body)),
            ("POST", r"/v1/messages", lambda m: demo_streams.messages(body)),
        ]
        allowed = False
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match is None:
                continue
            if verb == method:
                return handler(match)
            allowed = True
        if allowed:
            return _error(405, "method_not_allowed", f"{method} is not allowed on {path}")
        return _error(404, "not_found", f"No endpoint {path}; see /v1/products")

    def _account(self) -> Reply:
        if self.headers.get("X-API-Key") != DEMO_API_KEY:
            return _error(
                401, "unauthorized", "Missing or wrong API key; send it in the X-API-Key header"
            )
        return _json(200, demo_data.account())

    def _reply(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        token = getattr(self.server, "bearer_token", None)
        if token is not None and self.headers.get("Authorization") != f"Bearer {token}":
            status, content_type, payload = _error(
                401, "unauthorized", "Missing or wrong token; send Authorization: Bearer TOKEN"
            )
        else:
            status, content_type, payload = self._route(method, body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("X-Request-Id", f"req-{status}-{len(self.path)}")
        if isinstance(payload, bytes):
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for chunk in payload:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()  # streamed answers are seen piece by piece
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            # The client cancelled the download; nothing to clean up.
            self.close_connection = True

    def do_GET(self) -> None:
        self._reply("GET")

    def do_POST(self) -> None:
        self._reply("POST")


class DemoServer:
    """A running demo API; :attr:`url` is its base URL, without a trailing slash."""

    def __init__(self, httpd: ThreadingHTTPServer) -> None:
        self._httpd = httpd
        self.url = _url(httpd.server_address)
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="demo-api", daemon=True, kwargs={"poll_interval": 0.1}
        )
        self._thread.start()

    @property
    def serving(self) -> bool:
        """Whether it still answers (:meth:`stop` was not called)."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    #: When set, every request needs ``Authorization: Bearer <token>`` (else 401).
    bearer_token: str | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is normal (a stream read up to ``[DONE]``, a cancelled
        call): nothing to report. Anything else is still printed, as by the base class."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def start_demo_server(port: int = 0, *, bearer_token: str | None = None) -> DemoServer:
    """Serve the demo API on 127.0.0.1 (``port`` 0 picks a free port) in a daemon thread.

    With ``bearer_token``, every request must carry it, as an API with token
    authentication does.
    """
    httpd = _DemoHTTPServer(("127.0.0.1", port), _Handler)
    httpd.bearer_token = bearer_token
    return DemoServer(httpd)


_served: DemoServer | None = None
_served_lock = threading.Lock()


def served_demo() -> DemoServer:
    """The demo API this process serves, started on first use (on a free port)."""
    global _served
    with _served_lock:
        if _served is None or not _served.serving:
            _served = start_demo_server()
        return _served


def stop_served_demo() -> None:
    """Stop the demo API :func:`served_demo` started, if it did."""
    global _served
    with _served_lock:
        server, _served = _served, None
    if server is not None:
        server.stop()


def resolve_demo_server(url: str) -> str:
    """``url`` with :data:`DEMO_SERVER` replaced by the address of the demo API, which is
    started if need be; any other URL as it is."""
    if DEMO_SERVER not in url:
        return url
    return url.replace(DEMO_SERVER, served_demo().url.rstrip("/"))


def example_workspace(url: str | None = None) -> Workspace:
    """The bundled example workspace, with its demo API pointed at ``url``.

    Without ``url`` its base URL names :data:`DEMO_SERVER`, so the workspace
    (and any saved copy of it) calls whichever demo API the app serves.
    """
    workspace = workspace_file.loads(EXAMPLE_PATH.read_bytes(), source=str(EXAMPLE_PATH))
    base = DEMO_SERVER if url is None else url.rstrip("/")
    for api in workspace.apis:
        api.base_url = base + "/v1"
    return workspace


def example_secrets(workspace: Workspace) -> dict[str, str]:
    """The secret values the example needs (the demo API key), by secret reference.

    Secrets never live in workspace files, so whoever opens the example seeds
    the secret store with these.
    """
    out: dict[str, str] = {}
    for api in workspace.apis:
        for call in api.calls:
            for parameter in call.parameters:
                if parameter.private and parameter.name == "X-API-Key":
                    out[secret_ref(api, f"param.{parameter.name}", call)] = DEMO_API_KEY
    return out


def _main(argv: list[str]) -> int:
    server = start_demo_server(int(argv[0]) if argv else 0)
    print(f"Demo API on {server.url}/v1 (Ctrl+C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
