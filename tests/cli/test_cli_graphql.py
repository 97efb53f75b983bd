"""The ``graphql`` command against the demo API's GraphQL endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from designer import cli
from designer.core.demo.server import DemoServer, start_demo_server
from designer.core.models import Api, Workspace
from designer.core.workspace import file as wf
from tests.helpers.servers import FaultServer, reply


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


def _deep_answer(depth: int) -> bytes:
    """An answer whose one field's type is wrapped ``depth`` times (written out by hand:
    JSON encoders stop far sooner)."""
    ref = b'{"kind": "SCALAR", "name": "String", "ofType": null}'
    for n in range(depth):
        kind = b"LIST" if n % 2 else b"NON_NULL"
        ref = b'{"kind": "' + kind + b'", "name": null, "ofType": ' + ref + b"}"
    marker = b'"MARKER"'
    answer = orjson.dumps(_schema(_query_type("MARKER"), {"kind": "SCALAR", "name": "String"}))
    return answer.replace(marker, ref)


def _schema(*types: Any) -> dict[str, Any]:
    return {"data": {"__schema": {"queryType": {"name": "Query"}, "types": list(types)}}}


def _query_type(field_type: Any) -> dict[str, Any]:
    field = {"name": "x", "args": [], "type": field_type, "isDeprecated": False}
    return {"kind": "OBJECT", "name": "Query", "fields": [field], "interfaces": []}


_MALFORMED = {
    "a type without a name": orjson.dumps(_schema({"kind": "OBJECT"})),
    "a type nested 900 deep": _deep_answer(900),
    "no queryType": b'{"data": {"__schema": {"types": []}}}',
}


@pytest.mark.parametrize("answer", _MALFORMED.values(), ids=_MALFORMED.keys())
def test_a_malformed_introspection_answer_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: bytes
) -> None:
    server = FaultServer(reply(answer)).start()
    try:
        path = tmp_path / "gql.json"
        wf.save(Workspace(apis=[Api(name="Shop", base_url=server.url)]), path)
        before = path.read_bytes()
        argv = ["graphql", "schema", str(path), "--api", "Shop", "--path", "graphql", "--save"]
        assert cli.main(argv) == 1
        out, err = capsys.readouterr()
    finally:
        server.stop()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(
        f"connector-designer: error: {server.url}/graphql returned a schema that cannot be read: "
    ), err
    assert "unexpected error" not in err
    assert len(err) < 400
    assert path.read_bytes() == before
