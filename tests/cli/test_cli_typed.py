"""A typed JSON body from a pasted curl command, through the CLI: import, send, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from openapi_spec_validator import validate

from designer import cli
from designer.core.models import ValueType
from designer.core.workspace import file as wf

COMMAND = (Path(__file__).parents[1] / "data" / "typed" / "place-order.curl.txt").read_text()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("127."))
    return code, out, err


@pytest.fixture
def imported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Path:
    path = tmp_path / "pets.json"
    code, _, err = run(capsys, "import", "--from", "curl", COMMAND, "-o", str(path))
    assert code == 0, err
    return path


def test_the_workspace_keeps_the_types_of_the_body(imported: Path) -> None:
    call = wf.load(imported).apis[0].calls[0]
    assert [(p.name, p.value, p.type) for p in call.parameters if p.placement == "body"] == [
        ("id", "10", ValueType.INTEGER),
        ("petId", "198772", ValueType.INTEGER),
        ("quantity", "7", ValueType.INTEGER),
        ("price", "19.95", ValueType.NUMBER),
        ("shipDate", "2026-11-30T08:00:00.000Z", ValueType.TEXT),
        ("status", "placed", ValueType.TEXT),
        ("complete", "true", ValueType.BOOLEAN),
        ("tags", '["gift","express"]', ValueType.JSON),
        ("customer.name", "Ann", ValueType.TEXT),
        ("customer.vip", "false", ValueType.BOOLEAN),
        ("customer.notes", "null", ValueType.JSON),
    ]
    saved = orjson.loads(imported.read_bytes())["apis"][0]["calls"][0]["parameters"]
    # Text parameters are written as before: no "type" key.
    assert ["type" in p for p in saved if p["name"] in ("status", "quantity")] == [True, False]


def test_the_typed_body_goes_out_on_the_wire(
    capsys: pytest.CaptureFixture[str], imported: Path, httpbin: Any
) -> None:
    ws = wf.load(imported)
    ws.apis[0].base_url = httpbin.url + "/anything"
    wf.save(ws, imported)
    code, out, err = run(capsys, "init", str(imported), "--format", "json")
    assert code == 0, err
    assert err.startswith("connector-designer: 200 OK")
    echoed = orjson.loads(out)["fields"]["json"]["fields"]
    assert {name: field["type"] for name, field in echoed.items()} == {
        "id": "integer",
        "petId": "integer",
        "quantity": "integer",
        "price": "number",
        "shipDate": "text",
        "status": "text",
        "complete": "boolean",
        "tags": "list",
        "customer": "object",
    }
    code, out, err = run(capsys, "init", str(imported), "--param", "quantity=seven")
    assert (code, out) == (1, "")
    assert err == (
        "connector-designer: error: Parameter 'quantity' of call 'POST /v2/store/order' in API "
        "'petstore.example.com': 'seven' is not a whole number: write digits only, like 7 or -3\n"
    )


def test_exports_write_the_types(
    capsys: pytest.CaptureFixture[str], imported: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "export", str(imported), "--to", "curl")
    assert code == 0
    # Single-quoted, so the JSON goes out as it is, its quotes unescaped.
    assert '"quantity":7,"price":19.95' in out
    assert '"complete":true,"tags":["gift","express"]' in out
    spec = tmp_path / "pets.yaml"
    code, _, err = run(capsys, "export", str(imported), "--to", "openapi", "-o", str(spec))
    assert code == 0, err
    doc = yaml.safe_load(spec.read_text())
    validate(doc)
    operation = doc["paths"]["/v2/store/order"]["post"]
    assert operation["parameters"][0]["schema"] == {"type": "string"}
    props = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert props["quantity"] == {"type": "integer", "examples": [7]}
    assert props["complete"] == {"type": "boolean", "examples": [True]}
    assert props["customer"]["properties"]["vip"] == {"type": "boolean", "examples": [False]}
