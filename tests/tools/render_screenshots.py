"""Render screenshots of the main states of the app into docs/screenshots/.

Usage: python tests/tools/render_screenshots.py [OUT_DIR] [--size WIDTHxHEIGHT] [--suffix S]
       [--scheme light|dark] [--only stream]

``--size`` renders the window at another size (default 1280x800); ``--suffix``
is added to every file name (``example-small.png``), so several sizes can sit
side by side.

Runs offscreen against the app's own demo API: the example before
Initialize, after Initialize with the structure expanded, the call editor
with parameters, an error shown inline, an error over an older structure,
the Secrets dialog and the import preview of an OpenAPI document; then a
streamed chat completion from a local stream server: its Stream tab while the
events arrive and after, and its structure with the text field marked
(``--only stream`` renders just those).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMessageBox,
    QTreeView,
)

from designer.core.secrets.store import MemorySecretStore
from designer.ui.app import LazyExecutor, _open_example
from designer.ui.infra.ops import finalize_async_generators
from designer.ui.infra.settings import Settings
from designer.ui.infra.style import apply_style
from designer.ui.window.files import FileActions
from designer.ui.window.mainwindow import MainWindow

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the stream scenes use the tests' stream server
PETSTORE = ROOT / "tests" / "data" / "interop" / "petstore-3.0.yaml"
SUFFIX = ""


def shot(window: MainWindow, out: Path, name: str) -> None:
    window.grab().save(str(out / f"{name}{SUFFIX}.png"))


async def pump(until=lambda: True, limit: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run (event loop included) until ``until()`` holds."""
    deadline = time.monotonic() + limit
    await asyncio.sleep(0.2)
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the expected state")
        await asyncio.sleep(0.05)


def select_call(window: MainWindow, name: str) -> None:
    tree: QTreeView = window.findChild(QTreeView, "apiTree")
    model = tree.model()
    for row in range(model.rowCount()):
        api_index = model.index(row, 0)
        for child in range(model.rowCount(api_index)):
            index = model.index(child, 0, api_index)
            if name in str(model.data(index)):
                tree.setCurrentIndex(index)
                return
    raise LookupError(name)


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--suffix", default="")
    parser.add_argument("--scheme", choices=["light", "dark"], default="light")
    parser.add_argument("--only", choices=["stream"], default=None)
    args = parser.parse_args()
    os.environ["CD_COLOR_SCHEME"] = args.scheme
    out: Path = args.out
    width, height = (int(n) for n in args.size.split("x"))
    global SUFFIX
    SUFFIX = args.suffix
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    apply_style(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    finalize_async_generators(loop)  # as the app does
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        secrets = MemorySecretStore()
        # Closing at the end must not wait for an answer about unsaved changes.
        FileActions.ask_unsaved = lambda self: QMessageBox.StandardButton.Discard  # type: ignore[method-assign]
        window = MainWindow(settings, secrets, LazyExecutor(), recovery_dir=Path(tmp) / "rec")
        window.resize(width, height)
        server = _open_example(window, secrets)
        window.show()
        try:
            with loop:
                if args.only != "stream":
                    loop.run_until_complete(scenes(window, out))
                loop.run_until_complete(stream_scenes(window, out))
        finally:
            window.close()
            server.stop()
    print(f"screenshots written to {out}")
    return 0


async def scenes(window: MainWindow, out: Path) -> None:
    await pump(lambda: window.isVisible())
    select_call(window, "List products")
    await pump()
    shot(window, out, "example")

    panel = window.findChild(object, "responsePanel")
    button = window.findChild(object, "requestInitializeButton")
    status = panel.findChild(object, "statusLabel")
    button.click()
    await pump(lambda: button.isEnabled() and "OK" in status.text())
    tree: QTreeView = panel.findChild(QTreeView, "responseTree")
    await pump()
    tree.expandToDepth(1)
    await pump()
    shot(window, out, "initialized")

    select_call(window, "Get account")
    await pump()
    shot(window, out, "call-editor")

    select_call(window, "Unstable endpoint")  # answers 500
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "returned 500" in _visible_text(panel))
    shot(window, out, "error")

    # An order that exists, then one that does not: the error over the older structure.
    select_call(window, "Get order")
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "OK" in status.text())
    api, call = window.current_call() or (None, None)
    assert api is not None
    assert call is not None
    missing = [
        p.model_copy(update={"value": "9999"}) if p.placement == "path" else p
        for p in call.parameters
    ]
    window.doc.apply_call(api.id, call.model_copy(update={"parameters": missing}))
    await pump()
    button.click()
    await pump(lambda: button.isEnabled() and "404" in _visible_text(panel))
    shot(window, out, "error-older-structure")

    window.show_secrets()
    await pump()
    dialog = QApplication.activeModalWidget() or window.findChild(QDialog, "secretsDialog")
    dialog = dialog or next(d for d in window.findChildren(QDialog) if d.isVisible())
    dialog.grab().save(str(out / f"secrets{SUFFIX}.png"))
    dialog.close()

    previews: list[QDialog] = []
    window.importer.previewShown.connect(previews.append)
    QFileDialog.getOpenFileName = lambda *_a, **_k: (str(PETSTORE), "")  # type: ignore[assignment]
    window.actions.import_.trigger()
    await pump(lambda: bool(previews), limit=60)
    previews[0].grab().save(str(out / f"import-preview{SUFFIX}.png"))
    previews[0].reject()


