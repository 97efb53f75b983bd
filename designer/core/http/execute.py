"""Send built requests and receive their responses, bounded and cancellable.

One :class:`Executor` owns one long-lived :class:`httpx.AsyncClient`, so
connections are reused across calls; its transport can be injected for tests.
Bodies are streamed and counted after decompression, so a response larger
than the cap stops the transfer instead of filling memory. Every httpx and OS
failure is mapped here into :mod:`designer.core.errors`, with a message that
names the host and says what to do next. HTTP error statuses are results, not
failures: deciding what a 500 means is the caller's business.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import ssl
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from email.message import Message
from types import TracebackType
from typing import TypeVar, cast

import httpx

from designer.core.errors import (
    AuthenticationError,
    ConnectError,
    ConnectionLostError,
    ConnectionRefusedError_,
    ContentDecodingError,
    DeadlineExceededError,
    ExecutionError,
    NameResolutionError,
    RequestTimeoutError,
    ResponseTooLargeError,
    TLSError,
    TooManyRedirectsError,
)
from designer.core.http.content_coding import BoundedDecoder, CodingError, TooManyCodings
from designer.core.http.proxies import environment_proxy
from designer.core.http.redirects import send_following_redirects
from designer.core.http.request import BuiltRequest
from designer.core.http.response import ResponseResult
from designer.core.http.tls import TlsSettings, ssl_context
from designer.core.secrets.store import mask_secrets

__all__ = ["BodyConsumer", "ExecutionSettings", "Executor", "HeadHook", "ResponseResult"]

#: How much of a body read by a consumer (a stream) the answer still holds: the rest is
#: the consumer's (the stream's kept events stand for it).
CONSUMED_BODY_KEEP = 1 << 20

#: Receives each piece of the body as it arrives, decoded (a stream's parser).
BodyConsumer = Callable[[bytes], None]
#: Called once status and headers are in, before the body is read, with the response
#: so far (its body empty): returns a consumer of the body's pieces, or None.
HeadHook = Callable[["ResponseResult"], "BodyConsumer | None"]

_E = TypeVar("_E", bound=BaseException)


@dataclass(frozen=True, slots=True)
class ExecutionSettings:
    """Timeouts (seconds), redirect and size limits, and TLS verification.

    ``read_timeout`` bounds each wait for data; ``deadline`` bounds the whole
    exchange (connect, redirects, the whole body), so a server that trickles
    one byte a second cannot hold a call forever. ``None`` means no deadline.
    ``verify`` is True (trusted CAs), False (no check, for local test servers)
    or the path of a CA bundle file or directory.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 10
    max_body_bytes: int = 200 * 1024 * 1024
    verify: bool | str = True
    deadline: float | None = 60.0


#: Where each limit is changed, named in the messages that mention it: the
#: command-line option, then the app's setting.
LIMIT_OPTIONS = {
    "timeout": "--timeout (app: Edit ▸ Network Settings)",
    "deadline": "--deadline (app: Edit ▸ Network Settings)",
    "size": "--max-size (app: Edit ▸ Network Settings)",
    "redirects": "--max-redirects (app: Edit ▸ Network Settings)",
}


