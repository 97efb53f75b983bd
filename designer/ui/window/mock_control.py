"""*Call ▸ Serve mock API*: serve the workspace's APIs locally and design against them.

The mock (:mod:`designer.core.mock.server`) runs on the app's event loop, on
127.0.0.1 and a free port, from a snapshot of the workspace. Starting it
adds (or updates) an environment named ``mock`` on every API, pointing at
the mock, as one undoable edit, and makes it the active environment; the
action is checked while it serves, and unchecking it stops the mock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from designer.ui.editing.commands import EditApi
from designer.ui.infra.icons import icon
from designer.ui.infra.ops import AsyncOp

if TYPE_CHECKING:
    from designer.ui.editing.document import Document
    from designer.ui.window.environments import EnvironmentSwitcher

__all__ = ["MOCK_ENVIRONMENT", "MockControl", "MockHost"]

MOCK_ENVIRONMENT = "mock"


class MockHost(Protocol):
    """What the mock's control needs of the window (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def environments(self) -> EnvironmentSwitcher: ...
    def show_message(self, text: str) -> None: ...
    # The top-level widget: the parent of the control and of its action.
    def window(self) -> QWidget: ...


class MockControl(QObject):
    """Owns the running mock and the checkable action that starts and stops it."""

    def __init__(self, window: MockHost) -> None:
        super().__init__(window.window())
        self.window = window
        self.server: Any = None
        self.action = QAction("Serve &Mock API", window.window())
        self.action.setObjectName("serveMockAction")
        self.action.setIcon(icon("server"))
        self.action.setCheckable(True)
        self.action.setStatusTip(
            "Answer every call locally from its structure, in an environment named 'mock'"
        )
        self.action.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        if on and self.server is None:
            self.start()
        elif not on and self.server is not None:
            self.stop()

    def start(self) -> None:
        from designer.core.mock.server import MockServer
        from designer.core.mock.streams import kept_stream_samples

        apis = [api for api in self.window.doc.workspace.apis if api.calls]
        if not apis:
            self.window.show_message("There are no calls to serve: add or import one first.")
            self.action.setChecked(False)
            return
        # Streamed calls replay their last kept response, with its spacing.
        history = getattr(getattr(self.window, "response_panel", None), "history", None)
        kept = kept_stream_samples(apis, history) if history is not None else {}
        server = MockServer([api.model_copy(deep=True) for api in apis], stream_samples=kept)
        self.server = server

        def failed(error: Exception) -> None:
            self.server = None
            self.action.setChecked(False)
            self.window.show_message(f"The mock API could not start: {error}")

        AsyncOp(self, server.start).success(lambda url: self._serving(server, url)).failure(
            failed
        ).run()

    def _serving(self, server: Any, url: str) -> None:
        from designer.core.models import Environment

        doc = self.window.doc
        doc.undo_stack.beginMacro("Serve mock API")
        try:
            for mock in server.apis:
                api = doc.api(mock.api.id)
                before = api.model_copy(deep=True)
                after = api.model_copy(deep=True)
                env = after.environment(MOCK_ENVIRONMENT)
                base = server.base_url(mock.api)
                if env is None:
                    after.environments.append(Environment(name=MOCK_ENVIRONMENT, base_url=base))
                else:
                    env.base_url = base
                if after != before:
                    doc.undo_stack.push(EditApi(doc, before, after, "Serve mock API"))
        finally:
            doc.undo_stack.endMacro()
        switcher = self.window.environments
        switcher.set_workspace(doc.workspace)
        row = switcher.findData(MOCK_ENVIRONMENT)
        if row >= 0 and switcher.currentIndex() != row:
            switcher.setCurrentIndex(row)
            switcher.changed.emit(switcher.active)
        self.window.show_message(f"Mock API on {url}: environment '{MOCK_ENVIRONMENT}' is active")

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is None:
            return

        def stopped(_result: object) -> None:
            self.window.show_message("Mock API stopped")

        AsyncOp(self, server.stop).success(stopped).run()
