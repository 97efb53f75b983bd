"""OpenAPI documents as vendors write them: fan-out references, many files, unusual constructs.

Each fixture in tests/data/interop reproduces what broke on real documents:
``fan-out-40.json`` (shared schemas referring to each other twice per level),
``multifile/`` (operations, parameters and schemas in files next to the root,
split the way a large cloud vendor splits its specification),
``messaging-swagger-2.0.json`` (tuple ``items``, ``x-`` keys everywhere,
several security requirements) and ``store-3.1.yaml`` (server variables,
type lists, typed bodies, AND security, ``security: []``).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from designer import cli
from designer.core.errors import ImportFormatError, ImportReferenceError
from designer.core.inference import walk
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.openapi.schema_shape import MAX_NODES
from designer.core.interop.service import read_import
from designer.core.interop.source import read_source
from designer.core.models import Api, Placement, ValueType
from designer.core.structure import ValueType as ShapeType
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA

MULTI = DATA / "multifile"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def by_name(apis: list[Api]) -> dict[str, Api]:
    return {api.name: api for api in apis}


def test_fan_out_stays_small_and_loads_again(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "fan.json"
    code, _, err = run(capsys, "import", str(DATA / "fan-out-40.json"), "-o", str(out))
    assert code == 0, err
    # Fully expanded, S0 would be 2^40 nodes; the structure is bounded and marked.
    assert out.stat().st_size < 200_000
    (api,) = wf.load(out).apis
    plant = next(c for c in api.calls if c.name == "Plant")
    # The deep body is a few parameters, the deep parts JSON values, not hundreds of names.
    assert len(plant.parameters) < 20
    assert {p.type for p in plant.parameters} == {ValueType.INTEGER, ValueType.JSON}
    for call in api.calls:
        assert call.structure is not None
        nodes = list(walk(call.structure))
        assert len(nodes) <= MAX_NODES + 1
        assert any(node.truncated for _, node in nodes)
        assert call.structure.fields is not None
        assert set(call.structure.fields) == {"id", "left", "right"}


def test_shared_schema_is_converted_once_and_flags_stay_per_place() -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["one"],
                                        "properties": {
                                            "one": {"$ref": "#/components/schemas/P"},
                                            "two": {"$ref": "#/components/schemas/P"},
                                        },
                                    }
                                }
                            },
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {"P": {"type": "object", "properties": {"x": {"type": "integer"}}}}
        },
    }
    (api,) = import_openapi(doc, "t.json").apis
    structure = api.calls[0].structure
    assert structure is not None
    assert structure.fields is not None
    one, two = structure.fields["one"], structure.fields["two"]
    assert (one.optional, two.optional) == (False, True)
    assert one.fields is two.fields  # the same converted schema, not a copy per $ref


def test_multi_file_document_imports_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cloud.json"
    code, _, err = run(capsys, "import", str(MULTI / "openapi.yaml"), "-o", str(out))
    assert code == 0, err
    (api,) = wf.load(out).apis
    assert api.description.startswith("Manage droplets and sizes")
    calls = {c.name: c for c in api.calls}
    assert list(calls) == [
        "List all droplets",
        "Create a new droplet",
        "Retrieve an existing droplet",
        "List all droplet sizes",
    ]
    listing = calls["List all droplets"]
    assert [(p.name, p.placement, p.type, p.value) for p in listing.parameters] == [
        ("per_page", Placement.QUERY, ValueType.INTEGER, "2"),
        ("page", Placement.QUERY, ValueType.INTEGER, "1"),
        ("tag_name", Placement.QUERY, ValueType.TEXT, "env:prod"),
    ]
    assert listing.description.startswith("To list all droplets")
    structure = listing.structure
    assert structure is not None
    assert structure.fields is not None
    assert set(structure.fields) == {"droplets", "links", "meta"}
    droplet = structure.fields["droplets"].items
    assert droplet is not None
    assert droplet.fields is not None
    # A local reference inside a referenced file points into that file.
    networks = droplet.fields["networks"].fields
    assert networks is not None
    assert "v4" in networks
    size = droplet.fields["size"].fields
    assert size is not None
    assert size["price_monthly"].type is ShapeType.NUMBER
    create = calls["Create a new droplet"]
    typed = {p.name: (p.type, p.value) for p in create.parameters}
    assert typed["backups"] == (ValueType.BOOLEAN, "true")
    assert typed["volumes_count"] == (ValueType.INTEGER, "2")
    assert typed["region"] == (ValueType.TEXT, "nyc3")
    assert calls["Retrieve an existing droplet"].parameters[0].type is ValueType.INTEGER
    assert calls["List all droplet sizes"].parameters[0].name == "per_page"


def _tree(tmp_path: Path, ref: str) -> Path:
    root = tmp_path / "spec"
    root.mkdir()
    (tmp_path / "secret.yml").write_text("get: {responses: {'200': {description: x}}}\n")
    (root / "openapi.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: T, version: '1'}\n"
        f"paths:\n  /x:\n    get:\n      $ref: '{ref}'\n"
    )
    return root / "openapi.yaml"


@pytest.mark.parametrize(
    ("ref", "text"),
    [
        ("../secret.yml#/get", "points outside the document's folder"),
        ("https://specs.example/op.yml", "points to the network"),
        ("//specs.example/op.yml", "points to the network"),
        ("missing.yml", "missing.yml"),
    ],
)
def test_references_outside_the_tree_are_refused_by_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ref: str, text: str
) -> None:
    path = _tree(tmp_path, ref)
    out = tmp_path / "ws.json"
    code, stdout, err = run(capsys, "import", str(path), "-o", str(out))
    assert (code, stdout) == (1, "")
    assert len(err.strip().splitlines()) == 1
    assert text in err
    assert repr(ref) in err or ref in err
    assert not out.exists()


def test_a_symlink_out_of_the_tree_is_refused(tmp_path: Path) -> None:
    path = _tree(tmp_path, "inside.yml#/get")
    os.symlink(tmp_path / "secret.yml", path.parent / "inside.yml")
    with pytest.raises(ImportReferenceError, match="outside the document's folder"):
        read_import(path.read_bytes(), str(path), base=str(path))


def test_file_references_need_a_folder() -> None:
    with pytest.raises(ImportReferenceError, match="points to another file"):
        read_import(read_source(MULTI / "openapi.yaml"), "<stdin>")


def test_swagger_with_tuple_items_and_several_requirements() -> None:
    path = DATA / "messaging-swagger-2.0.json"
    result = read_import(read_source(path), path.name).result
    apis = by_name(result.apis)
    main = apis["Team Messaging Web API"]
    assert main.auth.type == "oauth2_authorization_code"
    assert main.description == "One way to interact with the team messaging platform."
    post = main.calls[0]
    assert post.body_type.value == "form"
    typed = {p.name: (p.type, p.value) for p in post.parameters}
    # A token header with an example is a credential: private, its value not in the API.
    assert typed["token"] == (ValueType.TEXT, "")
    assert "xoxb-0000-fake-token" in result.secrets.values()
    assert typed["channel"] == (ValueType.TEXT, "C1234567890")
    assert typed["as_user"] == (ValueType.BOOLEAN, "false")
    assert typed["thread_ts"] == (ValueType.NUMBER, "")
    message = post.structure and post.structure.fields and post.structure.fields["message"]
    assert message
    assert message.fields is not None
    attachments = message.fields["attachments"].items
    assert attachments is not None
    assert attachments.fields is not None
    assert {"id", "fallback", "color"} <= set(attachments.fields)
    # Both keys of the AND requirement are kept: OAuth2 plus a private header.
    both = apis["Team Messaging Web API (messaging_auth + workspace_key)"]
    assert both.auth.type == "oauth2_authorization_code"
    assert [(h.name, h.private) for h in both.headers] == [("X-Workspace-Key", True)]
    public = apis["Team Messaging Web API (no authentication)"]
    assert public.auth.type == "none"
    assert {c.name for c in public.calls} == {
        "Checks API calling code.",
        "Uploads or creates a file.",
    }
    upload = next(c for c in public.calls if c.name.startswith("Uploads"))
    assert upload.body_type.value == "multipart"
    assert upload.parameters[0].type is ValueType.FILE
    assert any("'undefined_scheme', which is not defined" in n for n in result.notes)
    assert any("tuple 'items'" in n for n in result.notes)
    # x- keys are extensions, never paths or calls.
    assert sum(len(a.calls) for a in result.apis) == 4


def test_openapi_31_unusual_constructs() -> None:
    imported = read_import(read_source(DATA / "store-3.1.yaml"), "store-3.1.yaml")
    result = imported.result
    apis = by_name(result.apis)
    main = apis["Pet Store Orders"]
    assert main.base_url == "https://eu.store.example/v2"
    assert main.description == "Place and track orders for pets."
    assert (main.auth.type, getattr(main.auth, "header", "")) == ("api_key_header", "X-Store-Key")
    assert [(p.name, p.placement, p.private) for p in main.parameters] == [
        ("app_id", Placement.QUERY, True)
    ]
    assert any("lists 2 servers: the first" in n for n in result.notes)
    assert [(e.name, e.base_url) for e in main.environments] == [
        ("Sandbox", "https://sandbox.store.example/v2")
    ]
    assert any("'legacy_sso', which is not defined" in n for n in result.notes)
    # What is not imported is named.
    assert "1 webhook is not imported: webhooks are requests the API sends, not calls" in (
        result.notes
    )
    assert any(n.startswith("callbacks (requests the API sends back") for n in result.notes)
    assert any("requirements legacy_sso | store_key, store_key was used" in n for n in result.notes)
    # An undefined scheme among alternatives: the defined one is used.
    legacy = apis["Pet Store Orders (store_key)"]
    assert legacy.auth.type == "api_key_header"
    assert [c.name for c in legacy.calls] == ["Legacy report"]
    calls = {c.name: c for c in main.calls}
    order = {p.name: p for p in calls["Place an order"].parameters}
    assert (order["petId"].type, order["petId"].value, order["petId"].optional) == (
        ValueType.INTEGER,
        "198772",
        False,
    )
    assert (order["quantity"].type, order["quantity"].value) == (ValueType.INTEGER, "7")
    assert (order["complete"].type, order["complete"].value) == (ValueType.BOOLEAN, "true")
    assert (order["status"].type, order["status"].value) == (ValueType.TEXT, "placed")
    assert (order["price"].type, order["price"].value) == (ValueType.NUMBER, "19.5")
    assert (order["tags"].type, order["tags"].value) == (ValueType.JSON, "")  # optional
    assert "id" not in order  # readOnly: the server sets it
    response = calls["Place an order"].structure
    assert response is not None
    assert response.fields is not None
    assert "id" in response.fields
    find = {p.name: p for p in calls["Find an order"].parameters}
    assert (find["orderId"].type, find["orderId"].value) == (ValueType.INTEGER, "10")
    assert (find["expand"].type, find["expand"].value) == (ValueType.JSON, '["pet","customer"]')
    assert (find["verbose"].type, find["verbose"].value) == (ValueType.BOOLEAN, "false")
    structure = calls["Find an order"].structure
    assert structure is not None
    assert structure.fields is not None
    assert structure.fields["shipDate"].nullable
    public = apis["Pet Store Orders (no authentication)"]
    inventory = next(c for c in public.calls if c.name == "Inventory")
    # A credential left in an example stays out of the workspace.
    key = inventory.parameters[0]
    assert (key.name, key.private, key.value) == ("api_key", True, "")
    assert "sk_live_example_do_not_leak_1234" in result.secrets.values()
    upload = apis["Pet Store Orders (petstore_auth)"].calls[0]
    assert apis["Pet Store Orders (petstore_auth)"].auth.type == "oauth2_authorization_code"
    kinds = {p.name: p.type for p in upload.parameters}
    assert kinds == {
        "petId": ValueType.INTEGER,
        "additionalMetadata": ValueType.TEXT,
        "file": ValueType.FILE,
        "primary": ValueType.BOOLEAN,
    }


def test_server_variables_use_their_defaults() -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Regional", "version": "1"},
        "servers": [
            {
                "url": "https://{region}.api.example.com/{version}",
                "variables": {"region": {"default": "eu-west"}, "version": {"default": "v3"}},
            }
        ],
        "paths": {"/ping": {"get": {"responses": {"204": {"description": "ok"}}}}},
    }
    (api,) = import_openapi(doc, "r.json").apis
    assert api.base_url == "https://eu-west.api.example.com/v3"


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        ("postman", "petstore-3.0.yaml", "it is an OpenAPI or Swagger document, not a Postman"),
        ("openapi", "helpdesk.postman_collection.json", "it is a Postman collection, not an"),
        ("har", "catalog-3.1.json", "use --from openapi or leave --from out"),
        ("insomnia", "workspace_v1.json", "--from insomnia does not match the file"),
    ],
)
def test_from_that_does_not_match_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str, name: str, text: str
) -> None:
    path = DATA / name if (DATA / name).exists() else DATA.parent / name
    out = tmp_path / "ws.json"
    code, stdout, err = run(capsys, "import", str(path), "--from", kind, "-o", str(out))
    assert (code, stdout) == (1, "")
    assert len(err.strip().splitlines()) == 1
    assert text in err
    assert not out.exists()


def test_postman_v1_is_refused_with_the_way_out(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "tickets.postman_v1.json"
    for extra in ([], ["--from", "postman"]):
        code, out, err = run(capsys, "import", str(path), *extra)
        assert (code, out) == (1, "")
        assert err.strip().endswith(
            "Postman collection v1 is not supported: export it as v2.1 from Postman"
        )
    with pytest.raises(ImportFormatError):
        read_import(path.read_bytes(), "v1.json", "postman")


def test_structures_are_bounded_on_a_vendor_shaped_document() -> None:
    from tests.helpers.openapi_docs import vendor

    imported = read_import(orjson.dumps(vendor(operations=40, width=20)), "vendor.json")
    (api,) = imported.result.apis
    assert len(api.calls) == 40
    for call in api.calls:
        if call.structure is not None:
            assert len(list(walk(call.structure))) <= MAX_NODES + 1
    resource = next(c for c in api.calls if c.name == "GetResource0Id").structure
    assert resource is not None
    assert resource.fields is not None
    # An expandable field: an id, or the object it names.
    customer = resource.fields["customer"]
    assert customer.type is ShapeType.MIXED
    assert customer.nullable
    assert customer.variants is not None
    assert [v.type for v in customer.variants] == [ShapeType.TEXT, ShapeType.OBJECT]


def test_a_parameter_described_by_content_takes_its_type() -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Q", "version": "1"},
        "paths": {
            "/search": {
                "get": {
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "query",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object"},
                                    "example": {"color": "red"},
                                }
                            },
                        }
                    ],
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    }
    (api,) = import_openapi(doc, "q.json").apis
    (parameter,) = api.calls[0].parameters
    assert (parameter.type, parameter.value) == (ValueType.JSON, '{"color":"red"}')
