"""The app's inference runner for the call service: worker processes, never the event loop.

A small body is inferred in the shared worker pool. A large one goes to a
process of its own (cancelling the run stops it at once) through a temporary
file, and a large JSON body is inferred twice at once: from its first two
megabytes (at most :data:`SAMPLE_LIMIT` items per list), which gives a tree
within a second of the response, and in full, which refines it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from designer.core.calls.initialize import InferOutcome, infer_response
from designer.core.http.response import ResponseResult
from designer.core.inference import detect_kind
from designer.core.models import Call
from designer.core.structure import ResponseType
from designer.ui.infra.ops import run_in_worker
from designer.ui.response import jobs

if TYPE_CHECKING:
    import asyncio

__all__ = ["SAMPLE_LIMIT", "TWO_PASS_BYTES", "WorkerInference", "kind_of", "warm_up_workers"]

#: Items per list inferred by the quick first pass over a large body.
SAMPLE_LIMIT = 1000
#: Bodies above this size get the quick first pass; smaller ones infer in well under a second.
TWO_PASS_BYTES = 2 * 1024 * 1024

#: Told that the structure of a large body is being inferred: (call).
Inferring = Callable[[Call], None]
#: Given the quick first tree of a large body while the full pass runs: (call, outcome, response).
Preview = Callable[[Call, InferOutcome, ResponseResult], None]


def kind_of(call: Call, response: ResponseResult) -> str:
    """How the body will be read: the call's choice, else what its Content-Type says."""
    if call.response_type is not ResponseType.AUTO:
        return call.response_type.value
    return detect_kind(response.body, response.content_type).value


def warm_up_workers() -> None:
    """Start a worker process now, so the first Initialize does not wait for one."""
    # The worker pool (and multiprocessing) is imported here rather than with the
    # window: it is not needed to show it.
    from designer.ui.infra import workers

    workers.pool()


class WorkerInference:
    """Infers answers in worker processes; an :data:`~designer.core.calls.service.Inferrer`."""

    def __init__(
        self, *, on_inferring: Inferring | None = None, on_preview: Preview | None = None
    ) -> None:
        self.on_inferring, self.on_preview = on_inferring, on_preview

    async def __call__(self, call: Call, response: ResponseResult) -> InferOutcome:
        if response.size <= TWO_PASS_BYTES:
            return await run_in_worker(infer_response, call, response)
        import asyncio  # with the first large body: the window shows without it

        from designer.ui.infra import workers

        light = jobs.without_body(response)
        preview = full = None
        spooling = asyncio.ensure_future(asyncio.to_thread(jobs.spool, response.body))
        try:
            if kind_of(call, response) == ResponseType.JSON.value:
                prefix = response.body[: jobs.PREVIEW_BYTES]
                preview = asyncio.ensure_future(
                    run_in_worker(jobs.infer_preview, call, light, prefix, SAMPLE_LIMIT)
                )
            if self.on_inferring is not None:
                self.on_inferring(call)
            path = await asyncio.shield(spooling)
            full = asyncio.ensure_future(
                workers.run_in_own_process(jobs.infer_spooled, call, light, path)
            )
            first = await preview if preview is not None else None
            if first is not None and not full.done() and self.on_preview is not None:
                self.on_preview(call, first, response)
            return await full
        finally:
            for task in (preview, full):
                _settle(task)  # cancelling the full pass stops its process
            # The file goes once written, even if the run was cancelled while writing it;
            # a worker still reading it keeps its open file (POSIX allows the unlink).
            spooling.add_done_callback(_remove_spooled)


def _remove_spooled(spooling: asyncio.Future[str]) -> None:
    if spooling.cancelled() or spooling.exception() is not None:
        return
    with contextlib.suppress(OSError):
        os.unlink(spooling.result())


def _settle(task: asyncio.Future[Any] | None) -> None:
    """Cancel ``task`` if pending, else retrieve its error so asyncio does not report it lost."""
    if task is None:
        return
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()
