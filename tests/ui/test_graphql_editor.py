"""The call editor's GraphQL tab against the demo API: schema, completion, checks, new calls."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget

from designer.core.demo.server import DemoServer, start_demo_server
from designer.core.models import Api, Call, Workspace
from designer.ui.editing.edits import Item
from designer.ui.infra import workers

pytestmark = pytest.mark.gui
WAIT = 20_000


@pytest.fixture
def closing(window, loop, qtbot):
    """Close the window's HTTP connections after the test, on the test's loop."""
    yield
    done = asyncio.ensure_future(window.executor.aclose())
    qtbot.waitUntil(done.done)


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server = start_demo_server()
    yield server
    server.stop()
    workers.shutdown_workers()


def _open(window, demo: DemoServer) -> tuple[Api, QWidget]:
    api = Api(
        name="Shop", base_url=demo.url + "/v1", calls=[Call(name="Catalogue", path="/graphql")]
    )
    window.doc.replace(Workspace(apis=[api]), None)
    window.tree.select(Item("call", api.calls[0].id))
    editor = window.findChild(QWidget, "callEditor")
    editor.tabs.setCurrentWidget(editor.graphql)
    return api, editor


def _call(window) -> Call:
    return window.current_call()[1]


def test_load_schema_complete_check_and_add_a_call(window, demo, loop, closing, qtbot, tmp_path):
    api, editor = _open(window, demo)
    graphql = editor.graphql
    assert window.findChild(QWidget, "graphqlEditor") is graphql
    assert not graphql.query.isEnabled()

    graphql.enabled.click()
    assert _call(window).graphql is not None
    assert graphql.query.isEnabled()
    window.doc.undo_stack.undo()
    assert _call(window).graphql is None
    window.doc.undo_stack.redo()

    graphql.load_schema.click()
    qtbot.waitUntil(lambda: bool(window.doc.api(api.id).graphql_schema), timeout=WAIT)
    fields = [graphql.fields.itemText(i) for i in range(graphql.fields.count())]
    assert fields == ["query.products", "query.product", "query.order", "mutation.createOrder"]

    # Typing a query: completion offers the schema's names, the check runs inline.
    graphql.query.selectAll()
    qtbot.keyClicks(graphql.query, "query { produ")
    popup = graphql.query.completer.popup()
    assert popup.isVisible()
    offered = [
        graphql.query.completer.completionModel().index(row, 0).data()
        for row in range(graphql.query.completer.completionCount())
    ]
    assert offered == ["Product", "product", "productId", "products"]
    popup.hide()
    qtbot.keyClicks(graphql.query, "cts { skuu } }")
    assert _call(window).graphql.query == "query { products { skuu } }"
    assert graphql.problem.isVisible()
    assert "Cannot query field 'skuu' on type 'Product'" in graphql.problem.text()
    graphql.query.setPlainText("query { products { sku } }")
    assert graphql.problem.text() == "Valid against the API's schema."

    graphql.fields.setCurrentText("query.order")
    graphql.new_call.click()
    calls = window.doc.api(api.id).calls
    assert [c.name for c in calls] == ["Catalogue", "order"]
    assert calls[1].graphql is not None
    assert calls[1].graphql.query.startswith("query Order($id: Int!)")
    assert [(p.name, p.graphql_type) for p in calls[1].parameters] == [("id", "Int!")]

    window.tree.select(Item("call", calls[1].id))
    editor.tabs.setCurrentWidget(editor.graphql)
    window.resize(1100, 760)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "graphql-editor.png"))


def test_a_failed_introspection_is_shown_inline(window, demo, loop, closing, qtbot):
    api, editor = _open(window, demo)
    editor.graphql.enabled.click()
    window.doc.replace(
        Workspace(
            apis=[
                window.doc.api(api.id).model_copy(
                    update={"calls": [_call(window).model_copy(update={"path": "/nowhere"})]}
                )
            ]
        ),
        None,
    )
    window.tree.select(Item("call", window.doc.workspace.apis[0].calls[0].id))
    editor.graphql.load_schema.click()
    qtbot.waitUntil(lambda: "404" in editor.graphql.problem.text(), timeout=WAIT)
    assert "introspection query" in editor.graphql.problem.text()
    assert window.doc.workspace.apis[0].graphql_schema == ""
