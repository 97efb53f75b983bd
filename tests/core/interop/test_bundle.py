"""Bundles: deterministic, secret-free, checked completely on import, merged per API."""

from __future__ import annotations

import jsonschema
import orjson
import pytest

from designer.core.errors import (
    BundleIntegrityError,
    ImportFormatError,
    ImportVersionError,
    WorkspaceValidationError,
)
from designer.core.interop.bundle import (
    MAX_SAMPLE_SIZE,
    SAMPLES_WARNING,
    SampleResponse,
    bundle_json_schema,
    checksum,
    export_bundle,
    import_bundle,
)
from designer.core.interop.merge import OnConflict, merge_apis, plan_merge
from designer.core.interop.service import merge_import, read_import
from designer.core.models import Workspace
from designer.core.structure import ValueType
from designer.core.workspace import file as workspace_file
from tests.core.interop.conftest import rich_workspace
from tests.helpers.sync_records import without_sync_records


def _without_samples(ws: Workspace) -> bytes:
    doc = orjson.loads(workspace_file.dumps(ws))
    for api in doc["apis"]:
        api.pop("source", None)
        for call in api["calls"]:
            call.pop("origin", None)
            stack = [call["structure"]] if call["structure"] else []
            while stack:
                node = stack.pop()
                node.pop("samples", None)
                stack += list(node.get("fields", {}).values()) + node.get("variants", [])
                stack += [node[k] for k in ("items", "embedded") if k in node]
    return orjson.dumps(doc)


def test_bundle_is_deterministic_and_valid(rich: Workspace) -> None:
    first = export_bundle(rich)
    assert first == export_bundle(rich.model_copy(deep=True))
    doc = orjson.loads(first)
    assert list(doc) == ["format", "version", "checksum", "content"]
    assert (doc["format"], doc["version"]) == ("connector-designer.bundle", 1)
    assert doc["checksum"] == checksum(doc["content"])
    jsonschema.validate(doc, bundle_json_schema())
    assert first.endswith(b"}\n")


def test_bundle_never_holds_secrets(rich: Workspace) -> None:
    # A private value forced into the model must not reach the file.
    rich.apis[0].calls[2].parameters[2].value = "sig-SECRET-1"
    data = export_bundle(rich, secret_values=["sig-SECRET-1"])
    assert b"sig-SECRET-1" not in data
    manifest = orjson.loads(data)["content"]["secrets"]
    assert [(s["env"], s["field"], s["call"]) for s in manifest] == [
        ("CD_SECRET_SHOP_AUTH_TOKEN", "auth.token", None),
        ("CD_SECRET_SHOP_CREATE_ORDER_PARAM_X_SIGNATURE", "param.X-Signature", "Create order"),
        ("CD_SECRET_CRM_AUTH_KEY", "auth.key", None),
        ("CD_SECRET_LEGACY_AUTH_PASSWORD", "auth.password", None),
    ]
    assert manifest[3]["description"] == "The password of user 'robot' of API 'Legacy'"


def test_round_trip_with_samples_is_equal(rich: Workspace) -> None:
    data = export_bundle(rich, include_samples=True)
    imported = read_import(data, "team.bundle.json")
    merged = merge_import(None, imported)
    assert without_sync_records(merged.outcome.workspace.apis) == rich.apis
    assert {a.source.format for a in merged.outcome.workspace.apis if a.source} == {"bundle"}
    assert imported.result.notes == [SAMPLES_WARNING]
    assert [s.env for s in imported.required][0] == "CD_SECRET_SHOP_AUTH_TOKEN"


def test_round_trip_without_samples_drops_only_response_values(rich: Workspace) -> None:
    data = export_bundle(rich)
    assert b'ana@example.com"' not in data.split(b'"structure"', 1)[1].split(b"]", 1)[0]
    ws = merge_import(None, read_import(data, "b.json")).outcome.workspace
    ws.id, ws.name = rich.id, rich.name
    assert _without_samples(ws) == _without_samples(rich)
    # The values the user typed (parameter samples) stay; only response values go.
    assert ws.apis[0].calls[0].parameters[0].value == "1"
    assert ws.apis[0].calls[0].structure is not None
    assert ws.apis[0].calls[0].structure.type is ValueType.OBJECT


def test_samples_are_capped_and_redacted(rich: Workspace) -> None:
    call = rich.apis[0].calls[0]
    body = '{"token": "tok-123", "pad": "' + "x" * (MAX_SAMPLE_SIZE * 2) + '"}'
    data = export_bundle(
        rich,
        include_samples=True,
        samples={call.id: SampleResponse("application/json", body)},
        secret_values=["tok-123", "ana@example.com"],
    )
    content = orjson.loads(data)["content"]
    (sample,) = content["samples"]["responses"]
    assert sample["truncated"] is True
    assert len(sample["body"].encode()) <= MAX_SAMPLE_SIZE
    assert "tok-123" not in sample["body"]
    assert content["samples"]["warning"] == SAMPLES_WARNING
    structure = orjson.dumps(content["apis"][0]["calls"][0]["structure"])
    assert b"ana@example.com" not in structure
    assert b"bo@example.com" in structure
    imported = read_import(data, "b.json")
    assert imported.samples[f"{rich.apis[0].id}/{call.id}"].body == sample["body"]


def _tampered(change: object) -> bytes:
    doc = orjson.loads(export_bundle(rich_workspace()))
    change(doc)  # type: ignore[operator]
    return orjson.dumps(doc)


