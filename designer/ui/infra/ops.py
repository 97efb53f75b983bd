"""The one way UI code starts background work.

An :class:`AsyncOp` runs a coroutine as a task on the qasync loop and reports
back through callbacks, in the shape of Anki's ``CollectionOp``::

    AsyncOp(self, lambda: executor.send(built)).success(self._show).failure(
        self._show_error).finally_(self._restore_buttons).run()

- The op keeps its task alive (a bare ``create_task`` may be garbage-collected
  mid-flight) and cancels it when its parent QObject is destroyed, so a closed
  window never receives a late callback.
- A :class:`~designer.core.errors.DesignerError` is an expected failure: it
  goes to the ``failure`` callback, which shows its one-line message. Anything
  else is a bug and goes to :func:`designer.ui.infra.errors.report_unexpected`.
- ``finally_`` always runs (success, failure or cancel) unless the parent is
  gone, which is where buttons and busy states are restored.

CPU-heavy work (parsing and inferring large bodies) must not run on the event
loop at all: :func:`run_in_worker` awaits it in a process pool.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from designer.core.errors import DesignerError
from designer.core.escaping import inert_logger

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncOp", "finalize_async_generators", "run_in_worker", "shutdown_workers"]

T = TypeVar("T")
log = inert_logger(__name__)

# Strong references to running ops: asyncio keeps only weak references to tasks.
_running: set[AsyncOp[Any]] = set()


def _report_unexpected(exc: BaseException, parent: QObject | None) -> None:
    try:
        # Imported lazily: the error presenter pulls in dialogs this module does not need.
        from designer.ui.infra.errors import report_unexpected
    except ImportError:
        log.error("Unexpected error in a background operation", exc_info=exc)
        return
    report_unexpected(exc, parent if isinstance(parent, QWidget) else None)


class AsyncOp(Generic[T]):
    """A coroutine run on the Qt event loop on behalf of ``parent``."""

    def __init__(self, parent: QObject, coro_factory: Callable[[], Awaitable[T]]) -> None:
        self._parent: QObject | None = parent
        self._factory = coro_factory
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[DesignerError], None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self._on_finally: Callable[[], None] | None = None
        self._task: asyncio.Task[T | None] | None = None
        self._started = False
        parent.destroyed.connect(self._parent_destroyed)

    def success(self, callback: Callable[[T], None]) -> AsyncOp[T]:
        """Call ``callback(result)`` when the coroutine returns."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[DesignerError], None]) -> AsyncOp[T]:
        """Call ``callback(error)`` when the coroutine raises a :class:`DesignerError`."""
        self._on_failure = callback
        return self

    def cancelled(self, callback: Callable[[], None]) -> AsyncOp[T]:
        """Call ``callback()`` when the op is cancelled while its parent still exists."""
        self._on_cancel = callback
        return self

    def finally_(self, callback: Callable[[], None]) -> AsyncOp[T]:
        """Call ``callback()`` after any outcome, last."""
        self._on_finally = callback
        return self

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def run(self) -> AsyncOp[T]:
        """Start the coroutine on the running (qasync) loop; returns ``self`` for :meth:`cancel`."""
        if self._task is not None:
            raise RuntimeError("an AsyncOp runs once; create a new one")
        loop = _loop()
        self._task = loop.create_task(self._guarded())
        _running.add(self)
        self._task.add_done_callback(self._done)
        return self

    def _done(self, _task: asyncio.Task[T | None]) -> None:
        _running.discard(self)
        if not self._started:
            # Cancelled before its first step: _guarded never ran, so report here.
            self._deliver(self._on_cancel)
            self._deliver(self._on_finally)

    def cancel(self) -> None:
        """Ask the task to stop; ``cancelled`` and ``finally_`` callbacks still run."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def _guarded(self) -> T | None:
        # Every outcome is handled here, so the loop never sees an unretrieved
        # task exception and callbacks run in one well-defined order.
        self._started = True
        from asyncio import CancelledError

        try:
            result = await self._factory()
        except CancelledError:
            self._deliver(self._on_cancel)
            return None
        except DesignerError as exc:
            if self._on_failure is None:
                self._deliver(_report_unexpected, exc, self._parent)
            else:
                self._deliver(self._on_failure, exc)
            return None
        except Exception as exc:
            self._deliver(_report_unexpected, exc, self._parent)
            return None
        else:
            self._deliver(self._on_success, result)
            return result
        finally:
            # Done here, not only in the task's done callback: that one runs a turn of
            # the loop later, and never if the loop is closed in between.
            _running.discard(self)
            self._deliver(self._on_finally)

    def _deliver(self, callback: Callable[..., None] | None, *args: Any) -> None:
        # A destroyed parent means its widgets are gone: touching them would crash.
        # Bugs are still reported (logged, without a parent window).
        if callback is None or (self._parent is None and callback is not _report_unexpected):
            return
        try:
            callback(*args)
        except Exception as exc:
            _report_unexpected(exc, self._parent)

    def _parent_destroyed(self, *_args: object) -> None:
        self._parent = None
        self.cancel()


def _loop() -> asyncio.AbstractEventLoop:
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        # A Qt slot runs outside any coroutine; qasync installed its loop as the current one.
        return asyncio.get_event_loop_policy().get_event_loop()


# asyncio, the process pool and multiprocessing are imported on first use, not when
# the window's modules are: a window that has not started any work yet needs none of
# them (about 25 ms of start-up).


async def run_in_worker(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` in a worker process (see :mod:`designer.ui.infra.workers`)."""
    from designer.ui.infra.workers import run_in_worker as run

    return await run(fn, *args, **kwargs)


def shutdown_workers() -> None:
    """Stop the worker processes, if any were started."""
    workers = sys.modules.get("designer.ui.infra.workers")
    if workers is not None:
        workers.shutdown_workers()


def finalize_async_generators(loop: asyncio.AbstractEventLoop) -> None:
    """Have ``loop`` close the async generators that are dropped unfinished, as asyncio's
    own ``run_forever`` arranges and qasync's does not.

    A stream that ends before its body does (at its ``[DONE]`` event, or stopped)
    leaves httpx's body iterators suspended; without these hooks the garbage
    collector closes them outside any task, which httpcore refuses noisily.
    With them, each is closed in a task of the loop.
    """
    first = getattr(loop, "_asyncgen_firstiter_hook", None)
    finalizer = getattr(loop, "_asyncgen_finalizer_hook", None)
    if first is not None and finalizer is not None:
        sys.set_asyncgen_hooks(firstiter=first, finalizer=finalizer)
