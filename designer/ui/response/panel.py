"""The response panel: Initialize a call, then read its structure, raw body and headers.

Initialize builds the request (errors shown inline), sends it on the asyncio
loop, and infers the structure in a worker process so the event loop never
stalls. A large JSON body is inferred twice at once: from its first two
megabytes (at most :data:`SAMPLE_LIMIT` items per list), which shows a tree
within a second of the response, and in full, which refines it. The result
becomes a new :class:`Call` emitted through :attr:`callEdited`; the
shell applies it as one undoable edit and hands it back via :meth:`set_call`.

Each call's Initialize runs on its own: switching to another call leaves it
running, and its result lands on its own call (through :attr:`call_lookup`)
whichever call is on screen. What the panel shows is the state of the call
on screen: in flight with the elapsed time, failed (over the older structure,
marked as such), or succeeded. :attr:`callStateChanged` tells the tree which
calls are busy and which failed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from designer.core.calls.initialize import (
    InferOutcome,
    infer_response,
    object_kinds,
    redact,
    with_structure,
)
from designer.core.errors import DesignerError
from designer.core.fileio import format_size
from designer.core.http.response import ResponseResult
from designer.core.inference import Change, detect_kind, infer_body, summarize
from designer.core.inference.spec import Departure, summarize_departures
from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore
from designer.core.structure import FieldOverride, ResponseType, Shape, ValueType
from designer.ui.infra.icons import icon
from designer.ui.infra.ops import AsyncOp, run_in_worker
from designer.ui.response import jobs
from designer.ui.response.layout import PanelLayout
from designer.ui.response.manual_dialog import ManualResponse, ManualResponseDialog

if TYPE_CHECKING:
    import asyncio

    from designer.core.calls.history import HistoryEntry, ResponseHistory
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles

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
#: How often the elapsed time of a call in flight is brought up to date, in ms.
_TICK_MS = 100

#: Values of :attr:`ResponsePanel.callStateChanged`.
BUSY, FAILED, IDLE = "busy", "failed", ""


@dataclass(slots=True)
class _Run:
    """A call's Initialize (or pasted response) in flight."""

    op: AsyncOp[object]
    started: float
    api: Api
    call: Call  # as it was when it started
    status: str = "Sending…"
    responded: bool = False


@dataclass(frozen=True, slots=True)
class _Failure:
    """How a call's last attempt failed, shown again when the call is shown."""

    message: str
    status: str
    at: str  # "14:02"


def _clock() -> str:
    return datetime.now().strftime("%H:%M")


