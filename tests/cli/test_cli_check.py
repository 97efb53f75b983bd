"""The ``check`` command, end to end against a local API whose answers change between runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import xmlschema

from designer import cli
from designer.core.demo.server import start_demo_server
from designer.core.interop.service import export_workspace
from designer.core.models import Api, BearerAuth, Call, Environment, Workspace
from designer.core.structure import FieldOverride, ValueType
from designer.core.workspace import file as wf
from tests.helpers.drift_server import DriftServer, running_drift_server
from tests.helpers.workspaces import initialized_example

JUNIT_XSD = Path(__file__).parents[1] / "data" / "junit" / "junit.xsd"
TOKEN = "s3cr3t-token-value"
ITEM = {"id": 7, "name": "Kettle", "price": 12.5, "vendor": {"name": "Acme", "url": None}}
ITEMS = {"data": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}], "has_more": False}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[DriftServer]:
    monkeypatch.setenv("CD_SECRET_SHOP_AUTH_TOKEN", TOKEN)
    with running_drift_server() as running:
        running.token = TOKEN
        running.answer("/v1/item", ITEM)
        running.answer("/v1/items", ITEMS)
        yield running


def _workspace(server: DriftServer) -> Workspace:
    api = Api(
        name="Shop",
        base_url=server.url + "/v1",
        auth=BearerAuth(),
        calls=[Call(name="Get item", path="/item"), Call(name="List items", path="/items")],
        environments=[Environment(name="staging", base_url=server.url + "/v1")],
    )
    return Workspace(name="Shop", apis=[api])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def stored(server: DriftServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A workspace whose calls hold the structures of the server's first answers."""
    path = tmp_path / "shop.json"
    wf.save(_workspace(server), path)
    code, out, _ = run(capsys, "check", str(path), "--update")
    assert code == 0, out
    assert out.count(" new ") == 2
    return path


def _junit(path: Path) -> Any:
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    schema.validate(str(path))  # raises with the reason when the report is not JUnit
    return schema.to_dict(str(path))


