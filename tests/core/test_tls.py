"""Custom CA bundles and client certificates (mutual TLS) against a local TLS server."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from designer.core.errors import TLSError
from designer.core.http.execute import Executor, ResponseResult
from designer.core.http.request import build_request
from designer.core.models import Api, Call, ClientCertificateAuth, secret_ref
from designer.core.secrets.store import MemorySecretStore

Run = Callable[[Any], ResponseResult]


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        peer = self.connection.getpeercert()  # type: ignore[attr-defined]
        body = b'{"client": "%s"}' % (b"yes" if peer else b"no")
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


@pytest.fixture
def tls_server(ca: trustme.CA) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 that requires a client certificate from ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def setup(ca: trustme.CA, tmp_path: Path, url: str) -> tuple[Api, Call, MemorySecretStore]:
    client = ca.issue_cert("client@example.test")
    cert = tmp_path / "client.pem"
    cert.write_bytes(b"".join(blob.bytes() for blob in client.cert_chain_pems))
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    call = Call(name="Hello", path="/hello")
    api = Api(
        name="Private",
        base_url=url,
        auth=ClientCertificateAuth(certificate=str(cert)),
        ca_bundle=str(ca_file),
        calls=[call],
    )
    store = MemorySecretStore(
        {secret_ref(api, "auth.private_key"): client.private_key_pem.bytes().decode()}
    )
    return api, call, store


def send(run_async: Run, api: Api, call: Call, store: MemorySecretStore) -> ResponseResult:
    async def go() -> ResponseResult:
        async with Executor() as executor:
            return await executor.send(build_request(api, call, store))

    return run_async(go())


def test_mutual_tls_with_the_right_certificate(
    run_async: Run, ca: trustme.CA, tls_server: str, tmp_path: Path
) -> None:
    api, call, store = setup(ca, tmp_path, tls_server)
    response = send(run_async, api, call, store)
    assert response.status == 200
    assert response.body == b'{"client": "yes"}'
    key = store.get(secret_ref(api, "auth.private_key")) or ""
    assert "PRIVATE KEY" in key


def test_untrusted_server_certificate_says_what_to_do_and_the_ca_bundle_fixes_it(
    run_async: Run, ca: trustme.CA, tls_server: str, tmp_path: Path
) -> None:
    api, call, store = setup(ca, tmp_path, tls_server)
    untrusted = api.model_copy(update={"ca_bundle": ""})
    with pytest.raises(TLSError) as info:
        send(run_async, untrusted, call, store)
    assert "is not trusted" in str(info.value)
    assert "set the API's CA bundle" in str(info.value)
    assert send(run_async, api, call, store).status == 200


def test_a_missing_key_is_a_clear_error(
    run_async: Run, ca: trustme.CA, tls_server: str, tmp_path: Path
) -> None:
    api, call, _ = setup(ca, tmp_path, tls_server)
    with pytest.raises(TLSError, match="private key of the client certificate is not set"):
        send(run_async, api, call, MemorySecretStore())


def test_the_key_never_reaches_the_disk_in_the_clear(
    ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from designer.core.http.tls import TlsSettings, ssl_context

    written: list[bytes] = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, path = real_mkstemp(*args, **kwargs)
        written.append(path.encode())
        return fd, path

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    client = ca.issue_cert("client@example.test")
    cert = tmp_path / "c.pem"
    cert.write_bytes(client.cert_chain_pems[0].bytes())
    pem = client.private_key_pem.bytes().decode()
    ssl_context(TlsSettings(certificate=str(cert), private_key=pem))
    assert written
    assert not any(Path(p.decode()).exists() for p in written)
