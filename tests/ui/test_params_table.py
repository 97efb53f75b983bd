"""The parameters table: model, delegates, private samples in the secret store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyleOptionViewItem

from designer.core.models import Parameter, Placement
from designer.core.secrets.store import MASK
from designer.ui.editors.params_table import (
    DYNAMIC,
    NAME,
    PLACEMENT,
    PRIVATE,
    VALUE,
    ParamsTableModel,
    PlacementDelegate,
    SampleDelegate,
)

Checked, Unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked


@pytest.fixture
def model(secrets):
    m = ParamsTableModel(secrets=secrets)
    m.set_parameters(
        [
            Parameter(name="page", value="1"),
            Parameter(name="id", value="7", placement=Placement.PATH),
        ],
        ref=lambda name: f"api/call/param.{name}",
        owner="call",
    )
    return m


def test_passes_qtmodeltester(qtmodeltester, model):
    qtmodeltester.check(model, force_py=True)
    model.add_parameter()
    model.remove_rows([0])


def test_columns_and_data(model):
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Name", "Sample value", "Placement", "Dynamic", "Private", "Optional"]
    assert model.index(1, PLACEMENT).data() == "Path"
    assert model.index(1, DYNAMIC).data(Qt.ItemDataRole.CheckStateRole) == Checked
    assert model.flags(model.index(0, PRIVATE)) & Qt.ItemFlag.ItemIsUserCheckable


def test_edits_are_reported_as_new_lists(model, qtbot):
    with qtbot.waitSignal(model.edited) as blocker:
        assert model.setData(model.index(0, VALUE), "2")
    params, text = blocker.args
    assert params[0].value == "2"
    assert text == "Edit value of 'page'"
    with qtbot.waitSignal(model.edited) as blocker:
        model.setData(model.index(0, DYNAMIC), Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args[0][0].dynamic is False


def test_duplicate_names_are_refused(model, qtbot):
    row = model.add_parameter()  # param1, in the query
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.setData(model.index(row, NAME), "page")
    assert blocker.args[0] == "There is already a query parameter named 'page'."
    assert model.setData(model.index(0, NAME), "id")  # query 'id' next to path 'id' is fine
    with qtbot.waitSignal(model.message) as blocker:
        assert not model.setData(model.index(1, PLACEMENT), "query")
    assert "already a query parameter named 'id'" in blocker.args[0]
    with qtbot.waitSignal(model.message):
        assert not model.setData(model.index(1, NAME), " ")


def test_private_sample_lives_in_the_secret_store(model, secrets):
    model.setData(model.index(0, PRIVATE), Checked.value, Qt.ItemDataRole.CheckStateRole)
    param = model.parameters()[0]
    assert param.private
    assert param.value == ""
    assert secrets.get("api/call/param.page") == "1"
    assert model.index(0, VALUE).data() == MASK
    assert model.index(0, VALUE).data(Qt.ItemDataRole.EditRole) == "1"
    model.setData(model.index(0, VALUE), "new secret")
    assert secrets.get("api/call/param.page") == "new secret"
    assert model.parameters()[0].value == ""
    model.setData(model.index(0, PRIVATE), Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.parameters()[0].value == "new secret"


def test_placement_delegate_round_trip(model, qtbot):
    delegate = PlacementDelegate()
    index = model.index(0, PLACEMENT)
    editor = delegate.createEditor(None, QStyleOptionViewItem(), index)
    qtbot.addWidget(editor)
    assert isinstance(editor, QComboBox)
    delegate.setEditorData(editor, index)
    assert editor.currentData() == "query"
    editor.setCurrentIndex(editor.findData("header"))
    delegate.setModelData(editor, model, index)
    assert model.parameters()[0].placement == Placement.HEADER


def test_sample_delegate_masks_private_values(model, qtbot):
    model.setData(model.index(0, PRIVATE), Checked.value, Qt.ItemDataRole.CheckStateRole)
    delegate = SampleDelegate()
    editor = delegate.createEditor(None, QStyleOptionViewItem(), model.index(0, VALUE))
    qtbot.addWidget(editor)
    assert isinstance(editor, QLineEdit)
    assert editor.echoMode() == QLineEdit.EchoMode.Password
    plain = delegate.createEditor(None, QStyleOptionViewItem(), model.index(1, VALUE))
    qtbot.addWidget(plain)
    assert plain.echoMode() == QLineEdit.EchoMode.Normal
