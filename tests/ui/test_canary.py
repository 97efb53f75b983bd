"""The canary: one unique secret through every input path, then zero copies on disk or screen.

The secret goes in through the GUI's secret fields (the API's and an
environment's), a cURL import (Authorization header, ``-u``, an ``api_key``
query value), OpenAPI and Postman documents carrying it (a header example, a
query default, a collection's bearer token and variables) imported from the
command line and through File ▸ Import…, and an OAuth token endpoint (the
tokens it hands out are canaries too). Then the workspace is saved, the
recovery file and settings written, the CLI exports and initializes with
``--save`` against a server that echoes the token back. Every file under the
test's directories (home, config, cache, data, recovery, exports) and every
line printed must be free of all of them.
"""

from __future__ import annotations

import secrets as random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer import cli
from designer.core.models import OAuth2ClientCredentialsAuth, secret_ref
from designer.core.secrets.tokens import load_token
from designer.core.workspace import file as workspace_file
from designer.ui.infra import ops
from tests.helpers import oauth_server as srv
from tests.helpers import qtasync
from tests.helpers.interop_gui import open_preview


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _leaks(root: Path, canaries: set[str]) -> list[str]:
    found = []
    for path in _files(root):
        data = path.read_bytes()
        found += [f"{path}: {c[:8]}…" for c in canaries if c.encode() in data]
    return found


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Home, config, cache and data directories inside the test's own folder."""
    for name in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    return tmp_path


@contextmanager
def _qt_asyncio(qapp: Any) -> Iterator[None]:
    """An asyncio loop on Qt's for the GUI's imports; the CLI later runs its own."""
    running = qtasync.running_loop(qapp)
    next(running)
    try:
        yield
    finally:
        next(running, None)


def _documents(folder: Path, canary: str) -> list[Path]:
    """An OpenAPI document and a Postman collection, each carrying the canary three ways."""
    openapi = {
        "openapi": "3.0.3",
        "info": {"title": "Petz", "version": "1"},
        "servers": [{"url": "https://petz.test/v1"}],
        "paths": {
            "/pets": {
                "get": {
                    "parameters": [
                        {"name": "Authorization", "in": "header", "example": f"Bearer {canary}"},
                        {"name": "api_key", "in": "query", "schema": {"default": canary}},
                        {"name": "X-API-Key", "in": "header", "examples": {"k": {"value": canary}}},
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    postman = {
        "info": {
            "name": "Pm",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": canary}]},
        "variable": [{"key": "tok", "value": canary}],
        "item": [
            {
                "name": "List",
                "request": {
                    "method": "GET",
                    "header": [{"key": "X-Api-Key", "value": canary}],
                    "url": {"raw": f"https://pm.test/v1/items?token={{{{tok}}}}&api_key={canary}"},
                },
            }
        ],
    }
    paths = [folder / "petz.openapi.json", folder / "pm.postman_collection.json"]
    for path, document in zip(paths, (openapi, postman), strict=True):
        path.write_bytes(orjson.dumps(document))
    return paths


@pytest.mark.gui
def test_the_canary_is_written_nowhere(
    sandbox: Path,
    window: Any,
    qtbot: Any,
    qapp: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    canary = "canary" + random.token_hex(12)
    canaries = {canary}
    workspace = sandbox / "shop.json"
    # The documents to import hold the canary by design: they live outside the sandbox.
    documents = _documents(tmp_path_factory.mktemp("inputs"), canary)

    # 1. cURL import: Authorization header, -u and an api_key query value.
    for command in (
        f"curl -H 'Authorization: Bearer {canary}' 'https://shop.test/v1/orders'",
        f"curl -u 'ada:{canary}' 'https://basic.test/v1/me'",
        f"curl 'https://keyed.test/v1/items?api_key={canary}&page=1'",
    ):
        assert cli.main(["import", "--from", "curl", command, "-o", str(workspace)]) == 0
    # ... and OpenAPI and Postman documents, from the command line.
    for document in documents:
        assert cli.main(["import", str(document), "-o", str(workspace)]) == 0

    # 2. The GUI: open the imported workspace, type the canary into secret fields.
    window.doc.open(workspace)
    api = window.doc.workspace.apis[0]
    from designer.ui.editing.edits import Item

    window.tree.select(Item("api", api.id))
    qtbot.keyClicks(window.api_editor.secret, canary)
    assert window.secrets.get(secret_ref(api, "auth.token")) == canary

    # ... an environment's secret fields,
    environments = window.api_editor.environments
    env = environments.add_environment("live")
    assert env is not None
    for field in environments.form.secret_fields.values():
        qtbot.keyClicks(field, canary)
    assert window.secrets.get(secret_ref(api, "auth.token", environment=env)) == canary

    window.doc.save(workspace)
    window.recovery.write()
    window.settings.sync()

    # 3. OAuth: tokens received from a real token endpoint, then init --save against
    #    a resource that echoes the token back into the response body.
    server = srv.OAuthServer(lifetime=60).start()
    try:
        ws = workspace_file.load(workspace)
        oauth_api = ws.apis[0].model_copy(
            update={
                "name": "Tokens",
                "id": "oauthapi0001",
                "base_url": server.url,
                "auth": OAuth2ClientCredentialsAuth(
                    token_url=server.url + "/token", client_id=srv.CLIENT_ID
                ),
                "calls": [ws.apis[0].calls[0].model_copy(update={"path": "/resource"})],
            }
        )
        ws.apis.append(oauth_api)
        workspace_file.save(ws, workspace)
        env = {"CD_SECRET_TOKENS_AUTH_CLIENT_SECRET": srv.CLIENT_SECRET}
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            call = f"Tokens/{oauth_api.calls[0].name}"
            assert cli.main(["init", str(workspace), "--call", call, "--save"]) == 0
        canaries |= set(server.state.tokens) | set(server.state.refresh)

        from designer.core.secrets.keychain import default_store

        store, _ = default_store(workspace_file.load(workspace), {})
        token = load_token(store, workspace_file.load(workspace).apis[-1])
        assert token is not None  # cached in the (test) keychain, not on disk
    finally:
        server.stop()

    # 4. File ▸ Import… of the documents (their secrets go to the store); saved again.
    #    Last, as asyncio runs on Qt's loop from here on and init runs a loop of its own.
    window.doc.open(workspace)
    with _qt_asyncio(qapp):
        for document in documents:
            dialog = open_preview(window, qtbot, monkeypatch, document)
            assert canary in dialog.secret_values().values()
            dialog.import_button.click()
        assert sum(canary in v for v in window.secrets._values.values()) >= 8
        qtbot.waitUntil(lambda: not ops._running)  # the reads have wound up
        window.doc.save(workspace)
        window.recovery.write()
        window.settings.sync()

    # 5. Exports and everything printed.
    for fmt, out in (("curl", "calls.sh"), ("postman", "c.postman.json")):
        cli.main(["export", str(workspace), "--to", fmt, "-o", str(sandbox / out)])
    printed = capsys.readouterr()

    assert len(canaries) > 1
    assert _leaks(sandbox, canaries) == []
    for text in (printed.out, printed.err):
        assert not [c for c in canaries if c in text]
