"""File ▸ Export… end to end: every format to a file that parses, and no secret in it."""

from __future__ import annotations

import json

import pytest
import yaml
from openapi_spec_validator import validate
from PySide6.QtWidgets import QFileDialog

from designer.core.interop.service import read_import
from designer.ui.editing.edits import Item
from designer.ui.interop.export_dialog import ExportDialog
from tests.core.interop.conftest import rich_workspace
from tests.helpers.interop_gui import WORKER_TIMEOUT

pytestmark = pytest.mark.gui

TOKEN = "tok-S3CRET-value-91"
SIGNATURE = "sig-S3CRET-value-27"


@pytest.fixture
def rich(window, secrets):
    """The window on a workspace with structures, and secrets set for Shop."""
    window.doc.replace(rich_workspace(), None)
    shop = window.doc.workspace.apis[0]
    secrets.set(f"{shop.id}/auth.token", TOKEN)
    create = shop.calls[2]
    secrets.set(f"{shop.id}/{create.id}/param.X-Signature", SIGNATURE)
    return window


def _export(window, qtbot, monkeypatch, tmp_path, name, configure) -> bytes:
    target = tmp_path / name
    asked = []

    def save_name(_parent, _title, start, filters):
        asked.append((start, filters))
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    window.actions.export.trigger()
    dialog = window.findChild(ExportDialog, "exportDialog")
    assert dialog is not None
    assert dialog.isVisible()
    configure(dialog)
    with qtbot.waitSignal(window.exporter.exported, timeout=WORKER_TIMEOUT):
        dialog.export_button.click()
    assert asked
    assert f"to {target}" in window.statusBar().currentMessage()
    data = target.read_bytes()
    assert TOKEN.encode() not in data
    assert SIGNATURE.encode() not in data
    return data


def test_export_bundle_imports_again_with_a_manifest_of_secrets(
    rich, qtbot, loop, monkeypatch, tmp_path
) -> None:
    data = _export(rich, qtbot, monkeypatch, tmp_path, "shop.bundle.json", lambda d: None)
    imported = read_import(data, "shop.bundle.json")
    assert [a.name for a in imported.result.apis] == ["Shop", "CRM", "Legacy"]
    assert "CD_SECRET_SHOP_AUTH_TOKEN" in {s.env for s in imported.required}


def test_export_bundle_with_samples_warns_and_masks_secrets(
    rich, qtbot, loop, monkeypatch, tmp_path, secrets
) -> None:
    crm = rich.doc.workspace.apis[1]
    secrets.set(f"{crm.id}/auth.key", "WINTER")  # also a value seen in a response

    def configure(dialog: ExportDialog) -> None:
        assert not dialog.samples_warning.isVisible()
        dialog.samples_box.setChecked(True)
        assert dialog.samples_warning.isVisible()
        assert "personal data" in dialog.samples_warning.text()

    data = _export(rich, qtbot, monkeypatch, tmp_path, "s.bundle.json", configure)
    assert b"ana@example.com" in data  # a value seen in a response
    assert b"WINTER" not in data
    assert "personal data" in json.loads(data)["content"]["samples"]["warning"]


def test_export_openapi_yaml_of_chosen_apis_validates(
    rich, qtbot, loop, monkeypatch, tmp_path
) -> None:
    def configure(dialog: ExportDialog) -> None:
        dialog.set_format("openapi")
        assert not dialog.options_group.isEnabled()
        dialog.set_api_checked("Legacy", False)
        assert dialog.suggested_name() == "Rich.openapi.yaml"

    data = _export(rich, qtbot, monkeypatch, tmp_path, "shop.yaml", configure)
    document = yaml.safe_load(data)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert "/orders" in document["paths"]


def test_export_postman_collection(rich, qtbot, loop, monkeypatch, tmp_path) -> None:
    data = _export(rich, qtbot, monkeypatch, tmp_path, "c.json", lambda d: d.set_format("postman"))
    collection = json.loads(data)
    assert collection["info"]["schema"].endswith("v2.1.0/collection.json")
    assert [folder["name"] for folder in collection["item"]] == ["Shop", "CRM", "Legacy"]
    assert "{{CD_SECRET_SHOP_AUTH_TOKEN}}" in data.decode()


