"""What the application remembers between runs: window layout and recent files.

A thin wrapper over ``QSettings`` so the keys and their types live in one
place. Tests pass their own ``QSettings`` (an INI file in a temporary
directory) so they never read or change the user's settings.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["NetworkLimits", "Settings", "screens_key"]

MAX_RECENT = 10
#: The folder QSettings keeps the application's settings in (the organization name).
_FOLDER = "Connector Designer"


class NetworkLimits(NamedTuple):
    """Initialize's limits; the command line's ``init`` options of the same meaning."""

    read_timeout: float = 30.0  # --timeout
    deadline: float = 60.0  # --deadline
    max_size_mb: int = 200  # --max-size
    max_redirects: int = 10  # --max-redirects


def screens_key() -> str:
    """A name for the arrangement of screens: their names, sizes and positions."""
    from PySide6.QtGui import QGuiApplication

    parts = []
    for screen in QGuiApplication.screens():
        rect = screen.geometry()
        parts.append(f"{screen.name()}@{rect.x()},{rect.y()},{rect.width()}x{rect.height()}")
    digest = hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()
    return digest[:16]


class Settings:
    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()

    def sync(self) -> None:
        self._store.sync()
        self._make_private()

    def _make_private(self) -> None:
        """Recent file names and window state are the user's business: 0600 in a 0700 folder."""
        name = self._store.fileName()
        if self._store.format() == QSettings.Format.NativeFormat and sys.platform != "linux":
            return  # the registry or a plist, whose access the system manages
        path = Path(name)
        try:
            if path.exists():
                path.chmod(0o600)
            if path.parent.name == _FOLDER:
                path.parent.chmod(0o700)
        except OSError:
            pass  # a settings file the user placed elsewhere: theirs to protect

    # -- window layout -------------------------------------------------------

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def geometry(self) -> QByteArray | None:
        """The window's geometry on the screens there are now (a laptop alone, or docked).

        Falls back to the geometry last saved on any screens, as earlier versions kept it.
        """
        return self._bytes(f"window/geometry/{screens_key()}") or self._bytes("window/geometry")

    def set_geometry(self, value: QByteArray) -> None:
        self._store.setValue(f"window/geometry/{screens_key()}", value)
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
        if isinstance(value, str):
            names = [value]
        else:
            names = list(value) if isinstance(value, list) else []
        return [Path(n) for n in names if n]

    def _set_recent(self, paths: list[Path]) -> None:
        self._store.setValue("files/recent", [str(p) for p in paths[:MAX_RECENT]])

    def last_workspace(self) -> Path | None:
        """The workspace opened or saved last, if it is still there: reopened at start."""
        for path in self.recent_files():
            if path.is_file():
                return path
        return None

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        self._set_recent([path, *(p for p in self.recent_files() if p != path)])

    def remove_recent(self, path: Path) -> None:
        self._set_recent([p for p in self.recent_files() if p != path])

    def clear_recent(self) -> None:
        self._set_recent([])

    # -- network limits ------------------------------------------------------

    def network(self) -> NetworkLimits:
        """The limits of Initialize, as the Network Settings dialog set them."""
        defaults = NetworkLimits()
        values = {}
        for name in NetworkLimits._fields:
            default = getattr(defaults, name)
            raw = self._store.value(f"network/{name}", default)
            try:
                value = type(default)(raw)
            except (TypeError, ValueError):
                value = default
            values[name] = value if value > 0 or name == "max_redirects" else default
        return NetworkLimits(**values)

    def set_network(self, limits: NetworkLimits) -> None:
        for name, value in limits._asdict().items():
            self._store.setValue(f"network/{name}", value)

    @property
    def theme(self) -> str:
        """View ▸ Theme: "system" (the default), "light" or "dark"."""
        value = self._store.value("view/theme", "system")
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._store.setValue("view/theme", value)

    @property
    def first_launch(self) -> bool:
        """True until a workspace has been opened or saved once."""
        return not self._store.contains("files/recent")

    @property
    def keychain_notice_dismissed(self) -> bool:
        """The user closed the "no keychain" banner once: it is not shown again on this machine."""
        return str(self._store.value("notices/keychain_dismissed", "false")) == "true"

    def dismiss_keychain_notice(self) -> None:
        self._store.setValue("notices/keychain_dismissed", "true")
        self._store.sync()
