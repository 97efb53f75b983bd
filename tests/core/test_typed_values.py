"""Typed sample values: how bodies, URLs and files are built from them, and what is refused."""

from __future__ import annotations

import json
import os
import shlex
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.core.errors import RequestBuildError
from designer.core.http.file_choices import ChosenFiles
from designer.core.http.request import build_request
from designer.core.interop.curl.exporter import export_curl
from designer.core.models import (
    Api,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    ValueType,
    Workspace,
    secret_ref,
)
from designer.core.secrets.store import MemorySecretStore
from designer.core.values import BadValue, json_value, text_value
from designer.core.workspace import file as wf

DATA = Path(__file__).parent.parent / "data"


def body(name: str, value: str, kind: ValueType = ValueType.TEXT, **kw: Any) -> Parameter:
    return Parameter(name=name, value=value, placement=Placement.BODY, type=kind, **kw)


def order_call(*params: Parameter, template: str = "") -> tuple[Api, Call]:
    call = Call(
        name="Place order",
        method=Method.POST,
        path="/anything/store/order",
        body_type=BodyType.JSON,
        body_template=template,
        parameters=list(params),
    )
    return Api(name="Pets", base_url="http://127.0.0.1:1", calls=[call]), call


def pet_order() -> list[Parameter]:
    return [
        body("petId", "198772", ValueType.INTEGER),
        body("quantity", "7", ValueType.INTEGER),
        body("price", "7.50", ValueType.NUMBER),
        body("complete", "True", ValueType.BOOLEAN),
        body("status", "placed"),
        body("tags", '["a", 1, {"b": null}]', ValueType.JSON),
        body("ship.date", "null", ValueType.JSON),
        body("note", "007"),
    ]


def built_json(api: Api, call: Call) -> Any:
    return orjson.loads(build_request(api, call, MemorySecretStore()).content or b"")


# -- reading one value ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (ValueType.INTEGER, "7", "7"),
        (ValueType.INTEGER, " -3 ", "-3"),
        (ValueType.INTEGER, "007", "7"),
        (ValueType.INTEGER, "+12", "12"),
        (ValueType.INTEGER, "123456789012345678901234567890", "123456789012345678901234567890"),
        (ValueType.NUMBER, "7", "7"),
        (ValueType.NUMBER, "7.50", "7.50"),
        (ValueType.NUMBER, "-0.25", "-0.25"),
        (ValueType.NUMBER, ".5", "0.5"),
        (ValueType.NUMBER, "1e3", "1E+3"),
        (ValueType.BOOLEAN, "true", "true"),
        (ValueType.BOOLEAN, "FALSE", "false"),
        (ValueType.BOOLEAN, " True ", "true"),
        (ValueType.JSON, "[1, 2]", "[1, 2]"),
        (ValueType.JSON, '{"a": {"b": [true]}}', '{"a": {"b": [true]}}'),
        (ValueType.JSON, "null", "null"),
        (ValueType.JSON, '"quoted"', '"quoted"'),
        (ValueType.TEXT, " 7 ", '" 7 "'),
    ],
)
def test_values_that_fit_their_type(kind: ValueType, text: str, expected: str) -> None:
    assert orjson.dumps(json_value(kind, text)).decode() == expected


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        (ValueType.INTEGER, "seven", "is not a whole number: write digits only"),
        (ValueType.INTEGER, "7.5", "is not a whole number"),
        (ValueType.INTEGER, "1_000", "is not a whole number"),
        (ValueType.INTEGER, "", "is not a whole number"),
        (ValueType.INTEGER, "9" * 5000, "is not a whole number (too long)"),
        (ValueType.NUMBER, "7,5", "is not a number: write"),
        (ValueType.NUMBER, "NaN", "is not a number"),
        (ValueType.NUMBER, "Infinity", "is not a number"),
        (ValueType.NUMBER, "1e400", "too large to be read by most servers"),
        (ValueType.BOOLEAN, "yes", "is not a yes/no value: write true or false"),
        (ValueType.BOOLEAN, "1", "is not a yes/no value"),
        (ValueType.BOOLEAN, "on", "is not a yes/no value"),
        (ValueType.JSON, "[1, 2", "is not JSON"),
        (ValueType.JSON, "{'a': 1}", "is not JSON"),
        (ValueType.JSON, "", "is not JSON"),
        (ValueType.FILE, "/tmp/x.png", "can only be sent as a part of a multipart body"),
    ],
)
def test_values_that_do_not_fit_are_refused(kind: ValueType, text: str, reason: str) -> None:
    with pytest.raises(BadValue, match=reason.replace("(", r"\(").replace(")", r"\)")):
        json_value(kind, text)