class Executor:
    """Owns ONE long-lived httpx.AsyncClient; transport injectable for tests."""

    def __init__(
        self,
        settings: ExecutionSettings = ExecutionSettings(),
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.transport = transport
        self._client = self._new_client(_ssl_context(settings.verify))
        # APIs with their own CA bundle or client certificate get a client each.
        self._tls_clients: dict[tuple[str, str, str], httpx.AsyncClient] = {}

    def _new_client(self, verify: ssl.SSLContext | bool) -> httpx.AsyncClient:
        connect, read = self.settings.connect_timeout, self.settings.read_timeout
        return httpx.AsyncClient(
            transport=self.transport,
            timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
            verify=verify,
        )

    def _client_for(self, tls: TlsSettings) -> httpx.AsyncClient:
        if tls == TlsSettings():
            return self._client
        client = self._tls_clients.get(tls.key)
        if client is None:
            client = self._new_client(ssl_context(tls, self.settings.verify))
            self._tls_clients[tls.key] = client
        return client

    async def __aenter__(self) -> Executor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in (self._client, *self._tls_clients.values()):
            await client.aclose()
        self._tls_clients.clear()

    async def send(
        self,
        request: BuiltRequest,
        *,
        on_progress: Callable[[int], None] | None = None,
        on_head: HeadHook | None = None,
    ) -> ResponseResult:
        """Send ``request`` and read its whole body, up to the size cap.

        ``on_progress`` is called with the number of body bytes received so far.
        ``on_head`` sees the status and headers before the body is read, and may
        return a consumer that receives each decoded piece of the body as it
        arrives (within the same size cap and deadline): the seam for streams.
        Cancelling the awaiting task raises :class:`asyncio.CancelledError`
        here and closes the connection.
        """
        target = _Target(request)
        if request.token_pending:
            raise AuthenticationError(
                f"No access token yet for {target.address}{target.call}: send it through "
                f"the authenticator, which fetches one"
            )
        client = self._client_for(request.tls)
        try:
            outgoing = request.to_httpx()
        except httpx.InvalidURL as exc:
            raise ExecutionError(
                mask_secrets(
                    f"URL '{request.url}'{target.call} is invalid ({exc}): check the call's path",
                    request.secrets,
                )
            ) from exc
        started = time.perf_counter()
        response: httpx.Response | None = None
        try:
            # The deadline cancels the exchange wherever it is, redirects included;
            # the finally below then drops the connection.
            async with asyncio.timeout(self.settings.deadline):
                response = await send_following_redirects(
                    client,
                    outgoing,
                    secrets=request.secrets,
                    max_redirects=self.settings.max_redirects,
                    # Another origin never sees the API's client certificate.
                    plain_client=self._client_for(TlsSettings(ca_bundle=request.tls.ca_bundle)),
                )
                consumer = None
                if on_head is not None:
                    head = _result(response, b"", time.perf_counter() - started)
                    consumer = on_head(head)
                body = await self._read_body(response, target, on_progress, consumer)
            elapsed = time.perf_counter() - started
        except TimeoutError as exc:
            raise deadline_exceeded(target.address + target.call, self.settings.deadline) from exc
        except httpx.HTTPError as exc:
            error = _map_error(exc, target, self.settings, response is not None)
            # httpx puts URLs, query strings included, into some of its messages.
            raise type(error)(mask_secrets(str(error), request.secrets)) from exc
        finally:
            if response is not None:
                # Closing an unfinished stream drops the connection instead of reusing it.
                await response.aclose()
        return _result(response, body, elapsed)

    async def _read_body(
        self,
        response: httpx.Response,
        target: _Target,
        on_progress: Callable[[int], None] | None,
        consumer: BodyConsumer | None = None,
    ) -> bytes:
        cap = self.settings.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        # A declared length counts encoded bytes; only without an encoding is it the body
        # size. A HEAD response declares the length of a body it does not send.
        bodyless = response.request.method == "HEAD"
        if not (encoded or bodyless) and declared.isdigit() and int(declared) > cap:
            raise _too_large(target, cap)
        if bodyless:
            return b""
        try:
            decoder = BoundedDecoder(response.headers.get("Content-Encoding", ""))
        except CodingError as exc:
            raise _undecodable(target, exc) from exc
        chunks: list[bytes] = []
        total = held = 0
        # Raw bytes, decoded here a bounded piece at a time: the cap counts decoded
        # bytes through every coding before they are held.
        # Closed here even when reading stops early (a consumer that wants no more, the
        # cap): an abandoned body iterator would be finalised later, on another task.
        raw_body = cast("AsyncGenerator[bytes, None]", response.aiter_raw())  # a generator
        async with contextlib.aclosing(raw_body) as body:
            async for raw in body:
                try:
                    for chunk in decoder.feed(raw):
                        total += len(chunk)
                        if total > cap:
                            raise _too_large(target, cap)
                        if consumer is None:
                            chunks.append(chunk)
                        else:
                            # A consumer reads the body as it comes (a stream): only its
                            # start is held, so a long stream's memory stays bounded.
                            if held < CONSUMED_BODY_KEEP:
                                chunks.append(chunk[: CONSUMED_BODY_KEEP - held])
                                held += len(chunks[-1])
                            consumer(chunk)
                except CodingError as exc:
                    raise _undecodable(target, exc) from exc
                if on_progress is not None and total:
                    on_progress(total)
        return b"".join(chunks)


def _ssl_context(verify: bool | str) -> ssl.SSLContext | bool:
    if not isinstance(verify, str):
        return verify
    # httpx deprecates verify=<path>; an SSLContext says the same thing.
    try:
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(f"CA bundle '{verify}' cannot be loaded ({exc}): check the path") from exc


class _Target:
    """How messages name what is being called: ``host:port`` and ``(API/call)``."""

    def __init__(self, request: BuiltRequest) -> None:
        try:
            url = httpx.URL(request.url)
        except httpx.InvalidURL:
            url = httpx.URL()
        self.host = url.host or request.url
        port = url.port or {"http": 80, "https": 443}.get(url.scheme)
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.address = f"{host}:{port}" if port else host
        names = "/".join(n for n in (request.api_name, request.call_name) if n)
        self.call = f" ({names})" if names else ""
        self.proxy = environment_proxy(url)


def _undecodable(target: _Target, exc: CodingError) -> ContentDecodingError:
    if isinstance(exc, TooManyCodings):
        return ContentDecodingError(
            f"Response from {target.address}{target.call} is refused: {exc}"
        )
    return ContentDecodingError(
        f"Response from {target.address}{target.call} has a body that cannot be decompressed "
        f"({exc}): the server sent a broken Content-Encoding"
    )


def _too_large(target: _Target, cap: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"Response from {target.address}{target.call} is larger than the size cap of "
        f"{_size(cap)}: raise it with {LIMIT_OPTIONS['size']}"
    )


def deadline_exceeded(where: str, deadline: float | None) -> DeadlineExceededError:
    """The error for an exchange with ``where`` that outlasted ``deadline`` seconds."""
    return DeadlineExceededError(
        f"No complete response from {where} within the deadline of "
        f"{_seconds(deadline or 0)}: raise it with {LIMIT_OPTIONS['deadline']} or try again"
    )


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} s"


