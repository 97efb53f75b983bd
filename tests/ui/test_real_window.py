"""The real application under a real X server, driven the way a user drives it.

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
        assert len(names) == 8

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
