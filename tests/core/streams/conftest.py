"""The scripted stream server, started for a test and stopped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.sse_server import StreamServer


@pytest.fixture
def stream_server() -> Iterator[StreamServer]:
    with StreamServer() as server:
        yield server