#: OpenSSL's reasons when the other end answered in plain text, or hung up on the hello.
_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "HTTP_REQUEST", "UNEXPECTED_EOF_WHILE_READING"})


def _map_error(
    exc: httpx.HTTPError, target: _Target, settings: ExecutionSettings, responded: bool
) -> ExecutionError:
    """The error of the core that tells the user what ``exc`` means."""
    where, call = target.address, target.call
    if isinstance(exc, httpx.TooManyRedirects):
        return TooManyRedirectsError(
            f"{where}{call} redirected more than {settings.max_redirects} times, the "
            f"redirect limit: check the URL or raise it with {LIMIT_OPTIONS['redirects']}"
        )
    proxy = target.proxy
    if proxy is not None and isinstance(exc, httpx.ProxyError):
        return ConnectError(
            f"T{proxy.named[1:]} could not reach {where}{call} ({exc}): check the "
            f"proxy, or unset {proxy.variable}"
        )
    if proxy is not None and isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeoutError(
            f"Timed out after {_seconds(settings.connect_timeout)} connecting to "
            f"{proxy.named}, on the way to {where}{call}: check the proxy, or unset "
            f"{proxy.variable}"
        )
    if proxy is not None and isinstance(exc, httpx.ConnectError) and _is_tls(exc) is None:
        # Every connection goes to the proxy: a failure to connect is the proxy's.
        if _cause(exc, ConnectionRefusedError) is not None:
            why = "connection refused: is the proxy running?"
        elif _cause(exc, socket.gaierror) is not None:
            why = "its host name does not resolve"
        else:
            why = str(exc) or type(exc).__name__
        return ConnectError(
            f"Could not connect to {proxy.named}, on the way to {where}{call} ({why}): "
            f"check the proxy, or unset {proxy.variable}"
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeoutError(
            f"Timed out after {_seconds(settings.connect_timeout)} connecting to {where}{call}: "
            f"check the host or raise the timeout with {LIMIT_OPTIONS['timeout']}"
        )
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(
            f"Timed out after {_seconds(settings.read_timeout)} waiting for {where}{call}: "
            f"raise the read timeout with {LIMIT_OPTIONS['timeout']} or try again"
        )
    if isinstance(exc, httpx.DecodingError):
        return ContentDecodingError(
            f"Response from {where}{call} has a body that cannot be decompressed ({exc}): "
            f"the server sent a broken Content-Encoding"
        )
    tls = _cause(exc, ssl.SSLError)
    if isinstance(tls, ssl.SSLCertVerificationError):
        return TLSError(
            f"The certificate of {where}{call} is not trusted ({tls.verify_message}): if the "
            f"server is yours, set the API's CA bundle to the certificate of the authority "
            f"that signed it"
        )
    if tls is not None and getattr(tls, "reason", None) in _NOT_TLS:
        return TLSError(
            f"TLS handshake with {where}{call} failed: the server does not speak TLS on this "
            f"port; check whether the base URL should start with http:// instead of https://"
        )
    if tls is not None:
        reason = getattr(tls, "verify_message", None) or getattr(tls, "reason", None) or tls
        return TLSError(
            f"TLS handshake with {where}{call} failed: {reason}: "
            f"check the certificate or the CA bundle setting"
        )
    if isinstance(exc, httpx.ConnectError):
        if _cause(exc, ConnectionRefusedError) is not None:
            return ConnectionRefusedError_(
                f"Connection refused by {where}{call}: is the server running?"
            )
        if _cause(exc, socket.gaierror) is not None:
            return NameResolutionError(
                f"Could not resolve host '{target.host}'{call}: check the base URL"
            )
        return ConnectError(f"Could not connect to {where}{call} ({exc}): check the base URL")
    if isinstance(exc, httpx.TransportError) and responded:
        return ConnectionLostError(
            f"Connection to {where}{call} was lost while receiving the response: try again"
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return ConnectionLostError(
            f"{where}{call} closed the connection without a valid response ({exc}): "
            f"check that it speaks HTTP"
        )
    return ExecutionError(f"Request to {where}{call} failed ({exc or type(exc).__name__})")


def _is_tls(exc: BaseException) -> ssl.SSLError | None:
    return _cause(exc, ssl.SSLError)


def _cause(exc: BaseException, kind: type[_E]) -> _E | None:
    """The first exception of ``kind`` in the chain that led to ``exc``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _result(response: httpx.Response, body: bytes, elapsed: float) -> ResponseResult:
    encoding = response.headers.encoding
    headers = tuple((k.decode(encoding), v.decode(encoding)) for k, v in response.headers.raw)
    media_type, charset = _content_type(response.headers.get("Content-Type", ""))
    return ResponseResult(
        status=response.status_code,
        reason=response.reason_phrase,
        http_version=response.http_version,
        url=str(response.url),
        elapsed=elapsed,
        headers=headers,
        body=body,
        content_type=media_type,
        charset=charset,
    )


def _content_type(value: str) -> tuple[str, str | None]:
    if not value.strip():
        return "", None
    message = Message()
    message["Content-Type"] = value
    charset = message.get_param("charset")
    media_type = value.split(";", 1)[0].strip().lower()
    return media_type, charset if isinstance(charset, str) else None
