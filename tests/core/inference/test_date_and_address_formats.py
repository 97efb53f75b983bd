"""Unix times, RFC 2822 dates and IP addresses: detection, its negatives, exports, imports."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from designer.core.inference import infer_value, infer_values, merge, to_json_schema, walk
from designer.core.inference.formats import detect_format, detect_unix_time, name_says_time
from designer.core.interop.openapi.exporter import export_openapi
from designer.core.interop.openapi.importer import import_openapi
from designer.core.mock.values import ValueMaker
from designer.core.models import Api, Call, Workspace
from designer.core.structure import FieldOverride, Shape, TextFormat, ValueType


def node(shape: Shape, path: str) -> Shape:
    found = dict(walk(shape))
    assert path in found, sorted(found)[:30]
    return found[path]


def label(body: object, path: str) -> str:
    return node(infer_value(body), path).label


# -- Unix times ---------------------------------------------------------------------------------


def test_stripe_and_openai_times_are_unix_times_nested_in_lists_too() -> None:
    body = {
        "object": "list",
        "data": [
            {"id": "sub_1", "created": 1234567890, "current_period_end": 1736208000},
            {"id": "sub_2", "created": 1700000000, "current_period_end": 1767744000},
        ],
        "created_at": 1741476542,
        "updatedAt": 1741476542123,
        "scores": {"ts": 1741476542.25},
        "timestamps": [1741476542, 1741476600],
    }
    assert label(body, "data[].created") == "integer (unix-time)"
    assert label(body, "data[].current_period_end") == "integer (unix-time)"
    assert label(body, "created_at") == "integer (unix-time)"
    assert label(body, "updatedAt") == "integer (unix-time-ms)"
    assert label(body, "scores.ts") == "number (unix-time)"
    assert label(body, "timestamps[]") == "integer (unix-time)"


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("id", [1234567890, 1700000001]),  # ids in the range of seconds
        ("customer_id", [1741476542]),
        ("created_by", [1741476542]),  # a user's id, though "created" is in the name
        ("count", [1700000000, 1800000000]),
        ("total_count", [12, 40]),
        ("amount", [1500000000, 1999]),  # cents
        ("amount_due", [1741476542]),
        ("phone", [2125551234, 4155550100]),
        ("phone_number", [2125551234]),
        ("year", [2024, 1999]),
        ("birth_year", [1990]),
        ("response_time", [250, 1200]),  # a duration, named like a time
        ("expires_in", [3600]),
        ("start", [0, 20, 40]),  # an offset
        ("created", [-1741476542]),
        ("created", [17414765]),  # too small for seconds
        ("created", [4102444800]),  # 2100 and later
        ("updated_at", [0, 0]),  # never set: nothing says it is a time
    ],
)
def test_numbers_that_are_not_times_stay_numbers(name: str, values: list[int]) -> None:
    shape = infer_value({"items": [{name: v} for v in values]})
    assert node(shape, f"items[].{name}").format is None
    assert detect_unix_time(values, name) is None


def test_a_time_field_that_is_sometimes_zero_is_still_a_time() -> None:
    # APIs write 0 for "never": the other values say what the field is.
    rows = [{"canceled_at": 0}, {"canceled_at": 1741476542}, {"canceled_at": 0}]
    assert label({"rows": rows}, "rows[].canceled_at") == "integer (unix-time)"
    # Merging a sample of only zeros agrees with inferring everything at once.
    zeros, dated = infer_value({"canceled_at": 0}), infer_value({"canceled_at": 1741476542})
    for merged in (merge(zeros, dated), merge(dated, zeros)):
        assert node(merged, "canceled_at").format is TextFormat.UNIX_TIME
    at_once = infer_values([{"canceled_at": 0}, {"canceled_at": 1741476542}])
    assert node(at_once, "canceled_at").format is TextFormat.UNIX_TIME


def test_seconds_and_milliseconds_mixed_are_no_time_and_nulls_are_allowed() -> None:
    assert label([{"created": 1741476542}, {"created": 1741476542000}], "[].created") == "integer"
    shape = node(infer_value([{"created": None}, {"created": 1741476542}]), "[].created")
    assert shape.label == "integer (unix-time)"
    assert shape.nullable


def test_names_are_read_by_their_last_word_in_any_case_style() -> None:
    for path in ("created", "a.createdAt", "b[].CREATED_AT", "x.period-end", 'y["last.seen"]'):
        assert name_says_time(path), path
    for path in ("", "a.id", "createdBy", "x.starts_with", "total", "items[]"):
        assert not name_says_time(path), path


# -- RFC 2822 and HTTP dates, IP addresses ------------------------------------------------------

RFC_2822 = [
    "Fri, 18 Oct 2019 17:02:00 +0000",  # Twilio
    "Sun, 06 Nov 1994 08:49:37 GMT",  # HTTP-date (RFC 1123 form)
    "6 Nov 1994 08:49 -0500",  # no day name, no seconds
    "Tue, 1 Jul 2003 10:52:37 +0200",
]


def test_rfc_2822_and_http_dates_are_dates_of_their_own_format() -> None:
    assert detect_format(RFC_2822) is TextFormat.DATE_TIME_RFC_2822
    body = {"messages": [{"date_created": d} for d in RFC_2822[:2]]}
    assert label(body, "messages[].date_created") == "text (date-time-rfc-2822)"


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 32 Oct 2019 17:02:00 +0000",  # no such day
        "Fri, 18 Oct 19 17:02:00 +0000",  # two-digit year
        "Fri, 18 October 2019 17:02:00 +0000",
        "Fri, 18 Oct 2019 25:02:00 +0000",
        "Fri, 18 Oct 2019 17:02:00",  # no zone
        "2019-10-18T17:02:00Z",  # ISO: a date-time, not this format
        "Meeting on Fri, 18 Oct 2019",
    ],
)
def test_text_that_is_not_an_rfc_2822_date(text: str) -> None:
    assert detect_format([text]) is not TextFormat.DATE_TIME_RFC_2822


def test_digitalocean_networks_hold_ipv4_and_ipv6_addresses() -> None:
    body = {
        "networks": {
            "v4": [{"ip_address": "10.128.192.124", "netmask": "255.255.0.0"}],
            "v6": [{"ip_address": "2604:a880:0:1010::1", "netmask": 64}],
        }
    }
    assert label(body, "networks.v4[].ip_address") == "text (ipv4)"
    assert label(body, "networks.v6[].ip_address") == "text (ipv6)"
    assert detect_format(["::1", "fe80::1ff:fe23:4567:890a", "::ffff:192.0.2.1"]) is TextFormat.IPV6


@pytest.mark.parametrize(
    "text",
    [
        "256.1.1.1",
        "010.1.1.1",  # leading zeros read as octal by some parsers
        "1.2.3",
        "1.2.3.4.5",
        "00:1a:2b:3c:4d:5e",  # a MAC address
        "12:30:00",  # a time
        "1:2:3:4:5:6:7:8:9",
        "2604:a880::1::2",
        "v1.2.3.4",
    ],
)
def test_text_that_is_no_ip_address(text: str) -> None:
    assert detect_format([text]) not in (TextFormat.IPV4, TextFormat.IPV6)


def test_networks_in_cidr_notation_of_either_version() -> None:
    body = {
        "vpc": {"ip_range": "10.10.10.0/24"},
        "firewall": {"sources": {"addresses": ["0.0.0.0/0", "::/0", "192.168.1.5/24"]}},
    }
    assert label(body, "vpc.ip_range") == "text (cidr)"
    assert label(body, "firewall.sources.addresses[]") == "text (cidr)"
    for text in ("10/20", "1/2", "10.0.0.0/33", "::/129", "10.0.0.0", "a/b", "2024/03"):
        assert detect_format([text]) is not TextFormat.CIDR, text


def test_a_mix_of_v4_and_v6_addresses_is_plain_text() -> None:
    assert detect_format(["10.0.0.1", "::1"]) is None
    a, b = infer_value({"ip": "10.0.0.1"}), infer_value({"ip": "::1"})
    assert node(merge(a, b), "ip").format is None


# -- exports and imports ------------------------------------------------------------------------

BODY = {
    "created": 1741476542,
    "updated_at": 1741476542.5,
    "expires_at_ms": 1741476542123,
    "date_created": "Fri, 18 Oct 2019 17:02:00 +0000",
    "ip_address": "10.128.192.124",
    "ipv6_address": "2604:a880:0:1010::1",
    "ip_range": "10.10.10.0/24",
}


def test_the_json_schema_export_writes_the_formats_vendors_write() -> None:
    schema = to_json_schema(infer_value({**BODY, "expires_at": 1741476542123}))
    props = schema["properties"]
    assert props["created"] == {"type": "integer", "format": "unix-time"}
    assert props["updated_at"] == {"type": "number", "format": "unix-time"}
    # Milliseconds have no published name: no format a tool would read as seconds.
    assert props["expires_at"] == {"type": "integer", "x-format": "unix-time-ms"}
    assert props["date_created"] == {"type": "string", "format": "date-time-rfc-2822"}
    assert props["ip_address"] == {"type": "string", "format": "ipv4"}
    assert props["ipv6_address"] == {"type": "string", "format": "ipv6"}
    # No name for networks in JSON Schema: DigitalOcean's.
    assert props["ip_range"] == {"type": "string", "format": "cidr"}
    jsonschema.Draft202012Validator.check_schema(schema)
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    jsonschema.Draft202012Validator(schema, format_checker=checker).validate(
        {**BODY, "expires_at": 1741476542123}
    )


def test_a_format_override_is_exported_and_a_plain_type_override_drops_it() -> None:
    shape = infer_value({"created": 1741476542, "code": 1741476542})
    overrides = {
        "created": FieldOverride(ValueType.INTEGER),
        "code": FieldOverride(format=TextFormat.UNIX_TIME),
    }
    props = to_json_schema(shape, overrides)["properties"]
    assert props["created"] == {"type": "integer"}
    assert props["code"] == {"type": "integer", "format": "unix-time"}


def _workspace(shape: Shape) -> Workspace:
    call = Call(name="Get thing", path="/thing", structure=shape)
    return Workspace(apis=[Api(name="Things", base_url="https://api.example.com", calls=[call])])


def _round_trip(shape: Shape) -> Shape:
    ws = _workspace(shape)
    doc = export_openapi(ws, ws.apis)
    validate(doc)
    (api,) = import_openapi(doc, "export.json").apis
    back = api.calls[0].structure
    assert back is not None
    return back


def test_openapi_export_and_import_keep_every_format() -> None:
    shape = infer_value(BODY)
    back = _round_trip(shape)
    for name in BODY:
        assert node(back, name).label == node(shape, name).label, name


def test_imports_read_the_names_other_vendors_use() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "format": "unixtime"},
            "b": {"type": "string", "format": "date-time-rfc-1123"},
            "c": {"type": ["integer", "null"], "format": "unix-time"},
            "d": {"type": "string", "format": "unix-time"},  # not a format of text
        },
    }
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }
    shape = import_openapi(doc, "doc.json").apis[0].calls[0].structure
    assert shape is not None
    assert node(shape, "a").label == "integer (unix-time)"
    assert node(shape, "b").label == "text (date-time-rfc-2822)"
    assert node(shape, "c").label == "integer (unix-time)"
    assert node(shape, "c").nullable
    assert node(shape, "d").label == "text"


def test_mock_values_are_written_in_the_detected_encoding() -> None:
    body = {
        "created": 1741476542,
        "updated_at": 1741476542123,
        "date_created": RFC_2822[0],
        "ip": "10.0.0.1",
        "ipv6": "::1",
        "ip_range": "10.10.10.0/24",
    }
    shape = infer_value(body)
    for _path, child in walk(shape):
        child.samples = []  # nothing to repeat: the mock makes a value of the format
    value = ValueMaker(seed=3).value(shape)
    again = infer_value(value)
    for name in body:
        assert node(again, name).label == node(shape, name).label, (name, value)


# -- round trips (Hypothesis) -------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(1990, 1, 2), max_value=datetime(2099, 12, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


def _json_schema_round_trip(body: dict[str, Any]) -> Shape:
    from designer.core.interop.openapi.schema_shape import schema_to_shape
    from designer.core.interop.reader import Reader
    from designer.core.interop.refs import Resolver

    schema = to_json_schema(infer_value(body))
    return schema_to_shape(schema, "#", Resolver({}, Reader("schema.json")))


@settings(max_examples=60, deadline=None)
@given(st.lists(moments, min_size=1, max_size=5), st.sampled_from(["s", "ms", "rfc"]))
def test_dates_round_trip_through_detection_export_and_import(
    when: list[datetime], encoding: str
) -> None:
    if encoding == "s":
        values: list[Any] = [int(d.timestamp()) for d in when]
        expected = TextFormat.UNIX_TIME
        decoded = [datetime.fromtimestamp(v, UTC) for v in values]
    elif encoding == "ms":
        values = [int(d.timestamp()) * 1000 for d in when]
        expected = TextFormat.UNIX_TIME_MS
        decoded = [datetime.fromtimestamp(v / 1000, UTC) for v in values]
    else:
        values = [format_datetime(d) for d in when]
        expected = TextFormat.DATE_TIME_RFC_2822
        decoded = [parsedate_to_datetime(v) for v in values]
    assert decoded == when  # the encoding is lossless at this precision
    body = {"events": [{"created_at": v} for v in values]}
    assert node(infer_value(body), "events[].created_at").format is expected
    back = _json_schema_round_trip(body)
    assert node(back, "events[].created_at").format is expected
    assert node(_round_trip(infer_value(body)), "events[].created_at").format is expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.ip_addresses(v=4), min_size=1, max_size=4),
    st.ip_addresses(v=6),
    st.ip_addresses(),
    st.integers(0, 32),
)
def test_addresses_round_trip_in_any_written_form(
    v4: list[ipaddress.IPv4Address],
    v6: ipaddress.IPv6Address,
    host: ipaddress.IPv4Address | ipaddress.IPv6Address,
    prefix: int,
) -> None:
    network = ipaddress.ip_interface(f"{host}/{prefix}")
    body = {
        "v4": [str(a) for a in v4],
        "v6": [str(v6), v6.exploded],
        "networks": [str(network), str(network.network)],
    }
    shape = infer_value(body)
    assert node(shape, "v4[]").format is TextFormat.IPV4
    assert node(shape, "v6[]").format is TextFormat.IPV6
    assert node(shape, "networks[]").format is TextFormat.CIDR
    back = _json_schema_round_trip(body)
    assert node(back, "v4[]").format is TextFormat.IPV4
    assert node(back, "v6[]").format is TextFormat.IPV6
    assert node(back, "networks[]").format is TextFormat.CIDR
    assert ipaddress.ip_interface(body["networks"][0]) == network
    assert [ipaddress.ip_address(t) for t in body["v4"]] == v4


def test_the_day_before_the_range_is_no_unix_time() -> None:
    start = datetime(1990, 1, 1, tzinfo=UTC)
    assert detect_unix_time([int(start.timestamp())], "created") is TextFormat.UNIX_TIME
    before = start - timedelta(days=1)
    assert detect_unix_time([int(before.timestamp())], "created") is None


def test_plain_text_is_not_checked_value_by_value_against_any_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only a format the first value matches is tried on the others: for plain text none is.
    from designer.core.inference import formats

    checked: list[int] = []
    real = formats._distinct

    def spy(values: Any) -> Any:
        checked.append(len(values))
        return real(values)

    monkeypatch.setattr(formats, "_distinct", spy)
    assert detect_format(["Kettle", "10.0.0.1", "::1"]) is None
    assert checked == []
    assert detect_format(["::1", "fe80::1"]) is TextFormat.IPV6
    assert checked == [2]