def test_text_values_outside_a_body_are_checked_and_booleans_spelled_true_false() -> None:
    assert text_value(ValueType.BOOLEAN, "TRUE") == "true"
    assert text_value(ValueType.INTEGER, " 42 ") == "42"
    assert text_value(ValueType.JSON, ' ["a"] ') == '["a"]'
    assert text_value(ValueType.TEXT, " as is ") == " as is "
    with pytest.raises(BadValue):
        text_value(ValueType.NUMBER, "lots")


# -- bodies --------------------------------------------------------------------------------


def test_json_body_sends_numbers_booleans_and_json_values() -> None:
    api, call = order_call(*pet_order())
    content = build_request(api, call, MemorySecretStore()).content or b""
    # Numbers go out exactly as written: 7.50 is not rounded to 7.5.
    assert b'"price":7.50' in content
    assert orjson.loads(content) == {
        "petId": 198772,
        "quantity": 7,
        "price": 7.5,
        "complete": True,
        "status": "placed",
        "tags": ["a", 1, {"b": None}],
        "ship": {"date": None},
        "note": "007",
    }


def test_a_big_integer_is_sent_without_rounding() -> None:
    api, call = order_call(body("id", "123456789012345678901234567890", ValueType.INTEGER))
    content = build_request(api, call, MemorySecretStore()).content
    assert content == b'{"id":123456789012345678901234567890}'
    assert json.loads(content or b"")["id"] == 123456789012345678901234567890


@pytest.mark.parametrize(
    ("param", "message"),
    [
        (
            body("quantity", "seven", ValueType.INTEGER),
            "Parameter 'quantity' of call 'Place order' in API 'Pets': 'seven' is not a whole "
            "number: write digits only, like 7 or -3",
        ),
        (
            body("complete", "yes", ValueType.BOOLEAN),
            "Parameter 'complete' of call 'Place order' in API 'Pets': 'yes' is not a yes/no "
            "value: write true or false",
        ),
        (
            body("tags", "[1,", ValueType.JSON),
            "Parameter 'tags' of call 'Place order' in API 'Pets': '[1,' is not JSON",
        ),
        (
            body("photo", "/tmp/a.png", ValueType.FILE),
            "Parameter 'photo' of call 'Place order' in API 'Pets': '/tmp/a.png' is a file, "
            "which can only be sent as a part of a multipart body",
        ),
    ],
)
def test_a_bad_body_value_is_one_line_naming_parameter_call_and_api(
    param: Parameter, message: str
) -> None:
    api, call = order_call(body("status", "placed"), param)
    with pytest.raises(RequestBuildError) as info:
        build_request(api, call, MemorySecretStore())
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_a_private_value_that_does_not_fit_is_not_shown() -> None:
    api, call = order_call(body("pin", "", ValueType.INTEGER, private=True))
    store = MemorySecretStore()
    store.set(secret_ref(api, "param.pin", call), "s3cret-pin")
    with pytest.raises(RequestBuildError) as info:
        build_request(api, call, store)
    assert "s3cret" not in str(info.value)
    assert "'pin' of call 'Place order' in API 'Pets': its value is not a whole number" in str(
        info.value
    )


def test_blank_optional_typed_parameters_are_left_out() -> None:
    api, call = order_call(
        body("quantity", "7", ValueType.INTEGER),
        body("complete", "", ValueType.BOOLEAN, optional=True),
        body("tags", " ", ValueType.JSON, optional=True),
    )
    assert built_json(api, call) == {"quantity": 7}


def test_templates_write_typed_values_as_literals_and_text_between_quotes() -> None:
    template = (
        '{"order": {"id": <petId>, "n": <quantity>, "done": <complete>, "tags": <tags>,'
        ' "status": "<status>", "note": "<note>", "when": <ship.date>}}'
    )
    api, call = order_call(*pet_order(), template=template)
    assert built_json(api, call) == {
        "order": {
            "id": 198772,
            "n": 7,
            "done": True,
            "tags": ["a", 1, {"b": None}],
            "status": "placed",
            "note": "007",
            "when": None,
        }
    }


