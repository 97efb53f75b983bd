"""What a test or fixture started and left running: threads, child processes, process pools.

A thread or process that outlives its test keeps sockets, files and CPU of the
tests after it, and a process pool still alive when the interpreter exits
prints a traceback after the run's summary. :class:`LeakWatch` notes which
test (or which module- or session-scoped fixture) started each thread and
child process; what a test started must be gone once its teardown is done,
what a wider fixture started once that fixture is finalized, and nothing but
what ran before the first test may be left at the end of the run.

Child processes are read from ``/proc`` (Linux); elsewhere only threads are
watched. A process pool shows as its manager thread and its worker processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["LeakCheck", "LeakWatch", "Running"]

#: How long a thread or process that was just told to stop may take to end
#: before it counts as left running. Only a leak ever waits this long.
GRACE = 10.0


@dataclass(frozen=True)
class Running:
    """A thread (by its object) or a child process (by its pid)."""

    thread: threading.Thread | None = None
    pid: int | None = None

    def alive(self) -> bool:
        if self.thread is not None:
            return self.thread.is_alive()
        assert self.pid is not None
        return _running(self.pid)

    def describe(self) -> str:
        if self.thread is not None:
            return _describe_thread(self.thread)
        assert self.pid is not None
        return f"child process {self.pid} ({_cmdline(self.pid)})"


def _describe_thread(thread: threading.Thread) -> str:
    kind = type(thread).__name__
    if kind == "_ExecutorManagerThread":
        return f"thread {thread.name!r}: the manager of a process pool that was not shut down"
    target = getattr(thread, "_target", None)
    runs = getattr(target, "__qualname__", None) or kind
    module = getattr(target, "__module__", None)
    daemon = "daemon " if thread.daemon else ""
    return f"{daemon}thread {thread.name!r} running {module + '.' if module else ''}{runs}"


def _proc(pid: int | str, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text(errors="replace")


def _running(pid: int) -> bool:
    try:
        state = _proc(pid, "stat").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _cmdline(pid: int) -> str:
    try:
        return _proc(pid, "cmdline").replace("\0", " ").strip() or "?"
    except OSError:
        return "?"


def _children() -> set[int]:
    found: set[int] = set()
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return found
    for task in tasks.iterdir():
        try:
            found.update(int(pid) for pid in (task / "children").read_text().split())
        except OSError:
            pass
    return {pid for pid in found if _running(pid) and not _shared_helper(pid)}


def _shared_helper(pid: int) -> bool:
    # multiprocessing's resource tracker is started once for the whole
    # interpreter by the first pool or semaphore, and ends with it.
    return "multiprocessing.resource_tracker" in _cmdline(pid)


def running_now() -> set[Running]:
    """The threads (but the main one and threads not started by Python) and child processes."""
    found = {
        Running(thread=thread)
        for thread in threading.enumerate()
        if thread is not threading.main_thread()
        # Qt's own threads show once they run Python code, and are Qt's to stop.
        and not isinstance(thread, threading._DummyThread)
    }
    return found | {Running(pid=pid) for pid in _children()}


def still_running(things: set[Running], grace: float = GRACE) -> list[Running]:
    """Those of ``things`` still running after up to ``grace`` seconds to end."""
    deadline = time.monotonic() + grace
    left = []
    for thing in things:
        if thing.thread is not None:
            thing.thread.join(max(0.0, deadline - time.monotonic()))
        else:
            while thing.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
        if thing.alive():
            left.append(thing)
    return sorted(left, key=Running.describe)


@dataclass
class _Owner:
    what: str  # "test tests/x.py::test_y" or "fixture 'name' (module scope)"
    key: int | None = None  # the fixture definition, for fixtures


class LeakWatch:
    """Who started what: see the module's docstring."""

    def __init__(self) -> None:
        self.before_run = running_now()
        self.owners: dict[Running, _Owner] = {}
        self._known = set(self.before_run)
        self._checked: set[Running] = set()  # reported once, at their owner's end
        self.found: list[str] = []  # leaks found since the last report

    def _note(self, owner: _Owner) -> set[Running]:
        new = running_now() - self._known
        for thing in new:
            self.owners[thing] = owner
        self._known |= new
        return new

    def started_by(self, what: str, key: int | None = None) -> set[Running]:
        """Attribute everything started since the last call to ``what``."""
        return self._note(_Owner(what, key))

    def check(self, owned: set[Running], owner: str) -> None:
        """Note as leaks those of ``owned`` that do not end within the grace period."""
        for thing in still_running({t for t in owned if t.alive()}):
            self.found.append(f"{owner} left running: {thing.describe()}")
        self._checked |= owned
        # Ended threads and processes are forgotten (a pid may be used again);
        # what is left running keeps its owner, for the report at the end.
        ended = {t for t in self._known if not t.alive()}
        self._known -= ended
        self._checked -= ended
        for thing in ended:
            self.owners.pop(thing, None)

    def _unchecked(self, owner: _Owner) -> set[Running]:
        return {t for t, o in self.owners.items() if o == owner and t not in self._checked}

    def check_test(self, nodeid: str) -> None:
        self.check(self._unchecked(_Owner(f"test {nodeid}")), f"test {nodeid}")

    def check_fixture(self, key: int, name: str) -> None:
        owned = {t for t, o in self.owners.items() if o.key == key and t not in self._checked}
        self.check(owned, f"fixture {name!r}")

    def left_at_exit(self) -> list[str]:
        """Everything running now that did not run before the first test, with its owner."""
        new = {t for t in running_now() if t not in self.before_run}
        lines = []
        for thing in still_running(new):
            owner = self.owners.get(thing)
            started = owner.what if owner else _NO_TEST
            lines.append(f"{thing.describe()}, started by {started}")
        return lines

    def report(self) -> list[str]:
        found, self.found = self.found, []
        return found


