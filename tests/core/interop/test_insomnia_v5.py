"""Insomnia v5 YAML (what Insomnia 11 writes): collections, design documents, environment files."""

from __future__ import annotations

import pytest

from designer.core.errors import ImportFormatError
from designer.core.interop.service import read_import
from designer.core.interop.source import read_source
from designer.core.models import ApiKeyHeaderAuth, BearerAuth, BodyType, secret_ref
from tests.core.interop.conftest import DATA

V5 = DATA / "insomnia-v5"


def test_a_collection_is_detected_and_read_with_folders_auth_and_environments() -> None:
    imported = read_import(read_source(V5 / "shop.insomnia.yaml"), "shop.insomnia.yaml")
    assert imported.kind == "insomnia"
    result = imported.result
    apis = {a.name: a for a in result.apis}
    assert list(apis) == ["Shop", "Orders", "Catalog"]
    orders = apis["Orders"]
    # {{ _.base_url }} is "{{ _.scheme }}://{{ _.host }}/v2", resolved with the first
    # sub-environment; the other becomes an environment with its own base URL and token.
    assert orders.base_url == "http://localhost:4010/v2"
    envs = {e.name: e for e in orders.environments}
    assert list(envs) == ["Local", "Production"]
    assert envs["Production"].base_url == "https://api.shop.example.com/v2"
    assert isinstance(orders.auth, BearerAuth)  # the folder's, inherited
    assert result.secrets[secret_ref(orders, "auth.token")] == "tok_local_123"
    prod = secret_ref(orders, "auth.token", environment=envs["Production"])
    assert result.secrets[prod] == "tok_prod_456"
    # Insomnia's order: meta.sortKey ascending.
    calls = {c.name: c for c in orders.calls}
    assert list(calls) == ["Create order", "Get order", "List orders", "Refunds / Refund order"]
    listing = {p.name: p for p in calls["List orders"].parameters}
    assert listing["filter"].value == "status=open&region=eu west"
    assert (listing["sort"].optional, listing["sort"].description) == (True, "Sort key")
    assert listing["X-Team"].value == "shop-core"  # the folder's header, inherited
    assert "X-Debug" not in listing  # disabled
    assert calls["List orders"].description == "Newest first"
    get = calls["Get order"]
    assert get.path == "/orders/{orderId}"
    assert [(p.name, p.value) for p in get.parameters if p.placement == "path"] == [
        ("orderId", "ord_1")
    ]
    create = {p.name: p.value for p in calls["Create order"].parameters}
    assert create["quantity"] == "2"
    assert create["note"] == "leave at door"
    refund = calls["Refunds / Refund order"]
    assert refund.body_type is BodyType.FORM
    refund_params = {p.name: p.value for p in refund.parameters}
    # The inner folder's environment and header; its parent's header too.
    assert refund_params["reason"] == "damaged"
    assert refund_params["X-Refund-Desk"] == "eu"
    assert refund_params["X-Team"] == "shop-core"
    assert "internal" not in refund_params
    catalog = apis["Catalog"]
    assert isinstance(catalog.auth, ApiKeyHeaderAuth)
    assert catalog.auth.header == "X-Api-Key"
    search = catalog.calls[0]
    assert search.graphql is not None
    assert search.graphql.operation_name == "Search"
    assert {p.name: (p.value, p.graphql_type) for p in search.parameters} == {
        "term": ("lamp", "String!"),
        "first": ("5", "Int"),
    }
    text = "\n".join(result.notes)
    # The place of the request in the v5 file, not in an intermediate form.
    assert "$.collection[2]: 'digest' authentication is not supported" in text
    assert "not imported: 1 script, 1 gRPC request, 1 Socket.IO request" in text
    assert "1 WebSocket request" in text
    assert "1 disabled header, 1 disabled form field" in text


def test_a_design_document_imports_its_openapi_and_its_requests() -> None:
    name = "petstore-design.insomnia.yaml"
    imported = read_import(read_source(V5 / name), name, base=str(V5 / name))
    assert imported.kind == "insomnia"
    apis = {a.name: a for a in imported.result.apis}
    assert list(apis) == ["Pet Store", "Petstore design"]
    spec = apis["Pet Store"]
    assert spec.base_url == "http://localhost:4010/api"
    assert [c.path for c in spec.calls] == ["/pets", "/pets", "/pets/{petId}"]
    assert isinstance(spec.auth, ApiKeyHeaderAuth)
    tried = apis["Petstore design"].calls[0]
    assert (tried.name, tried.path) == ("Try listing pets", "/pets")
    assert "not imported: 1 unit test suite, 1 unit test" in "\n".join(imported.result.notes)


def test_an_environment_file_adds_its_environments_and_fills_undefined_variables() -> None:
    env = V5 / "shop-secrets.environment.yaml"
    imported = read_import(
        read_source(V5 / "shop.insomnia.yaml"),
        "shop.insomnia.yaml",
        env_files=[(read_source(env), env.name)],
    )
    orders = next(a for a in imported.result.apis if a.name == "Orders")
    envs = {e.name: e for e in orders.environments}
    assert list(envs) == ["Local", "Production", "Staging"]
    # The collection's own scheme (http) wins over the environment file's base.
    assert envs["Staging"].base_url == "http://staging.shop.example.com/v2"
    staging = secret_ref(orders, "auth.token", environment=envs["Staging"])
    assert imported.result.secrets[staging] == "tok_staging_789"


def test_an_environment_file_alone_is_refused_with_the_way_to_use_it() -> None:
    name = "shop-secrets.environment.yaml"
    with pytest.raises(ImportFormatError, match="environment file: it holds variables"):
        read_import(read_source(V5 / name), name)
    with pytest.raises(ImportFormatError, match="Insomnia v5 collection only"):
        read_import(b"curl https://example.com", "cmd", env_files=[(read_source(V5 / name), name)])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"type: mock.insomnia.rest/5.0\nname: m\n", "Insomnia mock files"),
        (
            b"type: collection.insomnia.rest/5.0\ncollection:\n  - name: x\n    headers: 3\n"
            b"    method: GET\n",
            r"\$\.collection\[0\]\.headers: must be a list",
        ),
        (b"type: collection.insomnia.rest/5.0\ncollection: []\n", "holds no requests"),
    ],
)
def test_v5_problems_are_one_line_naming_the_place(text: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_import(text, "odd.yaml")


def test_from_insomnia_accepts_v5() -> None:
    data = read_source(V5 / "shop.insomnia.yaml")
    assert read_import(data, "shop.yaml", "insomnia").kind == "insomnia"
