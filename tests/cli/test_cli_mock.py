"""The ``mock`` command: Initialize against the mock gives back the stored structures."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from designer import cli
from designer.core.demo.server import start_demo_server
from designer.core.inference import diff
from designer.core.interop.service import export_workspace
from designer.core.mock.server import MockServer, serve_in_thread
from designer.core.models import Call, Environment, Workspace
from designer.core.workspace import file as wf
from tests.helpers.workspaces import initialized_example

SECRET_ENV = "CD_SECRET_DEMO_STORE_GET_ACCOUNT_PARAM_X_API_KEY"


@pytest.fixture(scope="module")
def example() -> Iterator[Workspace]:
    """The example workspace with the structures of the demo API's answers."""
    demo = start_demo_server()
    try:
        ws = initialized_example(demo.url)
        yield ws
    finally:
        demo.stop()


def test_init_against_the_mock_gives_the_stored_structures(
    example: Workspace,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SECRET_ENV, "demo-key")
    ws = example.model_copy(deep=True)
    running = serve_in_thread(MockServer(ws.apis, seed=11))
    try:
        api = ws.apis[0]
        api.environments.append(Environment(name="mock", base_url=running.server.base_url(api)))
        path = tmp_path / "example.json"
        wf.save(ws, path)
        compared = 0
        for call in api.calls:
            if call.structure is None:
                continue
            spec = f"Demo Store/{call.name}"
            code = cli.main(
                ["init", str(path), "--call", spec, "--env", "mock", "--format", "json"]
            )
            out, err = capsys.readouterr()
            assert code == 0, err
            again = Call.model_validate_json(f'{{"name": "x", "structure": {out}}}').structure
            assert again is not None
            assert diff(call.structure, again) == [], call.name
            compared += 1
        assert compared == len(api.calls) - 1  # every call but the one that always fails
        # The same through check: nothing drifted against the mock.
        code = cli.main(["check", str(path), "--env", "mock", "--api", "Demo Store"])
        out, _ = capsys.readouterr()
        assert code == 0, out
        assert f"{compared} ok" in out
    finally:
        running.stop()


@contextmanager
def _serving(path: Path, *extra: str) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    argv = [sys.executable, "-m", "designer", "mock", str(path), "--port", "0", *extra]
    with subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        try:
            yield proc
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_the_command_serves_until_stopped(example: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "example.json"
    wf.save(example, path)
    with _serving(path, "--seed", "4") as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Mock API on http://127.0.0.1:"), first
        assert "(Ctrl+C to stop)" in first
        base = proc.stdout.readline().split(": ", 1)[1].strip()
        order = httpx.get(base + "/orders/1001", timeout=10)
        assert order.status_code == 200
        assert set(order.json()) >= {"id", "customer", "lines"}


def test_a_non_loopback_host_is_warned_about(example: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "example.json"
    wf.save(example, path)
    with _serving(path, "--host", "0.0.0.0") as proc:
        assert proc.stderr is not None
        assert "Warning: listening on 0.0.0.0" in proc.stderr.readline()


def test_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.json"
    wf.save(Workspace(), empty)
    assert cli.main(["mock", str(empty)]) == 1
    assert "no calls to serve" in capsys.readouterr().err
    assert cli.main(["mock", str(empty), "--port", "70000"]) == 2
    assert "a port is 0 to 65535" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("newman") is None, reason="newman is not installed")
def test_newman_runs_the_postman_export_against_the_mock(
    example: Workspace, tmp_path: Path
) -> None:
    ws = example.model_copy(deep=True)
    api = ws.apis[0]
    api.calls = [c for c in api.calls if c.structure is not None]
    running = serve_in_thread(MockServer(ws.apis))
    try:
        api.base_url = running.server.base_url(api)
        collection = tmp_path / "collection.json"
        collection.write_bytes(export_workspace(ws, "postman"))
        result = subprocess.run(
            ["newman", "run", str(collection), "--env-var", f"{SECRET_ENV}=demo-key"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        assert f"{len(api.calls)}" in result.stdout
    finally:
        running.stop()


def test_streamed_calls_replay_their_kept_response_faster(
    example: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from designer.core.calls.history import ResponseHistory
    from designer.core.http.response import ResponseResult
    from designer.core.streams.events import parse_stream
    from tests.helpers.sse_server import openai_body

    api = example.apis[0]
    chat = next(c for c in api.calls if c.name == "Chat (stream)")
    steps = openai_body()
    kept = b"".join(steps)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    history = ResponseHistory(tmp_path / "cache" / "connector-designer" / "responses")
    result = ResponseResult(
        200, "OK", "HTTP/1.1", "http://x/v1/chat/completions", 0.5, (), kept,
        "text/event-stream", None,
    )  # fmt: skip
    history.add(api.id, chat.id, result, "stream", offsets=[i * 0.1 for i in range(len(steps))])
    path = tmp_path / "example.json"
    wf.save(example, path)
    with _serving(path, "--speed", "2") as proc:
        assert proc.stdout is not None
        proc.stdout.readline()
        base = proc.stdout.readline().split(": ", 1)[1].strip()
        start = time.monotonic()
        with httpx.stream("POST", base + "/chat/completions", json={}, timeout=10) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            body = b"".join(response.iter_raw())
        took = time.monotonic() - start
    assert [e.data for e in parse_stream(body).events] == [
        e.data for e in parse_stream(kept).events
    ]
    recorded = (len(steps) - 1) * 0.1
    assert recorded / 2 * 0.8 <= took < recorded * 0.9  # twice as fast as recorded
