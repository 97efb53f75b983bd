"""Initialize end to end against a real local httpbin and small fault servers."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from designer.core.calls.initialize import InferOutcome, infer_response, with_structure
from designer.core.calls.service import initialize
from designer.core.errors import HTTPStatusError
from designer.core.http.execute import ExecutionSettings, Executor, ResponseResult
from designer.core.inference import walk
from designer.core.models import Api, BasicAuth, Call, Parameter, Placement, secret_ref
from designer.core.secrets.store import MemorySecretStore
from designer.core.structure import FieldOverride, ResponseType, TextFormat, ValueType
from tests.helpers.servers import FaultServer, reply

Runner = Callable[[Coroutine[Any, Any, Any]], Any]


def run_call(run_async: Runner, api: Api, call: Call, store: MemorySecretStore | None = None):
    async def go() -> tuple[ResponseResult, InferOutcome]:
        async with Executor(ExecutionSettings(read_timeout=10)) as executor:
            return await initialize(executor, api, call, store or MemorySecretStore())

    return run_async(go())


def test_json_endpoint_gives_a_typed_tree(httpbin: Any, run_async: Runner) -> None:
    api = Api(name="httpbin", base_url=httpbin.url)
    response, outcome = run_call(run_async, api, Call(name="json", path="/json"))
    assert response.status == 200
    nodes = dict(walk(outcome.shape))
    assert outcome.kind is ResponseType.JSON
    assert nodes["slideshow.slides"].label == "list of object"
    assert nodes["slideshow.slides[].items"].optional
    assert nodes["slideshow.title"].type is ValueType.TEXT


def test_xml_and_html_endpoints(httpbin: Any, run_async: Runner) -> None:
    api = Api(name="httpbin", base_url=httpbin.url)
    _, xml = run_call(run_async, api, Call(name="xml", path="/xml"))
    assert xml.kind is ResponseType.XML
    assert dict(walk(xml.shape))["slideshow.slide"].label == "list of object"
    _, html = run_call(run_async, api, Call(name="html", path="/html"))
    assert (html.kind, html.shape.type, html.shape.content_type) == (
        ResponseType.TEXT,
        ValueType.TEXT,
        "text/html",
    )


def test_binary_and_gzip(httpbin: Any, run_async: Runner) -> None:
    api = Api(name="httpbin", base_url=httpbin.url)
    _, binary = run_call(
        run_async,
        api,
        Call(
            name="bytes",
            path="/bytes/{n}",
            parameters=[Parameter(name="n", value="2048", placement=Placement.PATH)],
        ),
    )
    assert (binary.shape.type, binary.shape.size) == (ValueType.BINARY, 2048)
    _, gz = run_call(run_async, api, Call(name="gzip", path="/gzip"))
    assert dict(walk(gz.shape))["gzipped"].type is ValueType.BOOLEAN


def test_error_status_fails_unless_errors_are_included(httpbin: Any, run_async: Runner) -> None:
    api = Api(name="httpbin", base_url=httpbin.url)
    call = Call(name="limited", path="/status/429")
    with pytest.raises(HTTPStatusError, match="returned 429 TOO MANY REQUESTS") as info:
        run_call(run_async, api, call)
    assert info.value.status == 429
    call = call.model_copy(update={"include_errors": True, "path": "/status/500"})
    _, outcome = run_call(run_async, api, call)
    nodes = dict(walk(outcome.shape))
    assert nodes["status_code"].samples == [500]
    assert nodes["returned_an_error"].samples == [True]
    assert nodes["error_message"].type is ValueType.TEXT
    assert "body" in nodes


def test_basic_auth_and_captured_headers(httpbin: Any, run_async: Runner) -> None:
    api = Api(name="httpbin", base_url=httpbin.url, auth=BasicAuth(username="ann"))
    store = MemorySecretStore()
    store.set(secret_ref(api, "auth.password"), "s3cret")
    call = Call(name="basic", path="/basic-auth/ann/s3cret", capture_headers=True)
    _, outcome = run_call(run_async, api, call, store)
    nodes = dict(walk(outcome.shape))
    assert nodes["body.authenticated"].samples == [True]
    assert nodes["headers.content-type"].type is ValueType.TEXT


def test_invalid_json_is_shown_as_text_with_a_note(run_async: Runner) -> None:
    with FaultServer(reply(b'{"id": 1,, }', content_type="application/json")) as server:
        api = Api(name="broken", base_url=server.url)
        _, outcome = run_call(run_async, api, Call(name="bad"))
    assert outcome.note == (
        "Response is not valid JSON (line 1, column 10): Expecting property name enclosed "
        "in double quotes; showing it as text"
    )
    assert outcome.kind is ResponseType.TEXT
    assert outcome.shape.samples == ['{"id": 1,, }']


def _response(body: bytes) -> ResponseResult:
    return ResponseResult(
        200, "OK", "HTTP/1.1", "http://h/", 0.01, (), body, "application/json", None
    )


def test_with_structure_keeps_overrides_of_fields_that_still_exist() -> None:
    call = Call(name="c")
    first = infer_response(call, _response(b'{"a": 1, "b": "2024-01-01", "c": true}')).shape
    call, changes = with_structure(call, first)
    assert changes == []
    call = call.model_copy(
        update={
            "overrides": {
                "b": FieldOverride(type=ValueType.TEXT, format=TextFormat.DATE, label="Born"),
                "c": FieldOverride(include=False),
            }
        }
    )
    second = infer_response(call, _response(b'{"a": "x", "b": "2024-01-02"}')).shape
    replaced, changes = with_structure(call, second)
    assert set(replaced.overrides) == {"b"}
    assert {(c.kind, c.path) for c in changes} == {("type", "a"), ("removed", "c")}
    merged, _ = with_structure(call, second, merge=True)
    assert merged.structure is not None
    assert merged.structure.fields is not None
    assert merged.structure.fields["c"].optional
    assert merged.structure.fields["a"].type is ValueType.MIXED
    assert set(merged.overrides) == {"b", "c"}


def _rates(codes: list[str]) -> bytes:
    return b'{"base": "EUR", "rates": {%s}}' % b", ".join(b'"%s": 1.5' % c.encode() for c in codes)


CODES = [f"{a}{b}X" for a in "ABCDEF" for b in "ABCDE"]


def test_reinitializing_a_map_with_new_keys_reports_no_drift_and_it_stays_a_map() -> None:
    call = Call(name="rates")
    call, _ = with_structure(call, infer_response(call, _response(_rates(CODES[:25]))).shape)
    assert call.structure is not None
    assert dict(walk(call.structure))["rates"].label == "map of number"
    # Other keys, then only two keys (alone they would read as a record): still the map.
    for codes in (CODES[10:], ["AAX", "ABX"]):
        call, changes = with_structure(call, infer_response(call, _response(_rates(codes))).shape)
        assert changes == []
        assert call.structure is not None
        assert dict(walk(call.structure))["rates"].label == "map of number"


def test_the_users_choice_of_object_or_map_wins_on_the_next_initialize() -> None:
    call = Call(name="rates", capture_headers=True)
    body = b'{"rates": {"AAX": 1, "ABX": 2, "ACX": 3, "ADX": 4}, "flags": {"a": true, "b": false}}'
    call, _ = with_structure(call, infer_response(call, _response(body)).shape)
    assert call.structure is not None
    assert dict(walk(call.structure))["body.rates"].type is ValueType.MAP
    call = call.model_copy(
        update={
            "overrides": {
                "body.rates": FieldOverride(type=ValueType.OBJECT),
                "body.flags": FieldOverride(type=ValueType.MAP),
            }
        }
    )
    call, changes = with_structure(call, infer_response(call, _response(body)).shape)
    assert call.structure is not None
    nodes = dict(walk(call.structure))
    assert list(nodes["body.rates"].fields or ()) == ["AAX", "ABX", "ACX", "ADX"]
    assert nodes["body.flags"].label == "map of boolean"
    assert {(c.kind, c.path) for c in changes} == {("type", "body.rates"), ("type", "body.flags")}
    assert set(call.overrides) == {"body.rates", "body.flags"}
