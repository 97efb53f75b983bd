"""File ▸ Import… end to end: preview, conflicts, secrets, cancel, errors, undo, drops."""

from __future__ import annotations

import orjson
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel, QLineEdit

from designer.core.interop.merge import OnConflict
from designer.core.workspace import file as workspace_file
from designer.ui.interop.curl_dialog import CurlDialog
from tests.helpers.interop_gui import (
    DATA,
    WORKER_TIMEOUT,
    choose_file,
    open_preview,
    tree_names,
)

pytestmark = pytest.mark.gui

BUNDLE = DATA / "shop.bundle.json"


def _snapshot(window) -> bytes:
    return workspace_file.dumps(window.doc.workspace)


def test_file_menu_offers_import_and_export(window) -> None:
    texts = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert {"&Import…", "Import c&URL Command…", "&Export…"} <= set(texts)
    assert window.actions.import_.shortcut().toString() == "Ctrl+I"


def test_import_openapi_previews_then_adds_the_api(window, qtbot, loop, monkeypatch) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, DATA / "petstore-3.0.yaml")
    assert dialog.objectName() == "importPreview"
    assert dialog.isVisible()
    api_item = dialog.tree.topLevelItem(0)
    assert api_item.text(0) == "Pet Shop"
    assert api_item.childCount() == 4
    assert api_item.text(2) == "Added"
    # The operation with its own security requirement is an API of its own.
    assert dialog.tree.topLevelItem(1).text(0) == "Pet Shop (apiKey)"
    assert dialog.tree.topLevelItem(1).childCount() == 1
    assert not dialog.choice_boxes  # no conflict with the small workspace
    assert list(dialog.secret_fields) == [
        "CD_SECRET_PET_SHOP_AUTH_TOKEN",
        "CD_SECRET_PET_SHOP_APIKEY_AUTH_KEY",
    ]
    notes = dialog.findChild(QGroupBox, "importNotes").findChild(QLabel)
    assert "TRACE operations are not imported" in notes.text()
    before = window.doc.undo_stack.count()

    dialog.import_button.click()

    assert tree_names(window) == ["Shop", "Weather", "Pet Shop", "Pet Shop (apiKey)"]
    pets = window.doc.workspace.apis[2]
    assert len(pets.calls) == 4
    assert window.tree.current_item().id == pets.id
    assert window.doc.undo_stack.count() == before + 1
    assert "Imported 5 calls from petstore-3.0.yaml" in window.statusBar().currentMessage()


def test_a_conflict_is_marked_with_keep_both_by_default(window, qtbot, loop, monkeypatch) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    assert list(dialog.choice_boxes) == ["Shop"]
    shop = dialog.tree.topLevelItem(0)
    assert "already in the workspace" in shop.toolTip(0)
    assert shop.icon(0).name() == "triangle-alert"  # the warning of the app's icon set
    assert dialog.choices() == {"Shop": OnConflict.KEEP_BOTH}
    assert shop.text(2) == "Added as “Shop (2)”"
    assert dialog.tree.topLevelItem(1).text(2) == "Added"


def test_secret_variables_follow_the_rename(window, qtbot, loop, monkeypatch) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    token = next(f for env, f in dialog.secret_fields.items() if env.endswith("SHOP_AUTH_TOKEN"))
    assert token.toolTip().endswith("Supplied elsewhere as CD_SECRET_SHOP_2_AUTH_TOKEN")
    dialog.set_choice("Shop", OnConflict.REPLACE)
    assert token.toolTip().endswith("Supplied elsewhere as CD_SECRET_SHOP_AUTH_TOKEN")
    # A value entered under the old name reaches the renamed API's secret.
    dialog.set_choice("Shop", OnConflict.KEEP_BOTH)
    token.setText("entered-t0ken")
    dialog.import_button.click()
    renamed = next(a for a in window.doc.workspace.apis if a.name == "Shop (2)")
    from designer.core.models import secret_ref

    assert window.secrets.get(secret_ref(renamed, "auth.token")) == "entered-t0ken"


@pytest.mark.parametrize(
    ("choice", "names", "shop_calls"),
    [
        (OnConflict.KEEP_BOTH, ["Shop", "Weather", "Shop (2)", "CRM"], 3),
        (OnConflict.REPLACE, ["Shop", "Weather", "CRM"], 3),
        (OnConflict.SKIP, ["Shop", "Weather", "CRM"], 3),
    ],
)
def test_conflict_choice_decides_the_merge(
    window, qtbot, loop, monkeypatch, choice, names, shop_calls
) -> None:
    old_shop = window.doc.workspace.apis[0]
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    dialog.set_choice("Shop", choice)
    dialog.import_button.click()

    assert tree_names(window) == names
    shop = window.doc.workspace.apis[0]
    if choice is OnConflict.REPLACE:
        assert shop.id == old_shop.id  # secrets set for it keep working
        assert [c.name for c in shop.calls] == ["List orders", "Get order", "Create order"]
        assert shop.description == "The shop's public API"
    else:
        assert shop == old_shop


