"""Updating an API from its source's next version keeps the user's work (a real vendor spec).

Version 1 is the published document in the corpus, as it is; version 2 is written
here the way vendors change their specs: an operation added, one removed, a
parameter renamed and another made required, a response field added.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from designer.core.inference import infer_value
from designer.core.interop.service import Imported, merge_import, read_import
from designer.core.interop.sync import relative_location, resolve_location, update_api
from designer.core.models import Api, Call, Environment, Parameter, Placement, Workspace
from designer.core.structure import FieldOverride, ValueType
from designer.core.workspace import file as workspace_file

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "realworld"
PETSTORE = CORPUS / "v3.0_petstore-expanded.yaml"

pytestmark = pytest.mark.skipif(
    not PETSTORE.is_file(), reason=f"the public spec corpus is not at {CORPUS}"
)


def _v1() -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(PETSTORE.read_text())
    return doc


def _v2() -> dict[str, Any]:
    doc = copy.deepcopy(_v1())
    paths = doc["paths"]
    # Removed: DELETE /pets/{id}.
    del paths["/pets/{id}"]["delete"]
    # Added: GET /pets/{id}/vaccinations.
    paths["/pets/{id}/vaccinations"] = {
        "get": {
            "operationId": "listVaccinations",
            "summary": "List vaccinations",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
            "responses": {"200": {"description": "ok"}},
        }
    }
    find = paths["/pets"]["get"]
    # Renamed: tags → tag; made required: limit.
    find["parameters"][0]["name"] = "tag"
    find["parameters"][1]["required"] = True
    # A response field added to every Pet.
    doc["components"]["schemas"]["NewPet"]["properties"]["microchip"] = {"type": "string"}
    return doc


def _read(path: Path, doc: dict[str, Any]) -> Imported:
    data = yaml.safe_dump(doc, sort_keys=False).encode()
    path.write_bytes(data)
    return read_import(data, str(path), base=str(path))


def _call(api: Api, operation: str) -> Call:
    (call,) = [c for c in api.calls if c.origin is not None and c.origin.key == operation]
    return call


def _param(call: Call, name: str) -> Parameter:
    (parameter,) = [p for p in call.parameters if p.name == name]
    return parameter


@pytest.fixture
def worked_on(tmp_path: Path) -> tuple[Workspace, Path]:
    """Version 1 imported, then worked on as a connector builder does."""
    spec = tmp_path / "petstore.yaml"
    ws = merge_import(None, _read(spec, _v1())).outcome.workspace
    (api,) = ws.apis
    find = _call(api, "operation:findPets")
    _param(find, "tags").value = "dogs"  # renamed in v2: the sample follows it
    _param(find, "limit").value = "7"
    _param(find, "limit").dynamic = False
    find.parameters.append(Parameter(name="X-Trace", placement=Placement.HEADER, value="t1"))
    by_id = _call(api, "operation:find pet by id")
    by_id.name = "Get a pet"  # the user's name for it
    by_id.structure = infer_value({"id": 1, "name": "Rex", "tag": "dog", "seen": 3})
    by_id.overrides["tag"] = FieldOverride(include=False)
    add = _call(api, "operation:addPet")
    add.overrides["name"] = FieldOverride(type=ValueType.TEXT, label="Pet name")
    api.environments.append(Environment(name="staging", base_url="https://staging.example"))
    api.calls.append(Call(name="Health", path="/health"))  # added by hand
    return ws, spec


def test_update_keeps_the_users_work_and_takes_the_documents(
    worked_on: tuple[Workspace, Path],
) -> None:
    ws, spec = worked_on
    (before,) = ws.apis
    incoming = _read(spec, _v2()).result.apis[0]
    api, report = update_api(before, incoming)

    # What the document owns is updated.
    find = _call(api, "operation:findPets")
    assert [p.name for p in find.parameters] == ["tag", "limit", "X-Trace"]
    assert _param(find, "limit").optional is False  # newly required
    added = _call(api, "operation:listVaccinations")
    assert added.path == "/pets/{id}/vaccinations"
    assert not added.origin.gone
    add = _call(api, "operation:addPet")
    assert add.origin is not None
    assert "microchip" in {p.name for p in add.parameters}  # the request body's new field
    # What the user owns is kept.
    assert _param(find, "tag").value == "dogs"  # the renamed parameter kept its sample
    assert _param(find, "limit").value == "7"
    assert _param(find, "limit").dynamic is False
    assert _param(find, "X-Trace").value == "t1"  # hand-added parameter
    by_id = _call(api, "operation:find pet by id")
    assert by_id.name == "Get a pet"
    assert by_id.structure is not None
    assert set(by_id.structure.fields) == {
        "id",
        "name",
        "tag",
        "seen",
    }
    assert by_id.overrides == {"tag": FieldOverride(include=False)}
    # The new documented structure shows beside the user's (for the Against spec tab).
    assert by_id.documented is not None
    assert "microchip" in by_id.documented.fields
    assert add.overrides["name"].label == "Pet name"
    assert [e.name for e in api.environments] == ["staging"]
    assert any(c.name == "Health" and c.origin is None for c in api.calls)
    assert api.id == before.id
    assert {c.id for c in before.calls} <= {c.id for c in api.calls}
    # Gone from the document: kept, marked, listed.
    deleted = _call(api, "operation:deletePet")
    assert deleted.origin is not None
    assert deleted.origin.gone is True
    kinds = {(c.call, c.kind) for c in report.calls}
    assert ("deletePet", "gone") in kinds
    assert ("List vaccinations", "added") in kinds
    (changed,) = [c for c in report.calls if c.call == "findPets"]
    assert "parameter 'tags' renamed 'tag'" in changed.details
    assert "parameter 'limit' now required" in changed.details
    assert report.conflicts == []
    assert "the documented response changed; your structure is kept" in " ".join(report.notes)
    # The result is a sound workspace.
    assert workspace_file.problems(ws.model_copy(update={"apis": [api]})) == []


def test_updating_twice_from_the_same_document_changes_nothing_the_second_time(
    worked_on: tuple[Workspace, Path],
) -> None:
    ws, spec = worked_on
    once, _ = update_api(ws.apis[0], _read(spec, _v2()).result.apis[0])
    twice, report = update_api(once, _read(spec, _v2()).result.apis[0])
    dump = workspace_file.dumps
    assert dump(Workspace(id="w", apis=[twice])) == dump(Workspace(id="w", apis=[once]))
    assert not report.changes_anything
    assert report.unchanged == len(once.calls)


def test_a_change_made_on_both_sides_is_a_conflict_until_the_user_chooses(
    worked_on: tuple[Workspace, Path],
) -> None:
    ws, spec = worked_on
    find = _call(ws.apis[0], "operation:findPets")
    _param(find, "limit").description = "at most this many (ours)"
    v2 = _v2()
    v2["paths"]["/pets"]["get"]["parameters"][1]["description"] = "page size (theirs)"
    api, report = update_api(ws.apis[0], _read(spec, v2).result.apis[0])
    (conflict,) = report.conflicts
    assert conflict.call == "findPets"
    assert conflict.facet == "parameter 'limit'"
    assert "(ours)" in conflict.mine
    assert "(theirs)" in conflict.theirs
    assert _param(_call(api, "operation:findPets"), "limit").description.endswith("(ours)")
    # Asked again next time, and nothing else changes.
    again, report = update_api(api, _read(spec, v2).result.apis[0])
    assert len(report.conflicts) == 1
    assert workspace_file.dumps(Workspace(id="w", apis=[again])) == workspace_file.dumps(
        Workspace(id="w", apis=[api])
    )
    # The user takes the document's version.
    choice = {("findPets", "parameter 'limit'")}
    chosen, report = update_api(again, _read(spec, v2).result.apis[0], prefer_document=choice)
    assert report.conflicts == []
    limit = _param(_call(chosen, "operation:findPets"), "limit")
    assert limit.description == "page size (theirs)"
    assert limit.value == "7"


def test_a_call_is_matched_by_method_and_path_when_it_has_no_operation_id(
    tmp_path: Path,
) -> None:
    v1 = _v1()
    for ops in v1["paths"].values():
        for op in ops.values():
            op.pop("operationId", None)
    spec = tmp_path / "petstore.yaml"
    (api,) = merge_import(None, _read(spec, v1)).outcome.workspace.apis
    by_id = next(c for c in api.calls if c.method == "GET" and c.path == "/pets/{id}")
    by_id.name = "Mine"
    v2 = copy.deepcopy(v1)
    v2["paths"]["/pets/{id}"]["get"]["description"] = "Returns one pet, now documented."
    updated, report = update_api(api, _read(spec, v2).result.apis[0])
    call = next(c for c in updated.calls if c.id == by_id.id)
    assert call.name == "Mine"
    assert call.description == "Returns one pet, now documented."
    assert [c.kind for c in report.calls] == ["changed"]


def test_the_source_is_remembered_beside_the_workspace_never_with_credentials(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "specs" / "petstore.yaml"
    spec.parent.mkdir()
    imported = _read(spec, _v1())
    (api,) = imported.result.apis
    assert api.source is not None
    assert api.source.format == "openapi"
    assert api.source.location == str(spec)
    workspace = tmp_path / "ws.json"
    relative = relative_location(api.source.location, str(workspace))
    assert relative == "specs/petstore.yaml"
    assert resolve_location(relative, str(workspace)) == str(spec)
    elsewhere = tmp_path.parent / "other.yaml"
    assert relative_location(str(elsewhere), str(workspace)) == str(elsewhere)
    assert len(api.source.fingerprint) == 16
    saved = orjson.loads(workspace_file.dumps(Workspace(apis=[api])))
    assert saved["apis"][0]["source"]["location"] == str(spec)
    assert saved["apis"][0]["calls"][0]["origin"]["key"].startswith("operation:")


CONDUIT = CORPUS / "realworld_Conduit.postman_collection.json"


@pytest.mark.skipif(not CONDUIT.is_file(), reason=f"the public corpus is not at {CORPUS}")
def test_a_postman_request_is_matched_by_its_place_in_the_folders(tmp_path: Path) -> None:
    v1 = orjson.loads(CONDUIT.read_bytes())
    path = tmp_path / "conduit.json"
    path.write_bytes(orjson.dumps(v1))
    imported = read_import(path.read_bytes(), str(path), base=str(path))
    ws = merge_import(None, imported).outcome.workspace
    api = next(a for a in ws.apis if any(c.name == "Current User" for c in a.calls))
    mine = next(c for c in api.calls if c.name == "Current User")
    assert mine.origin is not None
    assert mine.origin.key == "request:Auth/Current User"
    mine.name = "Me"  # renamed here: still the same request
    v2 = copy.deepcopy(v1)
    auth = next(i for i in v2["item"] if i["name"] == "Auth")
    current = next(i for i in auth["item"] if i["name"] == "Current User")
    current["request"]["description"] = "The signed-in user, as of version 2."
    path.write_bytes(orjson.dumps(v2))
    (incoming,) = [
        a
        for a in read_import(path.read_bytes(), str(path), base=str(path)).result.apis
        if a.name == api.name
    ]
    updated, report = update_api(api, incoming)
    call = next(c for c in updated.calls if c.id == mine.id)
    assert (call.name, call.description) == ("Me", "The signed-in user, as of version 2.")
    assert [(c.call, c.kind) for c in report.calls] == [("Me", "changed")]
    assert len(updated.calls) == len(api.calls)


def test_a_teammates_next_bundle_updates_calls_by_their_ids(tmp_path: Path) -> None:
    from designer.core.interop.bundle import export_bundle
    from tests.core.interop.conftest import rich_workspace

    sender = rich_workspace()
    path = tmp_path / "team.bundle.json"
    path.write_bytes(export_bundle(sender, sender.apis[:1]))
    mine = merge_import(None, read_import(path.read_bytes(), str(path), base=str(path)))
    (api,) = mine.outcome.workspace.apis
    assert api.calls[0].origin is not None
    assert api.calls[0].origin.key == f"call:{sender.apis[0].calls[0].id}"
    api.calls[0].name = "Renamed by me"
    sender.apis[0].calls[0].description = "Now documented by the sender."
    path.write_bytes(export_bundle(sender, sender.apis[:1]))
    incoming = read_import(path.read_bytes(), str(path), base=str(path)).result.apis[0]
    updated, report = update_api(api, incoming)
    assert updated.calls[0].name == "Renamed by me"
    assert updated.calls[0].description == "Now documented by the sender."
    assert [(c.call, c.kind) for c in report.calls] == [("Renamed by me", "changed")]
