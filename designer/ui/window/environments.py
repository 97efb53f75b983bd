"""The active-environment switcher (objectName ``environmentSwitcher``).

Environments are per API, but teams name them alike (*development*, *live*),
so one switcher chooses a name for the whole window: every API that has an
environment of that name uses it, the others their own settings. The list
follows the workspace: environments added, renamed (the choice follows a
rename) and removed in the API editor.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from designer.core.models import Api, Workspace

__all__ = ["DEFAULT_LABEL", "EnvironmentSwitcher"]

DEFAULT_LABEL = "No environment"


class EnvironmentSwitcher(QComboBox):
    """Lists the environment names of a workspace; ``changed`` carries the new one."""

    changed = Signal(object)  # str | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("environmentSwitcher")
        self.setAccessibleName("Active environment")
        self.setToolTip(
            "The environment calls are sent in: its base URL, shared values and secrets"
        )
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.addItem(DEFAULT_LABEL, None)
        self._names_by_id: dict[str, str] = {}  # the environments last offered, by id
        self.activated.connect(lambda _row: self.changed.emit(self.active))

    @property
    def active(self) -> str | None:
        data = self.currentData()
        return data if isinstance(data, str) else None

    def set_workspace(self, workspace: Workspace) -> None:
        """Offer the environment names of ``workspace``, keeping the choice if it remains.

        When the chosen environment was renamed, the choice follows it to its new name.
        """
        current = before = self.active
        names: dict[str, str] = {}
        by_id: dict[str, str] = {}
        for api in workspace.apis:
            for env in api.environments:
                names.setdefault(env.name.casefold(), env.name)
                by_id[env.id] = env.name
        if current is not None and current.casefold() not in names:
            renamed = [
                by_id[env_id]
                for env_id, name in self._names_by_id.items()
                if name.casefold() == current.casefold() and env_id in by_id
            ]
            current = renamed[0] if renamed else current
        self._names_by_id = by_id
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(DEFAULT_LABEL, None)
            for name in sorted(names.values(), key=str.casefold):
                self.addItem(name, name)
            row = self.findData(current) if current is not None else 0
            self.setCurrentIndex(max(row, 0))
        finally:
            self.blockSignals(False)
        if self.active != before:
            self.changed.emit(self.active)

    def environment_for(self, api: Api) -> str | None:
        """The name of ``api``'s environment to use, or None for its own settings."""
        env = api.environment(self.active)
        return env.name if env is not None else None