_NO_TEST = "no test (collection or a plugin)"


class LeakCheck:
    """The pytest plugin: what a test left running is an error at its teardown; what a
    module- or session-scoped fixture left, an error at the teardown of the test that
    finalized it; anything else still running after the last test fails the run."""

    def __init__(self) -> None:
        self.watch: LeakWatch | None = None
        self.test = _NO_TEST  # "test NODEID" while a test runs

    def _attribute_to_test(self) -> None:
        if self.watch is not None:
            self.watch.started_by(self.test)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.watch = LeakWatch()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Iterator[None]:
        self.test = f"test {item.nodeid}"
        try:
            return (yield)
        finally:
            self._attribute_to_test()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        try:
            return (yield)
        finally:
            self._attribute_to_test()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Iterator[None]:
        try:
            return (yield)
        finally:
            self._attribute_to_test()
            self.test = _NO_TEST
            if self.watch is not None:
                self.watch.check_test(item.nodeid)
                if leaks := self.watch.report():
                    pytest.fail("\n".join(leaks), pytrace=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Iterator[Any]:
        if fixturedef.scope == "function" or self.watch is None:
            return (yield)
        self._attribute_to_test()  # what the test's narrower fixtures started so far
        try:
            return (yield)
        finally:
            self.watch.started_by(
                f"fixture {fixturedef.argname!r} ({fixturedef.scope} scope)", key=id(fixturedef)
            )

    def pytest_fixture_post_finalizer(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> None:
        if fixturedef.scope != "function" and self.watch is not None:
            self._attribute_to_test()
            self.watch.check_fixture(id(fixturedef), fixturedef.argname)

    @pytest.hookimpl(trylast=True)  # after the session-scoped fixtures are finalized
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.watch is None:
            return
        lines = self.watch.report() + self.watch.left_at_exit()
        if not lines:
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_sep("=", "left running after the last test", red=True)
            for line in lines:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
