"""Bruno: the .bru block grammar, collection folders and single request files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from designer.core.errors import ImportFormatError, ImportParseError
from designer.core.interop.bruno.bru import Block, Pair, parse_bru, write_bru
from designer.core.interop.service import read_bruno_folder, read_import
from designer.core.interop.source import read_source
from designer.core.models import (
    ApiKeyHeaderAuth,
    BearerAuth,
    BodyType,
    NoAuth,
    OAuth2ClientCredentialsAuth,
    Placement,
    secret_ref,
)
from tests.core.interop.conftest import DATA

SHOP = DATA / "bruno" / "shop"


def test_bru_blocks_are_read_as_bruno_writes_them() -> None:
    text = (
        "meta {\n  name: Create order\n  seq: 1\n  tags: [\n    smoke\n    orders\n  ]\n}\n\n"
        "params:query {\n  q: a b: c\n  @description('How many')\n  ~limit: 10\n"
        '  "odd key: x": 1\n}\n\n'
        'body:json {\n  {\n    "a": {\n      "b": 1\n    }\n  }\n}\n\n'
        "vars:pre-request {\n  note: '''\n    line one\n      indented\n  '''\n}\n\n"
        "vars:secret [\n  token,\n  ~old\n]\n"
        "color: #e6194b\n"
    )
    blocks = {b.name: b for b in parse_bru(text, "x.bru")}
    assert blocks["meta"].get("name") == "Create order"
    assert blocks["meta"].get("tags") == "smoke, orders"
    assert blocks["color"].get("color") == "#e6194b"
    query = blocks["params:query"].pairs
    assert [(p.key, p.value, p.enabled, p.description) for p in query] == [
        ("q", "a b: c", True, ""),
        ("limit", "10", False, "How many"),
        ("odd key: x", "1", True, ""),
    ]
    # Text blocks lose their two-space indent; a brace inside them never ends the block.
    assert blocks["body:json"].text == '{\n  "a": {\n    "b": 1\n  }\n}'
    assert blocks["vars:pre-request"].get("note") == "line one\n  indented"
    assert [(i.key, i.enabled) for i in blocks["vars:secret"].items or []] == [
        ("token", True),
        ("old", False),
    ]


def test_written_blocks_read_back_the_same() -> None:
    blocks = [
        Block("meta", [Pair("name", "A: b"), Pair("seq", "2")]),
        Block(
            "headers",
            [
                Pair("X-One", "1", description="It's the first"),
                Pair("X two", "2", enabled=False),
                Pair("Multi", "first\n\nthird"),
            ],
        ),
        Block("body:text", text="}\nnot the end {{x}}\n\n  kept"),
        Block("vars:secret", items=[Pair("token", ""), Pair("gone", "", enabled=False)]),
    ]
    again = parse_bru(write_bru(blocks), "again.bru")
    assert [(b.name, b.pairs, b.text, b.items) for b in again] == [
        (b.name, b.pairs, b.text, b.items) for b in blocks
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("meta {\n  name: x\n", "line 1: the block 'meta' is never closed"),
        ("get {\n  url\n}\n", "line 2: expected 'name: value'"),
        ("hello world\n", "line 1: expected a block such as 'meta {'"),
        ("meta {\n  name: '''\n    open\n}\n", "opens ''' but never closes it"),
    ],
)
def test_a_malformed_bru_file_is_one_line_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(ImportParseError, match=message):
        parse_bru(text, "bad.bru")


def test_a_collection_folder_imports_folders_auth_bodies_and_environments() -> None:
    imported = read_bruno_folder(str(SHOP))
    assert imported.kind == "bruno"
    result = imported.result
    apis = {a.name: a for a in result.apis}
    # Requests at the root form the collection's API; folders in folder.bru's order.
    assert list(apis) == ["Shop API", "Orders", "Catalog", "Accounts"]
    orders = apis["Orders"]
    # {{base_url}} is "{{host}}/{{api_version}}": environment and collection variables.
    assert orders.base_url == "http://localhost:4010/v2"
    envs = {e.name: e for e in orders.environments}
    assert list(envs) == ["Local", "Production"]
    assert envs["Production"].base_url == "https://api.shop.example.com/v2"
    assert isinstance(orders.auth, BearerAuth)  # the collection's, through 'inherit'
    assert result.secrets[secret_ref(orders, "auth.token")] == "tok_local_123"
    prod = secret_ref(orders, "auth.token", environment=envs["Production"])
    assert result.secrets[prod] == "tok_prod_456"
    calls = {c.name: c for c in orders.calls}
    assert list(calls) == ["Create order", "List orders", "Get order", "Refunds / Refund order"]
    listing = {p.name: p for p in calls["List orders"].parameters}
    assert listing["filter"].value == "status=open&region=eu west"
    assert (listing["sort"].optional, listing["sort"].description) == (True, "Sort key")
    assert listing["X-Team"].value == "shop-core"  # collection header
    assert listing["X-Desk"].value == "orders"  # folder header
    assert "X-Debug" not in listing
    assert "X-Trace" not in listing
    assert calls["List orders"].description == "Newest first"
    create = {p.name: p.value for p in calls["Create order"].parameters}
    # The selected body (json), not the other one in the file.
    assert calls["Create order"].body_type is BodyType.JSON
    assert create["shipping.city"] == "Oslo"
    assert create["quantity"] == "2"
    refund = calls["Refunds / Refund order"]
    assert refund.path == "/orders/{orderId}/refund"
    refund_params = {p.name: p.value for p in refund.parameters}
    assert refund_params["orderId"] == "ord_1"
    assert refund_params["comment"] == "Box arrived open.\nLamp is broken."
    assert "internal" not in refund_params
    catalog = {c.name: c for c in apis["Catalog"].calls}
    assert isinstance(apis["Catalog"].auth, ApiKeyHeaderAuth)
    search = catalog["Product search"]
    assert search.graphql is not None
    assert {p.name: (p.value, p.graphql_type) for p in search.parameters if p.graphql_type} == {
        "term": ("lamp", "String!"),
        "first": ("5", "Int"),
    }
    upload = catalog["Upload image"]
    assert upload.body_type is BodyType.MULTIPART
    assert [p.name for p in upload.parameters if p.placement is Placement.BODY] == ["caption"]
    feed = catalog["Feed"]
    assert (feed.body_type, feed.content_type) == (BodyType.RAW, "application/xml")
    assert '<item sku="A-100"/>' in feed.body_template
    accounts = apis["Accounts"].auth
    assert isinstance(accounts, OAuth2ClientCredentialsAuth)
    assert (accounts.token_url, accounts.client_id, accounts.scope, accounts.client_auth) == (
        "http://localhost:4010/oauth/token",
        "shop-app",
        "accounts:read",
        "body",
    )
    client_secret = secret_ref(apis["Accounts"], "auth.client_secret")
    assert result.secrets[client_secret] == "cs_bru_789"
    root = {c.name: c for c in apis["Shop API"].calls}
    assert root["Ping"].method == "PURGE"
    assert isinstance(apis["Shop API"].auth, NoAuth)
    text = "\n".join(result.notes)
    assert "Health.bru: Digest authentication is not supported" in text
    assert "1 file field" in text
    assert "1 test block" in text


def test_choosing_bruno_json_imports_its_folder() -> None:
    imported = read_bruno_folder(str(SHOP / "bruno.json"))
    assert [a.name for a in imported.result.apis] == ["Shop API", "Orders", "Catalog", "Accounts"]


def test_a_single_bru_file_is_detected_and_imported() -> None:
    name = "Create order.bru"
    imported = read_import(read_source(SHOP / "Orders" / name), name)
    assert imported.kind == "bruno"
    (api,) = imported.result.apis
    (call,) = api.calls
    assert (call.name, call.method, call.path) == ("Create order", "POST", "/orders")
    # Nothing defines {{base_url}} in a lone file: the user fills it in.
    assert "its base URL uses base_url, not defined in the document" in "\n".join(
        imported.result.notes
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (SHOP / "environments" / "Local.bru", "Bruno environment file"),
        (SHOP / "Orders" / "folder.bru", "holds no request"),
    ],
)
def test_a_bru_file_that_is_not_a_request_says_what_to_import(path: Path, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_import(read_source(path), path.name)


def test_a_folder_without_bruno_json_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="the folder has no bruno.json"):
        read_bruno_folder(str(tmp_path))


def test_links_out_of_the_collection_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Secret.bru").write_text("meta {\n  name: Secret\n}\n\nget {\n  url: http://x\n}\n")
    collection = tmp_path / "shop"
    shutil.copytree(SHOP, collection)
    (collection / "Linked").symlink_to(outside, target_is_directory=True)
    (collection / "Linked.bru").symlink_to(outside / "Secret.bru")
    names = {c.name for a in read_bruno_folder(str(collection)).result.apis for c in a.calls}
    assert "Secret" not in names
    assert "Ping" in names


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [("MAX_FILES", 3, "more than 3 files"), ("MAX_DOCUMENT_SIZE", 2000, "hold more than")],
)
def test_a_folder_too_big_to_be_a_collection_is_refused(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    from designer.core.interop.bruno import importer as bruno_import

    monkeypatch.setattr(bruno_import, limit, value)
    with pytest.raises(ImportFormatError, match=message):
        read_bruno_folder(str(SHOP))


def _request(verb: str, *blocks: str) -> bytes:
    meta = "meta {\n  name: One\n  type: http\n  seq: 1\n}\n\n"
    return (meta + verb + "\n\n" + "\n\n".join(blocks) + "\n").encode()


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ("auth:bearer {\n  token: t-1\n}", ("bearer", "t-1")),
        ("auth:basic {\n  username: ana\n  password: p-2\n}", ("basic", "p-2")),
        (
            "auth:apikey {\n  key: X-Key\n  value: k-3\n  placement: header\n}",
            ("api_key_header", "k-3"),
        ),
        (
            "auth:apikey {\n  key: api_key\n  value: k-4\n  placement: queryparams\n}",
            ("api_key_query", "k-4"),
        ),
    ],
)
def test_request_auth_modes(auth: str, expected: tuple[str, str]) -> None:
    mode = auth.split(" ", 1)[0].split(":")[1]
    verb = f"get {{\n  url: https://api.example.com/x\n  body: none\n  auth: {mode}\n}}"
    result = read_import(_request(verb, auth), "one.bru").result
    (api,) = result.apis
    assert api.auth.type == expected[0]
    assert list(result.secrets.values()) == [expected[1]]


def test_unsupported_auth_is_named_and_left_out() -> None:
    verb = "get {\n  url: https://api.example.com/x\n  body: none\n  auth: awsv4\n}"
    block = "auth:awsv4 {\n  accessKeyId: AKIA\n  secretAccessKey: s\n}"
    result = read_import(_request(verb, block), "one.bru").result
    assert result.apis[0].auth.type == "none"
    assert "AWS Signature v4 authentication is not supported" in "\n".join(result.notes)
    assert not result.secrets


@pytest.mark.parametrize(
    ("mode", "block", "content_type"),
    [
        ("text", "body:text {\n  hello {{name}}\n}", "text/plain"),
        ("sparql", "body:sparql {\n  SELECT * WHERE { ?s ?p ?o }\n}", "application/sparql-query"),
    ],
)
def test_raw_bodies_keep_their_type(mode: str, block: str, content_type: str) -> None:
    verb = f"post {{\n  url: https://api.example.com/x\n  body: {mode}\n  auth: none\n}}"
    (api,) = read_import(_request(verb, block), "one.bru").result.apis
    (call,) = api.calls
    assert (call.body_type, call.content_type) == (BodyType.RAW, content_type)
    # An undefined variable in a raw body becomes a body parameter, never literal text.
    if mode == "text":
        assert call.body_template == "hello <name>"


def test_from_another_format_on_a_bru_file_says_what_it_is() -> None:
    data = read_source(SHOP / "Orders" / "Create order.bru")
    with pytest.raises(ImportFormatError, match="it is a Bruno request, not an Insomnia export"):
        read_import(data, "order.bru", "insomnia")
    assert read_import(data, "order.bru", "bruno").kind == "bruno"
