"""The local HTTP server under strangers' connections: slow heads and bodies, floods, errors.

The mock API serves as the server under test (the webhook listener shares the
same base); the CLI tests run both commands in processes of their own.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from designer.core.mock.server import MockServer, RunningMock, serve_in_thread
from designer.core.models import Api, Call


def _mock(**kw: object) -> MockServer:
    api = Api(name="Shop", base_url="https://shop.example", calls=[Call(name="Ping", path="/ping")])
    server = MockServer([api])
    for name, value in kw.items():
        setattr(server, name, value)
    return server


@pytest.fixture
def running() -> Iterator[list[RunningMock]]:
    started: list[RunningMock] = []
    yield started
    for mock in started:
        mock.stop()


def _serve(running: list[RunningMock], server: MockServer) -> tuple[str, int]:
    mock = serve_in_thread(server)
    running.append(mock)
    host, port = mock.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock``; None if still open after ``seconds``."""
    sock.settimeout(seconds)
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except ConnectionError:
        pass
    return time.monotonic() - started


def _is_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True  # nothing to read and not closed
    except ConnectionError:
        return False


def test_a_half_sent_head_is_dropped_after_the_header_timeout(
    running: list[RunningMock],
) -> None:
    host, port = _serve(running, _mock(header_timeout=0.5))
    with socket.create_connection((host, port)) as sock:
        sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # never finished
        closed = _closed_within(sock, 5)
    assert closed is not None, "the half-sent request was held open"
    assert closed < 2.0


def test_a_silent_connection_is_dropped_after_the_header_timeout(
    running: list[RunningMock],
) -> None:
    host, port = _serve(running, _mock(header_timeout=0.5))
    with socket.create_connection((host, port)) as sock:
        closed = _closed_within(sock, 5)
    assert closed is not None
    assert closed < 2.0


def test_a_body_that_stops_is_dropped_after_the_body_timeout(running: list[RunningMock]) -> None:
    host, port = _serve(running, _mock(body_timeout=0.5))
    with socket.create_connection((host, port)) as sock:
        sock.sendall(b"POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        closed = _closed_within(sock, 5)
    assert closed is not None, "the unfinished body was waited for forever"
    assert closed < 2.0


def test_half_open_connections_at_the_limit_make_room_for_a_real_request(
    running: list[RunningMock],
) -> None:
    host, port = _serve(running, _mock(max_connections=20))
    idle = [socket.create_connection((host, port)) for _ in range(100)]
    try:
        for sock in idle[:50]:
            sock.sendall(b"GET /ping HTTP/1.1\r\n")  # heads that never end
        started = time.monotonic()
        answer = httpx.get(f"http://{host}:{port}/ping", timeout=5)
        elapsed = time.monotonic() - started
        assert answer.status_code == 200
        assert elapsed < 1.0
        # The oldest were dropped to make room: at most the limit is still open.
        time.sleep(0.2)
        assert sum(_is_open(sock) for sock in idle) <= 20
    finally:
        for sock in idle:
            sock.close()


def test_slow_bodies_at_the_limit_make_room_for_a_real_request(
    running: list[RunningMock],
) -> None:
    host, port = _serve(running, _mock(max_connections=20))
    slow = [socket.create_connection((host, port)) for _ in range(40)]
    try:
        for sock in slow:  # whole heads, then a body that never comes
            sock.sendall(b"POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
        time.sleep(0.3)
        started = time.monotonic()
        answer = httpx.get(f"http://{host}:{port}/ping", timeout=5)
        elapsed = time.monotonic() - started
        assert answer.status_code == 200
        assert elapsed < 1.0
        assert sum(_is_open(sock) for sock in slow) <= 20
    finally:
        for sock in slow:
            sock.close()


def test_an_answer_that_fails_is_a_500_and_the_server_keeps_serving(
    running: list[RunningMock], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _mock()
    host, port = _serve(running, server)
    original = MockServer.answer

    def broken(self: MockServer, method: str, target: str, *args: object) -> object:
        if "boom" in target:
            raise KeyError("boom")
        return original(self, method, target, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(MockServer, "answer", broken)
    failed = httpx.get(f"http://{host}:{port}/ping?boom", timeout=5)
    assert failed.status_code == 500
    assert failed.json()["error"]["message"] == (
        "The server could not answer this request (KeyError)"
    )
    assert httpx.get(f"http://{host}:{port}/ping", timeout=5).status_code == 200


def test_stopping_closes_open_connections_at_once(running: list[RunningMock]) -> None:
    mock = serve_in_thread(_mock())
    host, port = mock.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"GET /ping HTTP/1.1\r\n")
        time.sleep(0.1)
        started = time.monotonic()
        mock.stop()
        assert time.monotonic() - started < 1.0
        assert _closed_within(sock, 2) is not None


def test_the_connection_limit_stays_under_the_open_files_limit() -> None:
    import resource

    from designer.core.http.server import default_max_connections

    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = default_max_connections()
    assert 8 <= limit <= 256
    if soft != resource.RLIM_INFINITY:
        assert limit <= max(8, soft // 3)


def test_accept_failures_at_the_open_files_limit_are_one_line_a_minute(
    running: list[RunningMock], caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from designer.core.http import server as local_http

    log = logging.getLogger("asyncio")
    # A fresh filter: another test may have had its one report this minute.
    for old in [f for f in log.filters if isinstance(f, local_http._AcceptErrorFilter)]:
        log.removeFilter(old)
    _serve(running, _mock())  # starting a server quiets asyncio's report
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        for _ in range(1000):
            try:
                raise OSError(24, "Too many open files")
            except OSError as exc:
                # What asyncio's event loop logs when accept() fails for want of files.
                log.error("socket.accept() out of system resource\nsocket: x", exc_info=exc)
        log.error("another asyncio error")
    reports = [r for r in caplog.records if r.name == "asyncio"]
    assert [r.getMessage() for r in reports] == [
        "A local server cannot accept more connections: the open-files limit is reached; "
        "raise it with 'ulimit -n'",
        "another asyncio error",
    ]
    assert reports[0].exc_info is None
