"""OpenAPI export → import keeps what was imported; exports validate; typed bodies on the wire.

The round trip runs over every OpenAPI fixture (each one holds constructs
that once broke): import, export each API alone, validate the export with
openapi-spec-validator, import it again and compare calls, parameters
(placement, type, optional, private), descriptions, authentication and
structures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from openapi_spec_validator import validate

from designer import cli
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.service import read_import
from designer.core.interop.source import read_source
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    ClientCertificateAuth,
    CustomTokenAuth,
    JwtBearerAuth,
    Method,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Parameter,
    Placement,
    ValueType,
    Workspace,
)
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA, rich_workspace
from tests.core.interop.test_openapi import signature

FIXTURES = [
    "store-3.1.yaml",
    "messaging-swagger-2.0.json",
    "multifile/openapi.yaml",
    "fan-out-40.json",
    "petstore-3.0.yaml",
    "catalog-3.1.json",
    "weather-swagger-2.0.json",
]

AUTHS: list[tuple[Auth, str, str | None]] = [
    (BearerAuth(), "http", None),
    (BasicAuth(username="ana"), "http", None),
    (ApiKeyHeaderAuth(header="Authorization", prefix="Token "), "apiKey", None),
    (ApiKeyQueryAuth(parameter="key"), "apiKey", None),
    (
        OAuth2ClientCredentialsAuth(
            token_url="https://auth.example/token", scope="read write", client_id="app"
        ),
        "oauth2",
        "clientCredentials",
    ),
    (
        OAuth2PasswordAuth(token_url="https://auth.example/token", username="ana"),
        "oauth2",
        "password",
    ),
    (
        OAuth2AuthorizationCodeAuth(
            authorize_url="https://auth.example/authorize",
            token_url="https://auth.example/token",
            scope="profile",
            client_id="app",
            redirect_port=8765,
        ),
        "oauth2",
        "authorizationCode",
    ),
    (
        JwtBearerAuth(token_url="https://auth.example/token", issuer="svc@example.com"),
        "oauth2",
        "clientCredentials",
    ),
    (
        CustomTokenAuth(token_url="https://auth.example/login", body='{"key": "<secret>"}'),
        "oauth2",
        "clientCredentials",
    ),
    (ClientCertificateAuth(certificate="client.pem"), "mutualTLS", None),
]


def _one_api(auth: Auth) -> Workspace:
    call = Call(name="Ping", path="/ping", parameters=[Parameter(name="q", value="1")])
    return Workspace(
        apis=[Api(name="Svc", base_url="https://svc.example/v1", auth=auth, calls=[call])]
    )


@pytest.mark.parametrize(("auth", "kind", "flow"), AUTHS, ids=lambda a: getattr(a, "type", a))
def test_every_auth_type_exports_a_scheme_and_comes_back(
    auth: Auth, kind: str, flow: str | None
) -> None:
    ws = _one_api(auth)
    doc = export_openapi(ws, ws.apis)
    validate(doc)
    (scheme,) = doc["components"]["securitySchemes"].values()
    assert scheme["type"] == kind
    if flow is not None:
        assert list(scheme["flows"]) == [flow]
        assert scheme["flows"][flow]["tokenUrl"] == auth.model_dump()["token_url"]
    (back,) = import_openapi(doc, "export.json").apis
    assert back.auth == auth


def test_standard_oauth2_flows_import_without_our_extension() -> None:
    ws = _one_api(
        OAuth2AuthorizationCodeAuth(
            authorize_url="https://a.example/auth", token_url="https://a.example/token", scope="x y"
        )
    )
    doc = export_openapi(ws, ws.apis)
    for scheme in doc["components"]["securitySchemes"].values():
        scheme.pop("x-connector-designer-auth")
    (back,) = import_openapi(doc, "export.json").apis
    assert back.auth == OAuth2AuthorizationCodeAuth(
        authorize_url="https://a.example/auth", token_url="https://a.example/token", scope="x y"
    )


def test_parameters_export_their_real_type_and_typed_examples() -> None:
    params = [
        Parameter(name="id", value="7", placement=Placement.PATH, type=ValueType.INTEGER),
        Parameter(name="ratio", value="0.5", type=ValueType.NUMBER),
        Parameter(name="full", value="true", type=ValueType.BOOLEAN, optional=True),
        Parameter(name="ids", value="[1, 2]", type=ValueType.JSON),
        Parameter(name="name", value="Ana"),
    ]
    body = [
        Parameter(name="petId", value="198772", placement=Placement.BODY, type=ValueType.INTEGER),
        Parameter(
            name="owner.vip", value="false", placement=Placement.BODY, type=ValueType.BOOLEAN
        ),
        Parameter(name="meta", value='{"a": 1}', placement=Placement.BODY, type=ValueType.JSON),
    ]
    call = Call(
        name="Get",
        method=Method.POST,
        path="/things/{id}",
        parameters=params + body,
        body_type=BodyType.JSON,
    )
    ws = Workspace(apis=[Api(name="T", base_url="https://t.example", calls=[call])])
    doc = export_openapi(ws, ws.apis)
    validate(doc)
    op = doc["paths"]["/things/{id}"]["post"]
    exported = {p["name"]: (p["schema"], p.get("example")) for p in op["parameters"]}
    assert exported == {
        "id": ({"type": "integer"}, 7),
        "ratio": ({"type": "number"}, 0.5),
        "full": ({"type": "boolean"}, True),
        "ids": ({"type": "array"}, [1, 2]),
        "name": ({"type": "string"}, "Ana"),
    }
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["petId"] == {"type": "integer", "examples": [198772]}
    assert schema["properties"]["owner"]["properties"]["vip"]["type"] == "boolean"
    assert schema["properties"]["meta"]["type"] == "object"
    (back,) = import_openapi(doc, "export.json").apis

    def typed(p: Parameter) -> tuple[Any, ...]:
        value = orjson.loads(p.value) if p.type is ValueType.JSON else p.value
        return p.placement, p.type, value, p.optional

    assert {p.name: typed(p) for p in back.calls[0].parameters} == {
        p.name: typed(p) for p in params + body
    }


def test_servers_come_from_the_base_url_with_its_placeholders() -> None:
    api = Api(
        name="Regional",
        base_url="https://{region}.api.example.com/{version}",
        parameters=[
            Parameter(name="region", value="eu", placement=Placement.PATH),
            Parameter(name="version", value="v3", placement=Placement.PATH),
        ],
        calls=[Call(name="Ping", path="/ping")],
    )
    doc = export_openapi(Workspace(apis=[api]), [api])
    validate(doc)
    assert doc["servers"] == [
        {
            "url": "https://{region}.api.example.com/{version}",
            "variables": {"region": {"default": "eu"}, "version": {"default": "v3"}},
        }
    ]
    (back,) = import_openapi(doc, "export.json").apis
    assert back.base_url == "https://eu.api.example.com/v3"


def _parameters(api: Api, call: Call) -> set[tuple[str, str, str, bool, bool]]:
    shared = [h.model_copy(update={"placement": Placement.HEADER}) for h in api.headers]
    return {
        (p.name, p.placement.value, p.type.value, p.optional, p.private)
        for p in [*shared, *api.parameters, *call.parameters]
    }


@pytest.mark.parametrize("name", FIXTURES)
def test_round_trip_keeps_calls_parameters_auth_and_structures(name: str) -> None:
    path = DATA / name
    first = read_import(read_source(path), name, base=str(path)).result.apis
    for api in first:
        doc = export_openapi(Workspace(apis=first), [api])
        validate(doc)
        (back,) = import_openapi(orjson.loads(orjson.dumps(doc)), "export.json").apis
        assert (back.name, back.base_url, back.auth, back.description) == (
            api.name,
            api.base_url,
            api.auth,
            api.description,
        )
        assert [(e.name, e.base_url) for e in back.environments] == [
            (e.name, e.base_url) for e in api.environments
        ]
        assert [c.name for c in back.calls] == [c.name for c in api.calls]
        for before, after in zip(api.calls, back.calls, strict=True):
            assert (after.method, after.path, after.description, after.body_type) == (
                before.method,
                before.path,
                before.description,
                before.body_type,
            ), before.name
            assert _parameters(back, after) == _parameters(api, before), before.name
            assert signature(after.structure) == signature(before.structure), before.name


@pytest.mark.parametrize("name", FIXTURES)
def test_cli_import_then_export_validates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    workspace = tmp_path / "ws.json"
    exported = tmp_path / "out.yaml"
    assert cli.main(["import", str(DATA / name), "-o", str(workspace)]) == 0
    assert cli.main(["export", str(workspace), "--to", "openapi", "-o", str(exported)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    validate(read_source_yaml(exported))
    back = tmp_path / "back.json"
    assert cli.main(["import", str(exported), "-o", str(back)]) == 0
    before = sum(len(a.calls) for a in wf.load(workspace).apis)
    assert sum(len(a.calls) for a in wf.load(back).apis) == before


def read_source_yaml(path: Path) -> Any:
    from designer.core.interop.source import read_document

    return read_document(path)


def test_typed_body_goes_out_typed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    httpbin: Any,
) -> None:
    """``{"petId":198772,"quantity":7,"complete":true,…}``, not strings, reaches the server."""
    workspace = tmp_path / "store.json"
    code = cli.main(["import", str(DATA / "store-3.1.yaml"), "-o", str(workspace)])
    capsys.readouterr()
    assert code == 0
    ws = wf.load(workspace)
    ws.apis[0].base_url = httpbin.url + "/anything"
    wf.save(ws, workspace)
    monkeypatch.setenv("CD_SECRET_PET_STORE_ORDERS_AUTH_KEY", "store-key-1")
    monkeypatch.setenv("CD_SECRET_PET_STORE_ORDERS_PARAM_APP_ID", "app-7")
    code = cli.main(
        ["init", str(workspace), "--call", "Pet Store Orders/Place an order", "--format", "json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    echoed = orjson.loads(out)["fields"]
    sent = echoed["json"]["fields"]
    assert (sent["petId"]["type"], sent["petId"]["samples"]) == ("integer", [198772])
    assert (sent["quantity"]["type"], sent["quantity"]["samples"]) == ("integer", [7])
    assert (sent["complete"]["type"], sent["complete"]["samples"]) == ("boolean", [True])
    assert (sent["status"]["type"], sent["status"]["samples"]) == ("text", ["placed"])
    assert sent["price"]["type"] == "number"
    assert "tags" not in sent  # an optional list without an example: left out
    assert "id" not in sent  # optional and blank: left out
    # Both keys of the AND requirement went out (their samples are masked as secrets).
    assert "app_id" in echoed["args"]["fields"]
    assert "X-Store-Key" in echoed["headers"]["fields"]


def test_multi_file_typed_body_goes_out_typed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    httpbin: Any,
) -> None:
    workspace = tmp_path / "cloud.json"
    assert cli.main(["import", str(DATA / "multifile" / "openapi.yaml"), "-o", str(workspace)]) == 0
    ws = wf.load(workspace)
    ws.apis[0].base_url = httpbin.url + "/anything"
    wf.save(ws, workspace)
    monkeypatch.setenv("CD_SECRET_CLOUD_PLATFORM_AUTH_TOKEN", "do-token-1")
    capsys.readouterr()
    code = cli.main(["init", str(workspace), "--call", "Create a new droplet", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    sent = orjson.loads(out)["fields"]["json"]["fields"]
    assert (sent["backups"]["type"], sent["backups"]["samples"]) == ("boolean", [True])
    assert (sent["monitoring"]["type"], sent["monitoring"]["samples"]) == ("boolean", [False])
    assert (sent["volumes_count"]["type"], sent["volumes_count"]["samples"]) == ("integer", [2])
    assert (sent["region"]["type"], sent["region"]["samples"]) == ("text", ["nyc3"])


def test_cli_export_names_calls_kept_as_alternatives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ws = rich_workspace()
    ws.apis.append(ws.apis[0].model_copy(update={"name": "Shop EU", "id": "other"}))
    workspace = tmp_path / "ws.json"
    wf.save(ws, workspace)
    out = tmp_path / "out.json"
    code = cli.main(["export", str(workspace), "--to", "openapi", "-o", str(out)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "Note: calls 'Shop/" in err
    assert "are both GET /orders: the second is kept under x-connector-designer-alternatives" in err
    validate(orjson.loads(out.read_bytes()))
