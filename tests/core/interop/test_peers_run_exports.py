"""Exports that peers run: newman sends the Postman export to Prism serving the OpenAPI
export of the same workspace, and Prism validates every request body against it.

A call with optional typed body fields left blank used to be exported as ``"count": ""``
(an integer field) and Prism answered 422. Skips when newman or prism is not installed
(CI installs both with npm).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import orjson
import pytest

from designer.core.inference import infer_value
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.postman.exporter import export_postman
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)
from tests.helpers.servers import free_port

NEWMAN, PRISM = shutil.which("newman"), shutil.which("prism")
pytestmark = pytest.mark.skipif(
    NEWMAN is None or PRISM is None,
    reason="newman and prism are not both on PATH (npm install -g newman @stoplight/prism-cli)",
)


def _field(name: str, value: str, kind: ValueType, optional: bool = False) -> Parameter:
    return Parameter(name=name, value=value, placement=Placement.BODY, type=kind, optional=optional)


def _workspace(url: str) -> Workspace:
    create = Call(
        name="Create link token",
        method=Method.POST,
        path="/link/token/create",
        body_type=BodyType.JSON,
        parameters=[
            _field("client_name", "Shop", ValueType.TEXT),
            _field("days", "30", ValueType.INTEGER),
            _field("count", "", ValueType.INTEGER, optional=True),
            _field("sandbox", "", ValueType.BOOLEAN, optional=True),
            _field("products", '["auth"]', ValueType.JSON),
            _field("countries", "", ValueType.JSON, optional=True),
            _field("user.client_user_id", "u-1", ValueType.TEXT),
            _field("user.age", "", ValueType.INTEGER, optional=True),
        ],
        structure=infer_value({"link_token": "link-sandbox-1", "expiration": "2026-12-06"}),
    )
    return Workspace(name="Plaid", apis=[Api(name="Plaid", base_url=url, calls=[create])])


def test_newman_runs_the_postman_export_against_prism_serving_the_openapi_export(
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    ws = _workspace(url)
    spec = tmp_path / "plaid.openapi.json"
    spec.write_bytes(orjson.dumps(export_openapi(ws, ws.apis)))
    collection = tmp_path / "plaid.postman_collection.json"
    collection.write_bytes(orjson.dumps(export_postman(ws, ws.apis)))
    process = subprocess.Popen(
        [str(PRISM), "mock", str(spec), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"prism did not start serving the export:\n{output}")
                time.sleep(0.2)
        report = tmp_path / "report.json"
        command = [str(NEWMAN), "run", str(collection), "--reporters", "json"]
        command += ["--reporter-json-export", str(report)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        run = orjson.loads(report.read_bytes())["run"]
        (execution,) = run["executions"]
        body = bytes(execution["response"]["stream"]["data"]).decode()
        assert execution["response"]["code"] == 200, body
        assert result.returncode == 0, result.stdout + result.stderr
        sent = orjson.loads(execution["request"]["body"]["raw"])
        assert sent == {
            "client_name": "Shop",
            "days": 30,
            "products": ["auth"],
            "user": {"client_user_id": "u-1"},
        }
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
