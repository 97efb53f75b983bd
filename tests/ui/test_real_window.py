"""The real application under a real X server, driven the way a user drives it.

Journeys: the one below (rename, Initialize, save, resize); a POST whose two
body parameters, typed in the table, reach a local server as typed JSON; a
saved copy of the example that calls the demo API after a restart; a path
placeholder retyped without losing its sample; a streamed chat completion
initialized into the structure of its events.

The app is started as a user starts it (``connector-designer --example``) on
Xvfb, and xdotool clicks, types and resizes its window: select a call with
the keyboard, rename it inline (F2), Initialize it (Ctrl+Return) against the
example's demo API, save with Ctrl+S through the file dialog, resize the
window to 1000x650, and quit with SIGTERM. The saved file is the evidence:
it holds the renamed call and the structure Initialize inferred.

Skipped where Xvfb or xdotool is missing, unless CD_REQUIRE_XVFB=1 (as in
CI), which makes the skip a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

pytestmark = pytest.mark.gui

TOOLS = ("Xvfb", "xdotool")
NEW_NAME = "Renamed by keyboard"


def _require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install xvfb xdotool)"
        if os.environ.get("CD_REQUIRE_XVFB") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _wait(condition: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def display() -> Iterator[str]:
    _require_tools()
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read, 16)
            if not chunk:
                raise AssertionError("Xvfb did not start")
            number += chunk
        yield f":{number.decode().strip()}"
    finally:
        os.close(read)
        server.terminate()
        server.wait(timeout=10)


def test_a_user_renames_initializes_saves_and_resizes_in_the_real_window(
    display: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(
        DISPLAY=display,
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
    )

    def xdotool(*args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=env, capture_output=True, text=True, timeout=30
        )
        return done.stdout.strip()

    def keys(*names: str) -> None:
        for name in names:
            xdotool("key", name)
            time.sleep(0.3)

    saved = tmp_path / "designed.workspace.json"
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:
        app = subprocess.Popen(
            [sys.executable, "-m", "designer", "--example"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        window = str(
            _wait(
                lambda: xdotool("search", "--name", "Connector Designer").split("\n")[0],
                "the window",
            )
        )
        time.sleep(1.5)  # the example's demo API starts and the first call is shown
        xdotool("windowmove", window, "0", "0")
        xdotool("windowsize", window, "1280", "800")
        time.sleep(0.5)
        # A click on the tree's empty space gives it the focus, the selection stays
        # on the first call; Down moves to the second ("Get product").
        xdotool("mousemove", "100", "640", "click", "1")
        time.sleep(0.3)
        keys("Down", "F2", "ctrl+a")
        xdotool("type", "--delay", "20", NEW_NAME)
        keys("Return", "ctrl+Return")  # rename, then Initialize the renamed call
        time.sleep(1.0)
        keys("ctrl+s")  # an untitled workspace: the save dialog asks where
        _wait(lambda: xdotool("search", "--name", "Save workspace as"), "the save dialog")
        time.sleep(0.3)
        keys("ctrl+a")
        xdotool("type", "--delay", "10", str(saved))
        keys("Return")

        def initialized_and_saved() -> dict[str, object] | None:
            if not saved.exists():
                return None
            calls = {
                call["name"]: call
                for api in orjson.loads(saved.read_bytes())["apis"]
                for call in api["calls"]
            }
            renamed = calls.get(NEW_NAME)
            if renamed is None or not renamed.get("structure"):
                keys("ctrl+s")  # Initialize was still running: save again
                return None
            return renamed

        renamed = _wait(initialized_and_saved, "the saved, initialized call")
        assert isinstance(renamed, dict)
        # The second call, or the first if the example was still selecting its first
        # call when Down arrived: either way renamed, not copied.
        before = {"/products/{sku}": "Get product", "/products": "List products"}
        assert renamed["path"] in before
        names = [c["name"] for a in orjson.loads(saved.read_bytes())["apis"] for c in a["calls"]]
        assert before[renamed["path"]] not in names
        assert len(names) == 10  # the example's calls: renamed, none copied or lost

        xdotool("windowsize", window, "1000", "650")
        time.sleep(0.5)
        assert "Geometry: 1000x650" in xdotool("getwindowgeometry", window)

        app.send_signal(signal.SIGTERM)  # saved: it quits without asking
        assert app.wait(timeout=20) == 0
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=10)
    assert "Traceback" not in errors.read_text()


# -- journeys ------------------------------------------------------------------------


class RunningApp:
    """``connector-designer ARGS`` on the display, and the xdotool moves a user makes."""

    def __init__(self, display: str, tmp_path: Path, *args: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        self.env.update(
            DISPLAY=display,
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            XDG_DATA_HOME=str(tmp_path / "data"),
            XDG_CACHE_HOME=str(tmp_path / "cache"),
        )
        self.errors = tmp_path / f"stderr-{len(list(tmp_path.glob('stderr-*')))}.txt"
        with self.errors.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "designer", *args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        self.window = str(
            _wait(
                lambda: self.xdotool("search", "--name", "Connector Designer").split("\n")[0],
                "the window",
            )
        )
        time.sleep(1.5)  # the workspace is shown
        self.xdotool("windowmove", self.window, "0", "0")
        self.xdotool("windowsize", self.window, "1280", "800")
        time.sleep(0.8)

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30
        )
        return done.stdout.strip()

    def keys(self, *names: str) -> None:
        for name in names:
            self.xdotool("key", name)
            time.sleep(0.3)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "30", text)
        time.sleep(0.2)

    def focus_tree(self) -> None:
        """A click on the tree's empty space: the tree has the focus, the selection stays."""
        self.xdotool("mousemove", "100", "700", "click", "1")
        time.sleep(0.4)

    def save_until(self, path: Path, done: Callable[[], object], what: str) -> None:
        """Ctrl+S until the file says ``done``: Initialize may still be running at first."""

        def saved() -> object:
            if path.exists() and done():
                return True
            self.keys("ctrl+s")
            return False

        _wait(saved, what)

    def quit(self) -> None:
        self.process.send_signal(signal.SIGTERM)  # saved: it quits without asking
        assert self.process.wait(timeout=20) == 0
        assert "Traceback" not in self.errors.read_text()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _calls(path: Path) -> dict[str, dict[str, object]]:
    doc = orjson.loads(path.read_bytes())
    return {call["name"]: call for api in doc["apis"] for call in api["calls"]}


