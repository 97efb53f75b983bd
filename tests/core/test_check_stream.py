"""``check`` re-initializes a stream call through the call service and compares its
event structure with the stored one (StreamServer on 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from designer.core.calls.service import CallService
from designer.core.check.drift import CallResult, CheckOptions, run_check
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.models import Api, Call
from designer.core.secrets.store import MemorySecretStore
from designer.core.structure import ResponseType
from tests.helpers.sse_server import StreamServer, anthropic_body, openai_body

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]


async def _stored(server: StreamServer, path: str) -> tuple[Api, Call]:
    """The call with the structure its stream has now, as ``init --save`` stores it."""
    call = Call(name="Chat", path=path)
    api = Api(name="LLM", base_url=server.url, calls=[call])
    async with Executor(ExecutionSettings(deadline=None)) as executor:
        done = await CallService(executor, MemorySecretStore()).initialize(api, call)
    assert done.outcome.kind is ResponseType.STREAM
    call = call.model_copy(update={"structure": done.outcome.shape})
    return api.model_copy(update={"calls": [call]}), call


def _check(run_async: Run[Any], api: Api, call: Call) -> CallResult:
    options = CheckOptions(deadline=10, timeout=5, retries=0)
    [result] = run_async(run_check([(api, call)], MemorySecretStore(), options))
    return result


def _changes(result: CallResult) -> set[tuple[str, str, str]]:
    return {(f.change.kind, f.change.path, f.severity) for f in result.findings}


def test_the_same_stream_is_unchanged(run_async: Run[Any], stream_server: StreamServer) -> None:
    api, call = run_async(_stored(stream_server, "/openai"))
    result = _check(run_async, api, call)
    assert (result.outcome, result.error, result.findings) == ("unchanged", None, [])


def test_fields_of_an_event_group_that_go_and_come_are_drift(
    run_async: Run[Any], stream_server: StreamServer
) -> None:
    api, call = run_async(_stored(stream_server, "/openai"))
    renamed = [
        chunk.replace(b'"content":', b'"text":').replace(b'"logprobs":null,', b"")
        for chunk in openai_body()
    ]
    stream_server.script("/openai", renamed)
    result = _check(run_async, api, call)
    assert result.outcome == "breaking"
    assert result.status == 200
    assert _changes(result) == {
        ("removed", "data.choices[].delta.content", "breaking"),
        ("removed", "data.choices[].logprobs", "breaking"),
        ("added", "data.choices[].delta.text", "compatible"),
    }


def test_an_event_group_that_disappears_is_drift(
    run_async: Run[Any], stream_server: StreamServer
) -> None:
    api, call = run_async(_stored(stream_server, "/anthropic"))
    extra = b"event: usage\ndata: " + json.dumps({"tokens": 3}).encode() + b"\n\n"
    stream_server.script(
        "/anthropic", [chunk for chunk in anthropic_body() if b"event: ping" not in chunk] + [extra]
    )
    result = _check(run_async, api, call)
    assert result.outcome == "breaking"
    changes = _changes(result)
    assert ("removed", "ping", "breaking") in changes
    assert ("added", "usage", "compatible") in changes
    assert all(path.split(".")[0] in {"ping", "usage"} for _kind, path, _s in changes)
