"""No lost saves: concurrent writers, writers that skip the lock, and saves killed midway.

The writers are real processes forked from this warm one, so fifty rounds of
two CLI writers take seconds instead of a minute of interpreter start-ups.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import stat
import time
from pathlib import Path

import pytest

from designer import cli
from designer.core import fileio
from designer.core.errors import SaveConflictError, SaveError
from designer.core.workspace import file as wf
from designer.core.workspace import lock as workspace_lock
from tests.helpers.workspaces import big_workspace, small_workspace

pytestmark = pytest.mark.skipif(os.name != "posix", reason="forks and signals")

_fork = multiprocessing.get_context("fork")
PREFIX = "connector-designer: error: "


def _writer(path: str, name: str, start: multiprocessing.synchronize.Event) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    start.wait()
    command = f"curl 'https://shop.example.com/v1/{name}'"
    os._exit(cli.main(["import", "--from", "curl", command, "-o", path]))


def test_two_concurrent_cli_writers_never_lose_a_call(tmp_path: Path) -> None:
    # Run one import before forking, so the children start warm.
    warm = tmp_path / "warm"
    warm.mkdir()
    assert (
        cli.main(["import", "--from", "curl", "curl https://a.example", "-o", f"{warm}/w.json"])
        == 0
    )
    lost = 0
    rounds = 50
    for round_ in range(rounds):
        path = tmp_path / f"ws{round_}.json"
        wf.save(small_workspace(), path)
        start = _fork.Event()
        writers = [
            _fork.Process(target=_writer, args=(str(path), f"{side}-{round_}", start))
            for side in ("left", "right")
        ]
        for writer in writers:
            writer.start()
        start.set()
        for writer in writers:
            writer.join(30)
        assert [w.exitcode for w in writers] == [0, 0]
        paths = {call.path for api in wf.load(path).apis for call in api.calls}
        lost += len({f"/{side}-{round_}" for side in ("left", "right")} - paths)
        names = sorted(f"ws{r}.json" for r in range(round_ + 1))
        assert sorted(os.listdir(tmp_path)) == sorted([*names, "warm"])
    print(f"concurrent writers: {rounds} rounds, {lost} lost")
    assert lost == 0


def test_a_change_made_without_the_lock_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    wf.save(small_workspace(), path)
    ws, seen = workspace_lock.load_stamped(path)
    # An editor (no lock) saves in between.
    other = small_workspace()
    other.name = "Edited elsewhere"
    wf.save(other, path)
    edited = path.read_bytes()
    ws.name = "Mine"
    with workspace_lock.locked(path), pytest.raises(SaveConflictError) as info:
        workspace_lock.save_checked(ws, path, seen)
    assert str(info.value) == (
        f"Could not save {path}: it was changed by another program since it was read; "
        f"nothing was saved, run the command again"
    )
    assert path.read_bytes() == edited


def test_a_held_lock_makes_the_second_writer_fail_clearly(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    wf.save(small_workspace(), path)
    held = _fork.Event()
    release = _fork.Event()

    def hold() -> None:
        with workspace_lock.locked(path):
            held.set()
            release.wait(10)
        os._exit(0)

    holder = _fork.Process(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(SaveError) as info, workspace_lock.locked(path, timeout=0.3):
            pass
        # It gave up after its own timeout, not the default one: the bound is far
        # from both, since a loaded machine can delay any step by a second or more.
        assert 0.3 <= time.monotonic() - started < workspace_lock.LOCK_TIMEOUT / 2
        assert str(info.value) == (
            f"Could not save {path}: another program has been saving it for 0.3 s; try again "
            f"when it has finished"
        )
    finally:
        release.set()
        holder.join(10)
    with workspace_lock.locked(path):  # released by the holder
        pass
    assert sorted(os.listdir(tmp_path)) == ["ws.json"]


def test_a_killed_lock_holder_releases_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    wf.save(small_workspace(), path)
    held = _fork.Event()

    def hold() -> None:
        with workspace_lock.locked(path):
            held.set()
            time.sleep(30)

    holder = _fork.Process(target=hold)
    holder.start()
    assert held.wait(10)
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join(10)
    with workspace_lock.locked(path, timeout=2):
        pass


def test_read_only_workspace_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ws.json"
    wf.save(small_workspace(), path)
    path.chmod(0o444)
    before = path.read_bytes()
    code = cli.main(["import", "--from", "curl", "curl https://x.example.com/a", "-o", str(path)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"{PREFIX}Could not save {path}: the file is read-only; make it writable or save it "
        f"under another name\n"
    )
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


def test_save_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "ws.json"
    wf.save(small_workspace(), path)
    path.chmod(0o640)
    code = cli.main(["import", "--from", "curl", "curl https://x.example.com/a", "-o", str(path)])
    assert code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def _temps(directory: Path) -> list[str]:
    return [n for n in os.listdir(directory) if n.endswith(".tmp")]


def _save_forever(path: str, data: bytes) -> None:
    while True:
        with workspace_lock.locked(path):
            fileio.remove_stale_temps(path)
            fileio.atomic_write(path, data)


def test_kill_during_large_saves(tmp_path: Path) -> None:
    """SIGKILL at random moments of a large save: the file always loads, temps never pile up."""
    path = tmp_path / "big.json"
    ws = big_workspace(calls=1000)
    data = wf.dumps(ws)
    assert len(data) > fileio.MB
    wf.save(ws, path)
    rng = random.Random(11)
    most = 0
    for _ in range(100):
        saver = _fork.Process(target=_save_forever, args=(str(path), data))
        saver.start()
        # A save of this size takes about 0.1 s here: kills land before, in and
        # between writes, flushes and renames.
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(saver.pid or 0, signal.SIGKILL)
        saver.join(10)
        # Every save writes the same bytes, so a whole file is exactly them.
        assert path.read_bytes() == data
        most = max(most, len(_temps(tmp_path)))
        assert most <= 1
    assert wf.load(path) == ws
    leftover = len(_temps(tmp_path))
    # The next save of the workspace removes what a killed one left.
    workspace_lock.update(path, lambda current: current or ws)
    print(
        f"kill test: 100 kills, at most {most} temp file at once, {leftover} before the next save"
    )
    assert _temps(tmp_path) == []
    assert sorted(os.listdir(tmp_path)) == ["big.json"]
