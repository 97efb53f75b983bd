"""``listen`` and ``mock`` under a flood of half-open connections, in processes of their own.

Each server process runs with its soft open-files limit lowered to 256, so 500
connections that never send a request would exhaust it; the real sender that
comes after them must still be answered within a second, and the server's
error output must stay a few lines. The test process itself holds 500 sockets,
so it raises its own soft limit when that is lower than it needs.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from designer.core.models import Api, Call, Webhook, Workspace
from designer.core.workspace import file as wf

FLOOD = 500
SERVER_FILES = 256


@pytest.fixture(autouse=True)
def _enough_files() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FLOOD + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the open-files limit ({hard}) is below the {wanted} this test needs")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def _low_files() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (SERVER_FILES, hard))


@contextmanager
def _serving(*argv: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    with subprocess.Popen(
        [sys.executable, "-m", "designer", *argv, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=_low_files,  # only sets a limit, before exec
    ) as proc:
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline().decode()
            url = first.split(" on ", 1)[1].split()[0].rstrip(":")
            yield proc, url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _flood(url: str) -> list[socket.socket]:
    """FLOOD connections that never finish a request: half send nothing, half half a head.

    They are opened 25 at a time (fewer than the server's backlog), each batch given two
    seconds to be accepted, so the server has taken in as many as it will before the
    real sender comes.
    """
    host, port = url.removeprefix("http://").split("/", 1)[0].rsplit(":", 1)
    socks: list[socket.socket] = []
    for _ in range(FLOOD // 25):
        batch = []
        for _ in range(25):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex((host, int(port)))
            batch.append(sock)
        socks += batch
        waiting, deadline = set(batch), time.monotonic() + 2
        while waiting and time.monotonic() < deadline:
            _, ready, _ = select.select([], list(waiting), [], 0.1)
            waiting -= set(ready)
        for n, sock in enumerate(batch):
            if n % 2 and sock not in waiting:
                with contextlib.suppress(OSError):
                    sock.send(b"POST / HTTP/1.1\r\nHost: x\r\n")
    time.sleep(0.2)
    return socks


def _answered_in_time(proc: subprocess.Popen[bytes], send: httpx.Request) -> float:
    started = time.monotonic()
    with httpx.Client(timeout=5) as client:
        response = client.send(send)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return elapsed


def test_listen_answers_a_real_sender_behind_500_half_open_connections(tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    hook = Webhook(name="order paid", path="/hooks/order")
    wf.save(Workspace(apis=[Api(name="Shop", base_url="https://x.example", webhooks=[hook])]), path)
    with _serving("listen", str(path), "--webhook", "Shop/order paid", "--count", "1") as (
        proc,
        url,
    ):
        socks = _flood(url)
        try:
            request = httpx.Request("POST", url, json={"id": "evt_1"})
            elapsed = _answered_in_time(proc, request)
            assert proc.wait(timeout=10) == 0  # the capture it waited for arrived
        finally:
            for sock in socks:
                sock.close()
        assert proc.stderr is not None
        err = proc.stderr.read()
    print("ELAPSED", elapsed, len(err))
    print(err[-3000:].decode())
    assert elapsed < 1.0, f"answered after {elapsed:.2f} s"
    assert b"Traceback" not in err
    assert len(err) < 4096, err[:400]


def test_mock_answers_a_real_request_behind_500_half_open_connections(tmp_path: Path) -> None:
    path = tmp_path / "shop.json"
    api = Api(name="Shop", base_url="https://x.example", calls=[Call(name="Ping", path="/ping")])
    wf.save(Workspace(apis=[api]), path)
    with _serving("mock", str(path)) as (proc, url):
        socks = _flood(url)
        try:
            elapsed = _answered_in_time(proc, httpx.Request("GET", url + "/ping"))
            # The server goes on serving once the flood is gone.
            for sock in socks:
                sock.close()
            assert httpx.get(url + "/ping", timeout=5).status_code == 200
        finally:
            for sock in socks:
                sock.close()
            proc.terminate()
        assert proc.stderr is not None
        err = proc.stderr.read()
    print("ELAPSED", elapsed, len(err))
    print(err[-3000:].decode())
    assert elapsed < 1.0, f"answered after {elapsed:.2f} s"
    assert b"Traceback" not in err
    assert len(err) < 4096, err[:400]
