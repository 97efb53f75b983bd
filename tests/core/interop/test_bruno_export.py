"""Export to a Bruno collection folder: Bruno's own CLI runs it, and it imports back the same.

``bru run`` (``npm install -g @usebruno/cli``) sends every exported request
to a local echo server, which records exactly what went out; secrets are
given the way CI gives them, as ``CD_SECRET_...`` environment variables.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from designer.core.interop.bruno.exporter import export_bruno
from designer.core.interop.common import effective_parameters
from designer.core.interop.service import read_bruno_folder
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Environment,
    Method,
    OAuth2ClientCredentialsAuth,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)
from designer.core.secrets.names import required_secrets
from tests.core.interop.conftest import graphql_search_call, rich_workspace
from tests.helpers.echo import TOKEN, EchoServer

BRU = shutil.which("bru")


def _workspace(origin: str = "https://example.com") -> Workspace:
    ws = rich_workspace()
    for api in ws.apis:
        api.base_url = f"{origin}/{api.name.lower()}"
    shop = ws.apis[0]
    shop.environments = [Environment(name="staging", base_url=f"{origin}/staging")]
    shop.calls[0].parameters.append(Parameter(name="q", value="a b&c=d"))
    ws.apis.append(
        Api(
            name="Catalog",
            base_url=f"{origin}/catalog",
            calls=[
                graphql_search_call(),
                Call(
                    name="Celebrity / profile",
                    path="/people/celeb_{username}",
                    parameters=[Parameter(name="username", value="ana", placement=Placement.PATH)],
                ),
                Call(
                    name="Typed",
                    method=Method.PATCH,
                    path="/items/{id}",
                    body_type=BodyType.JSON,
                    parameters=[
                        Parameter(name="id", value="9", placement=Placement.PATH),
                        Parameter(
                            name="qty", value="3", placement=Placement.BODY, type=ValueType.INTEGER
                        ),
                        Parameter(
                            name="gift",
                            value="true",
                            placement=Placement.BODY,
                            type=ValueType.BOOLEAN,
                        ),
                        Parameter(name="note", optional=True, placement=Placement.BODY),
                    ],
                ),
            ],
        )
    )
    ws.apis.append(
        Api(
            name="Accounts",
            base_url=f"{origin}/accounts",
            auth=OAuth2ClientCredentialsAuth(
                token_url=f"{origin}/oauth/token", client_id="app", scope="read", client_auth="body"
            ),
            calls=[Call(name="Me", path="/me")],
        )
    )
    ws.apis.append(
        Api(
            name="Tenants",
            base_url=origin + "/{tenant}/t",
            parameters=[Parameter(name="tenant", value="acme", placement=Placement.PATH)],
            calls=[Call(name="Ping", path="/ping")],
        )
    )
    return ws


def _write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def test_the_folder_has_bruno_files_and_no_secret_values() -> None:
    ws = _workspace()
    files = export_bruno(ws, ws.apis)
    assert {"bruno.json", "collection.bru", "environments/staging.bru"} <= set(files)
    assert "Shop/folder.bru" in files
    assert "Catalog/Celebrity - profile.bru" in files  # no path separator in a file name
    text = b"\n".join(files.values()).decode()
    assert "{{process.env.CD_SECRET_SHOP_AUTH_TOKEN}}" in files["Shop/folder.bru"].decode()
    assert "tok" not in text.lower().replace("token", "")
    assert "get {\n  url: {{base_url_shop}}/orders/:id" in files["Shop/Get order.bru"].decode()


def test_the_folder_imports_back_the_same(tmp_path: Path) -> None:
    ws = _workspace()
    folder = _write(export_bruno(ws, ws.apis), tmp_path / "export")
    imported = read_bruno_folder(str(folder))
    back = {a.name: a for a in imported.result.apis}
    assert list(back) == [a.name for a in ws.apis]
    for api in ws.apis:
        again = back[api.name]
        if api.name == "Tenants":
            # A shared placeholder is a variable with its sample, substituted again.
            assert again.base_url == "https://example.com/acme/t"
            continue
        assert again.base_url == api.base_url
        assert again.auth.type == api.auth.type
        assert [c.name for c in again.calls] == [c.name for c in api.calls]
        for call, call_again in zip(api.calls, again.calls, strict=True):
            if call.path.endswith("celeb_{username}"):
                assert call_again.path == "/people/celeb_ana"  # a variable with its sample
                continue
            assert (call_again.method, call_again.path) == (call.method, call.path)
            if call.graphql is not None:
                # Bruno keeps no operation name; the document's one operation is run.
                assert call_again.graphql is not None
                assert call_again.graphql.query == call.graphql.query
            assert _sent(again, call_again) == _sent(api, call)
    assert [(e.name, e.base_url) for e in back["Shop"].environments] == [
        ("staging", "https://example.com/staging")
    ]
    assert imported.result.secrets == {}


def _sent(api: Api, call: Call) -> list[tuple[str, str, str]]:
    """What a request sends; optional body fields with no sample and raw templates aside."""
    return sorted(
        (p.placement.value, p.name, p.value)
        for p in effective_parameters(api, call)
        if not (p.placement is Placement.BODY and p.optional and not p.value)
        and not (call.body_type is BodyType.RAW and p.placement is Placement.BODY)
    )


@pytest.mark.skipif(
    BRU is None, reason="bru is not on PATH (install it with: npm install -g @usebruno/cli)"
)
def test_bru_run_sends_every_request_as_designed(tmp_path: Path) -> None:
    with EchoServer() as echo:
        ws = _workspace(f"http://{echo.host}")
        folder = _write(export_bruno(ws, ws.apis), tmp_path / "collection")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CD_SECRET_")}
        env.update({s.env: f"secret-{i}" for i, s in enumerate(required_secrets(ws.apis))})
        names = {s.env: f"secret-{i}" for i, s in enumerate(required_secrets(ws.apis))}
        done = subprocess.run(
            [str(BRU), "run", "--env", "staging"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        sent = {(r.method, urlsplit(r.target).path): r for r in echo.recorded}
    calls = sum(len(a.calls) for a in ws.apis)
    assert len(echo.recorded) == calls + 1  # and one token request
    token = sent[("POST", "/oauth/token")]
    secret = names["CD_SECRET_ACCOUNTS_AUTH_CLIENT_SECRET"]
    assert ("client_secret", secret) in parse_qsl(token.body.decode())
    assert sent[("GET", "/accounts/me")].headers["authorization"] == f"Bearer {TOKEN}"
    # The staging environment's base URL wins over the collection's.
    listing = sent[("GET", "/staging/orders")]
    assert parse_qsl(urlsplit(listing.target).query) == [("page", "1"), ("q", "a b&c=d")]
    assert listing.headers["authorization"] == f"Bearer {names['CD_SECRET_SHOP_AUTH_TOKEN']}"
    assert listing.headers["x-tenant"] == "acme"
    assert ("GET", "/staging/orders/42") in sent
    create = sent[("POST", "/staging/orders")]
    assert create.json() == {"customer": {"email": "ana@example.com"}}
    signature = next(s.env for s in required_secrets(ws.apis) if "SIGNATURE" in s.env)
    assert create.headers["x-signature"] == names[signature]
    search = sent[("GET", "/crm/contacts")]
    assert search.headers["x-api-key"] == f"Key {names['CD_SECRET_CRM_AUTH_KEY']}"
    note = sent[("PUT", "/crm/contacts/7/note")]
    assert (note.body, note.headers["content-type"]) == (
        b"text=hello",
        "application/x-www-form-urlencoded",
    )
    echo_call = sent[("POST", "/legacy/echo")]
    assert echo_call.body == b"hello world"
    scheme, _, token = echo_call.headers["authorization"].partition(" ")
    password = names["CD_SECRET_LEGACY_AUTH_PASSWORD"]
    assert (scheme, base64.b64decode(token).decode()) == ("Basic", f"robot:{password}")
    graphql = sent[("POST", "/catalog/graphql")].json()
    assert isinstance(graphql, dict)
    assert graphql["variables"] == {"term": "lamp", "first": 5}
    assert ("GET", "/catalog/people/celeb_ana") in sent
    assert ("GET", "/acme/t/ping") in sent  # the shared placeholder of the base URL
    typed = sent[("PATCH", "/catalog/items/9")].json()
    assert typed == {"qty": 3, "gift": True}  # typed, the blank optional field left out


def test_a_failed_write_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from designer.core.errors import SaveError
    from designer.core.interop.folder_output import write_folder

    written: list[Path] = []
    real = Path.write_bytes

    def flaky(self: Path, data: bytes) -> int:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    target = tmp_path / "collection"
    with pytest.raises(SaveError, match="No space left on device"):
        write_folder(target, export_bruno(_workspace(), _workspace().apis))
    assert list(tmp_path.iterdir()) == []


def test_a_path_outside_the_folder_is_refused(tmp_path: Path) -> None:
    from designer.core.errors import ExportError
    from designer.core.interop.folder_output import write_folder

    with pytest.raises(ExportError, match="outside its folder"):
        write_folder(tmp_path / "c", {"../escape.bru": b"x"})
    assert list(tmp_path.iterdir()) == []
