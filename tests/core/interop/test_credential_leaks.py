"""Every importer keeps detected credentials out of the workspace: they go to the secrets.

Each case is a document shaped like what the tool really exports, carrying one
credential where real ones turn up (vendor API-key headers in HAR recordings,
passwords and client secrets in curl bodies and query strings, a JSON body
example in OpenAPI). The workspace file must not hold it; the secrets must.
"""

from __future__ import annotations

import secrets as random

import orjson
import pytest

from designer.core.interop.service import merge_import, read_import
from designer.core.models import Api, ApiKeyHeaderAuth, NoAuth, Placement, Workspace
from designer.core.secrets.store import RecordingSecretStore
from designer.core.workspace import file as workspace_file

VENDOR_HEADERS = [
    "x-goog-api-key",
    "X-RapidAPI-Key",
    "Ocp-Apim-Subscription-Key",
    "PRIVATE-TOKEN",
    "X-Shopify-Access-Token",
    "x-functions-key",
    "Proxy-Authorization",
]


def canary() -> str:
    return "cnry" + random.token_hex(10)


def _har(headers: list[tuple[str, str]], body: dict[str, object] | None = None) -> bytes:
    request: dict[str, object] = {
        "method": "POST" if body else "GET",
        "url": "https://vendor.example.com/v2/things?page=2",
        "httpVersion": "HTTP/2",
        "headers": [{"name": n, "value": v} for n, v in [(":authority", "x"), *headers]],
        "queryString": [{"name": "page", "value": "2"}],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0,
    }
    if body:
        request["postData"] = body
    entry = {
        "startedDateTime": "2026-01-01T00:00:00.000Z",
        "time": 12,
        "request": request,
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/2",
            "headers": [],
            "cookies": [],
            "content": {"size": 2, "mimeType": "application/json", "text": "{}"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 2,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 10, "receive": 2},
    }
    return orjson.dumps(
        {"log": {"version": "1.2", "creator": {"name": "Firefox"}, "entries": [entry]}}
    )


def _imported(data: bytes, kind: str, ws: Workspace | None = None) -> tuple[str, dict[str, str]]:
    merged = merge_import(ws, read_import(data, f"<{kind}>", kind))
    return workspace_file.dumps(merged.outcome.workspace).decode(), merged.secrets


@pytest.mark.parametrize("header", VENDOR_HEADERS)
def test_har_vendor_headers(header: str) -> None:
    value = canary()
    shown = f"Basic {value}" if header == "Proxy-Authorization" else value
    text, secrets = _imported(_har([(header, shown), ("Accept", "application/json")]), "har")
    assert value not in text
    assert shown in secrets.values()
    assert "application/json" in text  # ordinary headers stay


def test_har_second_vendor_header_becomes_private_too() -> None:
    first, second = canary(), canary()
    text, secrets = _imported(_har([("x-goog-api-key", first), ("X-RapidAPI-Key", second)]), "har")
    assert first not in text
    assert second not in text
    assert {first, second} <= set(secrets.values())


def test_har_form_and_json_bodies() -> None:
    password, client_secret = canary(), canary()
    form = {
        "mimeType": "application/x-www-form-urlencoded",
        "params": [{"name": "username", "value": "ada"}, {"name": "password", "value": password}],
        "text": f"username=ada&password={password}",
    }
    text, secrets = _imported(_har([], form), "har")
    assert password not in text
    assert password in secrets.values()
    body = {
        "mimeType": "application/json",
        "text": orjson.dumps({"items": [1, 2], "auth": {"client_secret": client_secret}}).decode(),
    }
    text, secrets = _imported(_har([], body), "har")
    assert client_secret not in text
    assert client_secret in secrets.values()
    # The body's field is a private parameter: its value lives in the secret store only.
    params = [
        p
        for api in orjson.loads(text)["apis"]
        for call in api["calls"]
        for p in call["parameters"]
        if p["name"].endswith("client_secret")
    ]
    assert [(p["placement"], p["private"], p["value"]) for p in params] == [("body", True, "")]


@pytest.mark.parametrize(
    ("template", "name"),
    [
        ("curl https://api.example.com/login -d 'user=ada' -d 'password={c}'", "password"),
        ("curl https://api.example.com/x --data-urlencode 'secret={c}'", "secret"),
        (
            "curl https://api.example.com/oauth/token -H 'Content-Type: application/json' "
            '-d \'{{"client_id": "abc", "client_secret": "{c}"}}\'',
            "client_secret",
        ),
        (
            "curl https://api.example.com/batch --json "
            '\'{{"ops": [{{"op": "x"}}], "refresh_token": "{c}"}}\'',
            "refresh_token",
        ),
        ("curl 'https://api.example.com/t?client_secret={c}&password={c}x'", "client_secret"),
        (
            "curl https://api.example.com/ -H 'Proxy-Authorization: Basic {c}'",
            "Proxy-Authorization",
        ),
        ("curl https://api.example.com/ -H 'x-goog-api-key: {c}'", "x-goog-api-key"),
    ],
)
def test_curl_bodies_queries_and_headers(template: str, name: str) -> None:
    value = canary()
    text, secrets = _imported(template.format(c=value).encode(), "curl")
    assert value not in text
    assert any(value in v for v in secrets.values())


