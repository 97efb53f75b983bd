"""Small local HTTP servers that misbehave on purpose.

httpbin shows how a well-behaved server answers; these show what goes wrong
on real networks: huge bodies, connections reset mid-body, bodies that stall
or trickle. Each :class:`FaultServer` listens on 127.0.0.1 on a free port,
answers every connection with one *behaviour* in its own thread, and stops
when told to or after its lifetime, so a failing test never leaves it behind.

A behaviour is a function ``(connection, stop_event) -> None`` called after the
request head has been read; the server closes the connection afterwards.
"""

from __future__ import annotations

import contextlib
import gzip
import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from types import TracebackType

__all__ = [
    "Behaviour",
    "FaultServer",
    "free_port",
    "gzip_bomb",
    "gzip_layers",
    "huge_body",
    "redirect",
    "refusing_port",
    "reply",
    "reset_mid_body",
    "sequence",
    "stall",
    "trickle",
    "truncated",
]

Behaviour = Callable[[socket.socket, threading.Event], None]

_MAX_HEAD = 64 * 1024


class FaultServer:
    """A one-behaviour HTTP server on 127.0.0.1, in daemon threads."""

    def __init__(self, behaviour: Behaviour, *, lifetime: float = 60.0) -> None:
        self._behaviour = behaviour
        self._deadline = time.monotonic() + lifetime
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)
        #: Connections accepted, and connections whose behaviour has returned
        #: (a stalling behaviour returns early only when the client hangs up).
        self.connections = 0
        self.finished = 0
        #: Set when the first connection is accepted, and when its behaviour returns.
        self.accepted = threading.Event()
        self.served = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultServer:
        self._accepter.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._accepter.is_alive():
            self._accepter.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self.accepted.set()
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()
        self._stop.set()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                if _read_head(conn):
                    self._behaviour(conn, self._stop)
            except OSError:
                pass  # the client went away, which is often the point of the test
            finally:
                self.finished += 1
                self.served.set()


def _read_head(conn: socket.socket) -> bool:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > _MAX_HEAD:
            return False
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    remaining = min(length, _MAX_HEAD) - len(rest)
    while remaining > 0:
        chunk = conn.recv(min(remaining, 4096))
        if not chunk:
            break
        remaining -= len(chunk)
    return True


def _head(status: str = "200 OK", headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (another program may take it
    later: to have connections refused, use :func:`refusing_port`)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections for as long as the block runs.

    It is bound, so no other program can start listening on it meanwhile, but
    not listening, so a connection gets a reset (refused) at once.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def reply(
    body: bytes,
    *,
    content_type: str = "application/json",
    status: str = "200 OK",
    headers: dict[str, str] | None = None,
    compress: bool = False,
) -> Behaviour:
    """Answer normally with ``body`` (gzip-compressed on the wire if ``compress``)."""
    wire = gzip.compress(body) if compress else body
    extra = {"Content-Type": content_type, "Content-Length": str(len(wire))}
    if compress:
        extra["Content-Encoding"] = "gzip"
    extra.update(headers or {})

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_head(status, extra) + wire)

    return behaviour


def huge_body(size: int, *, content_length: bool = True, chunk: int = 64 * 1024) -> Behaviour:
    """Send ``size`` bytes, declared up front or chunked without a length."""
    block = b"x" * chunk

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        headers = {"Content-Type": "application/octet-stream"}
        if content_length:
            headers["Content-Length"] = str(size)
        else:
            headers["Transfer-Encoding"] = "chunked"
        conn.sendall(_head(headers=headers))
        sent = 0
        while sent < size and not stop.is_set():
            piece = block[: min(chunk, size - sent)]
            conn.sendall(piece if content_length else _chunk(piece))
            sent += len(piece)
        if not content_length:
            conn.sendall(b"0\r\n\r\n")

    return behaviour


def reset_mid_body(*, sent: int = 1000, declared: int = 100_000) -> Behaviour:
    """Promise ``declared`` bytes, send ``sent`` of them, then reset the connection."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(declared)}
        conn.sendall(_head(headers=headers) + b"[" + b"1," * (sent // 2))
        stop.wait(0.2)  # let the client start reading the body
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return behaviour


def trickle(*, chunks: int, interval: float, piece: bytes = b"x") -> Behaviour:
    """Send the body as ``chunks`` chunked pieces, ``interval`` seconds apart."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        headers = {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"}
        conn.sendall(_head(headers=headers))
        for _ in range(chunks):
            if _closed_or_stopped(conn, stop, interval):
                return
            conn.sendall(_chunk(piece))
        conn.sendall(b"0\r\n\r\n")

    return behaviour


def stall(*, seconds: float = 30.0, send_head: bool = True) -> Behaviour:
    """Send the head (or nothing) and then nothing more, until the client leaves."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        if send_head:
            conn.sendall(_head(headers={"Content-Length": "10"}))
        _closed_or_stopped(conn, stop, seconds)

    return behaviour


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _closed_or_stopped(conn: socket.socket, stop: threading.Event, seconds: float) -> bool:
    """Wait up to ``seconds``; True as soon as the server stops or the client hangs up."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if stop.is_set():
            return True
        readable, _, _ = select.select([conn], [], [], min(left, 0.05))
        if readable and not conn.recv(1):
            return True
    return stop.is_set()


def truncated(body: bytes, *, declared: int) -> Behaviour:
    """Declare ``declared`` bytes and send ``body``: short of it (the connection then
    closes cleanly), or longer (the extra bytes are past the declared end)."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        headers = {"Content-Type": "application/json", "Content-Length": str(declared)}
        conn.sendall(_head(headers=headers) + body)

    return behaviour


def gzip_bomb(size: int) -> Behaviour:
    """A small gzip body that decompresses to ``size`` zero bytes."""
    wire = gzip.compress(b"0" * size, compresslevel=9)
    return _raw_reply(wire, {"Content-Encoding": "gzip"})


def gzip_layers(size: int, layers: int) -> Behaviour:
    """``size`` zero bytes gzipped ``layers`` times, each layer named in Content-Encoding.

    Two layers shrink 256 MB to about 1 KB: the first is compressed in pieces, so
    building the body never holds the decoded size.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1 << 20)
    parts = [
        packer.compress(block[: min(len(block), size - n)]) for n in range(0, size, len(block))
    ]
    wire = b"".join(parts) + packer.flush()
    for _ in range(layers - 1):
        wire = gzip.compress(wire, compresslevel=9)
    return _raw_reply(wire, {"Content-Encoding": ", ".join(["gzip"] * layers)})


def _raw_reply(wire: bytes, headers: dict[str, str]) -> Behaviour:
    extra = {"Content-Type": "application/json", "Content-Length": str(len(wire)), **headers}

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_head(headers=extra) + wire)

    return behaviour


def redirect(location: str, *, status: str = "302 Found") -> Behaviour:
    """Redirect to ``location`` (a path on the same server makes a loop)."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(_head(status, {"Location": location, "Content-Length": "0"}))

    return behaviour


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The first connection gets the first behaviour, and so on; the last one repeats."""
    served = iter(range(1 << 30))

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        index = next(served)
        behaviours[min(index, len(behaviours) - 1)](conn, stop)

    return behaviour
