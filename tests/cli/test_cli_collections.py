"""Postman, Insomnia and HAR fixtures imported through the command line, then sent with
``init`` to a local echo server: the request that goes out is what the author meant."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
import pytest

from designer import cli
from designer.core.workspace import file as wf
from tests.core.interop.conftest import DATA
from tests.helpers.echo import TOKEN, EchoServer, Recorded


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def echo() -> object:
    with EchoServer() as server:
        yield server


def _imported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, host: str, *flags: str
) -> tuple[Path, str]:
    """The fixture ``name``, pointed at ``host``, imported with the CLI into a workspace."""
    source = tmp_path / name
    source.write_text((DATA / name).read_text().replace("localhost:4010", host))
    target = tmp_path / "ws.json"
    code, out, err = run(capsys, "import", str(source), "-o", str(target), *flags)
    assert code == 0, err
    assert out.startswith("Imported ")
    return target, err


def _init(capsys: pytest.CaptureFixture[str], ws: Path, call: str, *extra: str) -> str:
    code, out, err = run(capsys, "init", str(ws), "--call", call, *extra)
    assert code == 0, err
    return out


def _last(echo: EchoServer, method: str) -> Recorded:
    return [r for r in echo.recorded if r.method == method][-1]


def test_postman_collection_sends_what_it_says(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    echo: EchoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = echo.host
    ws, err = _imported(capsys, tmp_path, "social.postman_collection.json", host)
    assert "AAAAbearer" not in err + ws.read_text()
    assert "Note: not imported: 1 request to ftp:// URLs" in err
    monkeypatch.setenv("CD_SECRET_TWEETS_AUTH_TOKEN", "tw-token")
    monkeypatch.setenv("CD_SECRET_SOCIAL_API_V2_AUTH_TOKEN", "root-token")
    monkeypatch.setenv("CD_SECRET_USERS_AUTH_CLIENT_SECRET", "users-secret")
    monkeypatch.setenv("CD_SECRET_CONDUIT_AUTH_KEY", "conduit-key")

    _init(capsys, ws, "Tweets/Recent search")
    sent = _last(echo, "GET")
    path, _, query = sent.target.partition("?")
    assert path == "/v2/tweets/search/recent"
    # Disabled entries are not sent; the query value is one value.
    assert parse_qs(query) == {"query": ["from:jack has:media lang:en"], "max_results": ["10"]}
    assert sent.headers["authorization"] == "Bearer tw-token"

    _init(capsys, ws, "Tweets/Single Tweet", "--param", "expansions=author_id")
    assert _last(echo, "GET").target == "/v2/tweets/1460323737035677698?expansions=author_id"

    _init(capsys, ws, "Users/User by username", "--param", "X-Trace=t-1")
    sent = _last(echo, "GET")
    assert sent.target == "/v2/users/by/username/celeb_jack"  # never %7Busername%7D
    assert sent.headers["x-trace"] == "t-1"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    token = _last(echo, "POST")
    assert token.target == "/v2/oauth2/token"
    assert parse_qs(token.body.decode())["client_secret"] == ["users-secret"]  # in the body

    _init(capsys, ws, "Conduit/Update user", "--param", "user.email=ana@example.com")
    sent = _last(echo, "PUT")
    assert (sent.target, sent.headers["authorization"]) == ("/api/user", "Token conduit-key")
    body = sent.json()
    assert isinstance(body, dict)
    assert body["user"]["email"] == "ana@example.com"
    assert body["user"]["bio"] == "I like to skateboard"

    _init(capsys, ws, "Social API v2/Health")
    sent = _last(echo, "GET")
    assert sent.target == "/health"  # the scheme-less URL reached the server
    assert sent.headers["authorization"] == "Bearer root-token"


def test_insomnia_flow_yaml_sends_whole_query_values(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    echo: EchoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, err = _imported(capsys, tmp_path, "shop.insomnia.yaml", echo.host)
    assert "tok_dev_123" not in err + ws.read_text()
    assert [e.name for e in wf.load(ws).apis[0].environments] == ["dev", "prod"]
    monkeypatch.setenv("CD_SECRET_ORDERS_AUTH_TOKEN", "orders-token")
    _init(capsys, ws, "Orders/List orders")
    sent = _last(echo, "GET")
    path, _, query = sent.target.partition("?")
    assert path == "/v2/orders"
    assert parse_qs(query) == {"filter": ["status=open&region=eu west"], "page": ["1"]}
    assert sent.headers["authorization"] == "Bearer orders-token"
    _init(capsys, ws, "Orders/Refunds / Refund order", "--param", "orderId=A 7")
    sent = _last(echo, "POST")
    assert sent.target == "/v2/orders/A%207/refund"
    assert parse_qs(sent.body.decode()) == {"reason": ["damaged"]}


def test_har_capture_imports_the_api_calls_only(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    echo: EchoServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, err = _imported(capsys, tmp_path, "browser-capture.har", echo.host)
    assert "skipped 313 static assets (images, fonts, styles, scripts) and 5 CORS" in err
    assert "browser-session-token" not in err + ws.read_text()
    (api,) = wf.load(ws).apis
    assert len(api.calls) == 5
    variable = re.search(r"Secret (CD_SECRET_\w+_AUTH_TOKEN)", err)
    assert variable is not None
    monkeypatch.setenv(variable.group(1), "har-token")
    _init(capsys, ws, f"{api.name}/POST /api/v1/cart/items")
    sent = _last(echo, "POST")
    assert urlsplit(sent.target).path == "/api/v1/cart/items"
    assert sent.headers["authorization"] == "Bearer har-token"
    body = sent.json()
    assert isinstance(body, dict)
    assert set(body) == {"product_id", "quantity"}

    kept, err = _imported(capsys, tmp_path, "browser-capture.har", echo.host, "--keep-static")
    assert "skipped" not in err
    assert sum(len(a.calls) for a in wf.load(kept).apis) > 300


def test_import_help_names_keep_static(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        cli.main(["import", "--help"])
    except SystemExit:
        pass
    assert "--keep-static" in capsys.readouterr().out


def test_exported_collection_reimports_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, echo: EchoServer
) -> None:
    ws, _ = _imported(capsys, tmp_path, "social.postman_collection.json", echo.host)
    exported = tmp_path / "exported.json"
    code, _, err = run(capsys, "export", str(ws), "--to", "postman", "-o", str(exported))
    assert code == 0, err
    assert "%7B" not in exported.read_text()
    again = tmp_path / "again.json"
    code, _, err = run(capsys, "import", str(exported), "-o", str(again))
    assert code == 0, err
    before = {a.name: [c.path for c in a.calls] for a in wf.load(ws).apis}
    after = {a.name: [c.path for c in a.calls] for a in wf.load(again).apis}
    assert after == before
    assert orjson.loads(exported.read_bytes())["info"]["name"] == "Social API v2"
