"""The ``demo-server`` command, the version, and the application's identity."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

import designer
from designer import cli
from designer.core.demo.server import start_demo_server

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_is_pyprojects(capsys: pytest.CaptureFixture[str]) -> None:
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert designer.__version__ == expected
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == f"connector-designer {expected}\n"


def test_the_icon_is_named_by_the_app_id_and_is_an_svg() -> None:
    icon = ROOT / "resources" / "icons" / f"{designer.APP_ID}.svg"
    assert icon.read_text("utf-8").lstrip().startswith("<?xml")
    assert "<svg" in icon.read_text("utf-8")
    desktop = ROOT / "packaging" / "linux" / f"{designer.APP_ID}.desktop"
    assert f"Icon={designer.APP_ID}\n" in desktop.read_text("utf-8")


def test_a_token_protected_demo_api_answers_401_without_it() -> None:
    server = start_demo_server(bearer_token="s3cret")
    try:
        url = f"{server.url}/v1/products?per_page=1"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = httpx.get(url, headers={"Authorization": "Bearer s3cret"})
        assert answer.status_code == 200
        assert len(answer.json()["data"]) == 1
    finally:
        server.stop()


def test_demo_server_command_serves_until_stopped() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with subprocess.Popen(
        [sys.executable, "-m", "designer", "demo-server", "--require-token", "t0k"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as process:
        _check_and_stop(process)


def _check_and_stop(process: subprocess.Popen[str]) -> None:
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Demo API on http://127.0.0.1:")
        assert "bearer token" in line
        base = line.split()[3]
        assert httpx.get(f"{base}/orders/1001").status_code == 401
        answer = httpx.get(f"{base}/orders/1001", headers={"Authorization": "Bearer t0k"})
        assert answer.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
