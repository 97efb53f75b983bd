"""``init`` against servers that misbehave: every case ends in time, with one clear line.

Each case asserts the exit code, the exact message and how long the command
took. The process is warmed up first, so the time measured is the network's,
not the import of the command's modules.

A limit is never fired early, so the lower bounds are exact. The upper bounds
only have to tell the limit that should end the call from the next thing that
would (a longer limit, or a server that never stops): they sit halfway or more
from it, since a loaded machine delays any step by a second or more.
"""

from __future__ import annotations

import http.server
import re
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from designer import cli
from designer.core.models import Api, Call, Workspace
from designer.core.structure import ValueType
from designer.core.workspace import file as wf
from tests.helpers import servers as s

PREFIX = "connector-designer: error: "
Serve = Callable[[s.Behaviour], s.FaultServer]
SETTINGS = "(app: Edit ▸ Network Settings)"


def _workspace(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "ws.json"
    call = Call(name="Fetch", path="/")
    wf.save(Workspace(apis=[Api(name="Shop", base_url=base_url, calls=[call])]), path)
    return path


def _init(
    capsys: pytest.CaptureFixture[str], path: Path, *extra: str
) -> tuple[int, str, str, float]:
    capsys.readouterr()
    started = time.monotonic()
    code = cli.main(["init", str(path), *extra])
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    return code, out, err, elapsed


#: Well below the default read timeout (30 s), the next limit that would end a call
#: that hangs, and far above what an answered call takes even on a loaded machine.
PROMPTLY = 10.0


def _address(port: int) -> str:
    return f"127.0.0.1:{port} (Shop/Fetch)"


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Import what ``init`` imports, so timings measure the network."""


@pytest.fixture
def serve() -> Iterator[Callable[[s.Behaviour], s.FaultServer]]:
    servers: list[s.FaultServer] = []

    def start(behaviour: s.Behaviour) -> s.FaultServer:
        server = s.FaultServer(behaviour).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_trickle_stops_at_the_deadline(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.trickle(chunks=1000, interval=0.2))
    path = _workspace(tmp_path, server.url)
    before = path.read_bytes()
    code, out, err, elapsed = _init(capsys, path, "--deadline", "2", "--timeout", "5", "--save")
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}No complete response from 'Shop/Fetch' within the deadline of 2 s: "
        f"raise it with --deadline {SETTINGS} or try again\n"
    )
    # Per-read timeouts never fire (a byte every 0.2 s, for 200 s); the deadline does.
    assert 2.0 <= elapsed < PROMPTLY
    print(f"trickle: deadline 2 s, init ended after {elapsed:.2f} s")
    assert path.read_bytes() == before


def test_never_answering_server_hits_the_read_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.stall(send_head=False))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path, "--timeout", "1", "--deadline", "30")
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Timed out after 1 s waiting for {_address(server.port)}: "
        f"raise the read timeout with --timeout {SETTINGS} or try again\n"
    )
    assert 1.0 <= elapsed < PROMPTLY


def test_never_answering_server_hits_the_deadline_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.stall(send_head=False))
    path = _workspace(tmp_path, server.url)
    code, _, err, elapsed = _init(capsys, path, "--timeout", "30", "--deadline", "1")
    assert code == 1
    assert err.startswith(f"{PREFIX}No complete response from 'Shop/Fetch' within the deadline")
    assert 1.0 <= elapsed < PROMPTLY


def test_reset_mid_body(capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve) -> None:
    server = serve(s.reset_mid_body())
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Connection to {_address(server.port)} was lost while receiving the "
        f"response: try again\n"
    )
    assert elapsed < PROMPTLY


def test_truncated_body_is_a_lost_connection(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.truncated(b'{"a": [1, 2', declared=100))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path, "--save")
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Connection to {_address(server.port)} was lost while receiving the "
        f"response: try again\n"
    )
    assert elapsed < PROMPTLY


def test_short_content_length_keeps_the_stored_structure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    """A Content-Length shorter than the body cuts the JSON: --save refuses, --force saves."""
    good = serve(s.reply(b'{"id": 1, "tags": ["a"]}'))
    path = _workspace(tmp_path, good.url)
    assert _init(capsys, path, "--save")[0] == 0

    short = serve(s.truncated(b'{"id": 1, "tags": ["a"]}', declared=12))
    ws = wf.load(path)
    ws.apis[0].base_url = short.url
    wf.save(ws, path)
    stored = path.read_bytes()
    code, out, err, elapsed = _init(capsys, path, "--save")
    assert code == 1
    assert out.startswith("200 OK")  # what arrived is still shown
    assert err.splitlines()[-1] == (
        f"{PREFIX}Response is not valid JSON (line 1, column 11): Unterminated string "
        "starting at. The stored structure of 'Shop/Fetch' is kept; pass --force to save the "
        "body as text"
    )
    assert path.read_bytes() == stored
    kept = wf.load(path).apis[0].calls[0].structure
    assert kept is not None
    assert kept.type is ValueType.OBJECT
    assert elapsed < PROMPTLY

    code, _, err, _ = _init(capsys, path, "--save", "--force")
    assert code == 0, err
    saved = wf.load(path).apis[0].calls[0].structure
    assert saved is not None
    assert saved.type is ValueType.TEXT


def test_gzip_bomb_stops_at_the_size_cap(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.gzip_bomb(64 * 1024 * 1024))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path, "--max-size", "1")
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Response from {_address(server.port)} is larger than the size cap of 1 MB: "
        f"raise it with --max-size {SETTINGS}\n"
    )
    assert elapsed < PROMPTLY


def test_stacked_gzip_is_capped_by_decoded_bytes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    # About 1 KB on the wire, 256 MB once both layers are decoded.
    server = serve(s.gzip_layers(256 * 1024 * 1024, 2))
    path = _workspace(tmp_path, server.url)
    tracemalloc.start()
    try:
        code, out, err, elapsed = _init(capsys, path, "--max-size", "1")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Response from {_address(server.port)} is larger than the size cap of 1 MB: "
        f"raise it with --max-size {SETTINGS}\n"
    )
    # The cap, a few decoding pieces and the command's own objects; never the decoded size.
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB"
    assert elapsed < 3.0


def test_more_than_two_stacked_codings_are_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.gzip_layers(1000, 3))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Response from {_address(server.port)} is refused: it stacks 3 compressions "
        "(gzip, gzip, gzip); at most 2 are accepted\n"
    )
    assert elapsed < 2.0


def test_429_names_rate_limiting_and_retry_after(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    limited = s.reply(b"{}", status="429 Too Many Requests", headers={"Retry-After": "60"})
    server = serve(limited)
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Call 'Fetch' returned 429 Too Many Requests: the server is rate limiting "
        "requests; it asks to wait 60 s (Retry-After). Try again later, or use --retry N to "
        "wait and retry automatically\n"
    )
    assert "credentials" not in err
    assert elapsed < PROMPTLY  # did not wait


def test_retry_waits_for_retry_after(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    limited = s.reply(b"{}", status="429 Too Many Requests", headers={"Retry-After": "1"})
    server = serve(s.sequence(limited, s.reply(b'{"ok": true}')))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path, "--retry", "2")
    assert code == 0, err
    assert "ok: boolean  = true" in out
    assert server.connections == 2
    assert 1.0 <= elapsed < PROMPTLY


def test_retry_after_past_the_deadline_fails_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    limited = s.reply(b"{}", status="429 Too Many Requests", headers={"Retry-After": "60"})
    server = serve(limited)
    path = _workspace(tmp_path, server.url)
    code, _, err, elapsed = _init(capsys, path, "--retry", "3", "--deadline", "20")
    assert code == 1
    assert err == (
        f"{PREFIX}Call 'Fetch' is rate limited: the server asks to wait 60 s (Retry-After), "
        f"past the deadline of 20 s; raise it with --deadline {SETTINGS} or try again later\n"
    )
    assert server.connections == 1
    assert elapsed < PROMPTLY  # did not wait for the deadline


def test_redirect_loop_stops_at_the_redirect_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    server = serve(s.redirect("/"))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path, "--max-redirects", "3")
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}{_address(server.port)} redirected more than 3 times, the redirect limit: "
        f"check the URL or raise it with --max-redirects {SETTINGS}\n"
    )
    assert server.connections == 4
    assert elapsed < PROMPTLY


def test_cross_origin_redirect_is_followed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, serve: Serve
) -> None:
    other = serve(s.reply(b'{"moved": true}'))
    server = serve(s.redirect(f"http://localhost:{other.port}/new"))
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path)
    assert code == 0, err
    assert "moved: boolean  = true" in out
    assert other.connections == 1
    assert elapsed < PROMPTLY


@pytest.fixture
def plain_http() -> Iterator[int]:
    """A plain HTTP server that answers a TLS hello with 400, as real ones do."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_tls_to_a_plain_port(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plain_http: int
) -> None:
    path = _workspace(tmp_path, f"https://127.0.0.1:{plain_http}")
    code, out, err, elapsed = _init(capsys, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}TLS handshake with {_address(plain_http)} failed: the server does not "
        "speak TLS on this port; check whether the base URL should start with http:// "
        "instead of https://\n"
    )
    assert elapsed < PROMPTLY


