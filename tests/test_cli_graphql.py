"""The ``graphql`` command against the demo API's GraphQL endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from designer import cli
from designer.core import workspace_file as wf
from designer.core.demo_server import DemoServer, start_demo_server
from designer.core.models import Api, Workspace


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server = start_demo_server()
    yield server
    server.stop()


@pytest.fixture
def shop(tmp_path: Path, demo: DemoServer) -> Path:
    path = tmp_path / "shop.json"
    path.write_bytes(wf.dumps(Workspace(apis=[Api(name="Shop", base_url=demo.url + "/v1")])))
    return path


def test_schema_add_and_init(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["graphql", "schema", str(shop), "--api", "shop", "--path", "graphql"]) == 0
    out = capsys.readouterr().out
    assert "input OrderInput {" in out
    assert wf.load(shop).apis[0].graphql_schema == ""  # printed only
    sdl_file = tmp_path / "shop.graphql"
    argv = ["graphql", "schema", str(shop), "--api", "Shop", "--path", "graphql"]
    assert cli.main([*argv, "--save", "--output", str(sdl_file)]) == 0
    assert "type Mutation {" in sdl_file.read_text()
    assert "type Mutation {" in wf.load(shop).apis[0].graphql_schema

    add = ["graphql", "add", str(shop), "--api", "Shop", "--path", "graphql"]
    assert cli.main([*add, "--field", "mutation.createOrder", "--name", "Order"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("mutation CreateOrder($input: OrderInput!) {")
    assert "(variables: input: OrderInput!)" in captured.err
    (call,) = wf.load(shop).apis[0].calls
    assert call.use_as.value == "action"
    assert call.parameters[0].type.value == "json"

    value = '{"productId": "p1", "quantity": 4}'
    assert cli.main(["init", str(shop), "--call", "Shop/Order", "--param", f"input={value}"]) == 0
    tree = capsys.readouterr().out
    assert "createOrder: object" in tree
    assert "quantity: integer  = 4" in tree


def test_partial_result_and_error_with_200(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["graphql", "schema", str(shop), "--api", "Shop", "--path", "graphql", "--save"]
    assert cli.main(argv) == 0
    add = ["graphql", "add", str(shop), "--api", "Shop", "--path", "graphql"]
    assert cli.main([*add, "--field", "query.order"]) == 0
    capsys.readouterr()
    assert cli.main(["init", str(shop), "--call", "order", "--param", "id=5"]) == 0
    err = capsys.readouterr().err
    assert "Partial result: 1 GraphQL error beside the data: No order with id 5" in err
    # Without the stored schema the server is asked, and answers 200 with errors only.
    ws = wf.load(shop)
    ws.apis[0].graphql_schema = ""
    assert ws.apis[0].calls[0].graphql is not None
    ws.apis[0].calls[0].graphql.query = "query Order($id: Int!) { order(id: $id) { ref } }"
    shop.write_bytes(wf.dumps(ws))
    assert cli.main(["init", str(shop), "--call", "order", "--param", "id=1001"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "connector-designer: error: Call 'order' returned GraphQL errors (HTTP 200)"
    )
    assert "Cannot query field 'ref' on type 'Order'" in err
    assert len(err.strip().splitlines()) == 1


def test_one_line_errors_change_nothing(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = shop.read_bytes()
    assert cli.main(["graphql", "add", str(shop), "--api", "Shop", "--field", "query.x"]) == 1
    assert "has no GraphQL schema yet: load it with 'connector-designer graphql schema" in (
        capsys.readouterr().err
    )
    argv = ["graphql", "schema", str(shop), "--api", "Shop", "--path", "nowhere", "--save"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "answered 404 Not Found to the introspection query" in err
    assert shop.read_bytes() == before