def test_nothing_changed_exits_0_and_leaves_the_workspace_alone(
    stored: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    before = stored.read_bytes()
    report = tmp_path / "report.xml"
    code, out, err = run(capsys, "check", str(stored), "--junit", str(report))
    assert code == 0, out + err
    assert "Shop/Get item" in out
    assert "Shop/List items" in out
    assert out.rstrip().endswith("2 calls: 2 ok")
    assert stored.read_bytes() == before
    suite = _junit(report)["testsuite"][0]
    assert [case["@name"] for case in suite["testcase"]] == ["Get item", "List items"]
    assert suite["@failures"] == 0
    assert suite["@errors"] == 0


def test_a_removed_field_is_breaking(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server.answer("/v1/item", {k: v for k, v in ITEM.items() if k != "price"})
    before = stored.read_bytes()
    report = tmp_path / "report.xml"
    code, out, _ = run(capsys, "check", str(stored), "--junit", str(report))
    assert code == 1
    assert "Shop/Get item" in out
    assert "BREAKING" in out
    assert "breaking    price: removed" in out
    assert stored.read_bytes() == before  # no --update: nothing written
    cases = _junit(report)["testsuite"][0]["testcase"]
    failure = cases[0]["failure"]
    assert failure["@type"] == "breaking change"
    assert "price: removed" in failure["$"]
    assert "failure" not in cases[1]


def test_a_type_change_is_breaking_and_json_lists_it(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.answer("/v1/item", {**ITEM, "id": "seven"})
    code, out, _ = run(capsys, "check", str(stored), "--format", "json")
    assert code == 1
    report = orjson.loads(out)
    item = report["calls"][0]
    assert item["result"] == "breaking"
    assert item["changes"] == [
        {
            "kind": "type",
            "path": "id",
            "before": "integer",
            "after": "text",
            "severity": "breaking",
        }
    ]
    assert report["summary"]["breaking"] == 1
    assert report["summary"]["unchanged"] == 1


def test_an_added_field_is_compatible_unless_fail_on_any(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.answer("/v1/item", {**ITEM, "stock": 3})
    code, out, _ = run(capsys, "check", str(stored))
    assert code == 0
    assert "compatible  stock: added" in out
    assert "1 compatible" in out
    code, _, _ = run(capsys, "check", str(stored), "--fail-on", "any")
    assert code == 1


def test_an_excluded_field_is_ignored_and_an_override_makes_a_type_change_compatible(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = wf.load(stored)
    call = ws.apis[0].calls[0]
    call.overrides = {"vendor": FieldOverride(include=False), "id": FieldOverride(ValueType.TEXT)}
    wf.save(ws, stored)
    server.answer("/v1/item", {**ITEM, "id": "seven", "vendor": None})
    code, out, _ = run(capsys, "check", str(stored))
    assert code == 0, out
    assert "ignored     vendor.name: removed" in out
    assert "compatible  id: type changed from integer to text" in out


def test_update_saves_new_structures_and_keeps_overrides(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = wf.load(stored)
    ws.apis[0].calls[0].overrides = {"name": FieldOverride(label="Title")}
    wf.save(ws, stored)
    server.answer("/v1/item", {**ITEM, "stock": 3, "price": "12.50"})
    code, _, err = run(capsys, "check", str(stored), "--update")
    assert code == 1  # what was found is still reported
    assert "Saved the new structures of 1 call in" in err
    call = wf.load(stored).apis[0].calls[0]
    assert call.structure is not None
    assert call.structure.fields is not None
    assert set(call.structure.fields) == {"id", "name", "price", "vendor", "stock"}
    assert call.structure.fields["price"].type is ValueType.TEXT
    assert call.overrides["name"].label == "Title"
    code, out, _ = run(capsys, "check", str(stored))
    assert code == 0, out


def test_a_failing_call_exits_1_with_a_junit_error(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    server.answer("/v1/items", {"error": "boom"}, status=500)
    report = tmp_path / "report.xml"
    code, out, _ = run(capsys, "check", str(stored), "--junit", str(report))
    assert code == 1
    assert "FAILED" in out
    assert "returned 500" in out
    case = _junit(report)["testsuite"][0]["testcase"][1]
    assert case["error"]["@type"] == "call failed"


def test_no_secret_is_printed_or_written(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The server echoes the token in a field and in an error: neither reaches the output.
    server.answer("/v1/item", {**ITEM, "echo": f"Bearer {TOKEN}"})
    server.answer("/v1/items", {"error": TOKEN}, status=502)
    report = tmp_path / "report.xml"
    code, out, err = run(
        capsys, "check", str(stored), "--junit", str(report), "--update", "--format", "json"
    )
    assert code == 1
    for text in (out, err, report.read_text(), stored.read_text()):
        assert TOKEN not in text


def test_a_missing_secret_fails_the_call_not_the_run(
    stored: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CD_SECRET_SHOP_AUTH_TOKEN")
    code, out, _ = run(capsys, "check", str(stored))
    assert code == 1
    assert out.count("FAILED") == 2


def test_retry_after_is_honoured(
    stored: Path, server: DriftServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.pending_429["/v1/item"] = 1
    server.requests.clear()
    code, out, _ = run(capsys, "check", str(stored), "--call", "Shop/Get item")
    assert code == 0, out
    times = [t for path, t in server.requests if path == "/v1/item"]
    assert len(times) == 2
    assert times[1] - times[0] >= 0.95  # Retry-After: 1


def test_environment_and_selection(
    stored: Path, capsys: pytest.CaptureFixture[str], server: DriftServer
) -> None:
    server.requests.clear()
    code, out, _ = run(capsys, "check", str(stored), "--env", "staging", "--call", "List items")
    assert code == 0, out
    assert "1 call: 1 ok" in out
    assert [p for p, _ in server.requests] == ["/v1/items"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--call", "Shop/Nope"], "No call 'Shop/Nope'"),
        (["--api", "Nope"], "No API 'Nope'"),
        (["--env", "prod"], "has no environment 'prod'"),
        (["--concurrency", "0"], "must be greater than 0"),
    ],
)
def test_usage_errors_exit_2(
    stored: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "check", str(stored), *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_bundle_is_checked_but_never_updated(
    stored: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bundle = tmp_path / "shop.bundle.json"
    bundle.write_bytes(export_workspace(wf.load(stored), "bundle"))
    code, out, _ = run(capsys, "check", str(bundle))
    assert code == 0, out
    assert "2 calls: 2 ok" in out
    code, _, err = run(capsys, "check", str(bundle), "--update")
    assert code == 2
    assert "a bundle is never changed" in err


def test_concurrency_and_per_host_limits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_drift_server(latency=0.05) as server:
        calls = []
        for n in range(12):
            server.answer(f"/v1/c{n}", {"n": n})
            calls.append(Call(name=f"c{n}", path=f"/c{n}"))
        ws = Workspace(apis=[Api(name="Many", base_url=server.url + "/v1", calls=calls)])
        path = tmp_path / "many.json"
        wf.save(ws, path)
        assert run(capsys, "check", str(path), "--concurrency", "2")[0] == 0
        assert server.max_in_flight == 2
        server.max_in_flight = 0
        assert run(capsys, "check", str(path), "--concurrency", "12")[0] == 0
        assert server.max_in_flight == 4  # the per-host limit


def test_the_demo_api_has_not_drifted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo = start_demo_server()
    try:
        ws = initialized_example(demo.url)
        api = ws.apis[0]
        path = tmp_path / "example.json"
        wf.save(ws, path)
        specs = [f"--call=Demo Store/{c.name}" for c in api.calls if c.structure is not None]
        cli_env = "CD_SECRET_DEMO_STORE_GET_ACCOUNT_PARAM_X_API_KEY"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(cli_env, "demo-key")
            code, out, _ = run(capsys, "check", str(path), *specs)
        assert code == 0, out
        assert out.rstrip().endswith(f"{len(specs)} calls: {len(specs)} ok")
    finally:
        demo.stop()


def test_the_progress_bar_shows_on_a_terminal_only(
    stored: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "check", str(stored))
    assert code == 0
    assert "[" not in err  # not a terminal: no bar
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    code, _, err = run(capsys, "check", str(stored))
    assert code == 0
    assert "] 2/2 " in err
    assert "#" * 30 in err
