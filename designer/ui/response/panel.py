"""The response panel: Initialize a call, then read its structure, raw body and headers.

Its :class:`~designer.ui.response.controller.RunController` drives the call
service on the asyncio loop; the structure is inferred in worker processes
(:mod:`designer.ui.response.runner`), a large JSON body first from its start.
The result becomes a new :class:`Call` emitted through :attr:`callEdited`;
the shell applies it as one undoable edit and hands it back via :meth:`set_call`.

Each call's Initialize runs on its own: switching to another call leaves it
running, and its result lands on its own call (through :attr:`call_lookup`)
whichever call is on screen. What the panel shows is the state of the call
on screen: in flight with the elapsed time, failed (over the older structure,
marked as such), or succeeded. :attr:`callStateChanged` tells the tree which
calls are busy and which failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from designer.core.calls.initialize import InferOutcome, with_structure
from designer.core.errors import DesignerError
from designer.core.fileio import format_size
from designer.core.http.response import ResponseResult
from designer.core.inference.spec import summarize_departures
from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore
from designer.core.structure import FieldOverride, Shape, ValueType
from designer.ui.response.controller import (
    BUSY,
    FAILED,
    IDLE,
    RunController,
    clock,
    stale_text,
    status_text,
    summary_text,
)
from designer.ui.response.history_bar import HistoryBar, SessionResponses
from designer.ui.response.layout import PanelLayout, panel_actions
from designer.ui.response.manual_dialog import (
    ManualResponse,
    ManualResponseDialog,
    replace_question,
)
from designer.ui.response.runner import WorkerInference, kind_of, warm_up_workers
from designer.ui.response.stream_section import StreamSection

if TYPE_CHECKING:
    from designer.core.calls.history import ResponseHistory
    from designer.core.calls.service import Initialized, Sent
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles

__all__ = ["BUSY", "FAILED", "IDLE", "ResponsePanel"]

_REVEAL_CHANGES = 50


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
        #: the runs of calls: Initialize through the call service, or a pasted response
        self.runs = RunController(executor, secrets, self)
        self.runs.started.connect(self._started)
        self.runs.statusChanged.connect(self._status_changed)
        self.runs.failed.connect(self._failed)
        self.runs.cancelled.connect(self._cancelled)
        self.runs.finished.connect(self._finished)
        self.runs.ticked.connect(self._tick)
        self._notes: dict[str, str] = {}  # the last summary or note of each call
        self._structure_at: dict[str, str] = {}  # when this session inferred each structure
        self._warmed = False
        self._kept = SessionResponses()
        #: The question before a broken body replaces a stored structure, while open.
        self._confirm: QMessageBox | None = None

        self.ui = PanelLayout(self)
        self.responseTree = self.ui.tree
        self.statusLabel = self.ui.statusLabel
        self.initializeButton = self.ui.initializeButton
        self.cancelButton = self.ui.cancelButton
        self.model = self.ui.model

        self.initializeAction, self.cancelAction = panel_actions(self)
        self.initializeAction.triggered.connect(self.initialize)
        self.cancelAction.triggered.connect(self.cancel)
        self.initializeButton.clicked.connect(self.initialize)
        self.cancelButton.clicked.connect(self.cancel)
        self.ui.manualButton.clicked.connect(self.enter_manually)
        self.model.overridesEdited.connect(self._overrides_edited)
        #: the Stream tab and the choice of a stream's text field
        self.stream = StreamSection(self.ui.tabs, self.model, self)
        self.stream.connect_tree(self.responseTree)
        self.stream.watch(self.runs)
        self.stream.picked.connect(self.callEdited)  # one undoable edit, as any call edit
        self._history = HistoryBar(self)
        self.historyCombo = self._history.combo
        self.historyCombo.activated.connect(self._show_history_entry)
        self.clearHistoryButton = self._history.clearButton
        self.clearHistoryButton.clicked.connect(self.clear_history)
        layout = self.ui.raw.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertLayout(0, self._history)
        self._fill_history()
        self.set_call(None, None)

    # -- the selected call ------------------------------------------------------------

    def set_call(self, api: Api | None, call: Call | None) -> None:
        """Show ``call`` of ``api``; None shows the empty state."""
        same = call is not None and self._call is not None and call.id == self._call.id
        previous = self._call
        self._api, self._call = api, call
        self.stream.show_call(call)
        if call is None:
            self.ui.show_empty()
            self._update_actions()
            if hasattr(self, "historyCombo"):
                self._fill_history()
            return
        self.ui.show_content()
        if same and previous is not None and call.structure == previous.structure:
            self.model.set_overrides(call.overrides)  # an override edit, undo or redo
        elif not (same and call.id in self.runs.runs):
            # (while the call on screen runs, its tree may be showing a first-pass preview)
            self.model.set_structure(call.structure, call.overrides)
            self.ui.summaryLabel.clear()
            self.ui.expand()
        if not same:
            self.ui.message.clear()
            self._show_kept(call)
            self._show_state(call)
        self.ui.show_departures_of(call)
        self._update_actions()
        if not self._warmed:
            # Start a worker process now, so the first Initialize does not wait for one.
            self._warmed = True
            QTimer.singleShot(500, self, self._warm_up_workers)

    def _warm_up_workers(self) -> None:
        # Not for a window closed in the meantime: the app may be quitting, and
        # a pool started after its workers were stopped would outlive it.
        if self.isVisible():
            warm_up_workers()

    # -- responses kept between runs ---------------------------------------------------

    @property
    def history(self) -> ResponseHistory | None:
        """The responses kept between runs (the window gives it the cache folder's)."""
        return self._history.history

    @history.setter
    def history(self, history: ResponseHistory | None) -> None:
        self._history.history = history

    def _fill_history(self) -> None:
        """List the kept responses of the call on screen, newest first."""
        api, call = self._api, self._call
        self._history.fill(api.id if api else None, call.id if call else None)

    def _show_history_entry(self, row: int) -> None:
        found = self._history.response(row)
        if found is None:
            return
        response, entry = found
        self.ui.show_response(response, entry.kind)
        cut = " (body cut to the size kept)" if entry.truncated else ""
        self.statusLabel.setText(f"Response of {entry.label()}{cut}")

    def clear_history(self) -> None:
        """Forget the kept responses of the call on screen."""
        api, call = self._api, self._call
        self._history.clear(api.id if api else None, call.id if call else None)

    async def _remember(
        self, api_id: str, call_id: str, response: ResponseResult, kind: str, secrets: Any
    ) -> None:
        offsets = self.stream.offsets(call_id)
        kept = await self._history.remember(api_id, call_id, response, kind, secrets, offsets)
        if kept and self._shown(call_id):
            self._fill_history()

    # -- Initialize -------------------------------------------------------------------

    def initialize(self) -> None:
        """Send the call with its sample values and infer the structure of the answer."""
        if self._api is None or self._call is None or self._running():
            return
        api, call = self._api, self._call
        call_id = call.id

        async def answered(sent: Sent) -> None:
            response = sent.response
            kind = kind_of(call, response)
            self._show_response(call_id, response, kind, status_text(response))
            await self._remember(api.id, call_id, response, kind, sent.request.secrets)

        self._begin(call_id)
        infer = WorkerInference(on_inferring=self._inferring, on_preview=self._preview)
        self.runs.initialize(
            api,
            call,
            self.environment_for(api),
            self.chosen_files,
            infer=infer,
            on_event=self.stream.begin(call),
            on_response=answered,
            on_success=self._initialized,
        )

    def _inferring(self, call: Call) -> None:
        if self._shown(call.id):
            self.ui.summaryLabel.setText("Inferring the structure…")

    def _preview(self, call: Call, first: InferOutcome, response: ResponseResult) -> None:
        """The quick first tree of a large body, shown (not applied) while the full pass runs."""
        if not self._shown(call.id):
            return
        from designer.ui.response import jobs

        self.model.set_structure(first.shape, call.overrides)
        self.ui.expand()
        self.ui.summaryLabel.setText(
            f"Showing the structure of the first {format_size(jobs.PREVIEW_BYTES)} "
            f"of {format_size(response.size)}; refining…"
        )

    def _initialized(self, call_id: str, result: Initialized) -> None:
        outcome, response = result.outcome, result.response
        self.stream.ended(call_id, result.stream)
        if outcome.note:
            self._notes[call_id] = outcome.note
            if self._shown(call_id):
                self.ui.message.show_note(outcome.note)
            status = status_text(response)
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
        reason = (outcome.note or "").removesuffix("; showing it as text")
        box, replace = replace_question(self, call.name, reason)

        def answered() -> None:
            self._confirm = None
            current = self._call
            if box.clickedButton() is replace and current is not None and current.id == call.id:
                self._apply(call.id, outcome.shape, merge=False)
                return
            self.ui.message.show_note(f"{reason}; the stored structure is kept.")
            self._restore_tree()

        box.finished.connect(answered)
        self._confirm = box
        box.open()  # not exec(): no nested event loop inside the asyncio one

    # -- responses kept for the session -------------------------------------------------

    def _show_response(
        self, call_id: str, response: ResponseResult, kind: str, status: str
    ) -> None:
        """Show the body and headers, and keep them for when the call is shown again."""
        if self._shown(call_id):
            self.ui.show_response(response, kind)
        self._kept.keep(call_id, response, kind, status)

    def _show_kept(self, call: Call) -> None:
        self._fill_history()
        kept = self._kept.get(call.id)
        if kept is None and self._history.entries:
            self._show_history_entry(0)  # the last response, from an earlier run
            return
        if kept is None:
            self.ui.show_response(None)
            self.statusLabel.setText("Initialized earlier" if call.structure else "Not initialized")
            return
        response, kind, status = kept
        self.ui.show_response(response, kind)
        self.statusLabel.setText(f"Last response: {status}")

    def _show_state(self, call: Call) -> None:
        """The state of the call now on screen: in flight, failed, or as last initialized."""
        running = self.runs.runs.get(call.id)
        self.ui.set_busy(running is not None)
        if running is not None:
            self._tick()
            return
        failure = self.runs.failures.get(call.id)
        if failure is not None:
            self.ui.message.show_error(failure.message)
            self.statusLabel.setText(f"{failure.status} · {failure.at}")
            self.ui.summaryLabel.setText(stale_text(call, self._structure_at.get(call.id)))
        elif (note := self._notes.get(call.id)) is not None:
            self.ui.summaryLabel.setText(note)

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
        assert self._api is not None
        self._begin(self._call.id)
        self.runs.infer_pasted(
            self._api,
            self._call,
            manual,
            on_pasted=self._show_pasted,
            on_success=lambda call_id, shape: self._apply(call_id, shape, merge=manual.merge),
        )

    def _show_pasted(self, call_id: str, body: bytes, kind: str) -> None:
        if self._shown(call_id):
            self.ui.show_pasted(body, kind)

    # -- shared by both -----------------------------------------------------------------

    def _begin(self, call_id: str) -> None:
        """Clear what the last run of ``call_id`` left, before a new one starts."""
        if self._shown(call_id):
            self.ui.message.clear()
            self.ui.summaryLabel.clear()
        self.runs.failures.pop(call_id, None)
        self._notes.pop(call_id, None)

    def _started(self, call_id: str) -> None:
        self.callStateChanged.emit(call_id, BUSY)
        if self._shown(call_id):
            self._tick()
            self._set_busy(True)

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
        self._structure_at[call_id] = clock()
        summary = summary_text(previous, changes)
        self._notes[call_id] = summary
        if self._shown(call_id):
            self._call = updated
            self.model.set_structure(updated.structure, updated.overrides, changes)
            self.ui.expand()
            # Changed fields deeper than the first levels are opened too; a bounded
            # number, so a response that changed everywhere stays quick to show.
            self.ui.reveal([c.path for c in changes[:_REVEAL_CHANGES]])
            found = self.ui.show_departures_of(updated)
            if found is not None:
                summary += f" Against the spec: {summarize_departures(found)}."
                self._notes[call_id] = summary
            self.ui.summaryLabel.setText(summary)
        self.callEdited.emit(updated)

    def _failed(self, call_id: str, exc: DesignerError) -> None:
        if self._shown(call_id) and self._call is not None:
            self.ui.message.show_error(str(exc))
            self.statusLabel.setText(self.runs.failures[call_id].status)
            self._restore_tree()
            self.ui.summaryLabel.setText(
                stale_text(self._call, self._structure_at.get(self._call.id))
            )

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

    def _finished(self, call_id: str) -> None:
        self.callStateChanged.emit(call_id, FAILED if call_id in self.runs.failures else IDLE)
        if self._shown(call_id):
            self._set_busy(False)

    def cancel(self) -> None:
        """Stop the running Initialize of the call on screen; it keeps its structure."""
        if self._call is not None:
            self.runs.cancel(self._call.id)

    def shutdown(self) -> None:
        """Cancel every running call; called when the window closes."""
        self.runs.shutdown()
        self.ui.raw.shutdown()

    def running_calls(self) -> list[str]:
        """The ids of the calls whose Initialize is in flight."""
        return list(self.runs.runs)

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
        running = self.runs.runs.get(call_id)
        return None if running is None else (running.api, running.call)

    def _status_changed(self, call_id: str) -> None:
        if self._shown(call_id):
            self._tick()

    def _tick(self) -> None:
        """Show the status of the call on screen, with the time it has been running."""
        if self._call is None or (running := self.runs.runs.get(self._call.id)) is None:
            return
        if running.responded:
            self.statusLabel.setText(running.status)  # the answer's own status and timing
            return
        elapsed = time.monotonic() - running.started
        self.statusLabel.setText(f"{running.status} {elapsed:.1f} s")

    def _running(self) -> bool:
        return self._call is not None and self._call.id in self.runs.runs

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