#: A chat answer streamed a few words at a time; the server holds the rest at the gate.
ANSWER = (
    "Server-Sent Events keep one HTTP response open and send each piece of the answer "
    "as soon as it is ready. The client shows every event as it arrives, so the text "
    "grows word by word instead of appearing all at once when the model is done."
)


def _chat_script() -> list[object]:
    import json

    from tests.helpers.sse_server import GATE

    words = ANSWER.split(" ")
    steps: list[object] = []
    for n, word in enumerate(words):
        piece = word if n == 0 else " " + word
        chunk = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
        }
        steps.append(f"data: {json.dumps(chunk)}\n\n".encode())
        steps.append(0.01)
        if n == len(words) * 2 // 3:
            steps.append(GATE)
    steps.append(b"data: [DONE]\n\n")
    return steps


async def stream_scenes(window: MainWindow, out: Path) -> None:
    """A streamed chat completion: during, after, and its structure."""
    from designer.core.models import Api, BodyType, Call, Method
    from designer.core.structure import ResponseType
    from tests.helpers.sse_server import StreamServer

    with StreamServer() as server:
        server.script("/v1/chat/completions", _chat_script())
        call = Call(
            name="Chat completion (stream)",
            method=Method.POST,
            path="/v1/chat/completions",
            response_type=ResponseType.STREAM,
            body_type=BodyType.RAW,
            content_type="application/json",
            body_template='{"model": "gpt-4o-mini", "stream": true, '
            '"messages": [{"role": "user", "content": "How do streams work?"}]}',
        )
        api = Api(name="Chat (local stream)", base_url=server.url, calls=[call])
        workspace = window.doc.workspace.model_copy(deep=True)
        workspace.apis.append(api)
        window.doc.replace(workspace, None)
        await pump()
        select_call(window, "Chat completion (stream)")
        await pump()
        panel = window.findChild(object, "responsePanel")
        button = window.findChild(object, "requestInitializeButton")
        view = panel.stream.view
        button.click()
        await pump(lambda: view.model.count >= 20)
        await pump(lambda: server.gate.wait(0) or view.model.count >= 24, limit=2)
        shot(window, out, "stream-live")
        server.gate.set()
        await pump(lambda: button.isEnabled() and view.status.text().startswith("Done"))
        await pump()
        shot(window, out, "stream-done")
        panel.ui.tabs.setCurrentIndex(0)
        tree: QTreeView = panel.findChild(QTreeView, "responseTree")
        tree.expandAll()
        index = panel.model.index_for_path("data.choices[].delta.content")
        tree.scrollTo(index)
        tree.setCurrentIndex(index)
        await pump()
        shot(window, out, "stream-structure")


def _visible_text(widget) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in widget.findChildren(QLabel) if label.isVisible())


if __name__ == "__main__":
    raise SystemExit(main())