def test_skipped_api_disables_its_secrets_and_import_when_all_skipped(
    window, qtbot, loop, monkeypatch
) -> None:
    window.doc.workspace.apis[1].name = "CRM"  # both imported APIs now conflict
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    assert set(dialog.choice_boxes) == {"Shop", "CRM"}
    dialog.set_choice("Shop", OnConflict.SKIP)
    assert dialog.tree.topLevelItem(0).text(2) == "Skipped"
    assert not dialog.secret_fields["CD_SECRET_SHOP_AUTH_TOKEN"].isEnabled()
    assert dialog.import_button.isEnabled()
    dialog.set_choice("CRM", OnConflict.SKIP)
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_secrets_entered_are_stored_masked_under_the_final_refs(
    window, qtbot, loop, monkeypatch, secrets
) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    field = dialog.secret_fields["CD_SECRET_SHOP_AUTH_TOKEN"]
    assert field.echoMode() == QLineEdit.EchoMode.Password
    field.reveal_action.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    field.reveal_action.trigger()
    qtbot.keyClicks(field, "tok-123")
    dialog.import_button.click()

    shop2 = window.doc.workspace.apis[2]
    assert shop2.name == "Shop (2)"
    assert secrets.get(f"{shop2.id}/auth.token") == "tok-123"
    assert "tok-123" not in _snapshot(window).decode()


def test_secrets_found_in_the_document_are_filled_in_and_stored(
    window, qtbot, loop, monkeypatch, secrets
) -> None:
    dialog = open_preview(window, qtbot, monkeypatch, DATA / "helpdesk.postman_collection.json")
    field = dialog.secret_fields["CD_SECRET_TICKETS_AUTH_TOKEN"]
    assert field.text()
    assert field.echoMode() == QLineEdit.EchoMode.Password
    found = field.text()
    dialog.import_button.click()
    tickets = next(a for a in window.doc.workspace.apis if a.name == "Tickets")
    assert secrets.get(f"{tickets.id}/auth.token") == found


def test_cancel_changes_nothing(window, qtbot, loop, monkeypatch, secrets) -> None:
    before, undo = _snapshot(window), window.doc.undo_stack.count()
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    qtbot.keyClicks(dialog.secret_fields["CD_SECRET_SHOP_AUTH_TOKEN"], "tok-123")
    dialog.reject()
    assert _snapshot(window) == before
    assert window.doc.undo_stack.count() == undo
    assert len(secrets) == 0
    assert "cancelled" in window.statusBar().currentMessage()


def test_undo_reverts_the_whole_import_and_redo_repeats_it(
    window, qtbot, loop, monkeypatch
) -> None:
    before = _snapshot(window)
    dialog = open_preview(window, qtbot, monkeypatch, BUNDLE)
    dialog.set_choice("Shop", OnConflict.REPLACE)
    dialog.import_button.click()
    after = _snapshot(window)
    assert after != before

    window.actions.undo.trigger()
    assert _snapshot(window) == before
    assert tree_names(window) == ["Shop", "Weather"]
    window.actions.redo.trigger()
    assert _snapshot(window) == after
    assert tree_names(window) == ["Shop", "Weather", "CRM"]


def _tampered_bundle(tmp_path):
    doc = orjson.loads(BUNDLE.read_bytes())
    doc["content"]["apis"][0]["base_url"] = "https://evil.example"
    path = tmp_path / "tampered.bundle.json"
    path.write_bytes(orjson.dumps(doc))
    return path


def _truncated(tmp_path):
    path = tmp_path / "cut.json"
    path.write_bytes(b'{"openapi": "3.1.0", "info"')
    return path


def _yaml_bomb(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _unknown(tmp_path):
    path = tmp_path / "notes.json"
    path.write_text('{"hello": "world"}')
    return path


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_tampered_bundle, "$.checksum: does not match the content"),
        (_truncated, "the file ends too early"),
        (_yaml_bomb, "bomb.yaml: line 7, column 20: expands to more than"),
        (_unknown, "cannot tell the format"),
        (lambda tmp_path: tmp_path / "missing.json", "missing.json"),
    ],
    ids=["checksum", "truncated", "yaml-bomb", "unknown-format", "missing"],
)
def test_a_bad_file_is_one_message_and_changes_nothing(
    window, qtbot, loop, monkeypatch, errors, tmp_path, make, expected
) -> None:
    before, undo = _snapshot(window), window.doc.undo_stack.count()
    shown = []
    window.importer.previewShown.connect(shown.append)
    choose_file(monkeypatch, make(tmp_path))
    window.actions.import_.trigger()
    qtbot.waitUntil(lambda: bool(errors), timeout=WORKER_TIMEOUT)

    assert len(errors) == 1
    title, text = errors[0]
    assert title == "Could not import"
    assert expected in text
    assert "--from" not in text  # command-line advice has no place in the window
    assert text.endswith("Nothing was imported; the workspace is unchanged.")
    assert not shown
    assert _snapshot(window) == before
    assert window.doc.undo_stack.count() == undo