def test_a_blank_optional_typed_placeholder_is_null_in_a_template() -> None:
    api, call = order_call(
        body("n", "", ValueType.INTEGER, optional=True),
        body("s", "", optional=True),
        template='{"n": <n>, "s": "<s>"}',
    )
    assert built_json(api, call) == {"n": None, "s": ""}


def test_query_header_path_and_form_values_are_text() -> None:
    call = Call(
        name="Search",
        method=Method.POST,
        path="/items/{id}",
        body_type=BodyType.FORM,
        parameters=[
            Parameter(name="id", value="12", placement=Placement.PATH, type=ValueType.INTEGER),
            Parameter(name="active", value="True", type=ValueType.BOOLEAN),
            Parameter(name="ids", value="[1,2]", type=ValueType.JSON),
            Parameter(
                name="X-Flag", value="FALSE", placement=Placement.HEADER, type=ValueType.BOOLEAN
            ),
            body("price", "7.5", ValueType.NUMBER),
            body("gift", "false", ValueType.BOOLEAN),
        ],
    )
    api = Api(name="Shop", base_url="http://127.0.0.1:1", calls=[call])
    built = build_request(api, call, MemorySecretStore())
    assert built.url == "http://127.0.0.1:1/items/12?active=true&ids=%5B1%2C2%5D"
    assert ("X-Flag", "false") in built.headers
    assert built.content == b"price=7.5&gift=false"

    call.parameters[1].value = "maybe"
    with pytest.raises(RequestBuildError, match="Parameter 'active' of call 'Search' in API"):
        build_request(api, call, MemorySecretStore())


def test_a_missing_upload_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "photo.png"
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/anything",
        body_type=BodyType.MULTIPART,
        parameters=[body("photo", str(missing), ValueType.FILE)],
    )
    api = Api(name="Pets", base_url="http://127.0.0.1:1", calls=[call])
    with pytest.raises(RequestBuildError) as info:
        build_request(api, call, MemorySecretStore(), chosen=ChosenFiles(session=[str(missing)]))
    message = str(info.value)
    assert message.startswith("Parameter 'photo' of call 'Upload' in API 'Pets': '")
    assert message.endswith(f"' cannot be sent as a file: {missing} does not exist: check the path")


def test_curl_export_writes_typed_bodies_and_file_parts(tmp_path: Path) -> None:
    api, call = order_call(*pet_order(), body("pending", "", ValueType.INTEGER))
    upload = Call(
        name="Upload",
        method=Method.POST,
        path="/anything",
        body_type=BodyType.MULTIPART,
        parameters=[body("title", "Cat"), body("photo", "~/cats/tom.png", ValueType.FILE)],
    )
    api.calls.append(upload)
    text = export_curl([api])
    order = shlex.split(text.split("# Pets / Upload")[0].replace("\\\n", " "), comments=True)
    sent = orjson.loads(order[order.index("--data-raw") + 1])
    assert (sent["quantity"], sent["price"], sent["complete"]) == (7, 7.5, True)
    # The blank required integer is a placeholder to fill in, so it stays quoted.
    assert sent["pending"] == "<pending>"
    # The file is named, not read: it need not exist on this machine.
    assert "--form-string 'title=Cat'" in text
    assert "-F 'photo=@~/cats/tom.png'" in text


# -- the file ------------------------------------------------------------------------------


def test_version_1_workspace_round_trips_byte_identical() -> None:
    data = (DATA / "workspace_v1.json").read_bytes()
    ws = wf.loads(data)
    assert all(p.type is ValueType.TEXT for a in ws.apis for c in a.calls for p in c.parameters)
    assert wf.dumps(ws) == data


def test_types_and_custom_methods_are_saved_and_read_back() -> None:
    api, call = order_call(*pet_order())
    call.method = Method("PURGE")
    ws = wf.loads(wf.dumps(Workspace(apis=[api])))
    loaded = ws.apis[0].calls[0]
    assert loaded.method == "PURGE"
    assert isinstance(loaded.method, Method)
    assert [p.type for p in loaded.parameters] == [p.type for p in pet_order()]
    saved = orjson.loads(wf.dumps(ws))["apis"][0]["calls"][0]
    assert "type" not in saved["parameters"][4]  # text is not written
    assert saved["parameters"][0]["type"] == "integer"


