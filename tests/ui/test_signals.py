"""SIGINT and SIGTERM close the app cleanly; worker processes never outlive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from designer.ui.editing import edits
from designer.ui.infra.signals import install_quit_on_signals

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_exit(pids: list[int], timeout: float = 20.0) -> list[int]:
    """Those of ``pids`` still running after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if _running(pid)]


def _start_app(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    home = tmp_path / "home"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPATH=str(ROOT),
    )
    with (tmp_path / "stderr.txt").open("wb") as err:
        app = subprocess.Popen(
            [sys.executable, "-m", "designer", "--example"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    # The example selects a call, whose panel starts a worker process (and
    # multiprocessing its resource tracker) half a second later.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_children(app.pid)) < 2:
        time.sleep(0.1)
    children = _children(app.pid)
    assert len(children) >= 2, "the app did not start its worker"
    return app, children


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_quits_cleanly_without_leaks(tmp_path: Path, signum: int) -> None:
    app, children = _start_app(tmp_path)
    app.send_signal(signum)
    try:
        # Quitting does not wait for a busy worker (it is stopped); the bound only
        # keeps a hang from stalling the run, and is generous for a loaded machine.
        code = app.wait(30)
    finally:
        app.kill()
        app.wait()
    assert code == 0
    # The workers and the resource tracker (which reports leaks as it exits) end
    # with the app; once they have, everything they printed is in the file.
    assert _wait_for_exit(children) == []
    err = (tmp_path / "stderr.txt").read_text()
    assert "leaked" not in err
    assert "Traceback" not in err


def test_workers_die_with_a_killed_app(tmp_path: Path) -> None:
    app, children = _start_app(tmp_path)
    app.send_signal(signal.SIGKILL)
    app.wait(10)
    # They notice within a second (they poll for their parent), or a little later on a
    # loaded machine.
    assert _wait_for_exit(children) == []


def test_signal_without_a_display_keeps_unsaved_work_for_recovery(window, qtbot, tmp_path):
    edits.add_api(window.doc)
    restore = install_quit_on_signals(window)
    try:
        with qtbot.waitSignal(window.closed, timeout=5000):
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        restore()
    (kept,) = (tmp_path / "rec").iterdir()
    assert "New API" in kept.read_text()
