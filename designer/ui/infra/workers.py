"""CPU-heavy work off the UI thread: a lazily created process pool.

Parsing and inferring an 80 MB body takes seconds of pure Python. In a thread
it would still hold the GIL and stall the event loop, so it runs in worker
processes. The pool is created on first use (start-up stays fast), uses the
``spawn`` method (forking a process that runs Qt threads is unsafe), and is
shut down when the application quits. Where processes cannot be started (some
sandboxes forbid them) a thread pool takes over, which is slower but correct.

A long job the user may cancel (the full inference of a large body) runs in
a process of its own, :func:`run_in_own_process`: cancelling it stops that
process at once, so a cancelled job neither keeps a core busy for seconds nor
delays the next Initialize, and the process ends with its job instead of
idling on the memory it used. Short jobs share the pool and finish regardless.

Exceptions cross the process boundary intact: the core's errors have
constructors with extra arguments that plain pickling cannot call again, so the
worker ships the class, ``args`` and attributes and the parent rebuilds them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import functools
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from designer.core.errors import DesignerError
from designer.core.escaping import inert_logger

__all__ = ["WorkerCrashed", "run_in_own_process", "run_in_worker", "shutdown_workers"]

T = TypeVar("T")
log = inert_logger(__name__)

_pool: cf.Executor | None = None
_solos: set[cf.Executor] = set()  # one process per job of run_in_own_process
_retired: list[cf.Executor] = []
_hooked_app: object = None  # the application whose quit stops the workers


class WorkerCrashed(DesignerError):
    """A worker process died (killed, or out of memory) before it finished."""


class _Raised:
    """An exception from a worker, in a form that always unpickles."""

    def __init__(self, exc: BaseException) -> None:
        self.cls = type(exc)
        self.args = exc.args
        self.state = dict(getattr(exc, "__dict__", {}))

    def rebuild(self) -> BaseException:
        exc = self.cls.__new__(self.cls)
        exc.args = self.args
        exc.__dict__.update(self.state)
        return exc


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T | _Raised:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        return _Raised(exc)


def _warm_up() -> int:
    return os.getpid()


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the application dies.

    A worker blocked on its job queue does not notice a parent that was killed
    or crashed, and would linger holding hundreds of megabytes.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    # Ctrl+C in a terminal reaches the whole process group: the application
    # decides what it means and stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _make_pool(*, solo: bool = False) -> cf.Executor:
    workers = 1 if solo else max(1, min(2, os.cpu_count() or 1))
    try:
        context = multiprocessing.get_context("spawn")
        pool: cf.Executor = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_exit_with_parent,
            initargs=(os.getpid(),),
        )
        if not solo:
            pool.submit(_warm_up)  # starts a process now, while the user is still reading
    except (OSError, NotImplementedError, PermissionError) as exc:
        log.warning("Worker processes unavailable (%s); using threads", exc)
        pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="worker")
    _hook_quit()
    return pool


def _hook_quit() -> None:
    """Stop the workers when the application quits; connected once, however many pools."""
    global _hooked_app
    # Imported here so this module stays importable, and testable, without a QApplication.
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    if app is not None and app is not _hooked_app:
        app.aboutToQuit.connect(shutdown_workers)
        _hooked_app = app


def pool() -> cf.Executor:
    """The shared worker pool, created on first use."""
    global _pool
    if _pool is None:
        _pool = _make_pool()
    return _pool


async def run_in_worker(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` in a worker process and await its result.

    ``fn`` and its arguments must be picklable (module-level functions, plain
    data). Cancelling the awaiting task abandons the result; a job that has
    already started runs to completion in its worker.
    """
    global _pool
    try:
        return await _run(pool(), fn, args, kwargs)
    except cf.process.BrokenProcessPool as exc:
        # Start afresh next time; the pool is unusable once a worker has died.
        _pool = None
        raise _crashed() from exc


async def run_in_own_process(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Like :func:`run_in_worker`, in a process of its own that ends with the job.

    Cancelling the awaiting task stops the process at once. Starting a process
    costs a few tenths of a second: for long jobs only.
    """
    solo = _make_pool(solo=True)
    _solos.add(solo)
    try:
        return await _run(solo, fn, args, kwargs)
    except cf.process.BrokenProcessPool as exc:
        raise _crashed() from exc
    finally:
        if solo in _solos:
            _solos.discard(solo)
            _retire(solo)


def _stop_own_processes() -> None:
    while _solos:
        _retire(_solos.pop())


async def _run(
    executor: cf.Executor, fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    loop = asyncio.get_running_loop()
    outcome = await loop.run_in_executor(executor, functools.partial(_call, fn, args, kwargs))
    if isinstance(outcome, _Raised):
        raise outcome.rebuild()
    return outcome


def _crashed() -> WorkerCrashed:
    return WorkerCrashed("The background worker stopped unexpectedly (out of memory?); try again")


def shutdown_workers() -> None:
    """Stop the worker processes without waiting for jobs in flight."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        _retire(pool)
    _stop_own_processes()


def _retire(pool: cf.Executor) -> None:
    # Taken before shutdown, which forgets them. A worker busy inferring a huge
    # body would otherwise keep running (and quitting waiting) for seconds.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    # Kept referenced: collecting a pool during interpreter exit runs its cleanup
    # after the modules it needs are gone, which prints a spurious traceback.
    _retired.append(pool)