class ResponsePanel(QWidget):
    """Initialize, status, and the Structure / Raw / Headers tabs of the selected call."""

    callEdited = Signal(object)  # a new Call with the updated structure or overrides
    #: a call started or finished running: (call id, BUSY / FAILED / IDLE)
    callStateChanged = Signal(str, str)

    def __init__(
        self, executor: Executor, secrets: SecretStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("responsePanel")
        self._executor, self._secrets = executor, secrets
        #: the name of the active environment of an API (the window's switcher sets it)
        self.environment_for: Callable[[Api], str | None] = lambda api: None
        #: the files the user chose for the workspace: no other file is sent
        self.chosen_files: ChosenFiles | None = None
        #: the API and call of a call id as they are now (the shell reads its document);
        #: a result for a call not on screen is applied to what this returns
        self.call_lookup: Callable[[str], tuple[Api, Call] | None] = self._as_started
        self._api: Api | None = None
        self._call: Call | None = None
        self._runs: dict[str, _Run] = {}
        self._failures: dict[str, _Failure] = {}
        self._notes: dict[str, str] = {}  # the last summary or note of each call
        self._structure_at: dict[str, str] = {}  # when this session inferred each structure
        self._last_progress = 0.0
        self._warmed = False
        self._ticker = QTimer(self)
        self._ticker.setInterval(_TICK_MS)
        self._ticker.timeout.connect(self._tick)
        # call id -> (response, how to show its body, its status line), oldest first
        self._kept: OrderedDict[str, tuple[ResponseResult, str, str]] = OrderedDict()
        #: The question before a broken body replaces a stored structure, while open.
        self._confirm: QMessageBox | None = None

        self.ui = PanelLayout(self)
        self.responseTree = self.ui.tree
        self.statusLabel = self.ui.statusLabel
        self.initializeButton = self.ui.initializeButton
        self.cancelButton = self.ui.cancelButton
        self.model = self.ui.model

        self.initializeAction = QAction("&Initialize call", self)
        self.initializeAction.setObjectName("initializeAction")
        self.initializeAction.setIcon(icon("play"))
        self.initializeAction.setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        )
        self.initializeAction.setToolTip(
            "Send the call with its sample values and infer the response"
        )
        self.initializeAction.triggered.connect(self.initialize)
        self.addAction(self.initializeAction)  # window-wide shortcut while the panel is shown
        self.cancelAction = QAction(icon("square"), "Cancel", self)
        self.cancelAction.setShortcut(QKeySequence.StandardKey.Cancel)
        # Only from within the panel: Esc elsewhere in the window means something else.
        self.cancelAction.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancelAction.triggered.connect(self.cancel)
        self.addAction(self.cancelAction)

        self.initializeButton.clicked.connect(self.initialize)
        self.cancelButton.clicked.connect(self.cancel)
        self.ui.manualButton.clicked.connect(self.enter_manually)
        self.model.overridesEdited.connect(self._overrides_edited)
        #: the responses kept between runs (the window gives it the cache folder's)
        self.history: ResponseHistory | None = None
        self._history_entries: list[HistoryEntry] = []
        self._build_history_bar()
        self.set_call(None, None)

    # -- the selected call ------------------------------------------------------------

    def set_call(self, api: Api | None, call: Call | None) -> None:
        """Show ``call`` of ``api``; None shows the empty state."""
        same = call is not None and self._call is not None and call.id == self._call.id
        previous = self._call
        self._api, self._call = api, call
        if call is None:
            self.ui.show_empty()
            self._update_actions()
            if hasattr(self, "historyCombo"):
                self._fill_history()
            return
        self.ui.show_content()
        if same and previous is not None and call.structure == previous.structure:
            self.model.set_overrides(call.overrides)  # an override edit, undo or redo
        elif not (same and call.id in self._runs):
            # (while the call on screen runs, its tree may be showing a first-pass preview)
            self.model.set_structure(call.structure, call.overrides)
            self.ui.summaryLabel.clear()
            self.ui.expand()
        if not same:
            self.ui.message.clear()
            self._show_kept(call)
            self._show_state(call)
        self._show_departures(call)
        self._update_actions()
        if not self._warmed:
            # Start a worker process now, so the first Initialize does not wait for one.
            self._warmed = True
            QTimer.singleShot(500, self, self._warm_up_workers)

    def _warm_up_workers(self) -> None:
        # Not for a window closed in the meantime: the app may be quitting, and
        # a pool started after its workers were stopped would outlive it.
        if self.isVisible():
            _warm_up_workers()

    # -- responses kept between runs ---------------------------------------------------

    def _build_history_bar(self) -> None:
        """Above the raw body: which response it is, earlier ones, and Clear."""
        self.historyCombo = QComboBox(self)
        self.historyCombo.setObjectName("responseHistory")
        self.historyCombo.setAccessibleName("Response shown")
        self.historyCombo.setToolTip(
            "The last responses of this call, kept in the app's cache folder (not in the "
            "workspace file), secrets masked: choose one to see it again"
        )
        self.historyCombo.activated.connect(self._show_history_entry)
        self.clearHistoryButton = QPushButton("Clear", self)
        self.clearHistoryButton.setObjectName("clearHistoryButton")
        self.clearHistoryButton.setAccessibleName("Clear the kept responses of this call")
        self.clearHistoryButton.setToolTip("Forget the kept responses of this call")
        self.clearHistoryButton.clicked.connect(self.clear_history)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Response:", self)
        label.setBuddy(self.historyCombo)
        bar.addWidget(label)
        bar.addWidget(self.historyCombo, 1)
        bar.addWidget(self.clearHistoryButton)
        layout = self.ui.raw.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertLayout(0, bar)
        self._fill_history()

    def _fill_history(self) -> None:
        """List the kept responses of the call on screen, newest first."""
        call, api = self._call, self._api
        entries: list[HistoryEntry] = []
        if self.history is not None and call is not None and api is not None:
            entries = self.history.entries(api.id, call.id)
        self._history_entries = entries
        self.historyCombo.clear()
        for entry in entries:
            self.historyCombo.addItem(entry.label())
        if not entries:
            self.historyCombo.addItem("No response kept yet")
        self.historyCombo.setEnabled(bool(entries))
        self.clearHistoryButton.setEnabled(bool(entries))

    def _show_history_entry(self, row: int) -> None:
        if not 0 <= row < len(self._history_entries):
            return
        entry = self._history_entries[row]
        response = ResponseResult(
            status=entry.status,
            reason=entry.reason,
            http_version="",
            url=entry.url,
            elapsed=0.0,
            headers=entry.headers,
            body=entry.body,
            content_type=entry.content_type,
            charset=entry.charset,
        )
        self.ui.show_response(response, entry.kind)
        cut = " (body cut to the size kept)" if entry.truncated else ""
        self.statusLabel.setText(f"Response of {entry.label()}{cut}")

    def clear_history(self) -> None:
        """Forget the kept responses of the call on screen."""
        if self.history is not None and self._api is not None and self._call is not None:
            self.history.clear(self._api.id, self._call.id)
        self._fill_history()

    async def _remember(
        self, api_id: str, call_id: str, response: ResponseResult, kind: str, secrets: Any
    ) -> None:
        if self.history is None:
            return
        import asyncio

        try:
            await asyncio.to_thread(self.history.add, api_id, call_id, response, kind, secrets)
        except OSError:
            return  # a cache folder that cannot be written costs the history, not the call
        if self._shown(call_id):
            self._fill_history()

    # -- Initialize -------------------------------------------------------------------

    def initialize(self) -> None:
        """Send the call with its sample values and infer the structure of the answer."""
        if self._api is None or self._call is None or self._running():
            return
        api, call = self._api, self._call
        call_id = call.id

        environment = self.environment_for(api)

        def progress(received: int) -> None:
            now = time.monotonic()
            if now - self._last_progress >= _PROGRESS_INTERVAL:
                self._last_progress = now
                self._set_status(call_id, f"Receiving… {format_size(received)}")

        async def run() -> tuple[InferOutcome, ResponseResult]:
            # Imported with the first request (the window shows without it).
            from designer.core.http.request import build_request

            # Fails early, with the builder's message, before any token request.
            chosen = self.chosen_files  # only the files the user chose are sent
            build_request(api, call, self._secrets, environment=environment, chosen=chosen)
            # Imported here: authlib and joserfc are not needed until a call runs.
            from designer.core.auth import Authenticator

            authenticator = Authenticator(self._secrets, self._executor)
            built, response = await authenticator.send(
                api, call, environment=environment, on_progress=progress, chosen=chosen
            )
            if (running := self._runs.get(call_id)) is not None:
                running.responded = True
            status, kind = _status_text(response), _kind(call, response)
            self._set_status(call_id, status)
            self._show_response(call_id, response, kind, status)
            await self._remember(api.id, call_id, response, kind, built.secrets)
            return redact(await self._infer(call, response), built.secrets), response

        self._start(call_id, run, self._initialized)

    async def _infer(self, call: Call, response: ResponseResult) -> InferOutcome:
        if response.size <= TWO_PASS_BYTES:
            return await run_in_worker(infer_response, call, response)
        import asyncio

        from designer.ui.infra import workers

        light = jobs.without_body(response)
        preview = full = None
        spooling = asyncio.ensure_future(asyncio.to_thread(jobs.spool, response.body))
        try:
            if _reads_as_json(call, response):
                prefix = response.body[: jobs.PREVIEW_BYTES]
                preview = asyncio.ensure_future(
                    run_in_worker(jobs.infer_preview, call, light, prefix, SAMPLE_LIMIT)
                )
            if self._shown(call.id):
                self.ui.summaryLabel.setText("Inferring the structure…")
            path = await asyncio.shield(spooling)
            full = asyncio.ensure_future(
                workers.run_in_own_process(jobs.infer_spooled, call, light, path)
            )
            first = await preview if preview is not None else None
            if first is not None and not full.done() and self._shown(call.id):
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

    def _initialized(self, call_id: str, result: tuple[InferOutcome, ResponseResult]) -> None:
        outcome, response = result
        if outcome.note:
            self._notes[call_id] = outcome.note
            if self._shown(call_id):
                self.ui.message.show_note(outcome.note)
            status = _status_text(response)
            self._show_response(call_id, response, outcome.kind.value, status)
        current = self._call_now(call_id)
        stored = current.structure if current is not None else None
        if outcome.parse_failed and stored is not None and stored.type is not ValueType.TEXT:
            # A cut-off or broken body must not silently turn a designed
            # structure into one text field: the raw body is shown, and asked.
            if self._shown(call_id):
                self._confirm_replace(outcome)
            else:  # not on screen: nobody to ask; keep it, and say so when shown
                reason = (outcome.note or "").removesuffix("; showing it as text")
                self._notes[call_id] = f"{reason}; the stored structure is kept."
            return
        self._apply(call_id, outcome.shape, merge=False)

    def _confirm_replace(self, outcome: InferOutcome) -> None:
        call = self._call
        assert call is not None
        box = QMessageBox(self)
        box.setObjectName("replaceStructureDialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Replace the structure?")
        reason = (outcome.note or "").removesuffix("; showing it as text")
        box.setText(f"The response of “{call.name}” can only be read as text: {reason}.")
        box.setInformativeText(
            "Replace its stored structure with a single text field? The body is shown in Raw."
        )
        replace = box.addButton("Replace with Text", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep Structure", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        def answered() -> None:
            self._confirm = None
            current = self._call
            if box.clickedButton() is replace and current is not None and current.id == call.id:
                self._apply(call.id, outcome.shape, merge=False)
                return
            self.ui.message.show_note(f"{reason}; the stored structure is kept.")
            self._restore_tree()

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        self._confirm = box
        box.open()  # not exec(): no nested event loop inside the asyncio one

    # -- responses kept for the session -------------------------------------------------

    def _show_response(
        self, call_id: str, response: ResponseResult, kind: str, status: str
    ) -> None:
        """Show the body and headers, and keep them for when the call is shown again."""
        if self._shown(call_id):
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
        self._fill_history()
        kept = self._kept.get(call.id)
        if kept is None and self._history_entries:
            self._show_history_entry(0)  # the last response, from an earlier run
            return
        if kept is None:
            self.ui.show_response(None)
            self.statusLabel.setText("Initialized earlier" if call.structure else "Not initialized")
            return
        self._kept.move_to_end(call.id)
        response, kind, status = kept
        self.ui.show_response(response, kind)
        self.statusLabel.setText(f"Last response: {status}")

    def _show_state(self, call: Call) -> None:
        """The state of the call now on screen: in flight, failed, or as last initialized."""
        running = self._runs.get(call.id)
        self.ui.set_busy(running is not None)
        if running is not None:
            self._tick()
            return
        failure = self._failures.get(call.id)
        if failure is not None:
            self.ui.message.show_error(failure.message)
            self.statusLabel.setText(f"{failure.status} · {failure.at}")
            self.ui.summaryLabel.setText(self._stale_text(call))
        elif (note := self._notes.get(call.id)) is not None:
            self.ui.summaryLabel.setText(note)

    def _stale_text(self, call: Call) -> str:
        """Says that the structure shown is older than the attempt that just failed."""
        if call.structure is None:
            return ""
        at = self._structure_at.get(call.id)
        if at is None:
            return "The last attempt failed: the structure shown is from an earlier initialize."
        return f"The last attempt failed: structure from the response of {at}."

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
            if self._shown(call.id):
                self.ui.show_pasted(manual.body, kind.value)
            self._set_status(call.id, f"Pasted response · {format_size(len(manual.body))}")
            return await run_in_worker(
                infer_body,
                manual.body,
                manual.content_type,
                call.response_type,
                kinds=object_kinds(call),
            )

        self._start(
            call.id, run, lambda call_id, shape: self._apply(call_id, shape, merge=manual.merge)
        )

    # -- shared by both -----------------------------------------------------------------

    def _start(self, call_id, factory, on_success) -> None:  # type: ignore[no-untyped-def]
        if self._shown(call_id):
            self.ui.message.clear()
            self.ui.summaryLabel.clear()
        self._failures.pop(call_id, None)
        self._notes.pop(call_id, None)
        op: AsyncOp[object] = AsyncOp(self, factory)
        op.success(lambda result: on_success(call_id, result))
        op.failure(lambda exc: self._failed(call_id, exc))
        op.cancelled(lambda: self._cancelled(call_id))
        op.finally_(lambda: self._finished(call_id, op))
        assert self._api is not None
        assert self._call is not None
        self._runs[call_id] = _Run(op, time.monotonic(), self._api, self._call)
        op.run()
        self.callStateChanged.emit(call_id, BUSY)
        if self._shown(call_id):
            self._tick()
            self._set_busy(True)
        self._ticker.start()

    def _call_now(self, call_id: str) -> Call | None:
        """The call as it is now: the one on screen, or the shell's copy of another."""
        if self._shown(call_id):
            return self._call
        found = self.call_lookup(call_id)
        return None if found is None else found[1]

    def _apply(self, call_id: str, shape: Shape, *, merge: bool) -> None:
        current = self._call_now(call_id)
        if current is None:
            return  # the call was deleted while it ran
        # Applied to the call as it is now: the user may have edited it meanwhile.
        previous = current.structure
        updated, changes = with_structure(current, shape, merge=merge)
        self._structure_at[call_id] = _clock()
        summary = _summary(previous, changes)
        self._notes[call_id] = summary
        if self._shown(call_id):
            self._call = updated
            self.model.set_structure(updated.structure, updated.overrides, changes)
            self.ui.expand()
            # Changed fields deeper than the first levels are opened too; a bounded
            # number, so a response that changed everywhere stays quick to show.
            self.ui.reveal([c.path for c in changes[:_REVEAL_CHANGES]])
            found = self._show_departures(updated)
            if found is not None:
                summary += f" Against the spec: {summarize_departures(found)}."
                self._notes[call_id] = summary
            self.ui.summaryLabel.setText(summary)
        self.callEdited.emit(updated)

    def _show_departures(self, call: Call) -> list[Departure] | None:
        """Compare the call's structure with its documented one, beside the diff; the
        departures, or None when the call has no documentation or was not initialized."""
        from designer.core.check.drift import spec_departures

        documented, structure = call.documented, call.structure
        initialized = structure is not None and structure != documented
        found = None
        if structure is not None and initialized:
            found = spec_departures(call, structure)
        self.ui.show_departures(
            None if documented is None else (found or []), initialized=initialized
        )
        return found

    def _failed(self, call_id: str, exc: DesignerError) -> None:
        running = self._runs.get(call_id)
        responded = running is not None and running.responded
        status = running.status if responded and running is not None else "No response"
        self._failures[call_id] = _Failure(str(exc), status, _clock())
        if self._shown(call_id) and self._call is not None:
            self.ui.message.show_error(str(exc))
            self.statusLabel.setText(status)
            self._restore_tree()
            self.ui.summaryLabel.setText(self._stale_text(self._call))

    def _cancelled(self, call_id: str) -> None:
        if self._shown(call_id):
            self.ui.message.show_note("Cancelled; the structure is unchanged.")
            self.statusLabel.setText("Cancelled")
            self._restore_tree()

    def _restore_tree(self) -> None:
        # A preview from the quick first pass must not outlive a failed or cancelled run.
        if self._call is not None and self.model.shape() is not self._call.structure:
            self.model.set_structure(self._call.structure, self._call.overrides)
            self.ui.expand()
        self.ui.summaryLabel.clear()

    def _finished(self, call_id: str, op: AsyncOp[object]) -> None:
        running = self._runs.get(call_id)
        if running is None or running.op is not op:
            return
        del self._runs[call_id]
        if not self._runs:
            self._ticker.stop()
        self.callStateChanged.emit(call_id, FAILED if call_id in self._failures else IDLE)
        if self._shown(call_id):
            self._set_busy(False)

    def cancel(self) -> None:
        """Stop the running Initialize of the call on screen; it keeps its structure."""
        if self._call is not None and (running := self._runs.get(self._call.id)) is not None:
            running.op.cancel()

    def shutdown(self) -> None:
        """Cancel every running call; called when the window closes."""
        self._ticker.stop()
        for running in list(self._runs.values()):
            running.op.cancel()
        self.ui.raw.shutdown()

    def running_calls(self) -> list[str]:
        """The ids of the calls whose Initialize is in flight."""
        return list(self._runs)

    # -- small helpers ------------------------------------------------------------------

    def _overrides_edited(self, overrides: dict[str, FieldOverride]) -> None:
        if self._call is None:
            return
        self._call = self._call.model_copy(update={"overrides": overrides})
        self.callEdited.emit(self._call)

    def _shown(self, call_id: str) -> bool:
        return self._call is not None and self._call.id == call_id

    def _as_started(self, call_id: str) -> tuple[Api, Call] | None:
        """Without a shell: a call not on screen is as it was when its run started."""
        running = self._runs.get(call_id)
        return None if running is None else (running.api, running.call)

    def _set_status(self, call_id: str, text: str) -> None:
        running = self._runs.get(call_id)
        if running is not None:
            running.status = text
        if self._shown(call_id):
            self._tick()

    def _tick(self) -> None:
        """Show the status of the call on screen, with the time it has been running."""
        if self._call is None or (running := self._runs.get(self._call.id)) is None:
            return
        if running.responded:
            self.statusLabel.setText(running.status)  # the answer's own status and timing
            return
        elapsed = time.monotonic() - running.started
        self.statusLabel.setText(f"{running.status} {elapsed:.1f} s")

    def _running(self) -> bool:
        return self._call is not None and self._call.id in self._runs

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


def _warm_up_workers() -> None:
    # The worker pool (and multiprocessing) is imported here rather than with the
    # window: it is not needed to show it.
    from designer.ui.infra import workers

    workers.pool()


def _reads_as_json(call: Call, response: ResponseResult) -> bool:
    return _kind(call, response) == ResponseType.JSON.value


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
