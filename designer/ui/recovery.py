"""Autosave to a recovery file, and the offer to restore it after a crash.

While the document has unsaved changes, a timer writes it every 30 seconds
to a recovery file in the user data directory (never next to the user's
file, which may be under version control). A clean save or close removes
the file, so a recovery file that survives is evidence of a crash.

The workspace models have no secret fields, so a recovery file holds no
secrets, exactly like a saved workspace (private samples are blanked by the
workspace writer too).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from designer.core.models import Workspace

from .document import Document

__all__ = ["Recovery", "RecoveryEntry", "default_directory", "find_recoveries"]

log = logging.getLogger("designer.ui")

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
        from designer.core.workspace_file import loads

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


class Recovery(QObject):
    """Writes the document's recovery file while it is dirty; removes it when clean."""

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
        doc = self._doc
        if not doc.is_dirty:
            return
        if self._written == self.file_for() and self._written_changes == self._changes:
            return  # nothing changed since the last write
        self.write()

    def write(self) -> Path:
        from designer.core.fileio import atomic_write, private_directory
        from designer.core.workspace_file import dumps

        doc = self._doc
        target = self.file_for()
        wrapper = {
            "format": FORMAT,
            "version": 1,
            "pid": os.getpid(),
            "source": str(doc.path) if doc.path else None,
            "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "workspace": json.loads(dumps(doc.workspace)),
        }
        try:
            # Owner only: a workspace names hosts and users even without its secrets.
            private_directory(self._directory)
            atomic_write(target, json.dumps(wrapper, ensure_ascii=False).encode(), mode=0o600)
        except Exception:  # autosave must never interrupt editing; the next tick retries
            log.exception("Could not write the recovery file %s", target)
            return target
        if self._written is not None and self._written != target:
            self._written.unlink(missing_ok=True)  # the document was saved under a new name
        self._written, self._written_changes = target, self._changes
        return target

    def discard(self) -> None:
        """Remove the recovery file written for this document (after a clean save or close)."""
        if self._written is not None:
            self._written.unlink(missing_ok=True)
        self._written, self._written_changes = None, -1

    def _count_change(self, _index: int) -> None:
        self._changes += 1

    def _dirty_changed(self, dirty: bool) -> None:
        if not dirty:
            self.discard()
