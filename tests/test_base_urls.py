"""Base URLs are checked where they enter: on import, in the request builder and the editor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer import cli
from designer.core.http.base_url import base_url_problem
from designer.core.models import Api, Call, Workspace
from designer.core.workspace import file as wf

PREFIX = "connector-designer: error: "


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://api.example.com/v1", None),
        ("http://[::1]:8080/v1", None),
        ("http://user@host:443", None),
        ("", None),
        ("/v1", None),
        ("{base}/v1", None),
        ("https://{tenant}.example.com", None),
        ("http://h:99999", "has port 99999, out of the range 1 to 65535"),
        ("http://h:0/x", "has port 0, out of the range 1 to 65535"),
        ("http://h:/x", "has a ':' but no port number after it"),
        (
            "http://[::1",
            "has an IPv6 address without its closing bracket: write it as http://[::1]:8080",
        ),
        ("http://::1/", "has an IPv6 address without brackets: write it as http://[::1]:8080"),
        ("ftp://files.example.com", "must start with http:// or https://"),
        ("api.example.com", "must start with http:// or https://"),
        ("http://", "has no host name"),
        ("http://a b.example", "has a space in it: encode it as %20"),
    ],
)
def test_base_url_problem(url: str, problem: str | None) -> None:
    assert base_url_problem(url) == problem


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        ("http://api.example.com:99999/v1", "has port 99999, out of the range 1 to 65535"),
        (
            "http://[::1/v1",
            "has an IPv6 address without its closing bracket: write it as http://[::1]:8080",
        ),
    ],
)
def test_import_leaves_out_a_server_url_that_cannot_be_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server: str, problem: str
) -> None:
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Bad", "version": "1"},
        "servers": [{"url": server}],
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(doc))
    target = tmp_path / "ws.json"
    code = cli.main(["import", str(source), "-o", str(target)])
    _, err = capsys.readouterr()
    # The rest of the document is good: the server is left out, with a note saying why,
    # and the URL that could never be sent is not stored.
    assert code == 0
    assert (
        f"Note: server URLs that cannot be a base URL ({problem}) were left out: set the "
        f"base URL of those calls (1 place: $.servers[0])"
    ) in err
    (api,) = wf.load(target).apis
    assert api.base_url == ""
    assert server not in target.read_text()


def test_init_with_a_bad_base_url_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ws.json"
    api = Api(name="A", base_url="http://h:99999", calls=[Call(name="c", path="/x")])
    wf.save(Workspace(apis=[api]), path)
    code = cli.main(["init", str(path)])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"{PREFIX}URL 'http://h:99999/x' of call 'c' in API 'A' has port 99999, out of the "
        f"range 1 to 65535: check the base URL\n"
    )
