"""A qasync event loop for pytest-qt tests, failing the test on any unhandled task error.

pytest-qt drives Qt's event loop (``qtbot.waitSignal``/``waitUntil``); qasync
schedules asyncio callbacks through Qt timers and socket notifiers, so the
asyncio tasks of the code under test run while qtbot waits. The loop is
created as "already running" because Qt's loop is spun by qtbot, not by
``run_forever``.

Use it from a test module as::

    @pytest.fixture
    def loop(qapp):
        yield from qtasync.running_loop(qapp)
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QEventLoop

from designer.ui.infra.ops import finalize_async_generators

# Closed loops are kept: a worker-pool thread may hold the last reference to a
# loop (through a future of a cancelled job) and would then destroy its Qt timer
# object off the GUI thread, leaving a dangling timer that crashes a later test.
_closed: list[qasync.QEventLoop] = []


def running_loop(app: QCoreApplication) -> Iterator[qasync.QEventLoop]:
    """Install a qasync loop for one test; fail it if a task error went unhandled."""
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    hooks = sys.get_asyncgen_hooks()
    finalize_async_generators(loop)  # as the app does
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    try:
        yield loop
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        # Let cancelled tasks unwind (their finally blocks) before the loop goes, and
        # their done callbacks run (a turn later): however long a loaded machine takes.
        deadline = time.monotonic() + 10
        while not all(t.done() for t in pending) and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        for _ in range(3):
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        # Not loop.stop(): it calls QApplication.exit(), after which every
        # nested QEventLoop (qtbot.wait) returns at once for the rest of the session.
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]
        asyncio.events._set_running_loop(None)
        loop.close()
        _closed.append(loop)
        asyncio.set_event_loop(None)
        sys.set_asyncgen_hooks(*hooks)
    if errors:
        details = "; ".join(f"{c.get('message')}: {c.get('exception')!r}" for c in errors)
        pytest.fail(f"unhandled error in an asyncio task: {details}")