@pytest.mark.parametrize(
    ("option", "value"),
    [("--deadline", "0"), ("--deadline", "-1"), ("--timeout", "nan"), ("--retry", "-1")],
)
def test_limits_refuse_values_that_make_no_sense(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, value: str
) -> None:
    path = _workspace(tmp_path, "http://127.0.0.1:9")
    code, _, err, _ = _init(capsys, path, option, value)
    assert code == 2
    assert re.search(rf"argument {option}: must be [^,]+, not '{re.escape(value)}'", err)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_a_proxy_that_is_down_is_named_not_the_api(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    serve: Serve,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    server = serve(s.reply(b"{}"))  # the API itself is up
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    dead = s.free_port()
    monkeypatch.setenv(variable, f"http://user:CANARY_pw@127.0.0.1:{dead}")
    path = _workspace(tmp_path, server.url)
    code, out, err, elapsed = _init(capsys, path)
    assert (code, out) == (1, "")
    assert err == (
        f"{PREFIX}Could not connect to the proxy 127.0.0.1:{dead} (set by {variable}), on the "
        f"way to {_address(server.port)} (connection refused: is the proxy running?): check "
        f"the proxy, or unset {variable}\n"
    )
    assert "CANARY_pw" not in err
    assert server.connections == 0
    assert elapsed < 2.0
    # A host the proxy is bypassed for is reached directly, and its failures are its own.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    code, out, err, _ = _init(capsys, path)
    assert code == 0, err
    assert server.connections == 1
