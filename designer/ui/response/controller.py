"""The runs of the response panel: each call's Initialize driven on the qasync loop.

:class:`RunController` starts a call's Initialize through the call service
(:class:`~designer.core.calls.service.CallService`), with the app's inference
runner (worker processes), keeps what each run is doing (its status line,
whether the answer is in), cancels it, and says when it starts, fails, is
cancelled and ends. Each call runs on its own: several may be in flight, and
the panel shows the one on screen. A pasted response's inference runs here too
(:meth:`RunController.start`), so a call has one run at a time whatever it is.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from designer.core.fileio import format_size
from designer.core.http.response import ResponseResult
from designer.core.inference import Change, summarize
from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore
from designer.core.structure import Shape
from designer.ui.infra.ops import AsyncOp

if TYPE_CHECKING:
    import asyncio

    from designer.core.calls.service import Inferrer, Initialized, Sent
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles
    from designer.core.streams.events import StreamEvent
    from designer.ui.response.manual_dialog import ManualResponse

__all__ = [
    "BUSY",
    "FAILED",
    "IDLE",
    "Failure",
    "Run",
    "RunController",
    "clock",
    "stale_text",
    "status_text",
    "summary_text",
]

#: The states of a call in :attr:`ResponsePanel.callStateChanged`.
BUSY, FAILED, IDLE = "busy", "failed", ""
_PROGRESS_INTERVAL = 0.1
#: How often the elapsed time of a call in flight is brought up to date, in ms.
_TICK_MS = 100


@dataclass(slots=True)
class Run:
    """A call's Initialize (or pasted response) in flight."""

    op: AsyncOp[Any]
    started: float
    api: Api
    call: Call  # as it was when it started
    status: str = "Sending…"
    responded: bool = False
    #: events of a streamed answer received so far
    events: int = 0
    #: set to end a streamed answer gracefully, keeping what arrived
    stop: asyncio.Event | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """How a call's last attempt failed, shown again when the call is shown."""

    message: str
    status: str
    at: str  # "14:02"


def clock() -> str:
    """The time of day, as runs are stamped: ``14:02``."""
    return datetime.now().strftime("%H:%M")


def status_text(response: ResponseResult) -> str:
    """``200 OK · 143 ms · 12.4 KB``."""
    status = f"{response.status} {response.reason}".strip()
    millis = f"{response.elapsed * 1000:,.0f} ms"
    return f"{status} · {millis} · {format_size(response.size)}"


def stale_text(call: Call, at: str | None) -> str:
    """Says that the structure of ``call`` (inferred at ``at`` in this session, if it
    was) is older than the attempt that just failed."""
    if call.structure is None:
        return ""
    if at is None:
        return "The last attempt failed: the structure shown is from an earlier initialize."
    return f"The last attempt failed: structure from the response of {at}."


def summary_text(previous: Shape | None, changes: list[Change]) -> str:
    """What a new structure changed, said after a run."""
    if previous is None:
        return "Structure inferred; check the types and untick what you don't need."
    if not changes:
        return "Re-initialized: no changes."
    return f"Re-initialized: {summarize(changes)}."


