"""AsyncOp and run_in_worker: outcomes reach the right callback, in order, and never late."""

from __future__ import annotations

import asyncio
import os
import time

import pytest
from PySide6.QtCore import QObject

from designer.core.errors import BodyParseError, DesignerError, HTTPStatusError
from designer.ui.infra import ops
from designer.ui.infra.ops import AsyncOp, run_in_worker

pytestmark = pytest.mark.gui


@pytest.fixture
def parent(qapp):
    obj = QObject()
    yield obj
    obj.deleteLater()


def _record(events: list[str]) -> dict[str, object]:
    return {
        "success": lambda result: events.append(f"success:{result}"),
        "failure": lambda exc: events.append(f"failure:{exc}"),
        "finally": lambda: events.append("finally"),
    }


def _op(parent: QObject, factory, events: list[str]) -> AsyncOp:
    cb = _record(events)
    return (
        AsyncOp(parent, factory)
        .success(cb["success"])
        .failure(cb["failure"])
        .cancelled(lambda: events.append("cancelled"))
        .finally_(cb["finally"])
    )


def test_success_then_finally(qtbot, loop, parent) -> None:
    events: list[str] = []

    async def work() -> int:
        await asyncio.sleep(0)
        return 42

    op = _op(parent, work, events).run()
    qtbot.waitUntil(lambda: "finally" in events)
    assert events == ["success:42", "finally"]
    assert not op.running


def test_an_op_counts_as_running_until_its_work_ends_not_a_loop_turn_later(
    qtbot, loop, parent
) -> None:
    # Its task's done callback runs a turn of the loop later, or never when the loop
    # closes first; an op left counted as running made later waits for all ops hang.
    seen: list[bool] = []

    async def work() -> int:
        return 1

    op = AsyncOp(parent, work).finally_(lambda: seen.append(op in ops._running)).run()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [False]


def test_designer_error_goes_to_failure(qtbot, loop, parent) -> None:
    events: list[str] = []

    async def work() -> None:
        raise DesignerError("Timed out after 30 s")

    _op(parent, work, events).run()
    qtbot.waitUntil(lambda: "finally" in events)
    assert events == ["failure:Timed out after 30 s", "finally"]


def test_unexpected_error_is_reported_not_failed(qtbot, loop, parent, monkeypatch) -> None:
    events: list[str] = []
    reported: list[BaseException] = []
    monkeypatch.setattr(ops, "_report_unexpected", lambda exc, _parent: reported.append(exc))

    async def work() -> None:
        raise ZeroDivisionError("bug")

    _op(parent, work, events).run()
    qtbot.waitUntil(lambda: "finally" in events)
    assert events == ["finally"]
    assert isinstance(reported[0], ZeroDivisionError)


def test_cancel_runs_cancelled_and_finally(qtbot, loop, parent) -> None:
    events: list[str] = []
    started = asyncio.Event()

    async def work() -> None:
        started.set()
        await asyncio.Event().wait()

    op = _op(parent, work, events).run()
    qtbot.waitUntil(started.is_set)
    assert op.running
    op.cancel()
    qtbot.waitUntil(lambda: "finally" in events)
    assert events == ["cancelled", "finally"]


def test_destroying_the_parent_cancels_silently(qtbot, loop) -> None:
    events: list[str] = []
    parent = QObject()
    started, finished = asyncio.Event(), asyncio.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            finished.set()

    op = _op(parent, work, events).run()
    qtbot.waitUntil(started.is_set)
    parent.deleteLater()
    qtbot.waitUntil(finished.is_set)
    # Only this op: other tests' ops may legitimately still be winding down.
    qtbot.waitUntil(lambda: op not in ops._running)
    assert events == []


def test_op_runs_only_once(loop, parent) -> None:
    async def work() -> None:
        return None

    op = AsyncOp(parent, work).run()
    with pytest.raises(RuntimeError, match="runs once"):
        op.run()


# -- worker processes ------------------------------------------------------------------


def _square(value: int) -> tuple[int, int]:
    return value * value, os.getpid()


def _fail_parse() -> None:
    raise BodyParseError("Response is not valid JSON (line 1, column 7)", line=1, column=7)


def _fail_status() -> None:
    # HTTPStatusError's constructor needs two arguments: plain pickling would fail.
    raise HTTPStatusError("HTTP 500 from 'Demo Store'", status=500)


def _await(qtbot, coro):
    box: dict[str, object] = {}

    async def runner() -> None:
        try:
            box["result"] = await coro
        except Exception as exc:
            box["error"] = exc

    task = asyncio.ensure_future(runner())
    qtbot.waitUntil(task.done, timeout=30_000)
    return box


def test_run_in_worker_uses_another_process(qtbot, loop) -> None:
    box = _await(qtbot, run_in_worker(_square, 12))
    value, pid = box["result"]
    assert value == 144
    assert pid != os.getpid()


def test_worker_errors_keep_their_class_and_attributes(qtbot, loop) -> None:
    parse = _await(qtbot, run_in_worker(_fail_parse))["error"]
    assert isinstance(parse, BodyParseError)
    assert (parse.line, parse.column) == (1, 7)
    assert str(parse) == "Response is not valid JSON (line 1, column 7)"
    status = _await(qtbot, run_in_worker(_fail_status))["error"]
    assert isinstance(status, HTTPStatusError)
    assert status.status == 500


def _pid() -> int:
    return os.getpid()


def test_cancelling_a_job_in_its_own_process_stops_it(qtbot, loop) -> None:
    from designer.ui.infra import workers

    first = _await(qtbot, workers.run_in_own_process(_pid))["result"]
    assert first != os.getpid()
    # Its process ends with its job, instead of idling on the memory it used.
    qtbot.waitUntil(lambda: not _alive(first), timeout=10_000)

    task = asyncio.ensure_future(workers.run_in_own_process(time.sleep, 60))
    qtbot.waitUntil(lambda: bool(workers._solos), timeout=10_000)
    (solo,) = workers._solos
    qtbot.waitUntil(lambda: bool(getattr(solo, "_processes", None)), timeout=10_000)
    (sleeper,) = solo._processes.values()
    task.cancel()
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: not sleeper.is_alive(), timeout=5_000)
    # The next long job gets a fresh process.
    assert _await(qtbot, workers.run_in_own_process(_pid))["result"] not in (first, sleeper.pid)


def test_quitting_stops_the_workers_once_however_many_pools(qtbot, loop, qapp) -> None:
    from PySide6.QtCore import SIGNAL

    from designer.ui.infra import workers

    _await(qtbot, workers.run_in_own_process(_pid))
    _await(qtbot, workers.run_in_own_process(_pid))
    workers.pool()
    hooked = qapp.receivers(SIGNAL("aboutToQuit()"))
    _await(qtbot, workers.run_in_own_process(_pid))
    assert qapp.receivers(SIGNAL("aboutToQuit()")) == hooked >= 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has exited but not been reaped yet still answers: look at its state.
    with open(f"/proc/{pid}/stat", "rb") as stat:
        return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"


def test_cancel_before_the_first_step_still_reports(qtbot, loop, parent) -> None:
    events: list[str] = []

    async def work() -> None:
        events.append("ran")

    op = _op(parent, work, events).run()
    op.cancel()
    qtbot.waitUntil(lambda: "finally" in events)
    assert events == ["cancelled", "finally"]
