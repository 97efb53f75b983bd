"""The response panel: Initialize a call, then read its structure, raw body and headers.

Initialize builds the request (errors shown inline), sends it on the asyncio
loop, and infers the structure in a worker process so the event loop never
stalls. A large JSON body is inferred twice at once: from its first two
megabytes (at most :data:`SAMPLE_LIMIT` items per list), which shows a tree
within a second of the response, and in full, which refines it. The result
becomes a new :class:`Call` emitted through :attr:`callEdited`; the
shell applies it as one undoable edit and hands it back via :meth:`set_call`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from designer.core.errors import DesignerError
from designer.core.fileio import format_size
from designer.core.inference import Change, detect_kind, infer_body, summarize
from designer.core.initialize import (
    InferOutcome,
    infer_response,
    object_kinds,
    redact,
    with_structure,
)
from designer.core.models import Api, Call
from designer.core.request import build_request
from designer.core.response import ResponseResult
from designer.core.secrets import SecretStore
from designer.core.structure import FieldOverride, ResponseType, Shape

from .. import workers
from ..ops import AsyncOp, run_in_worker
from . import jobs
from .layout import PanelLayout
from .manual_dialog import ManualResponse, ManualResponseDialog

if TYPE_CHECKING:
    from designer.core.execute import Executor

__all__ = ["SAMPLE_LIMIT", "TWO_PASS_BYTES", "ResponsePanel"]

#: Items per list inferred by the quick first pass over a large body.
SAMPLE_LIMIT = 1000
#: Bodies above this size get the quick first pass; smaller ones infer in well under a second.
TWO_PASS_BYTES = 2 * 1024 * 1024
_PROGRESS_INTERVAL = 0.1
#: Responses kept for the session (all calls together), so that going back to a
#: call shows what it last returned; a larger body is shown only while current.
KEEP_BYTES = 64 * 1024 * 1024
_REVEAL_CHANGES = 50


class ResponsePanel(QWidget):
    """Initialize, status, and the Structure / Raw / Headers tabs of the selected call."""

    callEdited = Signal(object)  # a new Call with the updated structure or overrides

    def __init__(
        self, executor: Executor, secrets: SecretStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("responsePanel")
        self._executor, self._secrets = executor, secrets
        #: the name of the active environment of an API (the window's switcher sets it)
        self.environment_for: Callable[[Api], str | None] = lambda api: None
        self._api: Api | None = None
        self._call: Call | None = None
        self._op: AsyncOp[object] | None = None
        self._last_progress = 0.0
        self._responded = False
        self._warmed = False
        # call id -> (response, how to show its body, its status line), oldest first
        self._kept: OrderedDict[str, tuple[ResponseResult, str, str]] = OrderedDict()

        self.ui = PanelLayout(self)
        self.responseTree = self.ui.tree
        self.statusLabel = self.ui.statusLabel
        self.initializeButton = self.ui.initializeButton
        self.cancelButton = self.ui.cancelButton
        self.model = self.ui.model

        self.initializeAction = QAction("&Initialize Call", self)
        self.initializeAction.setObjectName("initializeAction")
        self.initializeAction.setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        )
        self.initializeAction.setToolTip(
            "Send the call with its sample values and infer the response"
        )
        self.initializeAction.triggered.connect(self.initialize)
        self.addAction(self.initializeAction)  # window-wide shortcut while the panel is shown
        self.cancelAction = QAction("Cancel", self)
        self.cancelAction.setShortcut(QKeySequence.StandardKey.Cancel)
        # Only from within the panel: Esc elsewhere in the window means something else.
        self.cancelAction.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancelAction.triggered.connect(self.cancel)
        self.addAction(self.cancelAction)

        self.initializeButton.clicked.connect(self.initialize)
        self.cancelButton.clicked.connect(self.cancel)
        self.ui.manualButton.clicked.connect(self.enter_manually)
        self.model.overridesEdited.connect(self._overrides_edited)
        self.set_call(None, None)

    # -- the selected call ------------------------------------------------------------

    def set_call(self, api: Api | None, call: Call | None) -> None:
        """Show ``call`` of ``api``; None shows the empty state."""
        same = call is not None and self._call is not None and call.id == self._call.id
        if not same and self._op is not None:
            self.cancel()  # a result for a call no longer shown would land on the wrong one
        previous = self._call
        self._api, self._call = api, call
        if call is None:
            self.ui.show_empty()
            self._update_actions()
            return
        self.ui.show_content()
        if same and previous is not None and call.structure == previous.structure:
            self.model.set_overrides(call.overrides)  # an override edit, undo or redo
        elif not (self._op is not None and self._op.running):
            self.model.set_structure(call.structure, call.overrides)
            self.ui.summaryLabel.clear()
            self.ui.expand()
        if not same:
            self.ui.message.clear()
            self._show_kept(call)
        self._update_actions()
        if not self._warmed:
            # Start a worker process now, so the first Initialize does not wait for one.
            self._warmed = True
            QTimer.singleShot(500, workers.pool)

    # -- Initialize -------------------------------------------------------------------

    def initialize(self) -> None:
        """Send the call with its sample values and infer the structure of the answer."""
        if self._api is None or self._call is None or self._running():
            return
        api, call = self._api, self._call

        environment = self.environment_for(api)

        async def run() -> tuple[InferOutcome, ResponseResult]:
            # Fails early, with the builder's message, before any token request.
            build_request(api, call, self._secrets, environment=environment)
            self.statusLabel.setText("Sending…")
            # Imported here: authlib and joserfc are not needed until a call runs.
            from designer.core.auth import Authenticator

            authenticator = Authenticator(self._secrets, self._executor)
            built, response = await authenticator.send(
                api, call, environment=environment, on_progress=self._progress
            )
            self._responded = True
            status, kind = _status_text(response), _kind(call, response)
            self.statusLabel.setText(status)
            self._show_response(call.id, response, kind, status)
            return redact(await self._infer(call, response), built.secrets), response

        self._start(run, self._initialized)

    async def _infer(self, call: Call, response: ResponseResult) -> InferOutcome:
        if response.size <= TWO_PASS_BYTES:
            return await run_in_worker(infer_response, call, response)
        light = jobs.without_body(response)
        preview = full = None
        spooling = asyncio.ensure_future(asyncio.to_thread(jobs.spool, response.body))
        try:
            if _reads_as_json(call, response):
                prefix = response.body[: jobs.PREVIEW_BYTES]
                preview = asyncio.ensure_future(
                    run_in_worker(jobs.infer_preview, call, light, prefix, SAMPLE_LIMIT)
                )
            self.ui.summaryLabel.setText("Inferring the structure…")
            path = await asyncio.shield(spooling)
            full = asyncio.ensure_future(
                workers.run_in_own_process(jobs.infer_spooled, call, light, path)
            )
            first = await preview if preview is not None else None
            if first is not None and not full.done():
                self.model.set_structure(first.shape, call.overrides)
                self.ui.expand()
                self.ui.summaryLabel.setText(
                    f"Showing the structure of the first {format_size(jobs.PREVIEW_BYTES)} "
                    f"of {format_size(response.size)}; refining…"
                )
            return await full
        finally:
            for task in (preview, full):
                _settle(task)  # cancelling the full pass stops its process
            # The file goes once written, even if the run was cancelled while writing it;
            # a worker still reading it keeps its open file (POSIX allows the unlink).
            spooling.add_done_callback(_remove_spooled)

    def _initialized(self, result: tuple[InferOutcome, ResponseResult]) -> None:
        outcome, response = result
        if outcome.note:
            self.ui.message.show_note(outcome.note)
            if self._call is not None:
                status = self.statusLabel.text()
                self._show_response(self._call.id, response, outcome.kind.value, status)
        self._apply(outcome.shape, merge=False)

    # -- responses kept for the session -------------------------------------------------

    def _show_response(
        self, call_id: str, response: ResponseResult, kind: str, status: str
    ) -> None:
        """Show the body and headers, and keep them for when the call is shown again."""
        self.ui.show_response(response, kind)
        self._kept.pop(call_id, None)
        if response.size > KEEP_BYTES:
            return
        self._kept[call_id] = (response, kind, status)
        total = sum(r.size for r, _, _ in self._kept.values())
        while total > KEEP_BYTES:
            _, (oldest, _, _) = self._kept.popitem(last=False)
            total -= oldest.size

    def _show_kept(self, call: Call) -> None:
        kept = self._kept.get(call.id)
        if kept is None:
            self.ui.show_response(None)
            self.statusLabel.setText("Initialized earlier" if call.structure else "Not initialized")
            return
        self._kept.move_to_end(call.id)
        response, kind, status = kept
        self.ui.show_response(response, kind)
        self.statusLabel.setText(f"Last response: {status}")

    # -- Manually enter response… -----------------------------------------------------

    def enter_manually(self) -> None:
        """Ask for a sample body and infer the structure from it instead of calling."""
        if self._call is None or self._running():
            return
        dialog = ManualResponseDialog(self._call.name, self._call.structure is not None, self)
        dialog.accepted.connect(lambda: self.apply_manual(dialog.result_value()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def apply_manual(self, manual: ManualResponse) -> None:
        """Infer the structure of a pasted body and merge it in or replace with it."""
        if self._call is None or self._running():
            return
        call = self._call

        async def run() -> Shape:
            kind = detect_kind(manual.body, manual.content_type)
            self.ui.show_pasted(manual.body, kind.value)
            self.statusLabel.setText(f"Pasted response · {format_size(len(manual.body))}")
            return await run_in_worker(
                infer_body,
                manual.body,
                manual.content_type,
                call.response_type,
                kinds=object_kinds(call),
            )

        self._start(run, lambda shape: self._apply(shape, merge=manual.merge))

    # -- shared by both -----------------------------------------------------------------

    def _start(self, factory, on_success) -> None:  # type: ignore[no-untyped-def]
        self.ui.message.clear()
        self.ui.summaryLabel.clear()
        self._responded = False
        op: AsyncOp[object] = AsyncOp(self, factory)
        op.success(on_success).failure(self._failed).cancelled(self._cancelled)
        op.finally_(lambda: self._finished(op))
        self._op = op.run()
        self._set_busy(True)

    def _apply(self, shape: Shape, *, merge: bool) -> None:
        if self._call is None:
            return
        # Applied to the call as it is now: the user may have edited it meanwhile.
        previous = self._call.structure
        updated, changes = with_structure(self._call, shape, merge=merge)
        self._call = updated
        self.model.set_structure(updated.structure, updated.overrides, changes)
        self.ui.expand()
        # Changed fields deeper than the first levels are opened too; a bounded
        # number, so a response that changed everywhere stays quick to show.
        self.ui.reveal([c.path for c in changes[:_REVEAL_CHANGES]])
        self.ui.summaryLabel.setText(_summary(previous, changes))
        self.callEdited.emit(updated)

    def _failed(self, exc: DesignerError) -> None:
        self.ui.message.show_error(str(exc))
        if not self._responded:
            self.statusLabel.setText("No response")
        self._restore_tree()

    def _cancelled(self) -> None:
        self.ui.message.show_note("Cancelled; the structure is unchanged.")
        self.statusLabel.setText("Cancelled")
        self._restore_tree()

    def _restore_tree(self) -> None:
        # A preview from the quick first pass must not outlive a failed or cancelled run.
        if self._call is not None and self.model.shape() is not self._call.structure:
            self.model.set_structure(self._call.structure, self._call.overrides)
            self.ui.expand()
        self.ui.summaryLabel.clear()

    def _finished(self, op: AsyncOp[object]) -> None:
        if self._op is op:
            self._op = None
            self._set_busy(False)

    def cancel(self) -> None:
        """Stop a running Initialize; the call keeps its structure."""
        if self._op is not None:
            self._op.cancel()

    def shutdown(self) -> None:
        """Cancel running work; called when the window closes."""
        self.cancel()
        self.ui.raw.shutdown()

    # -- small helpers ------------------------------------------------------------------

    def _overrides_edited(self, overrides: dict[str, FieldOverride]) -> None:
        if self._call is None:
            return
        self._call = self._call.model_copy(update={"overrides": overrides})
        self.callEdited.emit(self._call)

    def _progress(self, received: int) -> None:
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_INTERVAL:
            self._last_progress = now
            self.statusLabel.setText(f"Receiving… {format_size(received)}")

    def _running(self) -> bool:
        return self._op is not None and self._op.running

    def _set_busy(self, busy: bool) -> None:
        self.ui.set_busy(busy)
        self._update_actions()

    def _update_actions(self) -> None:
        busy = self._running()
        ready = self._call is not None and not busy
        self.initializeButton.setEnabled(ready and self._api is not None)
        self.initializeAction.setEnabled(ready and self._api is not None)
        self.ui.manualButton.setEnabled(ready)
        self.cancelButton.setEnabled(busy)
        self.cancelAction.setEnabled(busy)


def _kind(call: Call, response: ResponseResult) -> str:
    """How the body will be read: the call's choice, else what its Content-Type says."""
    if call.response_type is not ResponseType.AUTO:
        return call.response_type.value
    return detect_kind(response.body, response.content_type).value


def _reads_as_json(call: Call, response: ResponseResult) -> bool:
    return _kind(call, response) == ResponseType.JSON.value


def _remove_spooled(spooling: asyncio.Future[str]) -> None:
    if spooling.cancelled() or spooling.exception() is not None:
        return
    with contextlib.suppress(OSError):
        os.unlink(spooling.result())


def _settle(task: asyncio.Future[object] | None) -> None:
    """Cancel ``task`` if pending, else retrieve its error so asyncio does not report it lost."""
    if task is None:
        return
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()


def _status_text(response: ResponseResult) -> str:
    """``200 OK · 143 ms · 12.4 KB``."""
    status = f"{response.status} {response.reason}".strip()
    millis = f"{response.elapsed * 1000:,.0f} ms"
    return f"{status} · {millis} · {format_size(response.size)}"


def _summary(previous: Shape | None, changes: list[Change]) -> str:
    if previous is None:
        return "Structure inferred; check the types and untick what you don't need."
    if not changes:
        return "Re-initialized: no changes."
    return f"Re-initialized: {summarize(changes)}."
