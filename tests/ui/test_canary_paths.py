"""The canary through the newer paths: every importer's bodies and vendor headers, the
secrets command, sign-in tokens and redirects. Then zero copies in any file or printed line.

The companion of :mod:`tests.ui.test_canary` (the GUI's fields, the first importers,
OAuth token endpoints): the same sandbox of home, config, cache and data
directories, the same scan.
"""

from __future__ import annotations

import io
import secrets as random
import sys
from pathlib import Path

import httpx
import keyring
import orjson
import pytest

from designer import cli
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    Call,
    OAuth2AuthorizationCodeAuth,
    Parameter,
    Placement,
)
from designer.core.workspace import file as workspace_file
from tests.core.interop.test_credential_leaks import _har
from tests.helpers import oauth_server as srv
from tests.helpers.recording_server import RecordingServer
from tests.ui.test_canary import _leaks, sandbox  # noqa: F401 - the fixture


def _collections(folder: Path, canary: str) -> list[Path]:
    """A HAR recording, a Postman collection and an Insomnia export, each carrying it."""
    har = _har(
        [("x-goog-api-key", canary), ("X-Shopify-Access-Token", canary), ("Accept", "*/*")],
        {
            "mimeType": "application/json",
            "text": orjson.dumps({"items": [1], "auth": {"client_secret": canary}}).decode(),
        },
    )
    postman = {
        "info": {
            "name": "Pm bodies",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "Token",
                "request": {
                    "method": "POST",
                    "header": [{"key": "Ocp-Apim-Subscription-Key", "value": canary}],
                    "url": "https://pm-bodies.test/oauth/token",
                    "body": {
                        "mode": "urlencoded",
                        "urlencoded": [{"key": "client_secret", "value": canary}],
                    },
                },
            }
        ],
    }
    insomnia = {
        "_type": "export",
        "__export_format": 4,
        "resources": [
            {"_id": "wrk_1", "_type": "workspace", "parentId": None, "name": "Ins"},
            {
                "_id": "req_1",
                "_type": "request",
                "parentId": "wrk_1",
                "name": "Login",
                "method": "POST",
                "url": "https://ins.test/login",
                "headers": [{"name": "PRIVATE-TOKEN", "value": canary}],
                "body": {
                    "mimeType": "application/json",
                    "text": orjson.dumps({"user": "ada", "password": canary}).decode(),
                },
            },
        ],
    }
    paths = []
    for name, data in (
        ("rec.har", har),
        ("bodies.postman_collection.json", orjson.dumps(postman)),
        ("ins.insomnia.json", orjson.dumps(insomnia)),
    ):
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _browser(url: str) -> bool:
    with httpx.Client() as browser:
        browser.get(url)
        consent = browser.post(url, data={"confirm": "yes"})
        browser.get(consent.headers["Location"])
    return True


def test_the_canary_through_every_new_path_is_written_nowhere(
    sandbox: Path,  # noqa: F811 - the fixture
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    canary = "canary" + random.token_hex(12)
    canaries = {canary}
    workspace = sandbox / "ws.json"
    inputs = tmp_path_factory.mktemp("inputs")  # they hold the canary by design

    # 1. HAR, Postman and Insomnia: vendor headers, form and JSON bodies.
    for document in _collections(inputs, canary):
        assert cli.main(["import", str(document), "-o", str(workspace)]) == 0
    # 2. curl bodies, query values and Proxy-Authorization.
    for command in (
        f"curl https://c1.test/login -d 'user=ada' -d 'password={canary}'",
        f"curl https://c2.test/x --data-urlencode 'secret={canary}'",
        f"curl https://c3.test/t -H 'Content-Type: application/json' "
        f'-d \'{{"client_id": "a", "client_secret": "{canary}"}}\'',
        f"curl 'https://c4.test/t?client_secret={canary}&password={canary}'",
        f"curl https://c5.test/ -H 'Proxy-Authorization: Basic {canary}'",
    ):
        assert cli.main(["import", "--from", "curl", command, "-o", str(workspace)]) == 0

    # 3. secrets set through standard input.
    ws = workspace_file.load(workspace)
    redirecting = Api(
        name="Redirecting",
        base_url="http://127.0.0.1:1",
        auth=ApiKeyHeaderAuth(header="X-API-Key"),
        calls=[
            Call(
                name="Go",
                path="/redirect",
                parameters=[Parameter(name="to", value="", placement=Placement.QUERY)],
            )
        ],
    )
    ws.apis.append(redirecting)
    workspace_file.save(ws, workspace)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(canary.encode())))
    assert cli.main(["secrets", "set", str(workspace), "CD_SECRET_REDIRECTING_AUTH_KEY"]) == 0
    assert cli.main(["secrets", "list", str(workspace)]) == 0

    # 4. A redirect to another origin with the canary as the API key.
    with RecordingServer() as first, RecordingServer() as second:
        ws = workspace_file.load(workspace)
        ws.apis[-1].base_url = first.url
        ws.apis[-1].calls[0].parameters[0].value = f"{second.url}/landing"
        workspace_file.save(ws, workspace)
        assert cli.main(["init", str(workspace), "--call", "Redirecting/Go", "--save"]) == 0
        assert canary in repr(first.seen[0].headers)  # the API's own origin got it
        assert canary not in repr([(s.path, s.query, s.headers) for s in second.seen])

    # 5. sign-in: the tokens the server hands out are canaries too.
    server = srv.OAuthServer(lifetime=300).start()
    try:
        ws = workspace_file.load(workspace)
        ws.apis.append(
            Api(
                name="Calendar",
                base_url=server.url,
                auth=OAuth2AuthorizationCodeAuth(
                    authorize_url=server.url + "/authorize",
                    token_url=server.url + "/token",
                    client_id=srv.PUBLIC_CLIENT_ID,
                ),
                calls=[Call(name="Resource", path="/resource")],
            )
        )
        workspace_file.save(ws, workspace)
        monkeypatch.setattr("webbrowser.open", _browser)
        assert cli.main(["sign-in", str(workspace), "--api", "Calendar", "--timeout", "20"]) == 0
        assert cli.main(["init", str(workspace), "--call", "Calendar/Resource", "--save"]) == 0
        canaries |= set(server.state.tokens) | set(server.state.refresh)
    finally:
        server.stop()

    # 6. Exports, and everything printed.
    for fmt, out in (("curl", "calls.sh"), ("postman", "c.postman.json"), ("bundle", "b.json")):
        assert cli.main(["export", str(workspace), "--to", fmt, "-o", str(sandbox / out)]) == 0
    printed = capsys.readouterr()

    # Everything went to the keychain, from where init found it.
    kept = "\n".join(keyring.get_keyring().entries.values())  # type: ignore[attr-defined]
    assert kept.count(canary) >= 12
    assert len(canaries) >= 3
    assert _leaks(sandbox, canaries) == []
    for text in (printed.out, printed.err):
        assert not [c for c in canaries if c in text]
