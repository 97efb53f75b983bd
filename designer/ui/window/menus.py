"""The main window's menus and actions, with platform-standard shortcuts.

Shortcuts come from ``QKeySequence`` standard keys where one exists, so they
follow the platform (Ctrl+Shift+Z or Ctrl+Y for Redo, and so on). Actions
on tree items (rename, duplicate, delete) only answer their shortcuts while
the tree has focus: Delete in a text field deletes text, not an API.

Shortcuts of our own choice:

    Ctrl+Shift+A   Add API
    Ctrl+Shift+N   Add call
    Ctrl+D         Duplicate
    F2             Rename
    Ctrl+F         Filter the tree
    Ctrl+I         Import
    Ctrl+E         Export
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox, QStatusBar, QWidget

from designer.ui.editing import edits
from designer.ui.infra.icons import icon

if TYPE_CHECKING:
    from designer.core.models import Api
    from designer.core.secrets.store import SecretStore
    from designer.ui.editing.document import Document
    from designer.ui.infra.settings import Settings
    from designer.ui.interop.export_flow import ExportFlow
    from designer.ui.interop.import_flow import ImportFlow
    from designer.ui.interop.update_flow import UpdateFlow
    from designer.ui.response.panel import ResponsePanel
    from designer.ui.tree import TreePane
    from designer.ui.window.environments import EnvironmentSwitcher
    from designer.ui.window.files import FileActions
    from designer.ui.window.mock_control import MockControl

__all__ = ["MenuHost", "WindowActions", "create_menus"]


class MenuHost(Protocol):
    """What the menus need of the window they fill: its parts, and what the dialogs
    the menus open need of it (the main window has it all)."""

    @property
    def doc(self) -> Document: ...
    @property
    def files(self) -> FileActions: ...
    @property
    def tree(self) -> TreePane: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def secrets(self) -> SecretStore: ...
    @property
    def executor(self) -> Any: ...
    @property
    def environments(self) -> EnvironmentSwitcher: ...
    @property
    def importer(self) -> ImportFlow: ...
    @property
    def exporter(self) -> ExportFlow: ...
    @property
    def updater(self) -> UpdateFlow: ...
    @property
    def response_panel(self) -> ResponsePanel: ...

    #: set here: the Call menu's *Serve mock API*
    mock_control: MockControl

    def current_api(self) -> Api | None: ...
    def show_message(self, text: str) -> None: ...
    def show_secrets(self) -> None: ...
    def close(self) -> bool: ...
    def menuBar(self) -> QMenuBar: ...
    def statusBar(self) -> QStatusBar: ...
    def addActions(self, actions: Sequence[QAction]) -> None: ...
    # The top-level widget: the parent of the actions, menus and dialogs.
    def window(self) -> QWidget: ...


Std = QKeySequence.StandardKey

#: The icon of each window action, all from the one set the app ships (see icons.py),
#: chosen as other API clients and desktop apps draw the same commands.
_ICONS = {
    "new": "file-plus",
    "open": "folder-open",
    "save": "save",
    "import_": "download",
    "import_curl": "terminal",
    "update_from_source": "refresh-cw",
    "export": "upload",
    "undo": "undo-2",
    "redo": "redo-2",
    "add_api": "folder-plus",
    "add_call": "plus",
    "duplicate": "copy",
    "rename": "pencil",
    "delete": "trash-2",
    "secrets": "key-round",
    "network": "globe",
}


@dataclass
class WindowActions:
    window: MenuHost
    new: QAction
    open: QAction
    recent: QMenu
    save: QAction
    save_as: QAction
    import_: QAction
    import_curl: QAction
    export: QAction
    update_from_source: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    add_api: QAction
    add_call: QAction
    duplicate: QAction
    rename: QAction
    delete: QAction
    initialize: QAction
    secrets: QAction
    network: QAction | None = None

    def update_enabled(self) -> None:
        item = self.window.tree.current_item()
        self.add_call.setEnabled(bool(self.window.doc.workspace.apis))
        for action in (self.duplicate, self.rename, self.delete, self.update_from_source):
            action.setEnabled(item is not None)


def _action(
    window: MenuHost,
    text: str,
    slot: Callable[[], object],
    keys: Std | str | None = None,
    tip: str = "",
    icon_name: str = "",
) -> QAction:
    action = QAction(text, window.window())
    if icon_name:
        action.setIcon(icon(icon_name))
    if isinstance(keys, Std):
        action.setShortcuts(keys)
    elif keys:
        action.setShortcut(QKeySequence(keys))
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.triggered.connect(lambda _=False: slot())
    return action


def create_menus(window: MenuHost) -> WindowActions:
    files, doc, tree = window.files, window.doc, window.tree

    def add_api() -> None:
        api = edits.add_api(doc)
        tree.select(edits.Item("api", api.id), edit=True)

    def add_call() -> None:
        api = window.current_api() or (doc.workspace.apis[-1] if doc.workspace.apis else None)
        if api is None:
            window.show_message("Add an API first: calls belong to an API.")
            return
        item = tree.current_item()
        row = doc.call_row(item.id)[1] + 1 if item is not None and item.kind == "call" else None
        call = edits.add_call(doc, api.id, row)
        tree.select(edits.Item("call", call.id), edit=True)

    def duplicate() -> None:
        copies = edits.duplicate(doc, window.secrets, tree.selected_items())
        if copies:
            tree.select(copies[-1])

    def delete() -> None:
        items = tree.selected_items()
        if items:
            what = f"“{tree.current_name()}”" if len(items) == 1 else f"{len(items)} items"
            edits.delete(doc, items)
            keys = actions.undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            window.show_message(f"Deleted {what}. Undo ({keys}) brings it back.")

    def about() -> None:
        from designer import __version__

        QMessageBox.about(
            window.window(),
            "About Connector Designer",
            f"Connector Designer {__version__}\n\n"
            "Design, initialize and share API connectors, offline.",
        )

    actions = WindowActions(
        window=window,
        new=_action(window, "&New", files.new, Std.New, "Start an empty workspace"),
        open=_action(window, "&Open…", files.open, Std.Open, "Open a workspace file"),
        recent=QMenu("Open &Recent", window.window()),
        save=_action(window, "&Save", files.save, Std.Save, "Save the workspace"),
        save_as=_action(
            window, "Save &As…", files.save_as, Std.SaveAs, "Save the workspace to another file"
        ),
        import_=_action(
            window,
            "&Import…",
            window.importer.choose_file,
            "Ctrl+I",
            "Import APIs from a bundle, OpenAPI, Postman, HAR or Insomnia file",
        ),
        import_curl=_action(
            window,
            "Import c&URL Command…",
            window.importer.paste_curl,
            tip="Import a call from a pasted curl command",
        ),
        update_from_source=_action(
            window,
            "&Update from Source…",
            window.updater.start,
            tip="Take in the new version of the selected API's document, keeping your work",
        ),
        export=_action(
            window,
            "&Export…",
            window.exporter.start,
            "Ctrl+E",
            "Export APIs as a bundle, OpenAPI, Postman, curl or JSON Schema",
        ),
        quit=_action(
            window,
            "&Quit",
            window.close,
            Std.Quit if QKeySequence.keyBindings(Std.Quit) else "Ctrl+Q",
            "Close the window",
        ),
        undo=doc.undo_stack.createUndoAction(window.window(), "&Undo"),
        redo=doc.undo_stack.createRedoAction(window.window(), "&Redo"),
        add_api=_action(window, "Add &API", add_api, "Ctrl+Shift+A", "Add an API"),
        add_call=_action(
            window, "Add &Call", add_call, "Ctrl+Shift+N", "Add a call to the selected API"
        ),
        duplicate=_action(
            window, "&Duplicate", duplicate, "Ctrl+D", "Duplicate the selected APIs or calls"
        ),
        rename=_action(window, "Re&name", tree.rename_current, "F2", "Rename the selected item"),
        delete=_action(window, "De&lete", delete, Std.Delete, "Delete the selected APIs or calls"),
        # The panel's own action, so the menu shows its shortcut and its enabled state.
        initialize=getattr(window.response_panel, "initializeAction", None)
        or _action(window, "&Initialize call", window.response_panel.initialize),
        secrets=_action(
            window,
            "Se&crets…",
            window.show_secrets,
            tip="Which secrets this workspace needs, and which are set",
        ),
    )
    actions.secrets.setObjectName("secretsAction")
    actions.update_from_source.setObjectName("updateFromSourceAction")
    actions.network = _action(
        window,
        "&Network Settings…",
        lambda: _network_settings(window),
        tip="Timeouts, deadline, size cap and redirect limit of Initialize",
    )
    actions.network.setObjectName("networkSettingsAction")
    for field, name in _ICONS.items():
        getattr(actions, field).setIcon(icon(name))
    actions.undo.setShortcuts(Std.Undo)
    actions.redo.setShortcuts(Std.Redo)
    actions.recent.setObjectName("recentMenu")
    actions.recent.aboutToShow.connect(lambda: _fill_recent(window, actions.recent))

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions.new, actions.open])
    file_menu.addMenu(actions.recent)
    file_menu.addSeparator()
    file_menu.addActions([actions.save, actions.save_as])
    file_menu.addSeparator()
    file_menu.addActions(
        [actions.import_, actions.import_curl, actions.update_from_source, actions.export]
    )
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([actions.undo, actions.redo])
    edit_menu.addSeparator()
    edit_menu.addActions(
        [actions.add_api, actions.add_call, actions.duplicate, actions.rename, actions.delete]
    )
    edit_menu.addSeparator()
    edit_menu.addAction(actions.secrets)
    edit_menu.addAction(actions.network)
    view_menu = bar.addMenu("&View")
    _add_theme_menu(window, view_menu)
    call_menu = bar.addMenu("&Call")
    call_menu.addAction(actions.initialize)
    call_menu.addSeparator()
    _add_check_and_mock(window, call_menu)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(_action(window, "&About Connector Designer", about, icon_name="info"))

    tree.view.add_tree_actions(
        [
            actions.add_api,
            actions.add_call,
            None,
            actions.rename,
            actions.duplicate,
            actions.update_from_source,
            None,
            actions.delete,
        ]
    )
    tree.set_add_actions(actions.add_api, actions.add_call)
    # Add API and Add Call work anywhere in the window; add_tree_actions narrowed them.
    for action in (actions.add_api, actions.add_call):
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addActions([actions.add_api, actions.add_call])
    return actions


def _add_theme_menu(window: MenuHost, menu: QMenu) -> None:
    """View ▸ Theme: System, Light, Dark; kept in the settings and applied at once."""
    from PySide6.QtGui import QActionGroup
    from PySide6.QtWidgets import QApplication

    from designer.ui.infra.style import set_theme

    themes = menu.addMenu("&Theme")
    themes.setObjectName("themeMenu")
    group = QActionGroup(themes)
    group.setExclusive(True)
    current = window.settings.theme

    def choose(key: str) -> None:
        window.settings.theme = key
        app = QApplication.instance()
        if isinstance(app, QApplication):
            set_theme(app, key)

    for key, label in (("system", "&System"), ("light", "&Light"), ("dark", "&Dark")):
        action = themes.addAction(label)
        action.setObjectName(f"theme_{key}")
        action.setCheckable(True)
        action.setChecked(key == current)
        action.triggered.connect(lambda _=False, k=key: choose(k))
        group.addAction(action)


def _network_settings(window: MenuHost) -> None:
    from designer.ui.dialogs.network import open_network_settings  # only when asked for

    open_network_settings(window)


def _add_check_and_mock(window: MenuHost, menu: QMenu) -> None:
    """*Check all calls* and *Serve mock API*, whose work lives in their own modules."""
    from designer.ui.dialogs.check import check_all_calls
    from designer.ui.window.mock_control import MockControl

    check = _action(
        window,
        "Check &All Calls",
        lambda: check_all_calls(window),
        tip="Re-initialize every call and list the structures that changed",
        icon_name="list-checks",
    )
    check.setObjectName("checkAllCallsAction")
    window.mock_control = MockControl(window)
    menu.addActions([check, window.mock_control.action])
    listen = _action(
        window,
        "&Listen for a Sample…",
        lambda: _listen_for_sample(window),
        tip="Capture the requests a webhook sender makes, and infer their structure",
        icon_name="webhook",
    )
    listen.setObjectName("listenForSampleAction")
    menu.addAction(listen)


def _listen_for_sample(window: MenuHost) -> None:
    from designer.ui.dialogs.listen import listen_for_sample  # only when asked for

    listen_for_sample(window)


def _fill_recent(window: MenuHost, menu: QMenu) -> None:
    menu.clear()
    paths = window.settings.recent_files()
    for path in paths:
        action = menu.addAction(path.name)
        action.setToolTip(str(path))
        action.setStatusTip(str(path))
        action.triggered.connect(lambda _=False, p=Path(path): window.files.load(p))
    if not paths:
        menu.addAction("No recent files").setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction("Clear Menu").triggered.connect(window.settings.clear_recent)
