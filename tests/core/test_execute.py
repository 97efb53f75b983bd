"""Executing requests against a real local httpbin and against servers that misbehave."""

from __future__ import annotations

import asyncio
import gzip
import socket
import tracemalloc
import zlib
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import brotlicffi as brotli  # brought by pytest-httpbin (httpbin serves /brotli with it)
import httpx
import orjson
import pytest
import pytest_httpbin.certs

from designer.core.errors import (
    ConnectionLostError,
    ConnectionRefusedError_,
    ContentDecodingError,
    NameResolutionError,
    RequestTimeoutError,
    ResponseTooLargeError,
    TLSError,
    TooManyRedirectsError,
)
from designer.core.http.execute import ExecutionSettings, Executor, ResponseResult
from designer.core.http.request import BuiltRequest, build_request
from designer.core.models import (
    Api,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.secrets.store import MemorySecretStore
from tests.helpers.servers import (
    FaultServer,
    huge_body,
    reply,
    reset_mid_body,
    stall,
    trickle,
)

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]
StartServer = Callable[..., FaultServer]

MB = 1024 * 1024


def get(url: str, method: str = "GET") -> BuiltRequest:
    return BuiltRequest("Demo", "Fetch", method, url, (), None, frozenset())


def fetch(
    run: Run[ResponseResult],
    request: BuiltRequest,
    settings: ExecutionSettings | None = None,
    **kw: Any,
) -> ResponseResult:
    async def go() -> ResponseResult:
        async with Executor(settings or ExecutionSettings()) as executor:
            return await executor.send(request, **kw)

    return run(go())


def json_of(result: ResponseResult) -> Any:
    return orjson.loads(result.body)


def address(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.host}:{parsed.port}"


# -- httpbin: what well-behaved servers send -------------------------------------------------


def test_json_response(run_async: Run[ResponseResult], httpbin: Any) -> None:
    result = fetch(run_async, get(httpbin.url + "/json"))
    assert (result.status, result.reason) == (200, "OK")
    assert result.http_version.startswith("HTTP/1.")
    assert result.url == httpbin.url + "/json"
    assert result.content_type == "application/json"
    assert result.header("CONTENT-type") == "application/json"
    assert result.size == len(result.body) > 0
    assert "slideshow" in json_of(result)
    assert result.elapsed > 0


@pytest.mark.parametrize(
    ("path", "media_type", "charset"),
    [("/xml", "application/xml", None), ("/html", "text/html", "utf-8")],
)
def test_content_type_and_charset(
    run_async: Run[ResponseResult], httpbin: Any, path: str, media_type: str, charset: str | None
) -> None:
    result = fetch(run_async, get(httpbin.url + path))
    assert (result.content_type, result.charset) == (media_type, charset)


def test_bytes_report_progress(run_async: Run[ResponseResult], httpbin: Any) -> None:
    seen: list[int] = []
    result = fetch(run_async, get(httpbin.url + "/bytes/50000"), on_progress=seen.append)
    assert result.size == 50000
    assert result.content_type == "application/octet-stream"
    assert seen == sorted(seen)
    assert seen[-1] == 50000


def test_head_declares_a_length_without_a_body(
    run_async: Run[ResponseResult], httpbin: Any
) -> None:
    settings = ExecutionSettings(max_body_bytes=1000)
    result = fetch(run_async, get(httpbin.url + "/bytes/5000", "HEAD"), settings)
    assert (result.status, result.header("Content-Length"), result.size) == (200, "5000", 0)


@pytest.mark.parametrize(("encoding", "flag"), [("gzip", "gzipped"), ("deflate", "deflated")])
def test_compressed_bodies_are_decoded(
    run_async: Run[ResponseResult], httpbin: Any, encoding: str, flag: str
) -> None:
    result = fetch(run_async, get(f"{httpbin.url}/{encoding}"))
    assert result.header("Content-Encoding") == encoding
    assert json_of(result)[flag] is True


@pytest.mark.parametrize(
    ("status", "reason"), [(429, "TOO MANY REQUESTS"), (500, "INTERNAL SERVER ERROR")]
)
def test_error_statuses_are_results(
    run_async: Run[ResponseResult], httpbin: Any, status: int, reason: str
) -> None:
    result = fetch(run_async, get(f"{httpbin.url}/status/{status}"))
    assert (result.status, result.reason.upper()) == (status, reason)


def test_slow_response_times_out(run_async: Run[ResponseResult], httpbin: Any) -> None:
    settings = ExecutionSettings(read_timeout=0.3)
    with pytest.raises(RequestTimeoutError) as info:
        fetch(run_async, get(httpbin.url + "/delay/3"), settings)
    assert str(info.value) == (
        f"Timed out after 0.3 s waiting for {address(httpbin.url)} (Demo/Fetch): "
        f"raise the read timeout with --timeout (app: Edit ▸ Network Settings) or try again"
    )


