"""The ``infer`` and ``init`` commands, end to end against real local servers."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from designer import cli
from designer.core.models import Api, Call, Parameter, Placement, Workspace
from designer.core.workspace import file as wf

PREFIX = "connector-designer: error: "
BODY = b'{"data": [{"id": 1, "email": "a@example.com"}, {"id": 2, "email": null, "extra": true}]}'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    # The in-process httpbin logs its requests to stderr; keep only ours.
    err = "".join(line for line in err.splitlines(keepends=True) if not line.startswith("127."))
    return code, out, err


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "response.json"
    path.write_bytes(BODY)
    return path


def test_infer_prints_a_tree(capsys: pytest.CaptureFixture[str], body_file: Path) -> None:
    code, out, err = run(capsys, "infer", str(body_file))
    assert (code, err) == (0, "")
    assert "data: list of object  [2 items]" in out
    assert 'email: text (email), nullable  = "a@example.com"' in out
    assert "extra?: boolean  = true  (1 of 2)" in out


def test_infer_json_schema_validates_the_body(
    capsys: pytest.CaptureFixture[str], body_file: Path
) -> None:
    code, out, _ = run(capsys, "infer", str(body_file), "--format", "json-schema")
    assert code == 0
    schema = orjson.loads(out)
    assert schema["title"] == str(body_file)
    jsonschema.Draft202012Validator(schema).validate(orjson.loads(BODY))


def test_infer_reads_stdin_with_a_content_type(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b"<a><b x='1'>t</b><b x='2'>u</b></a>"))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = run(
        capsys, "infer", "-", "--content-type", "application/xml", "--format", "json"
    )
    assert code == 0
    stored = orjson.loads(out)
    assert stored["fields"]["a"]["fields"]["b"]["type"] == "list"


def test_infer_bad_body_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b'{"a": [1, 2')
    code, out, err = run(capsys, "infer", str(path))
    assert (code, out) == (1, "")
    assert (
        err == PREFIX + "Response is not valid JSON (line 1, column 12): Expecting ',' delimiter\n"
    )


def _workspace(tmp_path: Path, base_url: str, *calls: Call) -> Path:
    ws = Workspace(apis=[Api(name="bin", base_url=base_url, calls=list(calls))])
    path = tmp_path / "ws.json"
    wf.save(ws, path)
    return path


def test_init_runs_the_only_call_and_saves_its_structure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, httpbin: Any
) -> None:
    call = Call(
        name="echo",
        path="/anything/{id}",
        parameters=[
            Parameter(name="id", value="7", placement=Placement.PATH),
            Parameter(name="q", value="x"),
        ],
    )
    path = _workspace(tmp_path, httpbin.url, call)
    code, out, err = run(capsys, "init", str(path), "--param", "q=from-cli", "--save")
    assert code == 0, err
    assert out.startswith("200 OK · ")
    assert 'q: text  = "from-cli"' in out
    assert "Saved the structure of 'bin/echo'" in err
    saved = wf.load(path).apis[0].calls[0]
    assert saved.structure is not None
    assert saved.structure.fields is not None
    assert "args" in saved.structure.fields


def test_init_json_schema_keeps_stdout_machine_readable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, httpbin: Any
) -> None:
    path = _workspace(tmp_path, httpbin.url, Call(name="json", path="/json"))
    code, out, err = run(capsys, "init", str(path), "--format", "json-schema")
    assert code == 0
    assert orjson.loads(out)["properties"]["slideshow"]["type"] == "object"
    assert err.startswith("connector-designer: 200 OK")


def test_init_chooses_a_call_by_name_and_suggests_close_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, httpbin: Any
) -> None:
    path = _workspace(
        tmp_path, httpbin.url, Call(name="json", path="/json"), Call(name="xml", path="/xml")
    )
    code, _, err = run(capsys, "init", str(path))
    assert code == 1
    assert err == PREFIX + (
        "The workspace has 2 calls: choose one with --call API/CALL; "
        "its calls are 'bin/json', 'bin/xml'\n"
    )
    code, out, _ = run(capsys, "init", str(path), "--call", "bin/xml")
    assert code == 0
    assert "slideshow: object" in out
    code, _, err = run(capsys, "init", str(path), "--call", "bin/jsno")
    assert code == 1
    assert err == PREFIX + (
        "No call 'bin/jsno' in the workspace: did you mean 'bin/json'? "
        "Its calls are 'bin/json', 'bin/xml'\n"
    )


def test_init_failures_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, httpbin: Any
) -> None:
    path = _workspace(
        tmp_path,
        httpbin.url,
        Call(name="teapot", path="/status/418"),
        Call(name="needs", path="/get", parameters=[Parameter(name="key")]),
    )
    before = path.read_bytes()
    code, _, err = run(capsys, "init", str(path), "--call", "teapot", "--save")
    assert code == 1
    assert err.startswith(PREFIX + "Call 'teapot' returned 418")
    assert err.count("\n") == 1
    code, _, err = run(capsys, "init", str(path), "--call", "needs", "--save")
    assert code == 1
    assert "Parameter 'key' of call 'needs' in API 'bin' needs a value" in err
    assert path.read_bytes() == before


def test_init_refused_connection_in_a_real_process(tmp_path: Path, refused_port: int) -> None:
    port = refused_port
    path = _workspace(tmp_path, f"http://127.0.0.1:{port}", Call(name="down", path="/x"))
    result = subprocess.run(
        [sys.executable, "-m", "designer", "init", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(PREFIX + f"Connection refused by 127.0.0.1:{port}")
    assert result.stderr.count("\n") == 1
