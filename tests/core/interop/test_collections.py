"""Postman, HAR and Insomnia imports from the fixtures; Postman and curl exports."""

from __future__ import annotations

import shlex

import pytest

from designer.core.errors import ImportFormatError, ImportVersionError
from designer.core.interop.curl.exporter import export_curl
from designer.core.interop.detect import detect_document
from designer.core.interop.postman.exporter import POSTMAN_SCHEMA, export_postman
from designer.core.interop.postman.importer import import_postman
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import read_document, read_source
from designer.core.models import Workspace
from designer.core.structure import ValueType
from tests.core.interop.conftest import DATA


def _load(name: str) -> tuple[Workspace, dict[str, str]]:
    merged = merge_import(None, read_import(read_source(DATA / name), name))
    return merged.outcome.workspace, merged.secrets


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("petstore-3.0.yaml", "openapi"),
        ("catalog-3.1.json", "openapi"),
        ("weather-swagger-2.0.json", "openapi"),
        ("helpdesk.postman_collection.json", "postman"),
        ("demo-server.har", "har"),
        ("notes.insomnia.json", "insomnia"),
    ],
)
def test_detection(name: str, kind: str) -> None:
    assert detect_document(read_document(DATA / name), name) == kind


def test_postman_collection() -> None:
    ws, secrets = _load("helpdesk.postman_collection.json")
    assert [(a.name, a.base_url, a.auth.type) for a in ws.apis] == [
        ("Helpdesk", "https://helpdesk.example.com/api/v3", "none"),
        ("Tickets", "https://helpdesk.example.com/api/v3", "bearer"),
        ("Customers", "https://crm.example.com/v1", "api_key_header"),
    ]
    tickets = ws.apis[1]
    assert sorted(secrets.values()) == ["ck_test_42", "hd_live_0123456789abcdef"]
    assert secrets[f"{tickets.id}/auth.token"] == "hd_live_0123456789abcdef"
    calls = {c.name: c for c in tickets.calls}
    assert list(calls) == ["List tickets", "Get ticket", "Create ticket", "Comments / Add comment"]
    listing = calls["List tickets"]
    assert [(p.name, p.placement.value, p.value) for p in listing.parameters] == [
        ("status", "query", "open"),
        ("page", "query", "1"),
        ("Accept", "header", "application/json"),
    ]
    shape = listing.structure
    assert shape is not None
    assert shape.fields is not None
    ticket = shape.fields["tickets"].items
    assert ticket is not None
    assert ticket.fields is not None
    assert ticket.fields["assignee"].nullable  # the 401 example was not used
    assert calls["Get ticket"].path == "/tickets/{ticketId}"
    assert calls["Get ticket"].parameters[0].value == "T-1001"
    create = calls["Create ticket"]
    assert create.body_type.value == "json"
    # A JSON object body becomes typed body parameters; {{subject}} is not defined: blank.
    assert create.body_template == ""
    assert [(p.name, p.value, p.type.value) for p in create.parameters] == [
        ("subject", "", "text"),
        ("priority", "high", "text"),
        ("tags", '["web"]', "json"),
    ]
    assert "{{subject}}" in create.parameters[0].description
    comment = calls["Comments / Add comment"]
    # {{ticketId}} in the path is a path parameter, with the collection's value as sample.
    assert comment.path == "/tickets/{ticketId}/comments"
    assert [(p.name, p.value) for p in comment.parameters] == [
        ("ticketId", "T-1001"),
        ("body", "Looking into it"),
        ("internal", "false"),
    ]
    customers = ws.apis[2]
    assert customers.calls[0].structure is not None
    assert customers.calls[0].structure.type is ValueType.LIST


def test_har_recording() -> None:
    ws, secrets = _load("demo-server.har")
    (api,) = ws.apis
    assert (api.name, api.base_url, api.auth.type) == (
        "127.0.0.1",
        "http://127.0.0.1:8765/v1",
        "api_key_header",
    )
    assert list(secrets.values()) == ["demo-key"]
    calls = {c.name: c for c in api.calls}
    assert list(calls)[:3] == ["GET /products", "GET /products/SKU-00002", "GET /orders/1001"]
    products = calls["GET /products"]
    # Two recorded pages are one call; the structure merges both responses.
    assert products.structure is not None
    assert products.structure.fields is not None
    assert products.structure.fields["data"].items is not None
    assert products.structure.fields["data"].items.count == 6
    assert all(p.placement.value != "header" for p in products.parameters)
    assert calls["GET /unstable"].structure is None  # a 500 is not a sample
    assert calls["POST /orders"].body_type.value == "json"