class RunController(QObject):
    """Starts, tracks and cancels the runs of calls, by call id."""

    #: a run started: (call id)
    started = Signal(str)
    #: the status line of a run changed: (call id)
    statusChanged = Signal(str)
    #: a run failed: (call id, the DesignerError); see :attr:`failures`
    failed = Signal(str, object)
    #: a run was cancelled: (call id)
    cancelled = Signal(str)
    #: a run ended, whatever its outcome: (call id); it has left :attr:`runs`
    finished = Signal(str)
    #: the elapsed times of the runs moved on (every 100 ms while any runs)
    ticked = Signal()

    def __init__(
        self, executor: Executor, secrets: SecretStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("runController")
        self._executor, self._secrets = executor, secrets
        #: the runs in flight, by call id
        self.runs: dict[str, Run] = {}
        #: how the last run of a call failed, by call id (until its next run starts)
        self.failures: dict[str, Failure] = {}
        self._last_progress = 0.0
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self.ticked)

    def initialize(
        self,
        api: Api,
        call: Call,
        environment: str | None,
        chosen: ChosenFiles | None,
        *,
        infer: Inferrer,
        on_response: Callable[[Sent], Awaitable[None]],
        on_success: Callable[[str, Initialized], None],
        on_event: Callable[[StreamEvent], None] | None = None,
    ) -> None:
        """Send ``call`` and infer its answer with ``infer``; ``on_event`` sees each event
        of a streamed answer as it arrives, ``on_response`` the answer, and ``on_success``
        gets (call id, what the service returned)."""
        import asyncio  # with the first request: the window shows without it

        call_id = call.id
        stop = asyncio.Event()

        def seen(event: StreamEvent) -> None:
            if (running := self.runs.get(call_id)) is not None:
                running.events += 1
            if on_event is not None:
                on_event(event)

        def progress(received: int) -> None:
            now = time.monotonic()
            if now - self._last_progress >= _PROGRESS_INTERVAL:
                self._last_progress = now
                self.set_status(call_id, f"Receiving… {format_size(received)}")

        async def answered(sent: Sent) -> None:
            if (running := self.runs.get(call_id)) is not None:
                running.responded = True
            self.set_status(call_id, status_text(sent.response))
            await on_response(sent)

        async def run() -> Initialized:
            # Imported with the first request (the window shows without it).
            from designer.core.calls.service import CallService

            service = CallService(self._executor, self._secrets, infer=infer)
            done = await service.initialize(
                api,
                call,
                environment=environment,
                chosen=chosen,  # only the files the user chose are sent
                on_progress=progress,
                on_event=seen,
                on_response=answered,
                stop=stop,
            )
            return done

        self.start(api, call, run, on_success)
        self.runs[call_id].stop = stop

    def infer_pasted(
        self,
        api: Api,
        call: Call,
        manual: ManualResponse,
        *,
        on_pasted: Callable[[str, bytes, str], None],
        on_success: Callable[[str, Shape], None],
    ) -> None:
        """Infer the structure of a pasted body in a worker process, as the run of ``call``;
        ``on_pasted(call id, body, kind)`` first, to show it."""
        from designer.core.calls.initialize import object_kinds
        from designer.core.inference import detect_kind, infer_body
        from designer.ui.infra.ops import run_in_worker

        async def run() -> Shape:
            kind = detect_kind(manual.body, manual.content_type)
            on_pasted(call.id, manual.body, kind.value)
            self.set_status(call.id, f"Pasted response · {format_size(len(manual.body))}")
            return await run_in_worker(
                infer_body,
                manual.body,
                manual.content_type,
                call.response_type,
                kinds=object_kinds(call),
            )

        self.start(api, call, run, on_success)

    def start(
        self,
        api: Api,
        call: Call,
        factory: Callable[[], Awaitable[Any]],
        on_success: Callable[[str, Any], None],
    ) -> None:
        """Run ``factory()`` as the run of ``call``; ``on_success(call id, result)``."""
        call_id = call.id
        op: AsyncOp[Any] = AsyncOp(self, factory)
        op.success(lambda result: on_success(call_id, result))
        op.failure(lambda exc: self._failed(call_id, exc))
        op.cancelled(lambda: self.cancelled.emit(call_id))
        op.finally_(lambda: self._finished(call_id, op))
        self.runs[call_id] = Run(op, time.monotonic(), api, call)
        op.run()
        self.started.emit(call_id)
        self._ticker.start()

    def _failed(self, call_id: str, exc: Exception) -> None:
        running = self.runs.get(call_id)
        responded = running is not None and running.responded
        status = running.status if responded and running is not None else "No response"
        self.failures[call_id] = Failure(str(exc), status, clock())
        self.failed.emit(call_id, exc)

    def set_status(self, call_id: str, text: str) -> None:
        """The status line of the run of ``call_id`` (nothing if it is not running)."""
        running = self.runs.get(call_id)
        if running is not None:
            running.status = text
        self.statusChanged.emit(call_id)

    def _finished(self, call_id: str, op: AsyncOp[Any]) -> None:
        running = self.runs.get(call_id)
        if running is None or running.op is not op:
            return
        del self.runs[call_id]
        if not self.runs:
            self._ticker.stop()
        self.finished.emit(call_id)

    def cancel(self, call_id: str) -> None:
        """Stop the run of ``call_id``, if any: a stream that began ends with what arrived."""
        if (running := self.runs.get(call_id)) is None:
            return
        if running.stop is not None and running.events:
            running.stop.set()  # the service ends the stream and infers what it has
        else:
            running.op.cancel()

    def shutdown(self) -> None:
        """Cancel every run; the window is closing."""
        self._ticker.stop()
        for running in list(self.runs.values()):
            running.op.cancel()
