"""What the application remembers between runs: window layout and recent files.

A thin wrapper over ``QSettings`` so the keys and their types live in one
place. Tests pass their own ``QSettings`` (an INI file in a temporary
directory) so they never read or change the user's settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["Settings"]

MAX_RECENT = 10


class Settings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    def sync(self) -> None:
        self._store.sync()
        self._make_private()

    def _make_private(self) -> None:
        """The settings file readable by its owner only (0600), in a 0700 folder.

        It holds paths of recent files; QSettings creates it with the umask's
        permissions and keeps those it finds.
        """
        import os

        name = self._store.fileName()
        if os.name != "posix" or not name or not os.path.isfile(name):
            return
        try:
            os.chmod(name, 0o600)
            os.chmod(os.path.dirname(name), 0o700)
        except OSError:
            pass  # a folder not ours (a shared config directory): the file is still 0600

    # -- window layout -------------------------------------------------------

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self._store.setValue("window/geometry", value)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, value: QByteArray) -> None:
        self._store.setValue("window/state", value)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._store.setValue(f"splitters/{name}", value)

    # -- recent files --------------------------------------------------------

    def recent_files(self) -> list[Path]:
        value = self._store.value("files/recent", [])
        # An INI file gives back a single string for a one-element list.
        names = [value] if isinstance(value, str) else list(value or [])
        return [Path(n) for n in names if n]

    def _set_recent(self, paths: list[Path]) -> None:
        self._store.setValue("files/recent", [str(p) for p in paths[:MAX_RECENT]])

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        self._set_recent([path, *(p for p in self.recent_files() if p != path)])

    def remove_recent(self, path: Path) -> None:
        self._set_recent([p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self._set_recent([])

    @property
    def first_launch(self) -> bool:
        """True until a workspace has been opened or saved once."""
        return not self._store.contains("files/recent")
