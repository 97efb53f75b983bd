"""Start-up of the desktop application.

:func:`run` is what ``connector-designer`` without a subcommand calls: it
checks for a display, creates the ``QApplication`` on a qasync event loop,
opens the workspace given (or the bundled example, served by the app's own
demo API, on first launch and with ``--example``), and runs until the window
closes.

Start-up time matters (a 500-call workspace opens in a fraction of a second),
so httpx, the demo server and the request builder are imported only when
first needed.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["NO_DISPLAY", "AppSecrets", "LazyExecutor", "display_available", "main", "run"]

_IMPORTED = time.perf_counter()
PROG = "connector-designer"
NO_DISPLAY = (
    f"{PROG}: error: no display found; use the command line ({PROG} --help) "
    "or set QT_QPA_PLATFORM=offscreen"
)


def display_available(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """False on Linux without X11, Wayland or an explicit Qt platform, where Qt would abort."""
    if not platform.startswith("linux"):
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _seconds_since_start() -> float:
    """Seconds since the process started (Linux), else since this module was imported."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            # Field 22 is the start time in clock ticks since boot; the command
            # name (field 2) may hold spaces, so count from its closing ")".
            fields = stat.read().rsplit(b")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        with open("/proc/uptime", "rb") as uptime:
            return float(uptime.read().split()[0]) - started
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _IMPORTED


class LazyExecutor:
    """The request executor, created on first use: importing httpx costs start-up time.

    ``limits`` gives the Network settings (timeouts, deadline, size cap,
    redirect limit); after they change, :meth:`reconfigure` makes the next
    call use a new executor with them.
    """

    def __init__(self, limits: Any = None) -> None:
        self._executor: Any = None
        self._limits = limits
        self._retired: list[Any] = []

    def get(self) -> Any:
        if self._executor is None:
            from designer.core.http.execute import ExecutionSettings, Executor

            settings = ExecutionSettings()
            if self._limits is not None:
                limits = self._limits()
                settings = ExecutionSettings(
                    connect_timeout=min(limits.read_timeout, 10.0),
                    read_timeout=limits.read_timeout,
                    deadline=limits.deadline,
                    max_body_bytes=limits.max_size_mb * 1024 * 1024,
                    max_redirects=limits.max_redirects,
                )
            self._executor = Executor(settings)
        return self._executor

    def reconfigure(self) -> None:
        """Use the current limits from the next call on; a call running now keeps its own."""
        if self._executor is not None:
            self._retired.append(self._executor)
            self._executor = None

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        return await self.get().send(*args, **kwargs)

    async def aclose(self) -> None:
        for executor in [*self._retired, self._executor]:
            if executor is not None:
                await executor.aclose()
        self._retired.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.get(), name)


class AppSecrets:
    """The app's secrets: ``CD_SECRET_*`` variables over the keychain (or memory).

    The keychain is opened on first use (finding it costs start-up time), at
    the latest once the event loop runs; :attr:`status` says then whether
    secrets outlive the session.
    """

    def __init__(self, workspace: Any) -> None:
        from designer.core.secrets.store import DeferredSecretStore

        self._workspace = workspace  # returns the open workspace, whose id names the service
        self.status: Any = None
        self.store = DeferredSecretStore(self._open)

    def _open(self) -> Any:
        from designer.core.secrets.keychain import default_store

        store, self.status = default_store(self._workspace)
        return store

    def notice(self) -> str | None:
        """Open the keychain if nothing has yet; the notice to show when it is not usable."""
        self.store.open()
        return self.status.message if self.status is not None else None


def _open_example(window: Any, secrets: Any) -> Any:
    """Open the bundled example against a freshly started demo API; returns the server."""
    from designer.core.demo.server import example_secrets, example_workspace, served_demo

    # Started now, so the first Initialize does not wait; the workspace names it
    # {demo_server}, so a saved copy calls whichever demo API the app serves then.
    server = served_demo()
    workspace = example_workspace()
    # The store files secrets under the open workspace's id: the example must be
    # open first, or the demo key lands under the blank start-up workspace's id,
    # where nothing finds it (and each launch leaves one more such entry).
    window.doc.replace(workspace, None)
    for ref, value in example_secrets(workspace).items():
        if secrets.get(ref) != value:
            secrets.set(ref, value)
    window.select_first_call()
    return server


