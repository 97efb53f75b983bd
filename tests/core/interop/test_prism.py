"""An exported OpenAPI document is servable by a real mock server (Stoplight Prism).

Prism reads the document, serves every operation, and answers with data it
generates from the response schemas; the data must validate against the
structure the call inferred. The test skips only when ``prism`` is not
installed (CI installs it with npm).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import orjson
import pytest

from designer.core.inference import infer_value
from designer.core.interop.openapi.exporter import export_openapi, response_schema
from designer.core.models import Api, Call, Parameter, Placement, Workspace
from tests.helpers.servers import free_port

PRISM = shutil.which("prism")
pytestmark = pytest.mark.skipif(
    PRISM is None,
    reason="prism is not on PATH (install it with: npm install -g @stoplight/prism-cli)",
)

PRODUCTS = {
    "data": [
        {"id": 1, "name": "Lamp", "price": 19.5, "tags": ["home"], "image": "https://x.io/a.png"},
        {"id": 2, "name": "Desk", "price": None, "tags": [], "released": "2024-02-01"},
    ],
    "has_more": False,
}


def _workspace() -> Workspace:
    list_call = Call(
        name="List products",
        path="/products",
        parameters=[Parameter(name="page", value="1")],
        structure=infer_value(PRODUCTS),
    )
    one_call = Call(
        name="Get product",
        path="/products/{id}",
        parameters=[Parameter(name="id", value="1", placement=Placement.PATH)],
        structure=infer_value(PRODUCTS["data"][0]),
    )
    return Workspace(
        apis=[Api(name="Shop", base_url="https://shop.example/v1", calls=[list_call, one_call])]
    )


@pytest.fixture
def prism(tmp_path: Path) -> Iterator[str]:
    ws = _workspace()
    spec = tmp_path / "shop.openapi.json"
    spec.write_bytes(orjson.dumps(export_openapi(ws, ws.apis)))
    port = free_port()
    process = subprocess.Popen(
        [str(PRISM), "mock", str(spec), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/products", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"prism did not start serving the export:\n{output}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_prism_serves_every_operation_with_data_matching_the_structure(prism: str) -> None:
    ws = _workspace()
    for call, path in zip(ws.apis[0].calls, ["/products?page=1", "/products/1"], strict=True):
        response = httpx.get(prism + path, timeout=10)
        assert response.status_code == 200, response.text
        schema = response_schema(call)
        assert schema is not None
        jsonschema.Draft202012Validator(schema).validate(response.json())
