"""An exported Postman collection runs under newman against a local httpbin, with zero failures.

Each exported request checks that its status is 2xx, so a wrong URL, a lost
parameter or an auth mapping that does not work fails the run. Secrets are
given the way CI gives them: ``--env-var CD_SECRET_...=value``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer.core.interop.postman.exporter import export_postman
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    Workspace,
)

NEWMAN = shutil.which("newman")
pytestmark = pytest.mark.skipif(
    NEWMAN is None, reason="newman is not on PATH (install it with: npm install -g newman)"
)


def _workspace(url: str) -> Workspace:
    bin_api = Api(
        name="Bin",
        base_url=url,
        auth=BearerAuth(),
        headers=[Parameter(name="X-Team", value="core", placement=Placement.HEADER)],
        calls=[
            Call(
                name="Query",
                path="/get",
                parameters=[
                    Parameter(name="q", value="a b&c"),
                    Parameter(name="unused", optional=True),
                ],
            ),
            Call(name="Bearer", path="/bearer"),
            Call(
                name="Create",
                method=Method.POST,
                path="/post",
                body_type=BodyType.JSON,
                parameters=[
                    Parameter(name="customer.name", value="Ana", placement=Placement.BODY),
                    Parameter(name="token", private=True, placement=Placement.BODY),
                ],
            ),
            Call(
                name="Form",
                method=Method.PUT,
                path="/put",
                body_type=BodyType.FORM,
                parameters=[Parameter(name="city", value="Oslo", placement=Placement.BODY)],
            ),
            Call(
                name="Anything",
                method=Method.PATCH,
                path="/anything/{id}",
                parameters=[Parameter(name="id", value="42", placement=Placement.PATH)],
            ),
            Call(
                name="Missing",
                path="/status/404",
                include_errors=True,  # errors are data: no status test
            ),
        ],
    )
    basic = Api(
        name="Basic",
        base_url=url,
        auth=BasicAuth(username="robot"),
        calls=[Call(name="Login", path="/basic-auth/robot/s3cret")],
    )
    keyed = Api(
        name="Keyed",
        base_url=url,
        auth=ApiKeyHeaderAuth(header="X-Api-Key", prefix="Key "),
        calls=[Call(name="Headers", path="/headers")],
    )
    return Workspace(name="Httpbin", apis=[bin_api, basic, keyed])


def test_exported_collection_runs_green(httpbin: Any, tmp_path: Path) -> None:
    ws = _workspace(httpbin.url)
    collection = tmp_path / "collection.json"
    collection.write_bytes(orjson.dumps(export_postman(ws, ws.apis)))
    report = tmp_path / "report.json"
    secrets = {
        "CD_SECRET_BIN_AUTH_TOKEN": "tok-1",
        "CD_SECRET_BIN_CREATE_PARAM_TOKEN": "body-secret",
        "CD_SECRET_BASIC_AUTH_PASSWORD": "s3cret",
        "CD_SECRET_KEYED_AUTH_KEY": "k-9",
    }
    for name, value in secrets.items():
        if name != "CD_SECRET_BASIC_AUTH_PASSWORD":  # httpbin wants it in the path too
            assert value.encode() not in collection.read_bytes()
    command = [str(NEWMAN), "run", str(collection), "--reporters", "json"]
    command += ["--reporter-json-export", str(report)]
    for name, value in secrets.items():
        command += ["--env-var", f"{name}={value}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    run = orjson.loads(report.read_bytes())["run"]
    assert run["stats"]["requests"] == {"total": 8, "pending": 0, "failed": 0}
    assert run["stats"]["assertions"]["failed"] == 0
    assert run["stats"]["assertions"]["total"] == 7
    bodies = {
        e["item"]["name"]: orjson.loads(bytes(e["response"]["stream"]["data"]))
        for e in run["executions"]
        if e["response"]["code"] == 200
    }
    assert bodies["Query"]["args"] == {"q": "a b&c"}
    assert bodies["Query"]["headers"]["X-Team"] == "core"
    assert bodies["Create"]["json"] == {"customer": {"name": "Ana"}, "token": "body-secret"}
    assert bodies["Form"]["form"] == {"city": "Oslo"}
    assert bodies["Anything"]["url"].endswith("/anything/42")
    assert bodies["Bearer"]["token"] == "tok-1"
    assert bodies["Headers"]["headers"]["X-Api-Key"] == "Key k-9"


def test_imported_collection_exports_and_runs_without_encoded_placeholders(
    tmp_path: Path,
) -> None:
    """A vendor-shaped collection (variables inside segments, :id, disabled query entries,
    a Token header) imported, exported and run by newman: every request reaches the
    server with its placeholders filled, never ``%7Bname%7D``."""
    from designer.core.interop.service import merge_import, read_import
    from tests.core.interop.conftest import DATA
    from tests.helpers.echo import EchoServer

    with EchoServer() as echo:
        text = (DATA / "social.postman_collection.json").read_text()
        data = text.replace("localhost:4010", echo.host).encode()
        ws = merge_import(None, read_import(data, "social.json")).outcome.workspace
        collection = tmp_path / "social.json"
        local = [a for a in ws.apis if a.name != "Legacy"]  # Legacy's host is not local
        collection.write_bytes(orjson.dumps(export_postman(ws, local)))
        command = [str(NEWMAN), "run", str(collection), "--reporters", "cli"]
        command += ["--env-var", "CD_SECRET_CONDUIT_AUTH_KEY=k-1"]
        command += ["--env-var", "CD_SECRET_TWEETS_AUTH_TOKEN=t-1"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        targets = {(r.method, r.target) for r in echo.recorded}
        headers = {r.target: r.headers for r in echo.recorded}
    assert not any("%7B" in target or "{" in target for _, target in targets)
    assert ("GET", "/v2/tweets/1460323737035677698") in targets
    assert ("GET", "/v2/users/by/username/celeb_jack") in targets
    assert ("POST", "/v2/tweets") in targets
    assert headers["/api/user"]["authorization"] == "Token k-1"
    assert headers["/v2/tweets/1460323737035677698"]["authorization"] == "Bearer t-1"