def test_insomnia_export() -> None:
    ws, secrets = _load("notes.insomnia.json")
    assert [(a.name, a.base_url) for a in ws.apis] == [
        ("Notes API", "https://notes.example.net/api"),
        ("Notes", "https://status.example.net"),
    ]
    assert list(secrets.values()) == ["nt_secret_value"]
    calls = {c.name: c for c in ws.apis[0].calls}
    assert calls["Sharing / Share note"].path == "/notes/{noteId}/share"
    # A disabled query parameter is an optional one.
    assert [(p.name, p.optional) for p in calls["List notes"].parameters] == [
        ("limit", False),
        ("q", True),
        ("Accept", False),
    ]


@pytest.mark.parametrize(
    ("doc", "error", "text"),
    [
        (
            {
                "info": {"schema": "https://schema.getpostman.com/json/collection/v1.0.0/"},
                "item": [],
            },
            ImportVersionError,
            "is not a Postman collection v2.0 or v2.1",
        ),
        (
            {"info": {}, "item": [{"name": "x", "request": 5}]},
            ImportFormatError,
            "$.item[0].request",
        ),
        ({"info": {}, "item": {}}, ImportFormatError, "$.item: must be a list"),
    ],
)
def test_bad_postman(doc: object, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=None) as caught:
        import_postman(doc, "c.json")
    assert text in str(caught.value)


def test_postman_export_shape(rich: Workspace) -> None:
    doc = export_postman(rich, rich.apis)
    assert doc["info"]["schema"] == POSTMAN_SCHEMA
    assert doc == export_postman(rich, rich.apis)  # deterministic, id included
    assert [f["name"] for f in doc["item"]] == ["Shop", "CRM", "Legacy"]
    assert doc["item"][0]["auth"] == {
        "type": "bearer",
        "bearer": [{"key": "token", "value": "{{CD_SECRET_SHOP_AUTH_TOKEN}}", "type": "string"}],
    }
    get_order = doc["item"][0]["item"][1]["request"]
    assert get_order["url"]["raw"] == "{{baseUrl_SHOP}}/orders/:id"
    assert get_order["url"]["variable"] == [{"key": "id", "value": "42"}]
    keys = [v["key"] for v in doc["variable"]]
    assert keys[:3] == ["baseUrl_SHOP", "baseUrl_CRM", "baseUrl_LEGACY"]
    assert "CD_SECRET_SHOP_CREATE_ORDER_PARAM_X_SIGNATURE" in keys


def test_postman_export_round_trip(rich: Workspace) -> None:
    doc = export_postman(rich, rich.apis)
    result = import_postman(doc, "export.json")
    assert [(a.name, a.base_url, a.auth) for a in result.apis] == [
        (a.name, a.base_url, a.auth) for a in rich.apis
    ]
    for before, after in zip(rich.apis, result.apis, strict=True):
        assert [(c.name, c.method, c.path) for c in after.calls] == [
            (c.name, c.method, c.path) for c in before.calls
        ]
    assert result.secrets == {}  # only {{variables}} were exported


def test_curl_export_runs_in_a_shell(rich: Workspace) -> None:
    text = export_curl(rich.apis)
    assert "${CD_SECRET_SHOP_AUTH_TOKEN}" in text
    assert "-u 'robot:'\"${CD_SECRET_LEGACY_AUTH_PASSWORD}\"" in text
    blocks = text.split("\n\n")
    assert len(blocks) == 6
    # Each command parses as shell words and names the right URL.
    words = shlex.split(blocks[1].split("\n", 1)[1].replace("\\\n", " "))
    assert words[:2] == ["curl", "https://shop.example.com/v1/orders/42"]
    one = export_curl(rich.apis, [(rich.apis[0], rich.apis[0].calls[2])])
    assert one.startswith("# Shop / Create order\ncurl -X POST")
    assert "-H 'X-Signature: '\"${CD_SECRET_SHOP_CREATE_ORDER_PARAM_X_SIGNATURE}\"" in one
    assert """--data-raw '{"customer":{"email":"ana@example.com"}}'""" in one
