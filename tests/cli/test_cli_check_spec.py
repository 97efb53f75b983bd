"""``check --against-spec``: real answers of a local API against its OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import xmlschema

from designer import cli
from designer.core.workspace import file as wf
from tests.helpers.drift_server import DriftServer, running_drift_server

JUNIT_XSD = Path(__file__).parents[1] / "data" / "junit" / "junit.xsd"
CHARGE_SCHEMA = {
    "type": "object",
    "required": ["id", "amount", "created"],
    "properties": {
        "id": {"type": "string"},
        "amount": {"type": "integer"},
        "created": {"type": "integer", "format": "unix-time"},
        "customer": {"type": ["string", "null"]},
    },
}
AS_DOCUMENTED = {"id": "ch_1", "amount": 500, "created": 1741476542, "customer": None}


def _document(url: str) -> dict[str, Any]:
    def ok(schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": schema}}}
            }
        }

    return {
        "openapi": "3.1.0",
        "info": {"title": "Payments", "version": "1"},
        "servers": [{"url": url + "/v1"}],
        "paths": {
            "/charge": {
                "get": {"operationId": "getCharge", "summary": "Get charge", **ok(CHARGE_SCHEMA)}
            },
            "/free": {
                "get": {
                    "operationId": "getFree",
                    "summary": "Get free",
                    "responses": {"200": {"description": "no schema"}},
                }
            },
        },
    }


@pytest.fixture
def server() -> Iterator[DriftServer]:
    with running_drift_server() as running:
        running.answer("/v1/charge", AS_DOCUMENTED)
        running.answer("/v1/free", {"anything": 1})
        yield running


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def imported(server: DriftServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    doc = tmp_path / "payments.json"
    doc.write_bytes(orjson.dumps(_document(server.url)))
    workspace = tmp_path / "payments-ws.json"
    code, _out, err = run(capsys, "import", str(doc), "-o", str(workspace))
    assert code == 0, err
    return workspace


def test_answers_as_documented_pass_and_the_workspace_is_left_alone(
    imported: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = imported.read_bytes()
    report = tmp_path / "spec.xml"
    code, out, err = run(capsys, "check", str(imported), "--against-spec", "--junit", str(report))
    assert code == 0, out + err
    assert "as documented" in out
    assert "no spec" in out  # the operation without a response schema
    assert imported.read_bytes() == before
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(str(report))


def test_an_answer_that_departs_fails_with_each_departure_named(
    server: DriftServer, imported: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server.answer(
        "/v1/charge",
        {"id": "ch_1", "created": "2025-03-08T23:29:02Z", "customer": None, "livemode": False},
    )
    report = tmp_path / "spec.xml"
    code, out, err = run(capsys, "check", str(imported), "--against-spec", "--junit", str(report))
    assert code == 1, out + err
    assert "DEPARTS" in out
    assert "livemode: in the answer (boolean), not in the spec" in out
    assert "amount: required by the spec (integer), not in the answer" in out
    assert "created: the spec says integer (unix-time), the answer holds text (date-time)" in out
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    schema.validate(str(report))
    junit = schema.to_dict(str(report))
    cases = {c["@name"]: c for c in junit["testsuite"][0]["testcase"]}
    failure = cases["Get charge"]["failure"]
    failure = failure[0] if isinstance(failure, list) else failure
    assert failure["@type"] == "departs from the spec"
    assert "livemode" in failure["$"]
    code, out, _ = run(capsys, "check", str(imported), "--against-spec", "--format", "json")
    assert code == 1
    data = orjson.loads(out)
    charge = next(c for c in data["calls"] if c["call"] == "Get charge")
    assert charge["result"] == "departs"
    assert {
        "kind": "undocumented",
        "path": "livemode",
        "documented": None,
        "actual": "boolean",
    } in (charge["departures"])


def test_the_documented_structure_survives_initializing_and_saving(
    server: DriftServer, imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Real answers replace the structure; the documented one stays to compare with.
    server.answer("/v1/charge", {**AS_DOCUMENTED, "customer": "cus_1", "livemode": False})
    code, out, err = run(capsys, "check", str(imported), "--update")
    assert code == 0, out + err
    ws = wf.load(imported)
    call = next(c for c in ws.apis[0].calls if c.path == "/charge")
    assert call.structure is not None
    assert call.documented is not None
    assert "livemode" in (call.structure.fields or {})
    assert "livemode" not in (call.documented.fields or {})
    code, out, _ = run(capsys, "check", str(imported), "--against-spec")
    assert code == 1
    assert "livemode" in out


def test_a_field_the_user_excluded_is_not_judged(
    server: DriftServer, imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from designer.core.structure import FieldOverride

    server.answer("/v1/charge", {**AS_DOCUMENTED, "livemode": False})
    ws = wf.load(imported)
    call = next(c for c in ws.apis[0].calls if c.path == "/charge")
    call.overrides = {"livemode": FieldOverride(include=False)}
    wf.save(ws, imported)
    code, out, err = run(capsys, "check", str(imported), "--against-spec")
    assert code == 0, out + err


def test_update_and_against_spec_together_is_a_usage_error(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(capsys, "check", str(imported), "--against-spec", "--update")
    assert code == 2
    assert err.count("\n") == 1
    assert "--against-spec" in err


def test_a_body_beside_status_and_headers_is_compared_as_the_body(
    server: DriftServer, imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = wf.load(imported)
    call = next(c for c in ws.apis[0].calls if c.path == "/charge")
    call.include_errors = True
    call.capture_headers = True
    wf.save(ws, imported)
    code, out, err = run(capsys, "check", str(imported), "--against-spec")
    assert code == 0, out + err
    server.answer("/v1/charge", {**AS_DOCUMENTED, "livemode": False})
    code, out, _ = run(capsys, "check", str(imported), "--against-spec")
    assert code == 1
    assert "body.livemode: in the answer (boolean), not in the spec" in out
    assert "status_code" not in out
