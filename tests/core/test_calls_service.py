"""The call service is the single path from a call to its inferred answer.

A recording server on 127.0.0.1 plays an API with a token endpoint: it counts
token requests, rejects tokens it has revoked with 401, answers 429 as many
times as a test asks, and records what every request carried.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import orjson
import pytest

from designer.core.calls import service as service_module
from designer.core.calls.initialize import InferOutcome, infer_response
from designer.core.calls.service import (
    CallDeadlineExceeded,
    CallService,
    RetryPolicy,
    Sent,
    infer_in_process,
)
from designer.core.errors import RateLimitedError
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.http.response import ResponseResult
from designer.core.models import Api, Call, OAuth2ClientCredentialsAuth
from designer.core.secrets.names import secret_ref
from designer.core.secrets.store import MemorySecretStore
from designer.core.secrets.tokens import Token, load_token, save_token
from designer.core.structure import ValueType

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]

BODY = orjson.dumps({"items": [{"id": n, "name": f"item {n}"} for n in range(2000)]})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Api

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.tokens_issued += 1
            token = f"token-{self.server.tokens_issued}"
            self.server.valid.add(token)
        self._send(200, orjson.dumps({"access_token": token, "token_type": "Bearer"}))

    def do_GET(self) -> None:
        api = self.server
        authorization = self.headers.get("Authorization", "")
        with api.lock:
            api.requests.append((self.path, authorization))
            limited = api.pending_429 > 0
            if limited:
                api.pending_429 -= 1
        if api.needs_token and authorization.removeprefix("Bearer ") not in api.valid:
            self._send(401, b'{"error": "unauthorized"}')
        elif limited:
            self._send(429, b'{"error": "slow down"}', {"Retry-After": api.retry_after})
        else:
            self._send(200, BODY)


class _Api(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str]] = []
        self.tokens_issued = 0
        self.valid: set[str] = set()
        self.needs_token = False
        self.pending_429 = 0
        self.retry_after = "0"


@pytest.fixture
def api_server() -> Iterator[_Api]:
    server = _Api()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the calls whose request the service built, one entry a build."""
    built: list[str] = []
    real = service_module.build_request

    def counting(api: Api, call: Call, *args: Any, **kwargs: Any) -> Any:
        built.append(call.name)
        return real(api, call, *args, **kwargs)

    monkeypatch.setattr(service_module, "build_request", counting)
    return built


def _token_api(server: _Api) -> tuple[Api, Call, MemorySecretStore]:
    auth = OAuth2ClientCredentialsAuth(token_url=server.url + "/token", client_id="designer")
    call = Call(name="Items", path="/items")
    api = Api(name="Shop", base_url=server.url, auth=auth, calls=[call])
    store = MemorySecretStore({secret_ref(api, "auth.client_secret"): "s3cret-value"})
    return api, call, store


def _plain_api(server: _Api, **call_fields: Any) -> tuple[Api, Call]:
    call = Call(name="Items", path="/items", **call_fields)
    return Api(name="Shop", base_url=server.url, calls=[call]), call


def test_a_401_refetches_the_token_once_and_the_request_is_built_once(
    run_async: Run[Any], api_server: _Api, builds: list[str]
) -> None:
    api_server.needs_token = True
    api, call, store = _token_api(api_server)
    # A cached token that looks valid here but that the server no longer knows.
    save_token(store, api, Token("revoked-token", expires_at=time.time() + 3600))

    async def go() -> Sent:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            return await CallService(executor, store).send(api, call)

    request, response = run_async(go())
    assert response.status == 200
    assert builds == ["Items"], "one build, reused by the attempt after the 401"
    assert api_server.tokens_issued == 1, "one refetch after the 401"
    assert [auth for _, auth in api_server.requests] == [
        "Bearer revoked-token",
        "Bearer token-1",
    ]
    assert "token-1" in request.secrets  # the request as sent masks its new token
    assert "Authorization: ••••" in request.describe()
    cached = load_token(store, api)
    assert cached is not None
    assert cached.access_token == "token-1"


def test_no_cached_token_is_fetched_before_the_first_attempt(
    run_async: Run[Any], api_server: _Api, builds: list[str]
) -> None:
    api_server.needs_token = True
    api, call, store = _token_api(api_server)

    async def go() -> Sent:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            return await CallService(executor, store).send(api, call)

    request, response = run_async(go())
    assert response.status == 200
    assert not request.token_pending
    assert builds == ["Items"]
    assert api_server.tokens_issued == 1
    assert [auth for _, auth in api_server.requests] == ["Bearer token-1"]