def _offer_recovery(window: Any, opened: Path | None) -> None:
    """After a crash: offer to restore the unsaved changes of the workspace being opened."""
    from PySide6.QtWidgets import QMessageBox

    from designer.ui.window.recovery import find_recoveries

    entries = find_recoveries()
    if opened is not None:
        entries = [e for e in entries if e.source == opened.resolve()]
    if not entries:
        return
    entry = entries[0]
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
    box = QMessageBox(window)
    box.setObjectName("recoveryDialog")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Restore unsaved changes?")
    box.setText(
        f"Connector Designer did not close properly. Unsaved changes to "
        f"“{entry.name}” from {when} were kept."
    )
    box.setInformativeText("Restore them? Discarding deletes the recovered copy.")
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Discard)
    box.setDefaultButton(restore)
    box.exec()
    if box.clickedButton() is not restore:
        entry.discard()
        return
    restore_entry(window, entry)


def restore_entry(window: Any, entry: Any) -> None:
    """Show a recovered workspace, marked as modified, under its original file name."""
    from designer.core.errors import DesignerError
    from designer.ui.infra.errors import show_error

    try:
        workspace = entry.load()
    except (DesignerError, OSError, ValueError) as exc:
        show_error(window, "Could not restore", f"The recovered copy is unreadable: {exc}")
        return
    window.doc.replace(workspace, entry.source, dirty=True)
    entry.discard()
    window.recovery.write()  # a second crash must not lose it either
    window.show_message("Restored unsaved changes; save to keep them.")


def _read(workspace: Path) -> tuple[Any, str | None]:
    """Load the workspace given on the command line: (workspace, None) or (None, why not)."""
    from designer.core.errors import DesignerError
    from designer.core.workspace.file import load

    try:
        return load(workspace), None
    except DesignerError as exc:
        return None, str(exc)


def _preload_core() -> None:
    """Import the core modules the window uses, before Qt.

    Once imported, PySide6 looks at the source of every module imported after
    it (for its ``from __feature__ import`` switches), which costs a quarter of
    a millisecond per module; pydantic and the core are a few hundred modules.
    Request building (``designer.core.http.request``, ~14 ms) is left out: it is needed
    when a call is first shown or sent, not to show the window.
    """
    import designer.core.calls.initialize
    import designer.core.workspace.file  # noqa: F401


