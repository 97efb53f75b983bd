"""Shared pytest configuration: GUI tests run offscreen, never on a real display;
no test but the keychain tests reaches the real keychain."""

import os

import keyring
import pytest

from tests.helpers.keyrings import MemoryKeyring

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
