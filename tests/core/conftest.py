"""Fixtures for the core tests: fault servers and a strict way to run coroutines."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import pytest

from tests.helpers.servers import Behaviour, FaultServer

T = TypeVar("T")


@pytest.fixture
def fault_server() -> Iterator[Callable[[Behaviour], FaultServer]]:
    """Start a :class:`FaultServer` with a behaviour; every one is stopped after the test."""
    servers: list[FaultServer] = []

    def start(behaviour: Behaviour) -> FaultServer:
        server = FaultServer(behaviour).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def run_async() -> Callable[[Coroutine[Any, Any, T]], T]:
    """Run a coroutine on a fresh event loop; an unhandled error in any task fails the test."""

    def run(coro: Coroutine[Any, Any, T]) -> T:
        errors: list[dict[str, Any]] = []

        async def main() -> T:
            asyncio.get_running_loop().set_exception_handler(lambda _, ctx: errors.append(ctx))
            return await coro

        result = asyncio.run(main())
        if errors:
            pytest.fail(f"unhandled error in the event loop: {errors[0].get('message')}")
        return result

    return run
