"""One list of secrets for bundles, exports, the keychain layer and the Secrets view.

Every auth type's secret fields are listed, with the variable name the CLI
reads (``variable_names``), in bundle manifests, Postman variables and cURL
references alike; imported documents never leave a credential in the clear.
"""

from __future__ import annotations

import typing

import orjson
import pytest

from designer.core.interop.bundle import export_bundle
from designer.core.interop.curl.exporter import export_curl
from designer.core.interop.postman.exporter import export_postman
from designer.core.interop.service import read_import
from designer.core.models import (
    Api,
    Auth,
    Call,
    OAuth2ClientCredentialsAuth,
    Parameter,
    Placement,
    Workspace,
    auth_secret_fields,
    secret_ref,
)
from designer.core.secrets.names import required_secrets
from designer.core.secrets.scope import needed_secrets, variable_names
from designer.core.secrets.store import MemorySecretStore
from designer.core.workspace.file import dumps

_AUTH_TYPES = list(typing.get_args(typing.get_args(Auth)[0]))


def _workspace(auth: object) -> Workspace:
    call = Call(
        name="Get order",
        path="/orders",
        parameters=[Parameter(name="sig", private=True, placement=Placement.QUERY)],
    )
    api = Api(
        name="Shop",
        base_url="https://shop.test",
        auth=auth,
        headers=[Parameter(name="X-Tenant", private=True, placement=Placement.HEADER)],
        calls=[call],
    )
    return Workspace(name="w", apis=[api])


@pytest.mark.parametrize("kind", _AUTH_TYPES, ids=lambda k: k.__name__)
def test_every_auth_type_lists_the_same_secrets_everywhere(kind: type) -> None:
    ws = _workspace(kind())
    api = ws.apis[0]
    names = variable_names(ws)
    required = required_secrets(ws.apis)
    expected = [f"auth.{name}" for name, _ in auth_secret_fields(api.auth.type)]
    assert [s.field for s in required] == [*expected, "header.X-Tenant", "param.sig"]
    assert {s.ref: s.env for s in required} == names
    listed = needed_secrets(ws, MemorySecretStore())
    assert [(s.ref, s.variable, s.description) for s in listed] == [
        (s.ref, s.env, s.description) for s in required
    ]
    manifest = orjson.loads(export_bundle(ws))["content"]["secrets"]
    assert [(m["ref"], m["env"]) for m in manifest] == list(names.items())
    variables = {v["key"] for v in export_postman(ws, ws.apis)["variable"]}
    assert set(names.values()) <= variables


def test_oauth2_client_secret_is_one_variable_in_bundle_postman_and_cli() -> None:
    ws = _workspace(OAuth2ClientCredentialsAuth(token_url="https://auth.test/t", client_id="app"))
    api = ws.apis[0]
    env = variable_names(ws)[secret_ref(api, "auth.client_secret")]
    assert env == "CD_SECRET_SHOP_AUTH_CLIENT_SECRET"

    manifest = orjson.loads(export_bundle(ws))["content"]["secrets"]
    entry = next(m for m in manifest if m["field"] == "auth.client_secret")
    assert entry["env"] == env
    assert entry["description"] == "The client secret of API 'Shop'"

    collection = export_postman(ws, ws.apis)
    assert any(v["key"] == env and v["value"] == "" for v in collection["variable"])
    auth = collection["item"][0]["auth"]
    assert auth["type"] == "oauth2"
    settings = {p["key"]: p["value"] for p in auth["oauth2"]}
    assert settings["clientSecret"] == "{{" + env + "}}"
    assert settings["grant_type"] == "client_credentials"
    assert settings["accessTokenUrl"] == "https://auth.test/t"


def test_curl_export_refers_to_the_cli_variables() -> None:
    ws = _workspace(OAuth2ClientCredentialsAuth())
    names = variable_names(ws)
    script = export_curl(ws.apis)
    assert "${" + names[secret_ref(ws.apis[0], "param.sig", ws.apis[0].calls[0])] + "}" in script


_OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "Petz", "version": "1"},
    "servers": [{"url": "https://petz.test/v1"}],
    "paths": {
        "/pets": {
            "get": {
                "parameters": [
                    {"name": "Authorization", "in": "header", "example": "Bearer tok-OA-1"},
                    {"name": "api_key", "in": "query", "example": "tok-OA-2"},
                    {"name": "X-API-Key", "in": "header", "schema": {"default": "tok-OA-3"}},
                    {"name": "page", "in": "query", "example": "2"},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}

_POSTMAN = {
    "info": {
        "name": "Pm",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "tok-PM-1"}]},
    "variable": [{"key": "tok", "value": "tok-PM-4"}],
    "item": [
        {
            "name": "List",
            "request": {
                "method": "GET",
                "header": [{"key": "X-Api-Key", "value": "tok-PM-2"}],
                "url": {"raw": "https://pm.test/v1/items?api_key=tok-PM-3&token={{tok}}&page=1"},
            },
        }
    ],
}


@pytest.mark.parametrize(
    ("document", "name", "count"), [(_OPENAPI, "petz.json", 3), (_POSTMAN, "pm.json", 4)]
)
def test_imported_credentials_go_to_secrets_not_to_the_workspace(
    document: dict[str, object], name: str, count: int
) -> None:
    imported = read_import(orjson.dumps(document), name)
    values = set(imported.result.secrets.values())
    assert len(values) == count
    assert all(v.startswith(("tok-", "Bearer tok-")) for v in values)
    text = dumps(Workspace(name="w", apis=imported.result.apis)).decode()
    assert "tok-" not in text
    assert '"value": "2"' in text or '"value": "1"' in text  # ordinary values stay
    assert set(imported.result.secrets) <= {s.ref for s in imported.required}