def test_redirects_are_followed(run_async: Run[ResponseResult], httpbin: Any) -> None:
    result = fetch(run_async, get(httpbin.url + "/redirect/3"))
    assert result.status == 200
    assert result.url == httpbin.url + "/get"


def test_too_many_redirects(run_async: Run[ResponseResult], httpbin: Any) -> None:
    settings = ExecutionSettings(max_redirects=2)
    with pytest.raises(TooManyRedirectsError, match="redirected more than 2 times"):
        fetch(run_async, get(httpbin.url + "/redirect/5"), settings)


def api_for(httpbin: Any, call: Call, **kw: Any) -> Api:
    return Api(name="Bin", base_url=httpbin.url, calls=[call], **kw)


def test_bearer_auth_is_accepted(run_async: Run[ResponseResult], httpbin: Any) -> None:
    call = Call(name="Bearer", path="/bearer")
    api = api_for(httpbin, call, auth=BearerAuth())
    store = MemorySecretStore({secret_ref(api, "auth.token"): "t0ken"})
    result = fetch(run_async, build_request(api, call, store))
    assert result.status == 200
    assert json_of(result) == {"authenticated": True, "token": "t0ken"}


def test_missing_bearer_token_is_rejected(run_async: Run[ResponseResult], httpbin: Any) -> None:
    call = Call(name="Bearer", path="/bearer")
    result = fetch(run_async, build_request(api_for(httpbin, call), call, MemorySecretStore()))
    assert result.status == 401


@pytest.mark.parametrize(("password", "status"), [("p4ss", 200), ("wrong", 401)])
def test_basic_auth(
    run_async: Run[ResponseResult], httpbin: Any, password: str, status: int
) -> None:
    call = Call(name="Basic", path="/basic-auth/ada/p4ss")
    api = api_for(httpbin, call, auth=BasicAuth(username="ada"))
    store = MemorySecretStore({secret_ref(api, "auth.password"): password})
    assert fetch(run_async, build_request(api, call, store)).status == status


def echo(run: Run[ResponseResult], httpbin: Any, call: Call, **kw: Any) -> Any:
    api = api_for(httpbin, call, **kw)
    return json_of(fetch(run, build_request(api, call, MemorySecretStore())))


def test_anything_echoes_query_and_headers(run_async: Run[ResponseResult], httpbin: Any) -> None:
    call = Call(
        name="Echo",
        path="/anything/{id}?fixed=1",
        parameters=[
            Parameter(name="id", value="a b", placement=Placement.PATH),
            Parameter(name="q", value="red & blue"),
            Parameter(name="X-Call", value="call", placement=Placement.HEADER),
        ],
    )
    shared = [Parameter(name="X-Shared", value="shared ü")]
    seen = echo(run_async, httpbin, call, headers=shared)
    assert seen["url"] == httpbin.url + "/anything/a%20b?fixed=1&q=red%20%26%20blue"
    assert seen["args"] == {"fixed": "1", "q": "red & blue"}
    assert seen["headers"]["X-Call"] == "call"
    # WSGI hands header values over as latin-1, so the UTF-8 bytes arrive as such.
    assert seen["headers"]["X-Shared"].encode("latin-1").decode() == "shared ü"


def body_echo(run: Run[ResponseResult], httpbin: Any, body_type: BodyType, **kw: Any) -> Any:
    call = Call(
        name="Echo",
        method=Method.POST,
        path="/anything",
        body_type=body_type,
        parameters=[
            Parameter(name="name", value="Ada", placement=Placement.BODY),
            Parameter(name="address.city", value="Paris", placement=Placement.BODY),
        ],
        **kw,
    )
    return echo(run, httpbin, call)


def test_anything_receives_json_body(run_async: Run[ResponseResult], httpbin: Any) -> None:
    seen = body_echo(run_async, httpbin, BodyType.JSON)
    assert seen["headers"]["Content-Type"] == "application/json"
    assert seen["json"] == {"name": "Ada", "address": {"city": "Paris"}}


def test_anything_receives_json_template(run_async: Run[ResponseResult], httpbin: Any) -> None:
    template = '{"who": "<name>", "where": ["<address.city>"], "n": 1}'
    seen = body_echo(run_async, httpbin, BodyType.JSON, body_template=template)
    assert seen["json"] == {"who": "Ada", "where": ["Paris"], "n": 1}


