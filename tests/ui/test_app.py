"""Start-up: the display check, --quit-after-load and the example, as whole processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from designer.core.workspace import file as workspace_file
from designer.ui.app import NO_DISPLAY, display_available
from tests.helpers.workspaces import big_workspace

ROOT = Path(__file__).resolve().parents[2]


def launch(tmp_path: Path, *args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    return python(tmp_path, "-m", "designer", *args, display=display)


def python(tmp_path: Path, *args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    if display:
        env["QT_QPA_PLATFORM"] = "offscreen"
    # Settings and recovery files go to the test's own directories.
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_display_available(env, platform, expected):
    assert display_available(env, platform) is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="only Linux can lack a display")
def test_no_display_prints_one_line(tmp_path):
    result = launch(tmp_path, display=False)
    assert result.returncode == 1
    assert result.stderr == NO_DISPLAY + "\n"
    assert result.stdout == ""


def test_quit_after_load_opens_a_big_workspace(tmp_path):
    path = tmp_path / "big.workspace.json"
    workspace_file.save(big_workspace(500), path)
    result = launch(tmp_path, str(path), "--quit-after-load")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"started in \d+\.\d{3} s\n", result.stdout)


def test_start_up_leaves_the_keychain_and_http_for_later(tmp_path):
    # Finding the keychain and importing httpx cost start-up time; the first
    # secret read or request pays them instead.
    path = tmp_path / "small.workspace.json"
    workspace_file.save(big_workspace(20), path)
    code = (
        "import sys; from designer import cli; "
        "code = cli.main([sys.argv[1], '--quit-after-load']); "
        "print(code, sorted(m for m in ('keyring', 'httpx', 'designer.core.http.execute') "
        "if m in sys.modules))"
    )
    result = python(tmp_path, "-c", code, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


def test_start_up_builds_and_imports_only_what_the_first_api_shows(tmp_path):
    # A workspace opens on its first API: the call editor, request building, asyncio
    # and the worker processes are for later (the first call shown or sent).
    path = tmp_path / "small.workspace.json"
    workspace_file.save(big_workspace(20), path)
    later = (
        "designer.ui.editors.call_editor",
        "designer.ui.editors.environments_editor",
        "designer.core.http.request",
        "designer.ui.infra.workers",
        "asyncio",
        "multiprocessing",
    )
    code = (
        "import sys; from designer import cli; "
        "code = cli.main([sys.argv[1], '--quit-after-load']); "
        f"print(code, sorted(m for m in {later!r} if m in sys.modules))"
    )
    result = python(tmp_path, "-c", code, str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "0 []"


@pytest.mark.usefixtures("_memory_keyring")
def test_app_secrets_open_the_keychain_when_first_needed():
    from designer.ui.app import AppSecrets

    workspace = big_workspace(1)
    secrets = AppSecrets(lambda: workspace)
    assert not secrets.store.is_open
    assert secrets.status is None
    secrets.store.set("ref", "value")
    assert secrets.store.is_open
    assert secrets.status.persistent
    assert secrets.notice() is None  # a usable keychain: nothing to tell


def test_app_secrets_notice_without_a_keychain(monkeypatch):
    import keyring
    from keyring.backends import fail

    from designer.ui.app import AppSecrets

    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    workspace = big_workspace(1)
    secrets = AppSecrets(lambda: workspace)
    notice = secrets.notice()
    assert notice is not None
    assert "memory for this session only" in notice
    secrets.store.set("ref", "value")  # kept for the session
    assert secrets.store.get("ref") == "value"


def test_quit_after_load_reports_a_missing_file(tmp_path):
    result = launch(tmp_path, str(tmp_path / "none.workspace.json"), "--quit-after-load")
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_example_opens_with_its_demo_api(tmp_path):
    result = launch(tmp_path, "--example", "--quit-after-load")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("started in ")