# -- any typed value round-trips through the body ------------------------------------------

_FINITE = st.floats(allow_nan=False, allow_infinity=False)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _FINITE | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def typed_values(draw: st.DrawFn) -> tuple[ValueType, str, Any]:
    """A type, a sample written the ways people write it, and the value it stands for."""
    kind = draw(st.sampled_from([t for t in ValueType if t is not ValueType.FILE]))
    if kind is ValueType.INTEGER:
        n = draw(st.integers(-(2**63), 2**64 - 1))
        return kind, draw(st.sampled_from(["", " ", "+"])) + str(n) if n >= 0 else str(n), n
    if kind is ValueType.NUMBER:
        x = draw(_FINITE)
        return kind, repr(x), x
    if kind is ValueType.BOOLEAN:
        b = draw(st.booleans())
        spelled = "true" if b else "false"
        return kind, draw(st.sampled_from([spelled, spelled.upper(), spelled.title()])), b
    if kind is ValueType.JSON:
        v = draw(_JSON)
        return kind, orjson.dumps(v).decode(), v
    s = draw(st.text())
    return kind, s, s


@given(st.lists(typed_values(), min_size=1, max_size=6))
def test_any_typed_value_round_trips_through_the_json_body(
    values: list[tuple[ValueType, str, Any]],
) -> None:
    params = [body(f"f{i}", text, kind) for i, (kind, text, _) in enumerate(values)]
    api, call = order_call(*[p.model_copy(update={"optional": True}) for p in params])
    decoded = orjson.loads(build_request(api, call, MemorySecretStore()).content or b"")
    expected = {f"f{i}": v for i, (_, text, v) in enumerate(values) if text.strip()}
    assert decoded.keys() == expected.keys()
    for key, value in expected.items():
        if isinstance(value, float):
            assert Decimal(repr(decoded[key])) == Decimal(repr(value))
        else:
            assert decoded[key] == value


def test_a_private_typed_value_is_masked_as_it_is_sent() -> None:
    api, call = order_call(body("pin", "", ValueType.INTEGER, private=True), body("n", "1"))
    store = MemorySecretStore()
    store.set(secret_ref(api, "param.pin", call), "0049152")
    built = build_request(api, call, store)
    assert built.content == b'{"pin":49152,"n":"1"}'
    assert "49152" not in built.describe()
    assert "49152" in built.describe(reveal=True)


def _upload(path: str) -> tuple[Api, Call]:
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/x",
        body_type=BodyType.MULTIPART,
        parameters=[body("title", "Tom"), body("photo", path, ValueType.FILE)],
    )
    return Api(name="Files", base_url="http://127.0.0.1:1", calls=[call]), call


def test_a_preview_checks_files_without_reading_them(tmp_path: Path) -> None:
    # Reading a FIFO with no writer would block: the check must only look at it.
    fifo = tmp_path / "never-written.bin"
    os.mkfifo(fifo)
    api, call = _upload(str(fifo))
    chosen = ChosenFiles(session=[str(fifo), str(tmp_path / "gone.png"), str(tmp_path)])
    built = build_request(api, call, MemorySecretStore(), files="check", chosen=chosen)
    assert built.describe().endswith(f"<multipart body>\ntitle=Tom\nphoto=@{fifo}")
    assert built.multipart_files == (("photo", str(fifo)),)

    for path, reason in ((tmp_path / "gone.png", "does not exist"), (tmp_path, "is a folder")):
        api, call = _upload(str(path))
        with pytest.raises(RequestBuildError, match=f"cannot be sent as a file: .*{reason}"):
            build_request(api, call, MemorySecretStore(), files="check", chosen=chosen)


def test_an_export_names_files_without_looking_for_them() -> None:
    api, call = _upload("/nowhere/tom.png")
    built = build_request(api, call, MemorySecretStore(), files="name")
    assert b'filename="tom.png"' in (built.content or b"")
    assert b"Content-Type: image/png" in (built.content or b"")
