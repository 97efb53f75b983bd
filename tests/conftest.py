"""Shared pytest configuration: GUI tests run offscreen, never on a real display;
no test but the keychain tests reaches the real keychain; nothing a test or
fixture starts (thread, child process, process pool) outlives it."""

import os
from collections.abc import Iterator
from typing import Any

import keyring
import pytest

from tests.helpers.keyrings import MemoryKeyring
from tests.helpers.leaks import LeakWatch
from tests.helpers.servers import refusing_port

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


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 where connections are refused for the whole test."""
    with refusing_port() as port:
        yield port


# -- Nothing a test starts outlives it ------------------------------------------------
# Every thread and child process (a process pool is both) is attributed to the test,
# or the module- or session-scoped fixture, that started it; see tests/helpers/leaks.py.
# What a test left running is an error at its teardown; what a wider fixture left, an
# error at the teardown of the test that finalized it; anything else still running at
# the end fails the run, naming who started it.

_watch: LeakWatch | None = None
_current_test = "no test (collection or a plugin)"


def pytest_sessionstart(session: pytest.Session) -> None:
    global _watch
    _watch = LeakWatch()


def _attribute_to_test() -> None:
    if _watch is not None:
        _watch.started_by(_current_test)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    global _current_test
    _current_test = f"test {item.nodeid}"
    try:
        return (yield)
    finally:
        _attribute_to_test()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        return (yield)
    finally:
        _attribute_to_test()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _current_test
    try:
        return (yield)
    finally:
        _attribute_to_test()
        _current_test = "no test (collection or a plugin)"
        if _watch is not None:
            _watch.check_test(item.nodeid)
            if leaks := _watch.report():
                pytest.fail("\n".join(leaks), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Iterator[Any]:
    if fixturedef.scope == "function" or _watch is None:
        return (yield)
    _attribute_to_test()  # what the test's narrower fixtures started so far
    try:
        return (yield)
    finally:
        _watch.started_by(
            f"fixture {fixturedef.argname!r} ({fixturedef.scope} scope)", key=id(fixturedef)
        )


def pytest_fixture_post_finalizer(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> None:
    if fixturedef.scope != "function" and _watch is not None:
        _attribute_to_test()
        _watch.check_fixture(id(fixturedef), fixturedef.argname)


@pytest.hookimpl(trylast=True)  # after the session-scoped fixtures are finalized
def pytest_sessionfinish(session: pytest.Session) -> None:
    if _watch is None:
        return
    lines = _watch.report() + _watch.left_at_exit()
    if not lines:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", "left running after the last test", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
