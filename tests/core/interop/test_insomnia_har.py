"""Insomnia exports in flow-style YAML with nested environments, and browser HAR captures."""

from __future__ import annotations

import pytest

from designer.core.errors import ImportParseError
from designer.core.interop.har import import_har
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import parse_document, read_document, read_source
from designer.core.models import OAuth2ClientCredentialsAuth, ValueType, secret_ref
from tests.core.interop.conftest import DATA

SHOP = "shop.insomnia.yaml"
CAPTURE = "browser-capture.har"


def test_flow_style_yaml_starting_with_a_brace_is_read() -> None:
    data = read_source(DATA / SHOP)
    assert data.startswith(b"{_type: export")
    doc = parse_document(data, SHOP)
    assert doc["__export_format"] == 4
    assert read_import(data, SHOP).kind == "insomnia"


def test_a_brace_that_is_neither_json_nor_yaml_reports_the_json_error() -> None:
    with pytest.raises(ImportParseError, match="not valid JSON"):
        parse_document(b'{"a": 1,, }', "bad.json")


def test_insomnia_environments_variables_and_auth() -> None:
    imported = read_import(read_source(DATA / SHOP), SHOP)
    result = imported.result
    apis = {a.name: a for a in result.apis}
    assert list(apis) == ["Orders", "Accounts", "Shop Admin"]
    orders = apis["Orders"]
    # {{ _.baseUrl }} is "{{ _.host }}/{{ _.version }}": nested, resolved with the first
    # sub-environment; its host has no scheme, so it gets curl's.
    assert orders.base_url == "http://localhost:4010/v2"
    assert orders.description == ""
    envs = {e.name: e for e in orders.environments}
    assert list(envs) == ["dev", "prod"]
    assert envs["dev"].base_url == ""  # the same as the API's own
    assert envs["prod"].base_url == "https://api.shop.example.com/v2"
    # Folder auth, inherited; each environment's token is that environment's secret.
    assert orders.auth.type == "bearer"
    assert result.secrets[secret_ref(orders, "auth.token")] == "tok_dev_123"
    prod = secret_ref(orders, "auth.token", environment=envs["prod"])
    assert result.secrets[prod] == "tok_prod_456"
    calls = {c.name: c for c in orders.calls}
    listing = {p.name: p for p in calls["List orders"].parameters}
    assert listing["filter"].value == "status=open&region=eu west"  # one value
    assert (listing["sort"].optional, listing["sort"].description) == (True, "Sort key")
    assert calls["List orders"].description == "Newest first"
    create = {p.name: (p.value, p.type) for p in calls["Create order"].parameters}
    assert create["quantity"] == ("2", ValueType.INTEGER)
    assert create["gift"] == ("true", ValueType.BOOLEAN)
    assert create["price"] == ("9.5", ValueType.NUMBER)
    assert create["note"] == ("", ValueType.TEXT)
    refund = calls["Refunds / Refund order"]
    assert refund.path == "/orders/{orderId}/refund"
    # The folder's own environment supplies refundReason.
    assert [(p.name, p.value) for p in refund.parameters] == [
        ("orderId", ""),
        ("reason", "damaged"),
    ]
    accounts = apis["Accounts"]
    assert isinstance(accounts.auth, OAuth2ClientCredentialsAuth)
    assert (accounts.auth.token_url, accounts.auth.client_auth) == (
        "http://localhost:4010/oauth/token",
        "body",
    )
    assert result.secrets[secret_ref(accounts, "auth.client_secret")] == "cs_ins_789"
    ping = apis["Shop Admin"].calls[0]
    assert ping.parameters[0].name == "X-Request-Id"
    assert ping.parameters[0].value == ""  # a {% uuid %} tag is not evaluated
    text = "\n".join(result.notes)
    assert "'digest' authentication is not supported" in text
    assert "not imported: 1 gRPC request, 1 disabled header, 1 file field" in text
    assert "left blank: 1 value with template tags ({% ... %}), which are not" in text
    assert "sub-environment 'dev' where it has none; 2 sub-environments became environments" in text


def test_browser_capture_keeps_only_the_api_calls() -> None:
    doc = read_document(DATA / CAPTURE)
    assert len(doc["log"]["entries"]) > 300
    result = import_har(doc, CAPTURE)
    (api,) = result.apis
    assert [c.name for c in api.calls] == [
        "GET /",
        "GET /api/v1/me",
        "GET /api/v1/products",
        "GET /api/v1/config.json",
        "POST /api/v1/cart/items",
    ]
    assert result.notes[0] == (
        "skipped 313 static assets (images, fonts, styles, scripts) and 5 CORS preflight "
        "requests; the command line's import --keep-static keeps them"
    )
    assert result.notes[1] == "not imported: entries that are not http or https (1 data:)"
    assert api.auth.type == "bearer"
    cart = api.calls[-1]
    assert [(p.name, p.type) for p in cart.parameters if p.placement.value == "body"] == [
        ("product_id", ValueType.INTEGER),
        ("quantity", ValueType.INTEGER),
    ]


def test_keep_static_keeps_assets_and_preflights() -> None:
    doc = read_document(DATA / CAPTURE)
    result = import_har(doc, CAPTURE, keep_static=True)
    calls = [c for api in result.apis for c in api.calls]
    assert len(calls) > 300
    assert any(c.method.value == "OPTIONS" for c in calls)
    assert {a.name for a in result.apis} == {
        "localhost",
        "cdn.static-assets.example",
        "fonts.assets.example",
    }
    assert not any("skipped" in n for n in result.notes)
    merged = merge_import(None, read_import(read_source(DATA / CAPTURE), CAPTURE))
    assert len(merged.outcome.workspace.apis[0].calls) == 5  # the default skips them


def test_a_sub_environment_switches_base_url_and_token() -> None:
    from designer.core.http.request import build_request
    from designer.core.secrets.store import MemorySecretStore

    merged = merge_import(None, read_import(read_source(DATA / SHOP), SHOP))
    store = MemorySecretStore()
    for ref, value in merged.secrets.items():
        store.set(ref, value)
    orders = merged.outcome.workspace.apis[0]
    listing = orders.calls[0]
    dev = build_request(orders, listing, store, environment="dev")
    prod = build_request(orders, listing, store, environment="prod")
    assert dev.url.startswith("http://localhost:4010/v2/orders?")
    assert prod.url.startswith("https://api.shop.example.com/v2/orders?")
    assert ("Authorization", "Bearer tok_dev_123") in dev.headers
    assert ("Authorization", "Bearer tok_prod_456") in prod.headers


def test_odd_browser_fields_do_not_break_the_import() -> None:
    doc = read_document(DATA / CAPTURE)
    entries = doc["log"]["entries"]
    entries[0]["_resourceType"] = ["document"]  # found by fuzzing: not text
    entries[1]["response"] = "gone"
    result = import_har(doc, CAPTURE)
    assert [c.name for c in result.apis[0].calls][:2] == ["GET /", "GET /api/v1/me"]
