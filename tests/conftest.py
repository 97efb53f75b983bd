"""Shared pytest configuration: GUI tests run offscreen, never on a real display;
no test but the keychain tests reaches the real keychain; nothing a test or
fixture starts (thread, child process, process pool) outlives it."""

import os
from collections.abc import Iterator

import keyring
import pytest

from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.leaks import LeakCheck
from tests.helpers.servers import refusing_port
from tests.helpers.sse_server import StreamServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _memory_keyring(request: pytest.FixtureRequest):
    """Every test gets a fresh in-memory keyring, except those marked ``keychain``."""
    if request.node.get_closest_marker("keychain") is not None:
        yield None
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _state_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test records the files the user chose in a folder of its own, never in $HOME."""
    monkeypatch.setenv("CD_STATE_DIR", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def stream_server() -> Iterator[StreamServer]:
    """The scripted stream server (:mod:`tests.helpers.sse_server`), stopped after the test."""
    with StreamServer() as server:
        yield server


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 where connections are refused for the whole test."""
    with refusing_port() as port:
        yield port


# -- Nothing a test starts outlives it ------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    # Registered as a plugin rather than written as hooks of this file: the hooks of a
    # conftest below the root folder never see the session-scoped fixtures.
    config.pluginmanager.register(LeakCheck(), "leak-check")