def test_anything_receives_form_body(run_async: Run[ResponseResult], httpbin: Any) -> None:
    seen = body_echo(run_async, httpbin, BodyType.FORM)
    assert seen["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert seen["form"] == {"name": "Ada", "address.city": "Paris"}


def test_anything_receives_multipart_body(run_async: Run[ResponseResult], httpbin: Any) -> None:
    seen = body_echo(run_async, httpbin, BodyType.MULTIPART)
    assert seen["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert seen["form"] == {"name": "Ada", "address.city": "Paris"}
    assert seen["files"] == {}


def test_untrusted_certificate_is_a_tls_error(
    run_async: Run[ResponseResult], httpbin_secure: Any
) -> None:
    with pytest.raises(TLSError) as info:
        fetch(run_async, get(httpbin_secure.url + "/get"))
    message = str(info.value)
    assert message.startswith(
        f"The certificate of {address(httpbin_secure.url)} (Demo/Fetch) is not trusted"
    )
    assert "set the API's CA bundle" in message


def test_trusted_ca_bundle_is_accepted(run_async: Run[ResponseResult], httpbin_secure: Any) -> None:
    settings = ExecutionSettings(verify=pytest_httpbin.certs.where())
    assert fetch(run_async, get(httpbin_secure.url + "/get"), settings).status == 200


def test_unreadable_ca_bundle_is_a_tls_error(tmp_path: Any) -> None:
    with pytest.raises(TLSError, match="cannot be loaded"):
        Executor(ExecutionSettings(verify=str(tmp_path / "missing.pem")))


# -- fault servers: what goes wrong on real networks -----------------------------------------


@pytest.mark.parametrize("content_length", [True, False], ids=["declared", "chunked"])
def test_body_over_the_cap_stops(
    run_async: Run[ResponseResult], fault_server: StartServer, content_length: bool
) -> None:
    server = fault_server(huge_body(5 * MB, content_length=content_length))
    seen: list[int] = []
    settings = ExecutionSettings(max_body_bytes=2 * MB)
    with pytest.raises(ResponseTooLargeError) as info:
        fetch(run_async, get(server.url), settings, on_progress=seen.append)
    assert str(info.value) == (
        f"Response from {address(server.url)} (Demo/Fetch) is larger than the size cap of "
        f"2 MB: raise it with --max-size (app: Edit ▸ Network Settings)"
    )
    if content_length:
        assert seen == []  # refused from the header, before reading the body
    else:
        assert seen[-1] <= 2 * MB


def test_cap_applies_to_decoded_bytes(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(reply(b"0" * (3 * MB), compress=True))
    settings = ExecutionSettings(max_body_bytes=2 * MB)
    with pytest.raises(ResponseTooLargeError):
        fetch(run_async, get(server.url), settings)


def test_body_at_the_cap_is_accepted(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(huge_body(2 * MB, content_length=False))
    result = fetch(run_async, get(server.url), ExecutionSettings(max_body_bytes=2 * MB))
    assert result.size == 2 * MB


def test_reset_mid_body_is_a_lost_connection(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(reset_mid_body())
    with pytest.raises(ConnectionLostError) as info:
        fetch(run_async, get(server.url))
    assert str(info.value) == (
        f"Connection to {address(server.url)} (Demo/Fetch) was lost while receiving the "
        f"response: try again"
    )


def test_close_without_response_is_a_lost_connection(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(lambda conn, stop: None)
    with pytest.raises(ConnectionLostError, match="closed the connection without a valid"):
        fetch(run_async, get(server.url))


def test_invalid_json_is_returned_as_received(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(reply(b'{"a": [1, 2,', content_type="application/json; charset=UTF-8"))
    result = fetch(run_async, get(server.url))
    assert result.body == b'{"a": [1, 2,'
    assert (result.content_type, result.charset) == ("application/json", "UTF-8")


def test_broken_gzip_is_a_decoding_error(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    server = fault_server(reply(b"not gzip at all", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(ContentDecodingError, match="cannot be decompressed"):
        fetch(run_async, get(server.url))


def test_deflate_is_decoded(run_async: Run[ResponseResult], fault_server: StartServer) -> None:
    body = zlib.compress(b'{"ok": true}')
    server = fault_server(reply(body, headers={"Content-Encoding": "deflate"}))
    assert json_of(fetch(run_async, get(server.url))) == {"ok": True}


def test_raw_deflate_is_decoded(run_async: Run[ResponseResult], fault_server: StartServer) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)  # no zlib header
    body = packer.compress(b'{"ok": true}') + packer.flush()
    server = fault_server(reply(body, headers={"Content-Encoding": "deflate"}))
    assert json_of(fetch(run_async, get(server.url))) == {"ok": True}


def test_brotli_is_decoded(run_async: Run[ResponseResult], httpbin: Any) -> None:
    result = fetch(run_async, get(f"{httpbin.url}/brotli"))
    assert result.header("Content-Encoding") == "br"
    assert json_of(result)["brotli"] is True


def test_two_stacked_codings_are_undone_in_reverse(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    doc = {"ok": True, "pad": "x" * 300_000}
    wire = brotli.compress(gzip.compress(orjson.dumps(doc)))
    server = fault_server(reply(wire, headers={"Content-Encoding": "gzip, br"}))
    result = fetch(run_async, get(server.url))
    assert json_of(result) == doc
    assert result.size == len(orjson.dumps(doc))


def test_brotli_bomb_stops_at_the_cap_without_decoding_it_all(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    wire = brotli.compress(bytes(256 * MB), quality=5)  # about 400 bytes
    server = fault_server(reply(wire, headers={"Content-Encoding": "br"}))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError, match="larger than the size cap of 1 MB"):
            fetch(run_async, get(server.url), ExecutionSettings(max_body_bytes=MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(wire) < 1024
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB"


def test_an_unknown_coding_is_left_as_it_came(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    # Misconfigured servers name a charset as the coding; httpx passes those through too.
    server = fault_server(reply(b'{"ok": 1}', headers={"Content-Encoding": "utf-8"}))
    assert json_of(fetch(run_async, get(server.url))) == {"ok": 1}


def test_read_timeout_applies_between_chunks(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    slow = fault_server(trickle(chunks=3, interval=1.0))
    with pytest.raises(RequestTimeoutError, match="Timed out after 0.3 s"):
        fetch(run_async, get(slow.url), ExecutionSettings(read_timeout=0.3))
    # A steady trickle may take longer than the timeout in total. (The gaps are
    # far below the timeout, so a loaded machine's delays never reach it.)
    steady = fault_server(trickle(chunks=16, interval=0.1))
    result = fetch(run_async, get(steady.url), ExecutionSettings(read_timeout=1.2))
    assert result.body == b"x" * 16
    assert result.elapsed > 1.2


def test_refused_connection(run_async: Run[ResponseResult], refused_port: int) -> None:
    port = refused_port
    with pytest.raises(ConnectionRefusedError_) as info:
        fetch(run_async, get(f"http://127.0.0.1:{port}/"))
    assert str(info.value) == (
        f"Connection refused by 127.0.0.1:{port} (Demo/Fetch): is the server running?"
    )


def test_unresolvable_host(run_async: Run[ResponseResult]) -> None:
    # No resolver is asked: the transport fails the way httpx does on a DNS error.
    def handler(request: httpx.Request) -> httpx.Response:
        error = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise httpx.ConnectError(str(error), request=request) from error

    async def go() -> ResponseResult:
        async with Executor(transport=httpx.MockTransport(handler)) as executor:
            return await executor.send(get("https://nope.invalid/x"))

    with pytest.raises(NameResolutionError) as info:
        run_async(go())
    assert (
        str(info.value) == "Could not resolve host 'nope.invalid' (Demo/Fetch): check the base URL"
    )


@pytest.mark.parametrize("send_head", [False, True], ids=["before-head", "mid-body"])
def test_cancel_propagates_and_the_executor_stays_usable(
    run_async: Run[int], fault_server: StartServer, send_head: bool
) -> None:
    slow = fault_server(stall(send_head=send_head))
    fine = fault_server(reply(b"{}"))

    async def go() -> int:
        async with Executor() as executor:
            task = asyncio.create_task(executor.send(get(slow.url)))
            assert await asyncio.to_thread(slow.accepted.wait, 5)
            # Give the head (if any) time to arrive, so "mid-body" waits for the body.
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            # The server sees the client hang up: the connection was closed.
            assert await asyncio.to_thread(slow.served.wait, 5)
            return (await executor.send(get(fine.url))).status

    assert run_async(go()) == 200


def test_bytes_after_the_end_of_a_gzip_body_are_not_kept(
    run_async: Run[ResponseResult], fault_server: StartServer
) -> None:
    # A valid gzip body followed by 64 MB the decoder never reads: not held in memory.
    body = gzip.compress(b'{"ok": true}')
    block = bytes(MB)

    def behaviour(conn: socket.socket, stop: Any) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            + f"Content-Length: {len(body) + 64 * MB}\r\n\r\n".encode()
            + body
        )
        for _ in range(64):  # sent a block at a time: the server holds no more than one
            conn.sendall(block)

    server = fault_server(behaviour)
    tracemalloc.start()
    try:
        result = fetch(run_async, get(server.url), ExecutionSettings(max_body_bytes=MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert json_of(result) == {"ok": True}
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB"
