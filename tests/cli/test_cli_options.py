"""The command line's small surprises, fixed: call lookup, --param names, numeric options,
curl import names, the first save of a structure, counts in the tree, and OpenAPI
descriptions. End to end against the demo API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from designer import cli
from designer.core.demo.server import DemoServer, start_demo_server
from designer.core.models import Api, Call, Parameter, Workspace
from designer.core.workspace import file as wf
from tests.helpers.servers import free_port

PREFIX = "connector-designer: error: "
DATA = Path(__file__).parents[1] / "data"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> str:
    assert err.startswith(PREFIX), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix(PREFIX).rstrip("\n")


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server = start_demo_server(0)
    yield server
    server.stop()


def curl_import(
    capsys: pytest.CaptureFixture[str], url: str, target: Path, *extra: str
) -> tuple[int, str, str]:
    command = f"curl '{url}' -H 'Accept: application/json'"
    return run(capsys, "import", "--from", "curl", command, "-o", str(target), *extra)


@pytest.fixture
def shop(capsys: pytest.CaptureFixture[str], demo: DemoServer, tmp_path: Path) -> Path:
    """A workspace with one call, imported from a curl command as the README does."""
    path = tmp_path / "shop.json"
    url = f"{demo.url}/v1/products?page=1&per_page=3"
    code, _, err = curl_import(capsys, url, path, "--api", "Shop", "--name", "List products")
    assert code == 0, err
    return path


# -- the tree ------------------------------------------------------------------------------


def test_the_tree_counts_one_item_and_zero_items_in_good_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"one": [{"a": 1}], "none": [], "two": [1, 2]}')
    code, out, _ = run(capsys, "infer", str(body))
    assert code == 0
    assert "one: list of object  [1 item]\n" in out
    assert "none: list of unknown  [0 items]\n" in out
    assert "two: list of integer  [2 items]\n" in out
    assert "1 items" not in out


# -- curl import names ---------------------------------------------------------------------


def test_curl_import_takes_the_api_and_call_names(
    capsys: pytest.CaptureFixture[str], shop: Path
) -> None:
    (api,) = wf.load(shop).apis
    assert (api.name, [c.name for c in api.calls]) == ("Shop", ["List products"])
    assert api.base_url.startswith("http://127.0.0.1:")


def test_curl_import_without_names_uses_the_host_and_the_request_line(
    capsys: pytest.CaptureFixture[str], demo: DemoServer, tmp_path: Path
) -> None:
    path = tmp_path / "ws.json"
    code, out, _ = curl_import(capsys, f"{demo.url}/v1/products", path)
    assert code == 0
    assert out == f"Added call 'GET /v1/products' to API '127.0.0.1' in {path}\n"


def test_a_second_curl_call_joins_the_named_api(
    capsys: pytest.CaptureFixture[str], demo: DemoServer, shop: Path
) -> None:
    code, out, _ = curl_import(
        capsys, f"{demo.url}/v1/orders/1001", shop, "--api", "shop", "--name", "Get order"
    )
    assert code == 0
    assert out == f"Added call 'Get order' to API 'Shop' in {shop}\n"
    (api,) = wf.load(shop).apis
    assert [c.name for c in api.calls] == ["List products", "Get order"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--api", "Other"],
            "The URL belongs to API 'Shop' of the workspace (base URL http://127.0.0.1:",
        ),
        (["--name", "list PRODUCTS"], "API 'Shop' already has a call named 'list PRODUCTS'"),
        (["--name", "  "], "--name needs a name, not an empty one"),
    ],
)
def test_curl_import_names_that_clash_change_nothing(
    capsys: pytest.CaptureFixture[str],
    demo: DemoServer,
    shop: Path,
    extra: list[str],
    message: str,
) -> None:
    before = shop.read_bytes()
    code, out, err = curl_import(capsys, f"{demo.url}/v1/orders/1001", shop, *extra)
    assert (code, out) == (1, "")
    assert one_line_error(err).startswith(message)
    assert shop.read_bytes() == before


def test_an_api_name_taken_by_another_base_url_is_refused(
    capsys: pytest.CaptureFixture[str], shop: Path
) -> None:
    before = shop.read_bytes()
    other = f"http://127.0.0.1:{free_port()}/v2/items"
    code, _, err = curl_import(capsys, other, shop, "--api", "SHOP")
    assert code == 1
    assert one_line_error(err).startswith("API 'Shop' is already in the workspace with base URL")
    assert shop.read_bytes() == before


def test_api_and_name_are_refused_for_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = DATA / "interop" / "petstore-3.0.yaml"
    target = tmp_path / "ws.json"
    code, _, err = run(capsys, "import", str(source), "-o", str(target), "--api", "Pets")
    assert code == 1
    assert one_line_error(err) == (
        "--api and --name apply to a curl command (and --api to --on-conflict update); "
        "other imports keep their names"
    )
    assert not target.exists()


# -- OpenAPI: title and description -----------------------------------------------------------


def test_openapi_description_describes_the_api_and_the_title_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "ws.json"
    code, _, err = run(
        capsys, "import", str(DATA / "cli" / "described-3.1.yaml"), "-o", str(target)
    )
    assert code == 0, err
    (api,) = wf.load(target).apis
    assert api.name == "Billing"
    assert api.description == (
        "The **Billing API** lets you create invoices and read payments.\n\n"
        "All amounts are integers in the currency's minor unit."
    )
    # A document without one leaves the description empty.
    code, out, _ = run(capsys, "import", str(DATA / "interop" / "weather-swagger-2.0.json"))
    assert code == 0
    assert orjson.loads(out)["apis"][0]["description"] == ""


# -- init ----------------------------------------------------------------------------------


def test_first_save_says_so_and_the_next_one_counts_changes(
    capsys: pytest.CaptureFixture[str], shop: Path
) -> None:
    code, out, err = run(capsys, "init", str(shop), "--save")
    assert code == 0, err
    assert out.startswith("200 OK · ")
    assert err == (
        f"connector-designer: Saved the structure of 'Shop/List products' in {shop} "
        "(first initialize)\n"
    )
    code, _, err = run(capsys, "init", str(shop), "--save")
    assert code == 0
    assert err.endswith("(no changes)\n")


def test_an_unknown_param_is_refused_with_a_suggestion_and_the_list(
    capsys: pytest.CaptureFixture[str], shop: Path
) -> None:
    before = shop.read_bytes()
    code, out, err = run(capsys, "init", str(shop), "--param", "pag=2", "--save")
    assert (code, out) == (1, "")
    assert one_line_error(err) == (
        "--param pag: the call 'Shop/List products' has no parameter 'pag': did you mean "
        "'page'? Its parameters are 'page', 'per_page', 'Accept'"
    )
    code, _, err = run(capsys, "init", str(shop), "--param", "nope=1")
    assert code == 1
    assert one_line_error(err) == (
        "--param nope: the call 'Shop/List products' has no parameter 'nope'; its parameters "
        "are 'page', 'per_page', 'Accept'"
    )
    assert shop.read_bytes() == before


def test_a_param_of_the_api_is_accepted_before_any_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, refused_port: int
) -> None:
    # Nothing listens: reaching the network proves the name was accepted.
    port = refused_port
    api = Api(
        name="Bin",
        base_url=f"http://127.0.0.1:{port}",
        parameters=[Parameter(name="lang", value="en")],
        calls=[Call(name="get", path="/get")],
    )
    path = tmp_path / "ws.json"
    wf.save(Workspace(apis=[api]), path)
    code, _, err = run(capsys, "init", str(path), "--param", "lang=fr")
    assert code == 1
    assert one_line_error(err).startswith(f"Connection refused by 127.0.0.1:{port}")
    code, _, err = run(capsys, "init", str(path), "--param", "page=1")
    assert one_line_error(err) == (
        "--param page: the call 'Bin/get' has no parameter 'page'; its parameters are 'lang'"
    )


# -- export: the same lookup as init -------------------------------------------------------


def test_export_json_schema_takes_the_only_call(
    capsys: pytest.CaptureFixture[str], shop: Path
) -> None:
    assert run(capsys, "init", str(shop), "--save")[0] == 0
    code, out, _ = run(capsys, "export", str(shop), "--to", "jsonschema")
    assert code == 0
    schema = orjson.loads(out)
    assert schema["title"] == "List products"
    assert schema["properties"]["data"]["type"] == "array"


@pytest.mark.parametrize("command", ["init", "export"])
def test_export_and_init_share_the_call_lookup(
    capsys: pytest.CaptureFixture[str], demo: DemoServer, shop: Path, command: str
) -> None:
    curl_import(capsys, f"{demo.url}/v1/orders/1001", shop, "--name", "Get order")
    extra = ["--to", "curl"] if command == "export" else []
    code, _, err = run(capsys, command, str(shop), *extra, "--call", "Shop/Get ordr")
    assert code == 1
    assert one_line_error(err) == (
        "No call 'Shop/Get ordr' in the workspace: did you mean 'Shop/Get order'? "
        "Its calls are 'Shop/List products', 'Shop/Get order'"
    )
    code, _, err = run(capsys, command, str(shop), *extra, "--call", "127.0.0.1/nope")
    assert one_line_error(err) == (
        "No call '127.0.0.1/nope' in the workspace; its calls are 'Shop/List products', "
        "'Shop/Get order'"
    )
    code, _, err = run(capsys, "export", str(shop), "--to", "jsonschema")
    assert one_line_error(err) == (
        "The workspace has 2 calls: choose one with --call API/CALL; its calls are "
        "'Shop/List products', 'Shop/Get order'"
    )


def test_export_finds_a_call_whose_api_name_holds_a_slash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # APIs imported from documents with several servers are named after a base URL.
    api = Api(
        name="https://api.example/v1",
        base_url="https://api.example/v1",
        calls=[Call(name="items", path="/items"), Call(name="other", path="/other")],
    )
    path = tmp_path / "ws.json"
    wf.save(Workspace(apis=[api]), path)
    code, out, err = run(
        capsys, "export", str(path), "--to", "curl", "--call", "https://api.example/v1/items"
    )
    assert code == 0, err
    assert "https://api.example/v1/items" in out
    assert "/other" not in out


# -- numeric options -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["infer", "body.json", "--max-size", "0"],
            "argument --max-size: must be greater than 0, not '0'",
        ),
        (
            ["infer", "body.json", "--max-size", "-5"],
            "argument --max-size: must be greater than 0, not '-5'",
        ),
        (
            ["infer", "body.json", "--max-size", "1.5"],
            "argument --max-size: '1.5' is not a whole number",
        ),
        (
            ["init", "ws.json", "--timeout", "0"],
            "argument --timeout: must be greater than 0, not '0'",
        ),
        (
            ["init", "ws.json", "--timeout", "-1"],
            "argument --timeout: must be greater than 0, not '-1'",
        ),
        (
            ["init", "ws.json", "--timeout", "nan"],
            "argument --timeout: must be greater than 0, not 'nan'",
        ),
        (
            ["init", "ws.json", "--timeout", "inf"],
            "argument --timeout: must be greater than 0, not 'inf'",
        ),
        (["init", "ws.json", "--timeout", "soon"], "argument --timeout: 'soon' is not a number"),
    ],
)
def test_numeric_options_refuse_zero_negative_and_nonsense(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == PREFIX + message


def test_numeric_options_accept_positive_values(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shop: Path
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"a": 1}')
    assert run(capsys, "infer", str(body), "--max-size", "1")[0] == 0
    code, out, _ = run(capsys, "init", str(shop), "--timeout", "2.5")
    assert code == 0
    assert out.startswith("200 OK · ")


def test_the_query_param_goes_out_with_init(capsys: pytest.CaptureFixture[str], shop: Path) -> None:
    # The parameter check lets real names through: page 2 holds other products.
    first = run(capsys, "init", str(shop), "--format", "json")[1]
    second = run(capsys, "init", str(shop), "--param", "page=2", "--format", "json")[1]
    assert orjson.loads(first) != orjson.loads(second)
