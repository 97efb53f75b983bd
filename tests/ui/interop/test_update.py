"""Update from Source… in the window: preview call by call, conflicts chosen, one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

from designer.core.interop.service import merge_import, read_import
from designer.core.interop.sync import relative_location
from designer.core.workspace import file as workspace_file
from designer.ui.editing.commands import EditCall
from designer.ui.editing.edits import Item
from designer.ui.interop import update_flow
from tests.core.interop.test_sync import PETSTORE
from tests.helpers.interop_gui import WORKER_TIMEOUT, choose_file

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(not PETSTORE.is_file(), reason="the public spec corpus is not there"),
]


def _write(path: Path, *, limit_required: bool = False, limit_text: str = "") -> None:
    doc = yaml.safe_load(PETSTORE.read_text())
    limit = doc["paths"]["/pets"]["get"]["parameters"][1]
    limit["required"] = limit_required
    if limit_text:
        limit["description"] = limit_text
    if limit_required:
        del doc["paths"]["/pets/{id}"]["delete"]
    path.write_text(yaml.safe_dump(doc))


@pytest.fixture
def imported(window, tmp_path: Path):
    """The window on a saved workspace whose one API was imported from a spec beside it."""
    spec, saved = tmp_path / "petstore.yaml", tmp_path / "ws.json"
    _write(spec)
    result = read_import(spec.read_bytes(), str(spec), base=str(spec))
    for api in result.result.apis:
        assert api.source is not None
        api.source.location = relative_location(api.source.location, str(saved))
    workspace_file.save(merge_import(None, result).outcome.workspace, saved)
    window.files.load(saved, ask=False)
    api = window.doc.workspace.apis[0]
    window.tree.select(Item("api", api.id))
    return spec, api


def _limit(window):
    calls = window.doc.workspace.apis[0].calls
    return next(p for c in calls for p in c.parameters if p.name == "limit")


def _open_preview(window, qtbot):
    with qtbot.waitSignal(window.updater.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        window.actions.update_from_source.trigger()
    return blocker.args[0]


def test_update_from_source_previews_then_applies_as_one_undo_step(
    window, qtbot, loop, imported
) -> None:
    spec, api = imported
    assert window.actions.update_from_source.isEnabled()
    _write(spec, limit_required=True)
    before = workspace_file.dumps(window.doc.workspace)

    dialog = _open_preview(window, qtbot)

    assert "1 call changed" in dialog.findChild(QLabel, "updateSummary").text()
    rows = {
        dialog.changes.topLevelItem(i).text(0): dialog.changes.topLevelItem(i)
        for i in range(dialog.changes.topLevelItemCount())
    }
    assert rows["findPets"].child(0).text(1) == "parameter 'limit' now required"
    assert rows["deletePet"].text(1).startswith("Gone from the source")
    assert workspace_file.dumps(window.doc.workspace) == before  # nothing before Update

    dialog.findChild(QPushButton, "updateButton").click()

    assert _limit(window).optional is False
    gone = next(c for c in window.doc.workspace.apis[0].calls if c.name == "deletePet")
    assert gone.origin is not None
    assert gone.origin.gone
    model = window.tree.model
    api_index = model.index(0, 0)
    rows_in_tree = [model.index(r, 0, api_index) for r in range(model.rowCount(api_index))]
    struck = [i for i in rows_in_tree if model.data(i, 6) and model.data(i, 6).strikeOut()]
    assert [model.data(i) for i in struck] == ["deletePet"]
    assert "Gone from the API's source document" in model.data(struck[0], 3)

    window.actions.undo.trigger()  # one step takes the whole update back
    assert workspace_file.dumps(window.doc.workspace) == before


def test_a_conflict_is_offered_and_the_users_choice_is_applied(
    window, qtbot, loop, imported
) -> None:
    spec, _ = imported
    api = window.doc.workspace.apis[0]
    call = next(c for c in api.calls for p in c.parameters if p.name == "limit")
    params = [
        p.model_copy(update={"description": "ours"}) if p.name == "limit" else p
        for p in call.parameters
    ]
    window.doc.undo_stack.push(
        EditCall(window.doc, call, call.model_copy(update={"parameters": params}))
    )
    _write(spec, limit_text="theirs")

    dialog = _open_preview(window, qtbot)
    (choice,) = dialog.findChildren(QCheckBox, "conflictChoice")
    assert "take the document's" in choice.text()
    assert "'theirs'" in choice.text()
    choice.setChecked(True)
    dialog.accept()

    assert _limit(window).description == "theirs"


def test_a_missing_source_asks_for_the_new_version(
    window, qtbot, loop, imported, tmp_path, monkeypatch
) -> None:
    spec, _ = imported
    moved = tmp_path / "next" / "petstore-v2.yaml"
    moved.parent.mkdir()
    _write(moved, limit_required=True)
    spec.unlink()
    choose_file(monkeypatch, moved)

    dialog = _open_preview(window, qtbot)
    dialog.accept()

    assert _limit(window).optional is False


def test_a_document_that_cannot_be_read_changes_nothing(
    window, qtbot, loop, imported, monkeypatch
) -> None:
    spec, _ = imported
    spec.write_text("openapi: [unclosed")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(update_flow, "show_error", lambda _w, t, m: shown.append((t, m)))
    before = workspace_file.dumps(window.doc.workspace)

    window.actions.update_from_source.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WORKER_TIMEOUT)

    (title, text) = shown[0]
    assert title == "Could not update from source"
    assert text.endswith("Nothing was changed.")
    assert workspace_file.dumps(window.doc.workspace) == before


def test_an_import_in_the_app_remembers_its_source_beside_the_workspace(
    window, qtbot, loop, tmp_path, monkeypatch
) -> None:
    from tests.helpers.interop_gui import open_preview

    saved = tmp_path / "ws.json"
    workspace_file.save(window.doc.workspace, saved)
    window.files.load(saved, ask=False)
    spec = tmp_path / "specs" / "petstore.yaml"
    spec.parent.mkdir()
    _write(spec)

    dialog = open_preview(window, qtbot, monkeypatch, spec)
    dialog.import_button.click()

    (api,) = [a for a in window.doc.workspace.apis if a.source is not None]
    assert api.source.location == "specs/petstore.yaml"