def run(args: argparse.Namespace) -> int:
    """Run the GUI with the parsed command-line arguments; returns the exit code."""
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 1
    # Start-up creates many long-lived objects (models, widgets) and no garbage
    # worth collecting; the collector would only walk them again and again.
    gc.disable()
    workspace = Path(args.workspace) if getattr(args, "workspace", None) else None
    # A bundle opened from the file manager is imported into a new workspace.
    bundle, workspace = (workspace, None) if _is_bundle(workspace) else (None, workspace)
    quit_after_load = bool(getattr(args, "quit_after_load", False))
    _preload_core()
    loaded, failure = _read(workspace) if workspace is not None else (None, None)
    if failure is not None and quit_after_load:
        gc.enable()
        print(f"{PROG}: error: {failure}", file=sys.stderr)
        return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from designer.ui.infra.errors import install_excepthook, show_error
    from designer.ui.infra.settings import Settings
    from designer.ui.window.mainwindow import MainWindow

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setOrganizationName("Connector Designer")
    app.setApplicationName("Connector Designer")
    from designer.ui.infra.style import apply_style

    apply_style(app)
    _set_identity(app)
    # The window closing ends the coroutine below, which then closes the HTTP client.
    app.setQuitOnLastWindowClosed(False)
    restore_hook = install_excepthook()
    holder: list[Any] = []
    keychain = AppSecrets(lambda: holder[0].doc.workspace)
    secrets = keychain.store
    settings = Settings()
    if settings.theme != "system":
        from designer.ui.infra.style import set_theme

        set_theme(app, settings.theme)
    executor = LazyExecutor(settings.network)
    from designer.core.calls.history import default_folder

    window = MainWindow(settings, secrets, executor, history_dir=default_folder())
    holder.append(window)
    demo = loop = None
    try:
        if loaded is not None and workspace is not None:
            window.doc.replace(loaded, workspace.resolve())
            settings.add_recent(workspace)
        wants_example = getattr(args, "example", False) or settings.first_launch
        last = settings.last_workspace()
        if workspace is None and bundle is None and not wants_example and last is not None:
            # Started with no file: the workspace of last time, as it was saved.
            reopened, _why = _read(last)
            if reopened is not None:
                window.doc.replace(reopened, last.resolve())
                workspace = last
        if workspace is None and bundle is None and wants_example:
            demo = _open_example(window, secrets)
        window.show()
        # What exists now lives as long as the window: keep the collector off it
        # for good (this also spares walking it all again at exit).
        gc.freeze()
        gc.enable()
        if quit_after_load:
            app.processEvents()
            print(f"started in {_seconds_since_start():.3f} s", flush=True)
            window.recovery.timer.stop()
            return 0
        QTimer.singleShot(0, lambda: _keychain_notice(window, keychain))
        if bundle is not None:
            QTimer.singleShot(0, lambda: window.importer.import_file(bundle))
        if failure is not None:
            QTimer.singleShot(0, lambda: show_error(window, "Could not open workspace", failure))
        else:
            QTimer.singleShot(0, lambda: _offer_recovery(window, workspace))
        from designer.ui.infra.signals import install_quit_on_signals

        restore_signals = install_quit_on_signals(window)
        loop = _event_loop(app)
        import asyncio  # with the loop, after the window is on screen

        closed = asyncio.Event()
        window.closed.connect(closed.set)

        async def until_closed() -> None:
            await closed.wait()
            await executor.aclose()

        try:
            with loop:
                loop.run_until_complete(until_closed())
        finally:
            restore_signals()
        return 0
    finally:
        gc.enable()
        if loop is not None and not loop.is_closed():
            loop.close()
        restore_hook()
        if demo is not None or "designer.core.demo.server" in sys.modules:
            from designer.core.demo.server import stop_served_demo

            stop_served_demo()  # started with the example, or by a saved copy's first call
        from designer.ui.infra.ops import shutdown_workers

        shutdown_workers()  # if any were started


def _is_bundle(path: Path | None) -> bool:
    """Whether ``path`` is a connector bundle (its "format" key comes first)."""
    if path is None:
        return False
    try:
        with path.open("rb") as file:
            return b'"connector-designer.bundle"' in file.read(256)
    except OSError:
        return False


def _set_identity(app: Any) -> None:
    """The version, the icon, and the desktop entry the windows belong to."""
    import importlib.resources

    from PySide6.QtGui import QIcon

    from designer import APP_ID, __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    try:
        icon = importlib.resources.files("designer.resources.icons") / f"{APP_ID}.svg"
        with importlib.resources.as_file(icon) as path:
            app.setWindowIcon(QIcon(str(path)))
    except (ModuleNotFoundError, FileNotFoundError):
        pass  # a copy installed without its icon still runs, with Qt's default icon


def _keychain_notice(window: Any, keychain: AppSecrets) -> None:
    if (message := keychain.notice()) is not None:
        window.show_keychain_notice(message)


def _event_loop(app: Any) -> Any:  # a qasync.QEventLoop, an asyncio loop and a context
    """The asyncio loop that runs inside Qt's; created once the window is on screen."""
    import asyncio

    import qasync

    from designer.ui.infra.errors import loop_exception_handler
    from designer.ui.infra.ops import finalize_async_generators

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    finalize_async_generators(loop)
    loop.set_exception_handler(loop_exception_handler)
    return loop


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m designer.ui.app``: the GUI's own arguments only."""
    parser = argparse.ArgumentParser(prog=PROG)
    parser.add_argument("workspace", nargs="?", metavar="WORKSPACE")
    parser.add_argument("--example", action="store_true")
    parser.add_argument("--quit-after-load", action="store_true")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