def _rechecked(change: object) -> bytes:
    doc = orjson.loads(export_bundle(rich_workspace()))
    change(doc)  # type: ignore[operator]
    doc["checksum"] = checksum(doc["content"])
    return orjson.dumps(doc)


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        (
            _tampered(lambda d: d["content"]["apis"][0].update(base_url="https://evil.example")),
            BundleIntegrityError,
            "b.json: $.checksum: does not match the content",
        ),
        (_tampered(lambda d: d.update(version=2)), ImportVersionError, "$.version: the bundle is"),
        (_tampered(lambda d: d.pop("checksum")), ImportFormatError, "$.checksum: required"),
        (
            _rechecked(lambda d: d["content"]["apis"][0].update(name=5)),
            ImportFormatError,
            "b.json: $.content.apis[0].name: must be text, not a number",
        ),
        (
            _rechecked(lambda d: d["content"]["apis"][1].update(name="shop")),
            ImportFormatError,
            "$.content.apis[1].name: duplicate API name 'shop'",
        ),
        (
            _rechecked(
                lambda d: d["content"]["apis"][0]["calls"][2]["parameters"][2].update(value="x")
            ),
            ImportFormatError,
            "private values must not be stored",
        ),
        (
            _rechecked(lambda d: d["content"]["secrets"][0].update(ref="nope/auth.token")),
            ImportFormatError,
            "$.content.secrets[0].ref: names no API of the bundle",
        ),
        (
            _rechecked(lambda d: d["content"].update(apis={})),
            ImportFormatError,
            "$.content.apis: must be a list, not an object",
        ),
    ],
)
def test_bad_bundles_are_one_line_errors(data: bytes, error: type[Exception], text: str) -> None:
    with pytest.raises(error) as caught:
        read_import(data, "b.json")
    assert text in str(caught.value)
    assert "\n" not in str(caught.value)


def test_conflicts_replace_keep_both_skip(rich: Workspace) -> None:
    imported = read_import(export_bundle(rich, rich.apis[:2]), "b.json").result.apis
    existing = rich.model_copy(deep=True)
    plan = plan_merge(existing, imported, {"Shop": OnConflict.REPLACE, "CRM": OnConflict.SKIP})
    assert [(p.name, p.action.value, p.final_name) for p in plan] == [
        ("Shop", "replace", "Shop"),
        ("CRM", "skip", "CRM"),
    ]
    both = merge_apis(existing, imported, OnConflict.KEEP_BOTH)
    assert [a.name for a in both.workspace.apis] == ["Shop", "CRM", "Legacy", "Shop (2)", "CRM (2)"]
    ids = [a.id for a in both.workspace.apis] + [c.id for a in both.workspace.apis for c in a.calls]
    assert len(ids) == len(set(ids))
    assert both.summary() == "Added 2 APIs, 2 of them renamed"
    assert existing == rich  # inputs are never modified
    replaced = merge_apis(existing, imported, OnConflict.REPLACE)
    assert [a.name for a in replaced.workspace.apis] == ["Shop", "CRM", "Legacy"]
    assert replaced.workspace.apis[0].id == rich.apis[0].id
    skipped = merge_apis(existing, imported, OnConflict.SKIP)
    assert skipped.workspace == existing


def test_replace_keeps_the_ids_that_secrets_hang_on(rich: Workspace) -> None:
    other = rich_workspace()  # same names, new ids
    merged = merge_import(rich, read_import(export_bundle(other), "b.json"), OnConflict.REPLACE)
    assert [a.id for a in merged.outcome.workspace.apis] == [a.id for a in rich.apis]
    refs = [s.ref for s in merged.required]
    assert refs[0] == f"{rich.apis[0].id}/auth.token"
    assert refs[1] == f"{rich.apis[0].id}/{rich.apis[0].calls[2].id}/param.X-Signature"


def test_merge_refuses_an_unsound_result(rich: Workspace) -> None:
    broken = rich.apis[0].model_copy(deep=True)
    broken.calls[1].path = "/orders/{nope}"
    with pytest.raises(WorkspaceValidationError, match="placeholder"):
        merge_apis(Workspace(), [broken])


def test_bundle_of_chosen_apis(rich: Workspace) -> None:
    doc = orjson.loads(export_bundle(rich, [rich.apis[1]]))
    assert [a["name"] for a in doc["content"]["apis"]] == ["CRM"]
    assert doc["content"]["name"] == "Rich"


def test_import_bundle_needs_an_object() -> None:
    with pytest.raises(ImportVersionError, match="not a Connector Designer bundle"):
        import_bundle({"format": "other"}, "b.json")


def test_a_map_travels_in_a_bundle(rich: Workspace) -> None:
    data = export_bundle(rich)
    jsonschema.validate(orjson.loads(data), bundle_json_schema())
    ws = merge_import(None, read_import(data, "b.json")).outcome.workspace
    structure = ws.apis[0].calls[0].structure
    assert structure is not None
    assert structure.fields is not None
    rates = structure.fields["totals_by_currency"]
    assert rates.type is ValueType.MAP
    assert rates.items is not None
    assert rates.items.type is ValueType.NUMBER


def test_a_bundle_says_which_environment_variables_its_apis_read() -> None:
    from designer.core.interop.bundle import export_bundle, import_bundle
    from designer.core.models import Api, BearerAuth, Workspace

    api = Api(
        name="AI",
        base_url="https://api.ai.example",
        auth=BearerAuth(),
        secret_variables={"auth.token": "OPENAI_API_KEY"},
    )
    data = export_bundle(Workspace(apis=[api]))
    contents = import_bundle(orjson.loads(data), "ai.bundle.json")
    assert contents.result.apis[0].secret_variables == {"auth.token": "OPENAI_API_KEY"}
    assert [s["env"] for s in contents.manifest] == ["OPENAI_API_KEY"]
    assert any("OPENAI_API_KEY" in note for note in contents.result.notes)
