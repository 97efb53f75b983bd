"""Tests of the workspace file: deterministic saving, validated loading, migrations."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core.errors import (
    FileTooLargeError,
    Problem,
    WorkspaceError,
    WorkspaceFormatError,
    WorkspaceParseError,
    WorkspaceValidationError,
    WorkspaceVersionError,
)
from designer.core.models import (
    Api,
    BearerAuth,
    Call,
    Method,
    Parameter,
    Placement,
    Workspace,
)
from designer.core.workspace import file as wf

GOLDEN = Path(__file__).parent.parent / "data" / "workspace_v1.json"


def golden_bytes() -> bytes:
    return GOLDEN.read_bytes()


def golden_doc() -> dict[str, Any]:
    doc: dict[str, Any] = orjson.loads(golden_bytes())
    return doc


def problems_of(doc: Any) -> list[Problem]:
    return wf.validate_bytes(orjson.dumps(doc), "x.json")


# -- saving ------------------------------------------------------------------------------


def test_golden_round_trip_is_byte_identical() -> None:
    ws = wf.loads(golden_bytes(), source=str(GOLDEN))
    assert wf.dumps(ws) == golden_bytes()


def test_golden_file_shape() -> None:
    data = golden_bytes()
    assert data.startswith(b'{\n  "format": "connector-designer.workspace",\n  "version": 1,\n')
    assert data.endswith(b"}\n")
    assert "Zürich".encode() in data  # non-ASCII kept, not \u-escaped


def test_dumps_is_deterministic_for_equal_workspaces() -> None:
    a = wf.loads(golden_bytes())
    b = Workspace.model_validate(a.model_dump())
    assert a == b
    assert wf.dumps(a) == wf.dumps(b)


def test_dumps_blanks_private_values() -> None:
    secret = "sk_live_should_never_be_written"
    ws = Workspace(
        apis=[
            Api(
                name="A",
                headers=[Parameter(name="X-Key", value=secret, private=True)],
                parameters=[Parameter(name="k", value=secret, private=True)],
                calls=[
                    Call(name="c", parameters=[Parameter(name="p", value=secret, private=True)])
                ],
            )
        ]
    )
    data = wf.dumps(ws)
    assert secret.encode() not in data
    assert wf.problems(wf.loads(data)) == []


def test_save_and_load(tmp_path: Path) -> None:
    ws = wf.loads(golden_bytes())
    path = tmp_path / "ws.json"
    wf.save(ws, path)
    assert path.read_bytes() == golden_bytes()
    assert wf.load(path) == ws


# -- the schema --------------------------------------------------------------------------


def test_json_schema_validates_the_golden_file() -> None:
    schema = wf.json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema)[:3] == ["$schema", "$id", "title"]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(golden_doc())


def test_json_schema_rejects_unknown_keys() -> None:
    doc = golden_doc()
    doc["apis"][0]["nmae"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(wf.json_schema()).validate(doc)


# -- loading: bad input ------------------------------------------------------------------


def test_truncated_json_names_line_and_column() -> None:
    data = golden_bytes()[:200]
    with pytest.raises(WorkspaceParseError) as info:
        wf.loads(data, source="x.json")
    message = str(info.value)
    assert message.startswith("x.json is not valid JSON: line ")
    assert "the file ends too early" in message


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(WorkspaceParseError) as info:
        wf.loads(b'{\n  "format": "x",\n  "version": 1,,\n}', source="x.json")
    assert "line 3, column 16" in str(info.value)


def test_not_utf8() -> None:
    data = golden_bytes().replace("Zürich".encode(), "Zürich".encode("latin-1"))
    with pytest.raises(WorkspaceParseError, match=r"x\.json is not UTF-8 text \(invalid byte 0xfc"):
        wf.loads(data, source="x.json")


def test_byte_order_mark_is_accepted() -> None:
    assert wf.loads(b"\xef\xbb\xbf" + golden_bytes()) == wf.loads(golden_bytes())


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        (b"", WorkspaceParseError, "x.json is empty"),
        (b"[]", WorkspaceFormatError, "x.json is a list, not a Connector Designer workspace"),
        (b'{"version": 1}', WorkspaceFormatError, "it has no 'format' key"),
        (b'{"format": "postman", "version": 1}', WorkspaceFormatError, "has format 'postman'"),
        (
            b'{"format": "connector-designer.workspace"}',
            WorkspaceFormatError,
            "x.json has no 'version' key",
        ),
        (
            b'{"format": "connector-designer.workspace", "version": "1"}',
            WorkspaceFormatError,
            "x.json has version '1': it should be a whole number",
        ),
        (
            b'{"format": "connector-designer.workspace", "version": 0}',
            WorkspaceVersionError,
            "format version 0 cannot be read",
        ),
    ],
)
def test_not_a_workspace(data: bytes, error: type[Exception], text: str) -> None:
    with pytest.raises(error, match=text.replace(".", r"\.").replace("(", r"\(")):
        wf.loads(data, source="x.json")


def test_newer_version_refuses_to_load() -> None:
    doc = golden_doc()
    doc["version"] = 3
    with pytest.raises(WorkspaceVersionError) as info:
        wf.loads(orjson.dumps(doc), source="x.json")
    assert str(info.value) == (
        "x.json was saved by a newer Connector Designer "
        "(format version 3; this one reads up to 1): update the app"
    )


def test_unknown_keys_suggest_the_right_one() -> None:
    doc = golden_doc()
    doc["apis"][0]["nmae"] = "x"
    doc["apis"][0]["calls"][0]["structure"]["fields"]["id"]["nullabel"] = True
    doc["apis"][1]["whatever"] = 1
    assert problems_of(doc) == [
        Problem(
            "$.apis[0].calls[0].structure.fields.id.nullabel",
            "unknown key 'nullabel' (did you mean 'nullable'?)",
        ),
        Problem("$.apis[0].nmae", "unknown key 'nmae' (did you mean 'name'?)"),
        Problem("$.apis[1].whatever", "unknown key 'whatever'"),
    ]


def test_wrong_types() -> None:
    doc = golden_doc()
    call = doc["apis"][0]["calls"][1]
    call["method"] = "post"
    call["parameters"][0]["dynamic"] = "yes"
    call["parameters"][1]["name"] = ""
    call["capture_headers"] = 1
    doc["apis"][0]["calls"][0]["structure"]["fields"]["id"]["samples"] = [{"a": 1}]
    doc["apis"][1]["auth"] = {"type": "oauth"}
    doc["apis"][2]["calls"] = {}
    assert problems_of(doc) == [
        Problem(
            "$.apis[0].calls[0].structure.fields.id.samples[0]",
            "must be text, a number or true or false, not an object",
        ),
        Problem(
            "$.apis[0].calls[1].method",
            "must be an HTTP method in upper case, not 'post' (did you mean 'POST'?)",
        ),
        Problem("$.apis[0].calls[1].parameters[0].dynamic", "must be true or false, not text"),
        Problem("$.apis[0].calls[1].parameters[1].name", "must not be empty"),
        Problem("$.apis[0].calls[1].capture_headers", "must be true or false, not a number"),
        Problem(
            "$.apis[1].auth",
            "unknown type 'oauth': must be one of 'none', 'api_key_header', "
            "'api_key_query', 'bearer', 'basic', 'oauth2_client_credentials', "
            "'oauth2_authorization_code', 'oauth2_password', 'custom_token', 'jwt_bearer', "
            "'client_certificate'",
        ),
        Problem("$.apis[2].calls", "must be a list, not an object"),
    ]


def test_missing_keys_and_auth_member_errors() -> None:
    doc = golden_doc()
    del doc["apis"][0]["name"]
    doc["apis"][1]["auth"] = {"type": "api_key_query", "parameter": 5, "prefix": "x"}
    doc["apis"][2]["auth"] = {}
    assert problems_of(doc) == [
        Problem("$.apis[0].name", "required, but missing"),
        Problem("$.apis[1].auth.parameter", "must be text, not a number"),
        Problem("$.apis[1].auth.prefix", "unknown key 'prefix'"),
        Problem(
            "$.apis[2].auth",
            "needs a 'type' key, one of 'none', 'api_key_header', 'api_key_query', "
            "'bearer', 'basic', 'oauth2_client_credentials', 'oauth2_authorization_code', "
            "'oauth2_password', 'custom_token', 'jwt_bearer', 'client_certificate'",
        ),
    ]


def test_semantic_problems_are_all_reported() -> None:
    doc = golden_doc()
    doc["apis"][1]["name"] = "API.STRIPE.COM"
    stripe_calls = doc["apis"][0]["calls"]
    stripe_calls[1]["name"] = "get /v1/customers/{id}"
    stripe_calls[1]["path"] = "/v1/customers/{customer}/sources/{source}"
    stripe_calls[1]["parameters"].append(
        {"name": "EMAIL", "placement": "body"}  # body names are case-sensitive: fine
    )
    stripe_calls[1]["parameters"].append({"name": "email", "placement": "body"})
    stripe_calls[1]["parameters"].append({"name": "email", "placement": "query"})
    stripe_calls[0]["parameters"].append({"name": "unused", "placement": "path"})
    doc["apis"][0]["headers"].append({"name": "stripe-version", "placement": "header"})
    doc["apis"][2]["headers"][0]["value"] = "tenant-secret"
    assert problems_of(doc) == [
        Problem(
            "$.apis[1].name",
            "duplicate API name 'API.STRIPE.COM' (also $.apis[0]): API names must be unique",
        ),
        Problem(
            "$.apis[0].calls[1].name",
            "duplicate call name 'get /v1/customers/{id}' in API 'api.stripe.com' "
            "(also $.apis[0].calls[0]): call names must be unique within an API",
        ),
        Problem(
            "$.apis[0].headers[1].name",
            "duplicate header parameter 'stripe-version' in API 'api.stripe.com' "
            "(also $.apis[0].headers[0]): rename or remove one",
        ),
        Problem(
            "$.apis[0].calls[0].parameters[2]",
            "path parameter 'unused' of call 'GET /v1/customers/{id}' of API "
            "'api.stripe.com' is not used in the path '/v1/customers/{id}': "
            "add {unused} to the path or change its placement",
        ),
        Problem(
            "$.apis[0].calls[1].parameters[3].name",
            "duplicate body parameter 'email' in call 'get /v1/customers/{id}' of API "
            "'api.stripe.com' (also $.apis[0].calls[1].parameters[0]): rename or remove one",
        ),
        Problem(
            "$.apis[0].calls[1].path",
            "placeholder {customer} in call 'get /v1/customers/{id}' of API "
            "'api.stripe.com' has no path parameter: add a parameter 'customer' "
            "with placement 'path'",
        ),
        Problem(
            "$.apis[0].calls[1].path",
            "placeholder {source} in call 'get /v1/customers/{id}' of API "
            "'api.stripe.com' has no path parameter: add a parameter 'source' "
            "with placement 'path'",
        ),
        Problem(
            "$.apis[2].headers[0].value",
            "private values must not be stored in the file: clear the value of "
            "'X-Tenant' and set it in the app",
        ),
    ]


def test_validation_error_message_is_one_line() -> None:
    doc = golden_doc()
    doc["apis"][0]["nmae"] = "x"
    doc["apis"][1]["nmae"] = "x"
    with pytest.raises(WorkspaceValidationError) as info:
        wf.loads(orjson.dumps(doc), source="x.json")
    assert str(info.value) == (
        "x.json: $.apis[0].nmae: unknown key 'nmae' (did you mean 'name'?) (and 1 more); "
        "run 'connector-designer validate' to list all"
    )
    assert len(info.value.problems) == 2


def test_shared_path_parameter_satisfies_a_placeholder() -> None:
    ws = Workspace(
        apis=[
            Api(
                name="A",
                parameters=[Parameter(name="tenant", placement=Placement.PATH)],
                calls=[Call(name="c", path="/{tenant}/items")],
            )
        ]
    )
    assert wf.problems(ws) == []


def test_validate_bytes_reports_parse_errors_at_the_root() -> None:
    assert wf.validate_bytes(b"{", "x.json") == [
        Problem(
            "$",
            "is not valid JSON: line 1, column 2: the file ends too early (was it cut off?); "
            "fix it there or restore a backup",
        )
    ]
    assert wf.validate_bytes(golden_bytes()) == []


def test_load_refuses_a_huge_file(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    with path.open("wb") as f:
        f.truncate(1 << 30)
    with pytest.raises(FileTooLargeError, match="1.0 GB, more than the 64 MB limit"):
        wf.load(path)


# -- migrations --------------------------------------------------------------------------


def test_migration_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    def v0_to_v1(doc: dict[str, Any]) -> dict[str, Any]:
        # A made-up old format: calls had "url" instead of "path".
        for api in doc["apis"]:
            for call in api["calls"]:
                call["path"] = call.pop("url")
        return doc

    monkeypatch.setitem(wf.MIGRATIONS, 0, v0_to_v1)
    old = {
        "format": "connector-designer.workspace",
        "version": 0,
        "apis": [{"name": "A", "calls": [{"name": "c", "url": "/x"}]}],
    }
    ws = wf.loads(orjson.dumps(old))
    assert ws.version == 1
    assert ws.apis[0].calls[0].path == "/x"
    assert wf.migrate(copy.deepcopy(old))["version"] == 1

    # A malformed old document is a workspace error, not a crash in the migration.
    broken = {**old, "apis": [{"name": "A", "calls": [{"name": "c"}]}]}
    with pytest.raises(WorkspaceFormatError, match="could not be upgraded from format version 0"):
        wf.loads(orjson.dumps(broken), source="x.json")


# -- properties --------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_arbitrary_json_only_raises_workspace_errors(value: Any) -> None:
    try:
        wf.loads(orjson.dumps(value))
    except WorkspaceError:
        pass


@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_workspace_errors(data: bytes) -> None:
    try:
        wf.loads(data)
    except WorkspaceError:
        pass


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


GOLDEN_PATHS = _paths(golden_doc())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_documents_only_raise_workspace_errors(data: st.DataObject) -> None:
    doc = golden_doc()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(GOLDEN_PATHS))
        parent: Any = doc
        try:
            for part in path[:-1]:
                parent = parent[part]
            if path and isinstance(parent, dict) and not isinstance(path[-1], str):
                continue  # an earlier mutation made a list into an object: no such key
            if not path:
                doc = data.draw(json_values)
            elif data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    error: WorkspaceError | None = None
    try:
        wf.loads(orjson.dumps(doc))
    except WorkspaceError as exc:
        error = exc
    if error is not None:
        assert "\n" not in str(error)
        for problem in getattr(error, "problems", []):
            assert problem.path.startswith("$")


names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


@st.composite
def parameters(draw: st.DrawFn) -> list[Parameter]:
    drawn = draw(
        st.lists(
            st.builds(
                Parameter,
                name=names,
                value=st.text(max_size=10),
                placement=st.sampled_from([Placement.QUERY, Placement.HEADER, Placement.BODY]),
                dynamic=st.booleans(),
                private=st.booleans(),
                optional=st.booleans(),
                description=st.text(max_size=10),
            ),
            max_size=4,
            unique_by=lambda p: (p.placement, p.name.lower()),
        )
    )
    return drawn


@st.composite
def workspaces(draw: st.DrawFn) -> Workspace:
    def unique_names(n: int) -> list[str]:
        return draw(st.lists(names, min_size=n, max_size=n, unique_by=str.casefold))

    apis = []
    for api_name in unique_names(draw(st.integers(0, 3))):
        calls = [
            Call(
                name=call_name,
                method=draw(st.sampled_from(list(Method))),
                path=draw(
                    st.text(st.characters(codec="utf-8", exclude_characters="{}"), max_size=12)
                ),
                parameters=draw(parameters()),
                body_template=draw(st.text(max_size=20)),
            )
            for call_name in unique_names(draw(st.integers(0, 3)))
        ]
        apis.append(
            Api(
                name=api_name,
                base_url=draw(st.text(max_size=20)),
                auth=draw(st.sampled_from([BearerAuth(), {"type": "basic", "username": "u"}])),
                headers=draw(parameters()),
                calls=calls,
            )
        )
    return Workspace(name=draw(st.text(max_size=10)), apis=apis)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(workspaces())
def test_generated_workspaces_round_trip(ws: Workspace) -> None:
    data = wf.dumps(ws)
    again = wf.loads(data)
    assert wf.dumps(again) == data


def test_a_map_structure_and_a_map_override_round_trip_in_a_version_1_file() -> None:
    from designer.core.inference import infer_value
    from designer.core.models import Call
    from designer.core.structure import FieldOverride, ValueType

    ws = wf.loads(golden_bytes(), source=str(GOLDEN))
    shape = infer_value({"rates": {"USD": 1.1, "GBP": 0.8, "JPY": 160, "CHF": 0.9}, "flags": {}})
    call = Call(
        name="Rates",
        structure=shape,
        overrides={"flags": FieldOverride(type=ValueType.MAP)},
    )
    api = ws.apis[0].model_copy(update={"calls": [*ws.apis[0].calls, call]})
    ws = ws.model_copy(update={"apis": [api, *ws.apis[1:]]})
    data = wf.dumps(ws)
    doc = orjson.loads(data)
    assert doc["version"] == 1
    saved = doc["apis"][0]["calls"][-1]
    assert saved["structure"]["fields"]["rates"]["type"] == "map"
    assert saved["structure"]["fields"]["rates"]["items"]["type"] == "number"
    assert saved["overrides"] == {"flags": {"type": "map"}}
    again = wf.loads(data, source="maps.json")
    assert wf.dumps(again) == data
    assert again.apis[0].calls[-1].structure == shape


def test_a_documented_structure_is_written_once_until_answers_replace_the_structure(
    tmp_path: Path,
) -> None:
    from designer.core.calls.initialize import with_structure
    from designer.core.inference import infer_value
    from designer.core.interop.openapi.importer import import_openapi

    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }
    (api,) = import_openapi(doc, "doc.json").apis
    ws = Workspace(name="W", apis=[api])
    path = tmp_path / "w.json"
    wf.save(ws, path)
    stored = orjson.loads(path.read_bytes())["apis"][0]["calls"][0]
    assert stored["documented"] == "same as structure"
    validator = jsonschema.Draft202012Validator(wf.json_schema())
    validator.validate(orjson.loads(path.read_bytes()))
    loaded = wf.load(path).apis[0].calls[0]
    assert loaded.documented == api.calls[0].structure
    assert loaded.documented is loaded.structure  # read once, not validated twice
    # Initialized: the answer's structure and the documentation are both kept.
    initialized, _ = with_structure(api.calls[0], infer_value({"id": 7, "extra": True}))
    ws.apis[0].calls[0] = initialized
    wf.save(ws, path)
    stored = orjson.loads(path.read_bytes())["apis"][0]["calls"][0]
    assert stored["documented"]["fields"]["id"]["type"] == "text"
    assert stored["structure"]["fields"]["id"]["type"] == "integer"
    validator.validate(orjson.loads(path.read_bytes()))
    back = wf.load(path).apis[0].calls[0]
    assert back.documented is not None
    assert back.structure is not None
    assert "extra" not in (back.documented.fields or {})
