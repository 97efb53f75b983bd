"""Export to Insomnia v5, and back: the same APIs, calls, parameters, auth and environments."""

from __future__ import annotations

import yaml

from designer.core.interop.common import effective_parameters
from designer.core.interop.service import export_workspace, read_import
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Environment,
    OAuth2ClientCredentialsAuth,
    Parameter,
    Placement,
    Workspace,
)
from tests.core.interop.conftest import graphql_search_call, rich_workspace


def _workspace() -> Workspace:
    ws = rich_workspace()
    ws.apis[0].environments = [
        Environment(name="staging", base_url="https://staging.shop.example.com/v1"),
        Environment(name="local"),
    ]
    ws.apis.append(
        Api(
            name="Catalog",
            base_url="https://catalog.example.com",
            auth=OAuth2ClientCredentialsAuth(
                token_url="https://auth.example.com/token", client_id="app", scope="read"
            ),
            calls=[
                graphql_search_call(first_optional=True),
                Call(
                    name="Celebrity",
                    path="/people/celeb_{username}",
                    parameters=[Parameter(name="username", value="ana", placement=Placement.PATH)],
                ),
            ],
        )
    )
    return ws


def _params(api: Api, call: Call) -> list[tuple[str, str, str]]:
    """What a request of ``call`` sends; optional body fields with no sample are left out."""
    return sorted(
        (p.placement.value, p.name, p.value)
        for p in effective_parameters(api, call)
        if not (p.placement is Placement.BODY and p.optional and not p.value)
        and not (call.body_type is BodyType.RAW and p.placement is Placement.BODY)
    )


def test_insomnia_export_is_a_v5_collection_without_secrets() -> None:
    ws = _workspace()
    data = export_workspace(ws, "insomnia")
    document = yaml.safe_load(data)
    assert document["type"] == "collection.insomnia.rest/5.0"
    assert [f["name"] for f in document["collection"]] == ["Shop", "CRM", "Legacy", "Catalog"]
    shop = document["collection"][0]
    assert shop["authentication"]["token"] == "{{ _.CD_SECRET_SHOP_AUTH_TOKEN }}"
    get_order = shop["children"][1]
    assert get_order["url"] == "{{ _.base_url_shop }}/orders/:id"
    assert get_order["pathParameters"] == [{"name": "id", "value": "42"}]
    base = document["environments"]["data"]
    assert base["base_url_shop"] == "https://shop.example.com/v1"
    assert base["CD_SECRET_SHOP_AUTH_TOKEN"] == ""
    assert base["username"] == "ana"  # a placeholder inside a segment is a variable
    subs = {s["name"]: s["data"] for s in document["environments"]["subEnvironments"]}
    staging = {"base_url_shop": "https://staging.shop.example.com/v1"}
    assert subs == {"staging": staging, "local": {}}


def test_insomnia_export_imports_back_the_same() -> None:
    ws = _workspace()
    imported = read_import(export_workspace(ws, "insomnia"), "ws.insomnia.yaml")
    assert imported.kind == "insomnia"
    back = imported.result.apis
    assert [a.name for a in back] == [a.name for a in ws.apis]
    for api, again in zip(ws.apis, back, strict=True):
        assert again.base_url == api.base_url
        assert again.auth.type == api.auth.type
        assert [c.name for c in again.calls] == [c.name for c in api.calls]
        for call, call_again in zip(api.calls, again.calls, strict=True):
            if call.name == "Celebrity":
                # Insomnia has no placeholder inside a segment: it is a variable with its
                # sample, which the import substitutes again.
                assert call_again.path == "/people/celeb_ana"
                continue
            assert (call_again.method, call_again.path, call_again.body_type) == (
                call.method,
                call.path,
                call.body_type,
            )
            assert _params(again, call_again) == _params(api, call)
    shop = back[0]
    assert [(e.name, e.base_url) for e in shop.environments] == [
        ("staging", "https://staging.shop.example.com/v1"),
        ("local", ""),
    ]
    assert back[2].auth == ws.apis[2].auth  # basic, with its user name
    assert back[3].auth == ws.apis[3].auth  # OAuth 2.0 client credentials
    echo = back[2].calls[0]
    assert echo.body_template == "hello world"
    search = back[3].calls[0]
    assert search.graphql == ws.apis[3].calls[0].graphql
    assert imported.result.secrets == {}  # only variables were written


def test_a_placeholder_in_the_base_url_is_an_environment_variable() -> None:
    api = Api(
        name="Regional",
        base_url="https://{region}.api.example.com/v1",
        parameters=[Parameter(name="region", value="eu", placement=Placement.PATH)],
        environments=[Environment(name="us", base_url="https://{region}.us.example.com/v1")],
        calls=[Call(name="Ping", path="/ping")],
    )
    document = yaml.safe_load(export_workspace(Workspace(apis=[api]), "insomnia"))
    environments = document["environments"]
    assert environments["data"]["base_url"] == "https://{{ _.region }}.api.example.com/v1"
    assert environments["data"]["region"] == "eu"
    us = environments["subEnvironments"][0]["data"]
    assert us == {"base_url": "https://{{ _.region }}.us.example.com/v1"}
