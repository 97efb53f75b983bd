"""Custom HTTP methods: the model, the workspace file and the importers."""

from __future__ import annotations

from collections.abc import Callable

import jsonschema
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from designer.core.errors import ImportFormatError
from designer.core.interop.service import read_import
from designer.core.models import Api, Call, Method, Workspace
from designer.core.workspace import file as wf

# -- the method model ------------------------------------------------------------------------


def test_the_seven_methods_stay_members_and_custom_ones_are_made_on_demand() -> None:
    assert [m.value for m in Method] == ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    assert Method("get") is Method.GET
    purge = Method("purge")
    assert (purge.value, purge.name, str(purge), f"{purge}") == ("PURGE", "PURGE", "PURGE", "PURGE")
    assert purge == Method("PURGE")
    assert {purge: 1}["PURGE"] == 1
    assert "PURGE" not in Method.__members__  # iteration and the list stay the seven
    for bad in ("", "GET /", "PÜRGE", "A,B"):
        with pytest.raises(ValueError, match="is not a valid Method"):
            Method(bad)


def test_standard_methods_are_written_as_before() -> None:
    calls = [Call(name=m.value, method=m) for m in Method]
    ws = Workspace(apis=[Api(name="A", calls=calls)])
    data = wf.dumps(ws)
    written = [c["method"] for c in orjson.loads(data)["apis"][0]["calls"]]
    assert written == [m.value for m in Method]
    assert [c.method for c in wf.loads(data).apis[0].calls] == list(Method)
    assert all(c.method is m for c, m in zip(wf.loads(data).apis[0].calls, Method, strict=True))


_TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@given(st.text(_TOKEN_CHARS, min_size=1, max_size=20))
def test_any_method_token_round_trips_through_the_file(method: str) -> None:
    ws = Workspace(apis=[Api(name="A", calls=[Call(name="c", method=method)])])
    data = wf.dumps(ws)
    assert wf.loads(data).apis[0].calls[0].method == method
    jsonschema.Draft202012Validator(wf.json_schema()).validate(orjson.loads(data))


_ANY_CASE = set(_TOKEN_CHARS + _TOKEN_CHARS.lower())


@given(st.text(max_size=8).filter(lambda s: not s or not set(s) <= _ANY_CASE))
def test_a_method_that_is_no_token_is_refused(method: str) -> None:
    with pytest.raises(ValidationError, match="must be an HTTP method"):
        Call(name="c", method=method)


# -- importers keep custom methods ---------------------------------------------------------


def _postman(method: str) -> bytes:
    request = {"method": method, "url": "https://cdn.example.com/assets/logo.png", "header": []}
    return orjson.dumps(
        {
            "info": {
                "name": "CDN",
                "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
            },
            "item": [{"name": "Purge logo", "request": request}],
        }
    )


def _har(method: str) -> bytes:
    request = {
        "method": method,
        "url": "https://cdn.example.com/assets/logo.png",
        "httpVersion": "HTTP/1.1",
        "headers": [],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": 0,
    }
    response = {
        "status": 200,
        "statusText": "OK",
        "httpVersion": "HTTP/1.1",
        "headers": [],
        "cookies": [],
        "content": {"size": 0, "mimeType": "text/plain"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": 0,
    }
    entry = {
        "startedDateTime": "2026-01-01T00:00:00Z",
        "time": 1,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }
    return orjson.dumps({"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [entry]}})


@pytest.mark.parametrize(("kind", "document"), [("postman", _postman), ("har", _har)])
@pytest.mark.parametrize("method", ["PURGE", "LINK", "VIEW"])
def test_importers_keep_custom_methods(
    kind: str, document: Callable[[str], bytes], method: str
) -> None:
    imported = read_import(document(method), f"cdn.{kind}", kind)
    calls = [c for a in imported.result.apis for c in a.calls]
    assert [c.method for c in calls] == [method]


def test_an_invalid_imported_method_is_a_one_line_error() -> None:
    with pytest.raises(ImportFormatError) as info:
        read_import(_postman("GET THIS"), "cdn.json", "postman")
    assert "must be an HTTP method such as GET, POST or PURGE, not 'GET THIS'" in str(info.value)
    assert "\n" not in str(info.value)