def test_export_curl_names_secrets_by_variable(rich, qtbot, loop, monkeypatch, tmp_path) -> None:
    def configure(dialog: ExportDialog) -> None:
        dialog.set_format("curl")
        dialog.set_api_checked("CRM", False)
        dialog.set_api_checked("Legacy", False)
        assert dialog.suggested_name() == "Shop.sh"

    text = _export(rich, qtbot, monkeypatch, tmp_path, "shop.sh", configure).decode()
    assert text.count("curl ") == 3
    assert "${CD_SECRET_SHOP_AUTH_TOKEN}" in text


def test_export_json_schema_of_the_selected_call(rich, qtbot, loop, monkeypatch, tmp_path) -> None:
    shop = rich.doc.workspace.apis[0]
    rich.tree.select(Item("call", shop.calls[0].id))

    def configure(dialog: ExportDialog) -> None:
        assert dialog.format_buttons["jsonschema"].isEnabled()
        dialog.set_format("jsonschema")
        assert not dialog.api_list.isEnabled()
        assert dialog.suggested_name() == "List-orders.schema.json"

    schema = json.loads(_export(rich, qtbot, monkeypatch, tmp_path, "o.json", configure))
    assert schema["title"] == "List orders"
    assert schema["type"] == "object"
    assert "data" in schema["properties"]


def test_json_schema_needs_a_call_with_a_structure(rich, qtbot) -> None:
    shop = rich.doc.workspace.apis[0]
    rich.tree.select(Item("call", shop.calls[2].id))  # Create order: never initialized
    dialog = ExportDialog(rich.doc.workspace, rich.current_call(), rich)
    qtbot.addWidget(dialog)
    assert not dialog.format_buttons["jsonschema"].isEnabled()
    assert "initialize it first" in dialog.format_buttons["jsonschema"].toolTip()
    none = ExportDialog(rich.doc.workspace, None, rich)
    qtbot.addWidget(none)
    assert not none.format_buttons["jsonschema"].isEnabled()


def test_no_api_checked_disables_export(rich, qtbot, qtmodeltester) -> None:
    dialog = ExportDialog(rich.doc.workspace, None, rich)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.api_list.model())
    for name in ("Shop", "CRM", "Legacy"):
        dialog.set_api_checked(name, False)
    assert not dialog.export_button.isEnabled()


def test_cancelled_save_dialog_writes_nothing(rich, qtbot, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: ("", ""))
    rich.actions.export.trigger()
    rich.findChild(ExportDialog, "exportDialog").export_button.click()
    assert rich.statusBar().currentMessage() == "Export cancelled."
    assert not list(tmp_path.glob("*.json"))


def test_a_failed_export_is_one_message(rich, qtbot, loop, monkeypatch, tmp_path, errors) -> None:
    target = tmp_path / "missing-dir" / "x.bundle.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    rich.actions.export.trigger()
    rich.findChild(ExportDialog, "exportDialog").export_button.click()
    qtbot.waitUntil(lambda: bool(errors), timeout=WORKER_TIMEOUT)
    title, text = errors[0]
    assert title == "Could not export"
    assert text.endswith("Nothing was written; an existing file is unchanged.")
    assert not target.exists()


def test_export_python_client_imports_and_reads_secrets_from_variables(
    rich, qtbot, loop, monkeypatch, tmp_path
) -> None:
    import ast

    def configure(dialog: ExportDialog) -> None:
        assert dialog.format_buttons["python"].isEnabled()
        dialog.set_format("python")
        dialog.set_api_checked("CRM", False)
        dialog.set_api_checked("Legacy", False)
        assert dialog.suggested_name() == "shop_client.py"

    text = _export(rich, qtbot, monkeypatch, tmp_path, "shop_client.py", configure).decode()
    tree = ast.parse(text)  # a module Python reads
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    methods = [f.name for f in classes["ShopClient"].body if isinstance(f, ast.FunctionDef)]
    assert {"list_orders", "get_order", "create_order"} <= set(methods)  # one per call
    assert "CRMClient" not in classes  # only the API chosen
    assert "CD_SECRET_SHOP_AUTH_TOKEN" in text
