"""The main window: tree on the left, editor in the centre, response panel on the right.

The window wires the parts together and owns nothing of the domain: the
:class:`~designer.ui.editing.document.Document` holds the workspace, the editors
edit it through undo commands, and :class:`~designer.ui.window.files.FileActions`
loads and saves it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore
from designer.ui.editing.commands import EditCall
from designer.ui.editing.document import Document
from designer.ui.editing.edits import Item, target_of
from designer.ui.editors import ApiEditor
from designer.ui.infra.errors import NoticeBanner
from designer.ui.infra.focus import take_focus_place
from designer.ui.infra.settings import Settings
from designer.ui.interop.export_flow import ExportFlow
from designer.ui.interop.import_flow import ImportFlow
from designer.ui.interop.update_flow import UpdateFlow
from designer.ui.tree import TreePane
from designer.ui.window.environments import EnvironmentSwitcher
from designer.ui.window.files import FileActions
from designer.ui.window.menus import create_menus
from designer.ui.window.recovery import Recovery

if TYPE_CHECKING:
    from designer.ui.editors.call_editor import CallEditor
    from designer.ui.editors.webhook_editor import WebhookEditor
    from designer.ui.response.panel import ResponsePanel
    from designer.ui.window.menus import WindowActions
    from designer.ui.window.mock_control import MockControl

__all__ = ["APP_TITLE", "MainWindow"]

APP_TITLE = "Connector Designer"
#: Smallest widths of the three columns and of the window: below them labels would clip.
_TREE_MIN_WIDTH, _EDITOR_MIN_WIDTH, _PANEL_MIN_WIDTH = 190, 380, 330
_WINDOW_MIN_SIZE = (960, 600)
_EMPTY, _API, _CALL, _WEBHOOK = range(4)


def _response_panel(executor: Any, secrets: SecretStore, parent: QWidget) -> ResponsePanel:
    from designer.ui.response.panel import ResponsePanel  # Initialize and the response views

    panel = ResponsePanel(executor, secrets, parent)
    panel.setObjectName("responsePanel")
    return panel


class MainWindow(QMainWindow):
    #: the window was closed (after the unsaved-changes prompt allowed it)
    closed = Signal()
    #: the window's actions by name (``window.actions.undo``), a name scripts rely on; it
    #: hides QWidget.actions(), which the window does not use
    actions: WindowActions  # type: ignore[assignment]
    #: the mock API's start/stop (set by the Call menu)
    mock_control: MockControl

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        executor: Any,
        recovery_dir: Path | None = None,
        parent: QWidget | None = None,
        history_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setMinimumSize(*_WINDOW_MIN_SIZE)
        self.settings, self.secrets = settings, secrets
        self.executor = executor
        self.doc = Document(self)
        self.recovery = Recovery(self.doc, recovery_dir, parent=self)
        self.files = FileActions(self, self.doc, settings, self.recovery)
        self.importer, self.exporter = ImportFlow(self), ExportFlow(self)
        self.updater = UpdateFlow(self)

        self.tree = TreePane(self.doc, self)
        self.api_editor = ApiEditor(self.doc, secrets, self)
        # The call editor is built when a call is first shown (see call_editor): a
        # workspace opens on its first API, and the editor's parts cost start-up time.
        self._call_editor: CallEditor | None = None
        self._call_page = QWidget(self)
        empty = QLabel(
            "Select an API or a call in the tree, or add an API with Add API under the tree."
        )
        empty.setObjectName("emptyEditor")
        empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty.setWordWrap(True)
        empty.setEnabled(False)  # drawn in the disabled colour: a hint, not content
        self.editors = QStackedWidget(self)
        self.editors.setObjectName("editorStack")
        self._webhook_editor: WebhookEditor | None = None
        for page in (empty, self.api_editor, self._call_page, QWidget(self)):
            self.editors.addWidget(page)
        self.response_panel = _response_panel(executor, secrets, self)
        self.response_panel.chosen_files = self.doc.chosen_files
        self.response_panel.callEdited.connect(self._apply_response_edit)
        self.response_panel.call_lookup = self._find_call
        if history_dir is not None:
            from designer.core.calls.history import ResponseHistory

            self.response_panel.history = ResponseHistory(history_dir)
        # Initialize sits at the end of the request line, like Send in other API clients;
        # the panel's own button (same action) would only repeat it beside.
        self.response_panel.initializeButton.hide()
        self.response_panel.callStateChanged.connect(
            lambda call_id, state: self.tree.model.set_call_state(call_id, state)
        )

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        # The tree keeps a readable width; the editor and the response panel share the
        # rest, and when the window shrinks or the panel widens the editor gives way first.
        self.tree.setMinimumWidth(_TREE_MIN_WIDTH)
        self.editors.setMinimumWidth(_EDITOR_MIN_WIDTH)
        self.response_panel.setMinimumWidth(_PANEL_MIN_WIDTH)
        for widget, stretch in ((self.tree, 0), (self.editors, 1), (self.response_panel, 1)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setSizes([210, 570, 500])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        self.notice_banner = NoticeBanner(central)
        self.notice_banner.setObjectName("keychainNotice")
        self.notice_banner.dismissed.connect(self._dismiss_keychain_notice)
        # The banner as tall as its text; the rest of the height is the editors'.
        layout.addWidget(self.notice_banner, 0)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.actions = create_menus(self)
        # Undo and Redo show what they changed: the call or API is selected and revealed.
        self.actions.undo.triggered.connect(lambda: self._reveal_undone(undone=True))
        self.actions.redo.triggered.connect(lambda: self._reveal_undone(undone=False))
        self._add_environment_bar(executor)
        self.statusBar().setSizeGripEnabled(True)
        for source in (
            self.files,
            self.importer,
            self.exporter,
            self.updater,
            self.tree.model,
            self.api_editor,
        ):
            source.message.connect(self.show_message)
        self.setAcceptDrops(True)  # a file dropped anywhere is imported
        self.tree.currentItemChanged.connect(self._show_item)
        self.doc.reset.connect(self._after_reset)
        self.doc.callChanged.connect(self._call_changed)
        self.doc.apiChanged.connect(self._api_changed)
        self.doc.dirtyChanged.connect(self._update_title)
        self.doc.pathChanged.connect(self._update_title)
        self._restore_layout()
        self._update_title()
        self.tree.view.setFocus()  # arrow keys move through the tree from the start

    @property
    def call_editor(self) -> CallEditor:
        """The editor of the selected call, built the first time it is needed."""
        if self._call_editor is None:
            self._call_editor = self._build_call_editor()
        return self._call_editor

    @property
    def webhook_editor(self) -> WebhookEditor:
        """The editor of the selected webhook, built the first time one is shown."""
        if self._webhook_editor is None:
            from designer.ui.dialogs.listen import listen_for_sample
            from designer.ui.editors.webhook_editor import WebhookEditor

            editor = WebhookEditor(self.doc, self.secrets, self)
            editor.message.connect(self.show_message)
            editor.listenRequested.connect(lambda: listen_for_sample(self))
            placeholder = self.editors.widget(_WEBHOOK)
            assert placeholder is not None  # the page made in __init__
            self.editors.insertWidget(_WEBHOOK, editor)
            self.editors.removeWidget(placeholder)
            placeholder.deleteLater()
            self._webhook_editor = editor
        return self._webhook_editor

    def _build_call_editor(self) -> CallEditor:
        from designer.ui.editors.call_editor import CallEditor

        editor = CallEditor(self.doc, self.secrets, self)
        editor.request_line.set_initialize_action(self.response_panel.initializeAction)
        editor.message.connect(self.show_message)
        editor.preview.environment_for = self.environments.environment_for
        editor.preview.apis_for_names = lambda: list(self.doc.workspace.apis)
        editor.graphql.executor = self.executor
        editor.graphql.environment_for = self.environments.environment_for
        saved = self.settings.splitter_state("call")
        if saved is not None:
            editor.splitter.restoreState(saved)
        current = self.editors.currentIndex()
        self.editors.insertWidget(_CALL, editor)
        take_focus_place(self._call_page, editor)
        self.editors.removeWidget(self._call_page)
        self._call_page.deleteLater()
        self.editors.setCurrentIndex(current)
        return editor

    # -- environments and secrets --------------------------------------------

    #: shown once, in the Secrets dialog too, when no keychain is usable
    keychain_notice: str | None = None

    def _add_environment_bar(self, executor: Any) -> None:
        bar = self.addToolBar("Environment")
        bar.setObjectName("environmentToolBar")
        bar.setMovable(False)
        # Icon and word: a key alone would not say "Secrets" to a first-time user.
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setIconSize(QSize(16, 16))  # the size of the menus' icons, beside one line of text
        self.environments = EnvironmentSwitcher(bar)
        bar.addWidget(QLabel("Environment: ", bar))
        bar.addWidget(self.environments)
        self.secrets_action = self.actions.secrets  # in the Edit menu too, for the keyboard
        bar.addAction(self.secrets_action)
        # Drawn as a button, not flat text: beside the switcher it read as a label.
        secrets_button = bar.widgetForAction(self.secrets_action)
        secrets_button.setObjectName("secretsToolButton")
        secrets_button.setAutoRaise(False)  # type: ignore[attr-defined]
        self.response_panel.environment_for = self.environments.environment_for
        self.api_editor.auth_form.environment_for = self.environments.environment_for
        self.api_editor.auth_form.executor = executor
        self.environments.changed.connect(self._environment_changed)
        for signal in (self.doc.reset, self.doc.apiChanged):
            signal.connect(lambda *_: self.environments.set_workspace(self.doc.workspace))

    def _environment_changed(self, name: str | None) -> None:
        self.show_message(f"Environment: {name}" if name else "No environment")
        if self._call_editor is not None:
            self._call_editor.preview.refresh()

    def show_secrets(self) -> None:
        from designer.ui.dialogs.secrets import SecretsDialog

        active = {
            api.id: env
            for api in self.doc.workspace.apis
            if (env := self.environments.environment_for(api)) is not None
        }
        dialog = SecretsDialog(self.doc.workspace, self.secrets, active, self.keychain_notice, self)
        # A secret set there changes what the call sends: its preview is built again.
        dialog.finished.connect(lambda _result: self._refresh_preview())
        dialog.open()

    def _refresh_preview(self) -> None:
        found = self.current_call()
        if self._call_editor is not None and found is not None:
            self._call_editor.preview.show_request(*found)

    def show_keychain_notice(self, message: str) -> None:
        """Say, in a banner above the editors, that secrets will not outlive the session.

        The banner does not interrupt: it stays until closed, and once closed it is
        not shown again on this machine (the Secrets dialog still says it).
        """
        self.keychain_notice = message
        if self.settings.keychain_notice_dismissed:
            return
        self.notice_banner.show_message(message)

    def _dismiss_keychain_notice(self) -> None:
        self.notice_banner.hide()
        self.settings.dismiss_keychain_notice()

    # -- layout --------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        saved = self.settings.splitter_state("main")
        if saved is not None:
            self.splitter.restoreState(saved)

    def _save_layout(self) -> None:
        self.settings.set_geometry(self.saveGeometry())
        self.settings.set_window_state(self.saveState())
        self.settings.set_splitter_state("main", self.splitter.saveState())
        if self._call_editor is not None:
            self.settings.set_splitter_state("call", self._call_editor.splitter.saveState())
        self.settings.sync()

    def _update_title(self, *_: object) -> None:
        self.setWindowTitle(f"{self.doc.display_name}[*] — {APP_TITLE}")
        self.setWindowModified(self.doc.is_dirty)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- the selected item ---------------------------------------------------

    def current_call(self) -> tuple[Api, Call] | None:
        item = self.tree.current_item()
        if item is None or item.kind != "call":
            return None
        return self.doc.find_call(item.id)

    def current_api(self) -> Api | None:
        item = self.tree.current_item()
        if item is None:
            return None
        if item.kind == "webhook":
            return self.doc.find_webhook(item.id)[0]
        return self.doc.api(item.id) if item.kind == "api" else self.doc.find_call(item.id)[0]

    def _show_item(self, item: Item | None) -> None:
        if item is None:
            self.editors.setCurrentIndex(_EMPTY)
            if self._call_editor is not None:
                self._call_editor.set_call(None)
            self.response_panel.set_call(None, None)
        elif item.kind == "webhook":
            self.webhook_editor.set_webhook(item.id)
            self.editors.setCurrentIndex(_WEBHOOK)
            if self._call_editor is not None:
                self._call_editor.set_call(None)
            self.response_panel.set_call(self.doc.find_webhook(item.id)[0], None)
        elif item.kind == "api":
            self.api_editor.set_api(item.id)
            self.editors.setCurrentIndex(_API)
            if self._call_editor is not None:
                self._call_editor.set_call(None)
            self.response_panel.set_call(self.doc.api(item.id), None)
        else:
            self.call_editor.set_call(item.id)
            self.editors.setCurrentIndex(_CALL)
            self.response_panel.set_call(*self.doc.find_call(item.id))
        self.actions.update_enabled()

    def _after_reset(self) -> None:
        self._show_item(None)
        apis = self.doc.workspace.apis
        if apis:
            self.tree.select(Item("api", apis[0].id))

    def select_first_call(self) -> None:
        for api in self.doc.workspace.apis:
            if api.calls:
                self.tree.select(Item("call", api.calls[0].id))
                return

    def _call_changed(self, _api_id: str, call_id: str) -> None:
        found = self.current_call()
        if found is not None and found[1].id == call_id:
            self.response_panel.set_call(*found)

    def _api_changed(self, api_id: str) -> None:
        found = self.current_call()
        if found is not None and found[0].id == api_id:
            self.response_panel.set_call(*found)

    def _reveal_undone(self, *, undone: bool) -> None:
        stack = self.doc.undo_stack
        target = target_of(stack.command(stack.index() if undone else stack.index() - 1))
        if target is None:
            return
        try:
            self.tree.select(target)
        except (KeyError, ValueError):
            pass  # undoing an insert removed it: nothing to show

    def _find_call(self, call_id: str) -> tuple[Api, Call] | None:
        try:
            return self.doc.find_call(call_id)
        except KeyError:
            return None

    def _apply_response_edit(self, call: Call) -> None:
        try:
            _, before = self.doc.find_call(call.id)
        except KeyError:
            return  # the call was deleted while its response was being inferred
        if before != call:
            self.doc.undo_stack.push(EditCall(self.doc, before, call, "Edit response structure"))

    # -- files dropped on the window -----------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.importer.drag_enter(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.importer.drag_enter(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.importer.drop(event)

    # -- closing -------------------------------------------------------------

    def close_without_asking(self) -> None:
        """Close now (a signal with nobody to answer); unsaved changes stay in recovery."""
        self._unasked = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        unasked = getattr(self, "_unasked", False)
        if not unasked and not self.files.maybe_save():
            event.ignore()
            return
        self._save_layout()
        self.response_panel.shutdown()
        self.recovery.timer.stop()
        if unasked and self.doc.is_dirty:
            self.recovery.write()  # offered at the next start
        else:
            self.recovery.discard()
        event.accept()
        self.closed.emit()
