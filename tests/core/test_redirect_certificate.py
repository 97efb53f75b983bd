"""A client certificate is presented to the API's origin only, never to a redirect's target.

Two HTTPS servers on 127.0.0.1, on different ports: the first requires a client
certificate and redirects; the second asks for one (optional) and records
whether it got it.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme

from designer.core.http.execute import Executor, ResponseResult
from designer.core.http.request import build_request
from designer.core.models import Api, Call, ClientCertificateAuth, Parameter, secret_ref
from designer.core.secrets.store import MemorySecretStore

Run = Callable[[Any], ResponseResult]


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, bool]]

    def do_GET(self) -> None:
        peer = self.connection.getpeercert()  # type: ignore[attr-defined]
        self.seen.append((self.path, bool(peer)))
        parts = urlsplit(self.path)
        if parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", parse_qs(parts.query)["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _server(ca: trustme.CA, mode: ssl.VerifyMode) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = mode
    seen: list[tuple[str, bool]] = []
    handler = type("Handler", (_Handler,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def origin(ca: trustme.CA) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    yield from _server(ca, ssl.CERT_REQUIRED)


@pytest.fixture
def other(ca: trustme.CA) -> Iterator[tuple[str, list[tuple[str, bool]]]]:
    yield from _server(ca, ssl.CERT_OPTIONAL)


def _send(run_async: Run, ca: trustme.CA, tmp_path: Path, base: str, to: str) -> ResponseResult:
    client = ca.issue_cert("client@example.test")
    cert = tmp_path / "client.pem"
    cert.write_bytes(b"".join(blob.bytes() for blob in client.cert_chain_pems))
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    call = Call(name="Go", path="/redirect", parameters=[Parameter(name="to", value=to)])
    api = Api(
        name="Private",
        base_url=base,
        auth=ClientCertificateAuth(certificate=str(cert)),
        ca_bundle=str(ca_file),
        calls=[call],
    )
    store = MemorySecretStore(
        {secret_ref(api, "auth.private_key"): client.private_key_pem.bytes().decode()}
    )

    async def go() -> ResponseResult:
        async with Executor() as executor:
            return await executor.send(build_request(api, call, store))

    return run_async(go())


def test_another_origin_gets_no_client_certificate(
    run_async: Run, ca: trustme.CA, tmp_path: Path, origin: Any, other: Any
) -> None:
    (origin_url, origin_seen), (other_url, other_seen) = origin, other
    assert _send(run_async, ca, tmp_path, origin_url, f"{other_url}/landing").status == 200
    assert origin_seen[0][1] is True
    assert other_seen == [("/landing", False)]


def test_the_same_origin_gets_the_certificate_again(
    run_async: Run, ca: trustme.CA, tmp_path: Path, origin: Any
) -> None:
    url, seen = origin
    assert _send(run_async, ca, tmp_path, url, f"{url}/landing").status == 200
    assert seen[-1] == ("/landing", True)
