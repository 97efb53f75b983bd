"""Every dialog names its controls, explains them and lets the keyboard reach them."""

from __future__ import annotations

import pytest

from designer.core.demo.server import example_workspace
from designer.core.secrets.store import MemorySecretStore
from designer.ui.dialogs.secrets import SecretsDialog
from designer.ui.interop.curl_dialog import CurlDialog
from designer.ui.interop.export_dialog import ExportDialog
from designer.ui.response.manual_dialog import ManualResponseDialog
from tests.helpers.a11y import unnamed_controls
from tests.helpers.interop_gui import DATA, open_preview

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("which", ["secrets", "export", "curl", "manual"])
def test_dialog_controls_are_named_and_reachable(qtbot, which) -> None:
    workspace = example_workspace("http://127.0.0.1:9")
    api = workspace.apis[0]
    dialog = {
        "secrets": lambda: SecretsDialog(workspace, MemorySecretStore(), {}, None),
        "export": lambda: ExportDialog(workspace, (api, api.calls[0])),
        "curl": lambda: CurlDialog(),
        "manual": lambda: ManualResponseDialog(api.calls[0].name, True),
    }[which]()
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed_controls(dialog) == []


@pytest.mark.parametrize("name", ["petstore-3.0.yaml", "shop.bundle.json"])
def test_import_preview_controls_are_named_and_reachable(
    window, qtbot, loop, monkeypatch, name
) -> None:
    # The bundle's Shop API is already in the workspace: a conflict choice shows too.
    dialog = open_preview(window, qtbot, monkeypatch, DATA / name)
    assert bool(dialog.choice_boxes) == (name == "shop.bundle.json")
    assert bool(dialog.secret_fields)
    assert unnamed_controls(dialog) == []