def _one_api_file(path: Path, base_url: str, call: dict[str, object], **more: object) -> Path:
    api = {"id": "journeyapi01", "name": "Shop", "base_url": base_url, "calls": [call], **more}
    doc = {
        "format": "connector-designer.workspace",
        "version": 1,
        "id": "journeyshop1",
        "name": "Shop",
        "apis": [api],
    }
    path.write_bytes(orjson.dumps(doc))
    return path


def test_a_post_with_two_body_parameters_reaches_the_server_as_typed_json(
    display: str, tmp_path: Path
) -> None:
    from tests.helpers.recording_server import RecordingServer

    with RecordingServer() as server:
        saved = _one_api_file(
            tmp_path / "shop.workspace.json",
            server.url + "/v1",
            {"id": "createorder1", "name": "Create order", "method": "POST", "path": "/orders"},
        )
        app = RunningApp(display, tmp_path, str(saved))
        try:
            app.focus_tree()
            app.keys("Down")  # from the API to its call
            # Name (Alt+N), then Tab through the form to the Parameters table.
            app.keys("alt+n", *["Tab"] * 9)
            for name, sample, kind in (("quantity", "3", "I"), ("gift", "true", "Y")):
                app.keys("Insert")  # a new row, its name being edited
                app.type(name)
                app.keys("Return", "Right")
                app.type(sample)
                app.keys("Return", "Right", "F2")  # the Type cell's list
                app.type(kind)  # Integer, Yes/no
                app.keys("Return")
            app.keys("ctrl+Return")  # Initialize
            _wait(lambda: server.seen, "the request")
            app.save_until(
                saved, lambda: _calls(saved)["Create order"].get("structure"), "the saved call"
            )
            app.quit()
        finally:
            app.kill()
    seen = server.seen[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/orders")
    assert seen.headers["content-type"] == "application/json"
    assert orjson.loads(seen.body) == {"quantity": 3, "gift": True}
    call = _calls(saved)["Create order"]
    assert call["body_type"] == "json"
    assert [(p["name"], p["placement"]) for p in call["parameters"]] == [  # type: ignore[attr-defined]
        ("quantity", "body"),
        ("gift", "body"),
    ]


def test_a_saved_copy_of_the_example_reopens_and_works_after_a_restart(
    display: str, tmp_path: Path
) -> None:
    saved = tmp_path / "my-example.workspace.json"
    app = RunningApp(display, tmp_path, "--example")
    try:
        app.focus_tree()
        app.keys("ctrl+s")  # an untitled workspace: the save dialog asks where
        _wait(lambda: app.xdotool("search", "--name", "Save workspace as"), "the save dialog")
        time.sleep(0.3)
        app.keys("ctrl+a")
        app.type(str(saved))
        app.keys("Return")
        _wait(saved.exists, "the saved example")
        app.quit()  # the demo API it served stops with it
    finally:
        app.kill()
    assert b"127.0.0.1:" not in saved.read_bytes()

    # Started with no file, as from the desktop: the workspace of last time reopens.
    app = RunningApp(display, tmp_path)
    try:
        assert "my-example" in app.xdotool("getwindowname", app.window)
        app.focus_tree()
        app.keys("Down", "Down", "Down")  # Demo Store > List products, Get product, Get order
        app.keys("ctrl+Return")

        app.save_until(
            saved, lambda: _calls(saved)["Get order"].get("structure"), "Get order initialized"
        )
        app.quit()
    finally:
        app.kill()
    structure = _calls(saved)["Get order"]["structure"]
    assert isinstance(structure, dict)  # a 200 answer, inferred
    assert {"id", "status", "placed_at"} <= set(structure["fields"])


def test_a_retyped_path_placeholder_keeps_its_sample(display: str, tmp_path: Path) -> None:
    from tests.helpers.recording_server import RecordingServer

    with RecordingServer() as server:
        saved = _one_api_file(
            tmp_path / "users.workspace.json",
            server.url + "/v1",
            {
                "id": "getuser00001",
                "name": "Get user",
                "path": "/users/{user_id}",
                "parameters": [{"name": "user_id", "value": "42", "placement": "path"}],
            },
        )
        app = RunningApp(display, tmp_path, str(saved))
        try:
            app.focus_tree()
            app.keys("Down")
            app.keys("alt+n", "Tab", "Tab", "End")  # Name, the method, then the path
            app.keys(*["BackSpace"] * len("user_id}"))
            app.type("id}")
            app.keys("ctrl+Return")
            _wait(lambda: server.seen, "the request")
            app.save_until(
                saved, lambda: _calls(saved)["Get user"].get("structure"), "the saved call"
            )
            app.quit()
        finally:
            app.kill()
    assert server.seen[-1].path == "/v1/users/42"
    call = _calls(saved)["Get user"]
    assert call["path"] == "/users/{id}"
    assert [(p["name"], p["value"]) for p in call["parameters"]] == [("id", "42")]  # type: ignore[attr-defined]


def test_a_saved_webhook_is_in_the_tree_and_its_editor_changes_it(
    display: str, tmp_path: Path
) -> None:
    saved = _one_api_file(
        tmp_path / "hooks.workspace.json",
        "https://shop.invalid/v1",
        {"id": "listorders01", "name": "List orders", "path": "/orders"},
        webhooks=[{"id": "orderpaid001", "name": "Order paid", "path": "/hooks/paid"}],
    )
    app = RunningApp(display, tmp_path, str(saved))
    try:
        app.focus_tree()
        app.keys("Down", "Down")  # the API's call, then its webhook
        app.keys("alt+p", "ctrl+a")  # the webhook editor's Path
        app.type("/hooks/stripe")
        app.save_until(
            saved,
            lambda: (
                orjson.loads(saved.read_bytes())["apis"][0]["webhooks"][0]["path"]
                == "/hooks/stripe"
            ),
            "the edited webhook",
        )
        app.quit()
    finally:
        app.kill()
    hook = orjson.loads(saved.read_bytes())["apis"][0]["webhooks"][0]
    assert (hook["name"], hook["path"]) == ("Order paid", "/hooks/stripe")


def test_a_streamed_chat_completion_initializes_into_its_structure(
    display: str, tmp_path: Path
) -> None:
    from tests.helpers.sse_server import OPENAI_TEXT, StreamServer

    with StreamServer() as server:
        saved = _one_api_file(
            tmp_path / "chat.workspace.json",
            server.url + "/v1",
            {
                "id": "chatstream01",
                "name": "Chat completion",
                "method": "POST",
                "path": "/chat/completions",
                "response_type": "stream",
            },
        )
        server.script("/v1/chat/completions", server.scripts["/openai"][1])
        app = RunningApp(display, tmp_path, str(saved))
        try:
            app.focus_tree()
            app.keys("Down", "ctrl+Return")  # the call, then Initialize
            _wait(lambda: server.requests, "the request")
            app.save_until(
                saved,
                lambda: _calls(saved)["Chat completion"].get("structure"),
                "the initialized stream",
            )
            app.quit()
        finally:
            app.kill()
    assert server.requests == ["/v1/chat/completions"]
    structure = _calls(saved)["Chat completion"]["structure"]
    assert isinstance(structure, dict)
    fields = structure["fields"]
    assert {"text so far", "is streaming", "is done", "data"} <= set(fields)
    assert fields["text so far"]["samples"] == [OPENAI_TEXT]
    assert fields["is done"]["samples"] == [True]
    delta = fields["data"]["fields"]["choices"]["items"]["fields"]["delta"]
    assert delta["fields"]["content"]["type"] == "text"


def test_the_examples_streamed_chat_initializes_against_the_demo_api(
    display: str, tmp_path: Path
) -> None:
    # A newcomer's first stream: the example's "Chat (stream)" call, sent to the demo API
    # the app serves itself, offline.
    saved = tmp_path / "stream-example.workspace.json"
    app = RunningApp(display, tmp_path, "--example")
    try:
        app.focus_tree()
        app.keys("ctrl+s")  # an untitled workspace: the save dialog asks where
        _wait(lambda: app.xdotool("search", "--name", "Save workspace as"), "the save dialog")
        time.sleep(0.3)
        app.keys("ctrl+a")
        app.type(str(saved))
        app.keys("Return")
        _wait(saved.exists, "the saved example")
        app.focus_tree()
        app.keys("Home", *["Down"] * 9)  # Demo Store, then its ninth call: Chat (stream)
        app.keys("ctrl+Return")
        app.save_until(
            saved, lambda: _calls(saved)["Chat (stream)"].get("structure"), "the streamed chat"
        )
        app.quit()
    finally:
        app.kill()
    call = _calls(saved)["Chat (stream)"]
    assert call["response_type"] == "stream"
    fields = call["structure"]["fields"]  # type: ignore[index]
    assert fields["is done"]["samples"] == [True]
    assert fields["text so far"]["samples"][0].startswith("Hello from the Demo Store")
    assert call["stream_text_field"] == "data.choices[].delta.content"
