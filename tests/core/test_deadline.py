"""The overall deadline of an exchange, and Retry-After, in the core."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from designer.core.calls.initialize import retry_after
from designer.core.errors import DeadlineExceededError
from designer.core.http.execute import ExecutionSettings, Executor
from designer.core.http.request import BuiltRequest
from designer.core.http.response import ResponseResult
from tests.helpers.servers import trickle


def _get(url: str) -> BuiltRequest:
    return BuiltRequest("Demo", "Fetch", "GET", url, (), None, frozenset())


def test_deadline_stops_a_trickling_body(run_async: Any, fault_server: Any) -> None:
    """One byte every 0.1 s never trips the read timeout; the deadline ends it on time."""
    server = fault_server(trickle(chunks=10_000, interval=0.1))
    settings = ExecutionSettings(read_timeout=5, deadline=1.0)

    async def go() -> float:
        async with Executor(settings) as executor:
            started = time.monotonic()
            with pytest.raises(DeadlineExceededError) as info:
                await executor.send(_get(server.url))
            assert str(info.value) == (
                f"No complete response from 127.0.0.1:{server.port} (Demo/Fetch) within the "
                f"deadline of 1 s: raise it with --deadline (app: Edit ▸ Network Settings) or "
                f"try again"
            )
            return time.monotonic() - started

    elapsed = run_async(go())
    # Never early; the upper bound only tells the deadline from the trickle's
    # 1000 s, with room for a loaded machine.
    assert 1.0 <= elapsed < 10.0
    # The transfer stopped: the server sees the client hang up.
    assert server.served.wait(5)


def test_no_deadline_means_none(run_async: Any, fault_server: Any) -> None:
    server = fault_server(trickle(chunks=5, interval=0.3))
    settings = ExecutionSettings(read_timeout=5, deadline=None)

    async def go() -> bytes:
        async with Executor(settings) as executor:
            return (await asyncio.wait_for(executor.send(_get(server.url)), 10)).body

    assert run_async(go()) == b"xxxxx"


def _response(*headers: tuple[str, str]) -> ResponseResult:
    return ResponseResult(
        status=429,
        reason="Too Many Requests",
        http_version="HTTP/1.1",
        url="http://x",
        elapsed=0.0,
        headers=headers,
        body=b"",
        content_type="",
        charset=None,
    )


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after(_response(("Retry-After", "120"))) == 120
    assert retry_after(_response(("retry-after", " 3 "))) == 3
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert retry_after(_response(("Retry-After", later)), now=now.timestamp()) == 30
    assert retry_after(_response(("Retry-After", "soon"))) is None
    assert retry_after(_response()) is None