def test_postman_and_insomnia_bodies() -> None:
    secret, password = canary(), canary()
    postman = {
        "info": {
            "name": "Pm",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [
            {
                "name": "Token",
                "request": {
                    "method": "POST",
                    "url": "https://pm.example.com/oauth/token",
                    "body": {
                        "mode": "urlencoded",
                        "urlencoded": [
                            {"key": "grant_type", "value": "client_credentials"},
                            {"key": "client_secret", "value": secret},
                        ],
                    },
                },
            }
        ],
    }
    text, secrets = _imported(orjson.dumps(postman), "postman")
    assert secret not in text
    assert secret in secrets.values()
    assert "client_credentials" in text
    insomnia = {
        "_type": "export",
        "__export_format": 4,
        "resources": [
            {"_id": "wrk_1", "_type": "workspace", "parentId": None, "name": "In"},
            {
                "_id": "req_1",
                "_type": "request",
                "parentId": "wrk_1",
                "name": "Login",
                "method": "POST",
                "url": "https://in.example.com/login",
                "body": {
                    "mimeType": "application/json",
                    "text": orjson.dumps({"user": "ada", "password": password}).decode(),
                },
            },
        ],
    }
    text, secrets = _imported(orjson.dumps(insomnia), "insomnia")
    assert password not in text
    assert password in secrets.values()


def test_openapi_body_example() -> None:
    value = canary()
    document = {
        "openapi": "3.0.3",
        "info": {"title": "Auth", "version": "1"},
        "servers": [{"url": "https://auth.example.com"}],
        "paths": {
            "/token": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "example": {"grant_type": "password", "password": value}
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    text, secrets = _imported(orjson.dumps(document), "openapi")
    assert value not in text
    assert value in secrets.values()


def test_placeholders_stay_where_they_are() -> None:
    text, secrets = _imported(
        b"curl https://api.example.com/x -H 'X-Api-Key: {{apiKey}}' -d 'password=<password>'",
        "curl",
    )
    assert secrets == {}
    assert "{{apiKey}}" in text


def test_curl_into_an_existing_api_keeps_its_auth() -> None:
    api = Api(name="Shop", base_url="https://shop.example.com/v1", auth=NoAuth())
    ws = Workspace(apis=[api])
    value = canary()
    command = f"curl https://shop.example.com/v1/orders -H 'Authorization: Bearer {value}'"
    from designer.core.interop.curl.importer import curl_to_workspace

    secrets = RecordingSecretStore()
    notes: list[str] = []
    out, shop, call = curl_to_workspace(command, ws, secrets, notes)
    assert isinstance(shop.auth, NoAuth)  # not switched to bearer behind the user's back
    (private,) = [p for p in call.parameters if p.private]
    assert (private.name, private.placement) == ("Authorization", Placement.HEADER)
    assert list(secrets.found.values()) == [f"Bearer {value}"]
    assert notes == [
        "API 'Shop' keeps its authentication (none); the command's Authorization became a "
        "private parameter of call 'GET /orders'"
    ]
    assert value not in workspace_file.dumps(out).decode()


def test_curl_into_a_new_api_takes_the_key_header_as_its_auth() -> None:
    value = canary()
    _, secrets = _imported(
        f"curl https://maps.example.com/v1/geo -H 'x-goog-api-key: {value}'".encode(), "curl"
    )
    merged = merge_import(
        None,
        read_import(
            f"curl https://maps.example.com/v1/geo -H 'x-goog-api-key: {value}'".encode(),
            "c",
            "curl",
        ),
    )
    (api,) = merged.outcome.workspace.apis
    assert api.auth == ApiKeyHeaderAuth(header="x-goog-api-key")
    assert list(secrets.values()) == [value]


@pytest.mark.parametrize(
    ("choice", "auth_type", "private", "note"),
    [
        (
            "replace",
            "bearer",
            [],
            "now authenticates with the command's Authorization (bearer, was",
        ),
        ("skip", "api_key_header", [], "the command's Authorization was left out (--on-conflict"),
    ],
)
def test_curl_on_conflict_replace_or_skip_is_said(
    choice: str, auth_type: str, private: list[str], note: str
) -> None:
    from designer.core.interop.curl.importer import curl_to_workspace

    api = Api(name="Shop", base_url="https://shop.example.com", auth=ApiKeyHeaderAuth(header="K"))
    secrets, notes = RecordingSecretStore(), []
    command = "curl https://shop.example.com/orders -H 'Authorization: Bearer t0k'"
    _, shop, call = curl_to_workspace(command, Workspace(apis=[api]), secrets, notes, choice)
    assert shop.auth.type == auth_type
    assert [p.name for p in call.parameters if p.private] == private
    (said,) = notes
    assert note in said
    assert ("t0k" in secrets.found.values()) is (choice == "replace")