def test_429_is_retried_as_the_policy_says_with_progress_and_the_given_runner(
    run_async: Run[Any], api_server: _Api, builds: list[str]
) -> None:
    api_server.pending_429 = 2
    api, call = _plain_api(api_server)
    progress: list[int] = []
    answers: list[int] = []
    inferred: list[tuple[str, int]] = []

    async def runner(call: Call, response: ResponseResult) -> InferOutcome:
        inferred.append((call.name, response.status))
        return infer_response(call, response)

    async def seen(sent: Sent) -> None:
        answers.append(sent.response.status)

    async def go() -> Any:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            service = CallService(
                executor, MemorySecretStore(), infer=runner, retry=RetryPolicy(retries=2)
            )
            return await service.initialize(
                api, call, on_progress=progress.append, on_response=seen
            )

    done = run_async(go())
    assert done.response.status == 200
    assert len(api_server.requests) == 3, "two 429s, then the answer"
    assert builds == ["Items"], "built once for every attempt"
    assert answers == [200], "the caller sees the final answer only"
    assert inferred == [("Items", 200)], "the runner given is the one that infers"
    assert progress
    assert progress[-1] == len(BODY)
    assert progress == sorted(progress)
    items = done.outcome.shape.fields["items"]
    assert items.type is ValueType.LIST
    assert items.items is not None


def test_past_the_retries_the_429_is_the_answer_and_says_so(
    run_async: Run[Any], api_server: _Api
) -> None:
    api_server.pending_429 = 5
    api, call = _plain_api(api_server)

    async def go() -> Any:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            service = CallService(executor, MemorySecretStore(), retry=RetryPolicy(retries=1))
            return await service.initialize(api, call)

    with pytest.raises(RateLimitedError, match="is rate limiting requests"):
        run_async(go())
    assert len(api_server.requests) == 2


def test_a_call_that_designs_with_errors_takes_the_429_as_its_answer(
    run_async: Run[Any], api_server: _Api
) -> None:
    api_server.pending_429 = 5
    api, call = _plain_api(api_server, include_errors=True)

    async def go() -> Any:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            service = CallService(executor, MemorySecretStore(), retry=RetryPolicy(retries=3))
            return await service.initialize(api, call)

    done = run_async(go())
    assert done.response.status == 429
    assert len(api_server.requests) == 1
    # The check's policy retries it anyway.
    checking = RetryPolicy(retries=3, errors_are_answers=False, fallback=lambda _: 1.0)
    assert checking.wait(call, done.response, 0) == 0.0
    assert checking.wait(call, done.response, 3) is None


def test_a_wait_past_the_deadline_fails_at_once(run_async: Run[Any], api_server: _Api) -> None:
    api_server.pending_429, api_server.retry_after = 1, "60"
    api, call = _plain_api(api_server)

    async def go() -> Any:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            service = CallService(executor, MemorySecretStore(), retry=RetryPolicy(retries=3))
            return await service.initialize(api, call, deadline=20)

    started = time.monotonic()
    with pytest.raises(RateLimitedError, match="past the deadline of 20 s"):
        run_async(go())
    assert time.monotonic() - started < 5
    assert len(api_server.requests) == 1


def test_the_deadline_bounds_the_inference_too(run_async: Run[Any], api_server: _Api) -> None:
    import asyncio

    api, call = _plain_api(api_server)

    async def slow(call: Call, response: ResponseResult) -> InferOutcome:
        await asyncio.sleep(30)
        return await infer_in_process(call, response)

    async def go() -> Any:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            service = CallService(executor, MemorySecretStore(), infer=slow)
            return await service.initialize(api, call, deadline=0.5)

    with pytest.raises(CallDeadlineExceeded, match="'Shop/Items' within the deadline of 0.5 s"):
        run_async(go())


def test_on_head_sees_the_answer_before_its_body_and_gets_every_piece(
    run_async: Run[Any], api_server: _Api
) -> None:
    api, call = _plain_api(api_server)
    heads: list[tuple[int, int, str]] = []
    pieces: list[bytes] = []

    def on_head(head: ResponseResult) -> Callable[[bytes], None]:
        heads.append((head.status, len(head.body), head.content_type))
        return pieces.append

    async def go() -> Sent:
        async with Executor(ExecutionSettings(verify=False)) as executor:
            return await CallService(executor, MemorySecretStore()).send(api, call, on_head=on_head)

    _, response = run_async(go())
    assert heads == [(200, 0, "application/json")]
    assert b"".join(pieces) == response.body == BODY