def test_import_curl_command_through_the_paste_dialog(window, qtbot, loop, secrets) -> None:
    window.actions.import_curl.trigger()
    dialog = window.findChild(CurlDialog, "curlImportDialog")
    assert dialog is not None
    assert dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    dialog.edit.setPlainText(
        "curl 'https://api.example.com/v1/items?page=2' -H 'Authorization: Bearer abc123'"
    )
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        dialog.ok_button.click()
    preview = blocker.args[0]
    assert preview.tree.topLevelItem(0).child(0).text(1) == "GET /v1/items"
    preview.import_button.click()
    api = window.doc.workspace.apis[-1]
    assert api.auth.type == "bearer"
    assert secrets.get(f"{api.id}/auth.token") == "abc123"


def _urls(*paths) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


# The events only point at their QMimeData: callers keep it alive while the event is used.
def _drag_enter(mime: QMimeData) -> QDragEnterEvent:
    return QDragEnterEvent(
        QPoint(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def _drop(mime: QMimeData) -> QDropEvent:
    return QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_dropping_a_file_on_the_window_imports_it(window, qtbot, loop) -> None:
    mime = _urls(DATA / "weather-swagger-2.0.json")
    enter = _drag_enter(mime)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        QApplication.sendEvent(window, _drop(mime))
    preview = blocker.args[0]
    assert preview.tree.topLevelItem(0).text(0) == "Weather"
    assert preview.choices() == {"Weather": OnConflict.KEEP_BOTH}
    preview.import_button.click()
    assert tree_names(window) == ["Shop", "Weather", "Weather (2)"]


def test_dragging_text_or_several_files_is_refused(window, tmp_path) -> None:
    text = QMimeData()
    text.setText("hello")
    several = _urls(tmp_path / "a.json", tmp_path / "b.json")
    for mime in (text, several):
        enter = _drag_enter(mime)
        QApplication.sendEvent(window, enter)
        assert not enter.isAccepted()


def test_browser_capture_import_skips_static_assets(
    window, qtbot, loop, monkeypatch, tmp_path
) -> None:
    """The app imports HAR captures with the default: API calls only, and says what it left out."""
    dialog = open_preview(window, qtbot, monkeypatch, DATA / "browser-capture.har")
    notes = dialog.findChild(QGroupBox, "importNotes")
    assert notes is not None
    text = " ".join(label.text() for label in notes.findChildren(QLabel))
    assert "skipped 313 static assets (images, fonts, styles, scripts)" in text
    assert "5 CORS preflight requests" in text
    (api,) = dialog._imported.result.apis
    assert len(api.calls) == 5
    dialog.grab().save(str(tmp_path / "har-import-preview.png"))
    dialog.reject()


def test_a_postman_environment_file_is_offered_and_used(
    window, qtbot, loop, monkeypatch, secrets
) -> None:
    from PySide6.QtWidgets import QPushButton

    dialog = open_preview(window, qtbot, monkeypatch, DATA / "terms.postman_collection.json")
    label = dialog.findChild(QLabel, "importEnvFiles")
    assert label.text().startswith("No environment file")
    choose_file(monkeypatch, DATA / "terms.postman_environment.json")
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        dialog.findChild(QPushButton, "importEnvFile").click()
    again = blocker.args[0]
    assert again is not dialog
    assert "Import cancelled" not in window.statusBar().currentMessage()
    label = again.findChild(QLabel, "importEnvFiles")
    assert label.text() == "Environment files: terms.postman_environment.json."
    found = again.secret_fields["CD_SECRET_TERMS_AUTH_TOKEN"].text()
    assert found == "tok-prod-123"
    again.import_button.click()
    terms = next(a for a in window.doc.workspace.apis if a.name == "Terms")
    assert terms.base_url == "https://api.terms.example"
    assert secrets.get(f"{terms.id}/auth.token") == "tok-prod-123"
    assert "tok-prod-123" not in _snapshot(window).decode()


def test_a_failed_curl_import_gives_the_command_back_with_what_is_wrong(
    window, qtbot, loop
) -> None:
    window.actions.import_curl.trigger()
    first = window.findChild(CurlDialog, "curlImportDialog")
    # Copied from a page that lost the line breaks after each continuation.
    pasted = "curl 'https://api.example.com/v1/items' \\ -H 'Accept: application/json'"
    first.edit.setPlainText(pasted)
    before = window.doc.workspace
    first.ok_button.click()

    def reopened() -> CurlDialog | None:
        found = [
            d
            for d in window.findChildren(CurlDialog, "curlImportDialog")
            if d is not first and d.isVisible()
        ]
        return found[0] if found else None

    qtbot.waitUntil(lambda: reopened() is not None, timeout=WORKER_TIMEOUT)
    again = reopened()
    assert again.edit.toPlainText() == pasted  # nothing to paste again
    assert again.problem.isVisible()
    assert "lost its line breaks: the \\ at line 1, column 41" in again.problem.text()
    assert window.doc.workspace is before
    # Corrected in place, it imports.
    again.edit.setPlainText(pasted.replace(" \\ ", " "))
    with qtbot.waitSignal(window.importer.previewShown, timeout=WORKER_TIMEOUT) as blocker:
        again.ok_button.click()
    assert blocker.args[0].tree.topLevelItem(0).child(0).text(1) == "GET /v1/items"
    blocker.args[0].reject()
