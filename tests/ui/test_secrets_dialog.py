"""The Secrets dialog edits: set, reveal, clear and undo; variables shown; every column visible."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from designer.core.models import Api, BearerAuth, Call, Parameter, Placement, Workspace, secret_ref
from designer.core.secrets.keychain import SessionSecretStore
from designer.core.secrets.scope import EnvironmentVariableStore
from designer.ui.dialogs.secrets import SecretsDialog

pytestmark = pytest.mark.gui


def _workspace() -> Workspace:
    call = Call(
        name="Get order with a rather long name",
        path="/orders",
        parameters=[
            Parameter(name="X-Signature-Of-The-Request", private=True, placement=Placement.HEADER)
        ],
    )
    return Workspace(
        apis=[
            Api(
                name="Shop of the example company",
                base_url="https://s.test",
                auth=BearerAuth(),
                calls=[call],
            )
        ]
    )


@pytest.fixture
def dialog(qtbot: Any) -> Any:
    ws = _workspace()
    inner = SessionSecretStore()
    store = EnvironmentVariableStore(inner, lambda: ws, {})
    widget = SecretsDialog(ws, store, {})
    widget.inner, widget.ws = inner, ws
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _states(dialog: Any) -> list[str]:
    return [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]


def test_set_reveal_clear_and_undo(dialog: Any, qtbot: Any) -> None:
    token_ref = secret_ref(dialog.ws.apis[0], "auth.token")
    assert _states(dialog) == ["not set", "not set"]
    dialog.table.selectRow(0)
    qtbot.keyClicks(dialog.value, "t0ken-typed")
    assert dialog.value.echoMode().name == "Password"
    qtbot.mouseClick(dialog.setButton, Qt.MouseButton.LeftButton)
    assert dialog.inner.get(token_ref) == "t0ken-typed"
    assert _states(dialog) == ["set (keychain)", "not set"]
    assert dialog.value.text() == ""  # the typed value does not linger
    texts = [dialog.table.item(r, c).text() for r in range(2) for c in range(3)]
    assert not any("t0ken-typed" in t for t in texts)

    qtbot.mouseClick(dialog.revealButton, Qt.MouseButton.LeftButton)
    assert dialog.value.echoMode().name == "Normal"
    assert dialog.value.text() == "t0ken-typed"

    qtbot.mouseClick(dialog.clearButton, Qt.MouseButton.LeftButton)
    assert dialog.inner.get(token_ref) is None
    assert _states(dialog)[0] == "not set"
    qtbot.mouseClick(dialog.undoButton, Qt.MouseButton.LeftButton)
    assert dialog.inner.get(token_ref) == "t0ken-typed"
    qtbot.mouseClick(dialog.undoButton, Qt.MouseButton.LeftButton)  # undo the Set too
    assert dialog.inner.get(token_ref) is None
    assert not dialog.undoButton.isEnabled()


def test_a_variable_in_the_environment_is_shown_and_not_editable(qtbot: Any) -> None:
    ws = _workspace()
    store = EnvironmentVariableStore(
        SessionSecretStore(), lambda: ws, {"CD_SECRET_SHOP_OF_THE_EXAMPLE_COMPANY_AUTH_TOKEN": "x"}
    )
    dialog = SecretsDialog(ws, store, {})
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert _states(dialog)[0] == "from environment variable"
    assert not dialog.setButton.isEnabled()
    assert not dialog.clearButton.isEnabled()
    assert "wins" in dialog.status.text()


def test_every_column_is_on_screen_at_the_default_size(dialog: Any, qtbot: Any) -> None:
    # Long names: the description and the variable elide, the state stays whole.
    table = dialog.table
    header = table.horizontalHeader()
    assert header.sectionViewportPosition(2) + header.sectionSize(2) <= table.viewport().width()
    assert header.sectionSize(2) >= table.sizeHintForColumn(2)
    variable = table.item(1, 1)
    assert variable.toolTip() == variable.text()  # shown whole on hover
    assert variable.text().endswith("_PARAM_X_SIGNATURE_OF_THE_REQUEST")


def test_the_example_shows_whole_variables(qtbot: Any, tmp_path: Any) -> None:
    from designer.core.demo.server import example_workspace

    ws = example_workspace("http://127.0.0.1:9")
    store = EnvironmentVariableStore(SessionSecretStore(), lambda: ws, {})
    dialog = SecretsDialog(ws, store, {})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table, header = dialog.table, dialog.table.horizontalHeader()
    assert header.sectionViewportPosition(2) + header.sectionSize(2) <= table.viewport().width()
    for column in (1, 2):
        assert header.sectionSize(column) >= table.sizeHintForColumn(column)
    dialog.grab().save(str(tmp_path / "secrets.png"))


def test_the_apps_deferred_store_shows_variables_as_such(qtbot: Any) -> None:
    from designer.core.secrets.store import DeferredSecretStore

    ws = _workspace()
    variables = {"CD_SECRET_SHOP_OF_THE_EXAMPLE_COMPANY_AUTH_TOKEN": "x"}
    store = DeferredSecretStore(
        lambda: EnvironmentVariableStore(SessionSecretStore(), lambda: ws, variables)
    )
    dialog = SecretsDialog(ws, store, {})
    qtbot.addWidget(dialog)
    assert _states(dialog)[0] == "from environment variable"
