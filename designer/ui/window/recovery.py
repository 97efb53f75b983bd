"""Autosave to a recovery file, and the offer to restore it after a crash.

While the document has unsaved changes, a timer writes it every 30 seconds
to a recovery file in the user data directory (never next to the user's
file, which may be under version control). The timer's writes happen in a
thread of their own: the window takes a snapshot (copies of lists, no deep
copy) and the thread turns it into JSON one call at a time and writes it, so
autosaving a workspace of thousands of calls never stalls typing. The thread
ends with its write, so nothing is left running between writes or after the
window has closed. A clean save or close removes
the file, so a recovery file that survives is evidence of a crash.

The workspace models have no secret fields, so a recovery file holds no
secrets, exactly like a saved workspace (private samples are blanked by the
workspace writer too).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from designer.core.escaping import inert_logger
from designer.core.models import Workspace
from designer.ui.editing.document import Document

__all__ = ["Recovery", "RecoveryEntry", "default_directory", "find_recoveries"]

log = inert_logger("designer.ui")

FORMAT = "connector-designer.recovery"
INTERVAL_MS = 30_000
_SUFFIX = ".recovery.json"


def default_directory() -> Path:
    from platformdirs import user_data_path

    return user_data_path("connector-designer", appauthor=False) / "recovery"


@dataclass(frozen=True, slots=True)
class RecoveryEntry:
    """A recovery file left behind: what it restores, and when it was written."""

    file: Path
    source: Path | None
    name: str
    saved_at: float

    def load(self) -> Workspace:
        from designer.core.workspace.file import loads

        wrapper = json.loads(self.file.read_bytes())
        return loads(json.dumps(wrapper["workspace"]).encode(), source=str(self.file))

    def discard(self) -> None:
        self.file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def find_recoveries(directory: Path | None = None) -> list[RecoveryEntry]:
    """Recovery files worth offering, newest first.

    Files of another running instance are skipped; files older than the
    workspace they belong to (saved since, by another means) are removed.
    """
    directory = directory or default_directory()
    entries = []
    for file in directory.glob(f"*{_SUFFIX}"):
        try:
            wrapper = json.loads(file.read_bytes())
            if wrapper.get("format") != FORMAT:
                continue
            if _alive(int(wrapper.get("pid", 0))):
                continue
            source = Path(wrapper["source"]) if wrapper.get("source") else None
            mtime = file.stat().st_mtime
            if source is not None and source.exists() and source.stat().st_mtime >= mtime:
                file.unlink(missing_ok=True)
                continue
            name = source.name if source else str(wrapper["workspace"].get("name") or "Untitled")
            entries.append(RecoveryEntry(file, source, name, mtime))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("Ignoring unreadable recovery file %s: %s", file, exc)
    return sorted(entries, key=lambda e: e.saved_at, reverse=True)


def _snapshot(workspace: Workspace) -> Workspace:
    """A workspace that later edits do not change: edits replace calls and APIs, and
    insert into or remove from the lists, so copies of the lists are enough."""
    apis = [api.model_copy(update={"calls": list(api.calls)}) for api in workspace.apis]
    return workspace.model_copy(update={"apis": apis})


def _write_file(directory: Path, target: Path, meta: dict[str, Any], snapshot: Workspace) -> None:
    from designer.core.fileio import atomic_write
    from designer.core.workspace.file import document_stepwise

    wrapper = {**meta, "workspace": document_stepwise(snapshot)}
    # Unsaved work may hold anything the user typed: only the user reads it.
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    atomic_write(target, json.dumps(wrapper, ensure_ascii=False).encode(), mode=0o600)


class Recovery(QObject):
    """Writes the document's recovery file while it is dirty; removes it when clean."""

    #: a write in the background ended: (the file, the change count it holds, failed)
    _background_done = Signal(object, int, bool)

    def __init__(
        self,
        doc: Document,
        directory: Path | None = None,
        interval_ms: int = INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._doc = doc
        self._given_directory = directory
        self._written: Path | None = None
        # Counts every change of the undo stack: an undo followed by a new edit
        # returns to the same index with different content.
        self._changes = 0
        self._written_changes = -1
        self._pending: Future[None] | None = None
        self._background_done.connect(self._after_background_write)
        doc.undo_stack.indexChanged.connect(self._count_change)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.write_if_needed)
        self.timer.start()
        doc.dirtyChanged.connect(self._dirty_changed)
        # The outgoing workspace was saved or discarded by the user by then.
        doc.aboutToReset.connect(self.discard)

    @property
    def _directory(self) -> Path:
        # Resolved when first needed: platformdirs is not worth its import at start-up.
        if self._given_directory is None:
            self._given_directory = default_directory()
        return self._given_directory

    def file_for(self) -> Path:
        """The recovery file of the document as it is now (keyed by its path)."""
        doc = self._doc
        if doc.path is not None:
            key = hashlib.sha256(str(doc.path).encode()).hexdigest()[:16]
        else:
            key = f"untitled-{doc.workspace.id}"
        return self._directory / f"{key}{_SUFFIX}"

    def write_if_needed(self) -> None:
        """The timer's autosave: in the background, when something changed since the last."""
        doc = self._doc
        if not doc.is_dirty or self._pending is not None:
            return
        if self._written == self.file_for() and self._written_changes == self._changes:
            return  # nothing changed since the last write
        target, changes = self.file_for(), self._changes
        job = (self._directory, target, self._meta(), _snapshot(doc.workspace))
        pending: Future[None] = Future()
        self._pending = pending

        def done(future: Future[None]) -> None:  # in the writing thread
            error = future.exception()
            if error is not None:  # autosave never interrupts editing; the next tick retries
                log.error("Could not write the recovery file %s", target, exc_info=error)
            self._background_done.emit(target, changes, error is not None)

        pending.add_done_callback(done)

        def write() -> None:  # one write at a time: the timer waits for this one's report
            try:
                _write_file(*job)
            except BaseException as exc:
                pending.set_exception(exc)
            else:
                pending.set_result(None)

        threading.Thread(target=write, name="recovery").start()

    def _after_background_write(self, target: Path, changes: int, failed: bool) -> None:
        if self._pending is None:
            return  # discarded meanwhile: the file is gone already
        self._pending = None
        if not failed:
            self._remember(target, changes)
        if not self._doc.is_dirty:
            self.discard()  # saved or reverted while the file was being written

    @property
    def writing(self) -> bool:
        """Whether a write in the background has not been reported back yet."""
        return self._pending is not None

    def _meta(self) -> dict[str, Any]:
        doc = self._doc
        return {
            "format": FORMAT,
            "version": 1,
            "pid": os.getpid(),
            "source": str(doc.path) if doc.path else None,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }

    def write(self) -> Path:
        """Write the recovery file now, on this thread (when quitting on a signal)."""
        target = self.file_for()
        try:
            _write_file(self._directory, target, self._meta(), _snapshot(self._doc.workspace))
        except Exception:  # autosave must never interrupt editing; the next tick retries
            log.exception("Could not write the recovery file %s", target)
            return target
        self._remember(target, self._changes)
        return target

    def _remember(self, target: Path, changes: int) -> None:
        if self._written is not None and self._written != target:
            self._written.unlink(missing_ok=True)  # the document was saved under a new name
        self._written, self._written_changes = target, changes

    def discard(self) -> None:
        """Remove the recovery file written for this document (after a clean save or close)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            # A write still under way would leave its file behind, to be offered as
            # a crash's: let it end (a moment), then remove what it wrote.
            try:
                pending.result()
            except Exception:
                pass
            self.file_for().unlink(missing_ok=True)
        if self._written is not None:
            self._written.unlink(missing_ok=True)
        self._written, self._written_changes = None, -1

    def _count_change(self, _index: int) -> None:
        self._changes += 1

    def _dirty_changed(self, dirty: bool) -> None:
        if not dirty:
            self.discard()
