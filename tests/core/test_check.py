"""The drift check's rules: how changes are classified, Retry-After, exit codes, updates."""

from __future__ import annotations

import email.utils
import time

import orjson

from designer.core.check.drift import (
    CallResult,
    _retry_after,
    classify,
    exit_code,
    updated_workspace,
)
from designer.core.http.response import ResponseResult
from designer.core.inference import diff, infer_body
from designer.core.models import Api, Call, Workspace
from designer.core.structure import FieldOverride, ValueType


def _shape(value: object):
    return infer_body(orjson.dumps(value), "application/json")


def _response(status: int, retry_after: str | None) -> ResponseResult:
    headers = (("Retry-After", retry_after),) if retry_after is not None else ()
    return ResponseResult(status, "", "HTTP/1.1", "http://x/", 0.0, headers, b"", "", None)


def test_each_kind_of_change_is_classified() -> None:
    old = _shape({"a": 1, "b": "x", "c": True, "d": {"e": 1}, "items": [{"f": 1}, {"f": 2}]})
    new = _shape({"a": "1", "c": None, "d": {"e": 1}, "g": 2, "items": [{"f": 1}, {}]})
    call = Call(name="c", structure=old)
    found = {(f.change.kind, f.change.path): f.severity for f in classify(call, diff(old, new))}
    assert found == {
        ("type", "a"): "breaking",
        ("removed", "b"): "breaking",
        ("type", "c"): "breaking",  # boolean → null: only null seen now
        ("added", "g"): "compatible",
        ("optional", "items[].f"): "breaking",
    }


def test_exclusions_and_type_overrides_soften_changes() -> None:
    old = _shape({"a": 1, "d": {"e": 1, "f": 2}})
    new = _shape({"a": 1.5, "d": {"e": "x"}})
    call = Call(
        name="c",
        structure=old,
        overrides={"d": FieldOverride(include=False), "a": FieldOverride(ValueType.NUMBER)},
    )
    severities = {f.change.path: f.severity for f in classify(call, diff(old, new))}
    assert severities == {"a": "compatible", "d.e": "ignored", "d.f": "ignored"}
    everything = Call(name="c", structure=old, overrides={"": FieldOverride(include=False)})
    assert {f.severity for f in classify(everything, diff(old, new))} == {"ignored"}


def test_retry_after_reads_seconds_and_dates() -> None:
    assert _retry_after(_response(200, "5")) is None
    assert _retry_after(_response(429, "3")) == 3.0
    assert _retry_after(_response(503, None)) == 1.0
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    wait = _retry_after(_response(429, soon))
    assert wait is not None
    assert 25 <= wait <= 31
    assert _retry_after(_response(429, "tomorrow-ish")) == 1.0


def test_exit_codes() -> None:
    api = Api(name="A")
    call = Call(name="c")

    def results(*outcomes: str) -> list[CallResult]:
        return [CallResult(api, call, o) for o in outcomes]  # type: ignore[arg-type]

    assert exit_code(results("unchanged", "new", "changed")) == 0
    assert exit_code(results("unchanged", "changed"), "any") == 1
    assert exit_code(results("breaking")) == 1
    assert exit_code(results("failed")) == 1


def test_update_touches_only_changed_and_new_calls() -> None:
    kept = Call(name="kept", structure=_shape({"a": 1}))
    changed = Call(
        name="changed", structure=_shape({"a": 1}), overrides={"a": FieldOverride(label="A")}
    )
    new = Call(name="new")
    api = Api(name="A", calls=[kept, changed, new])
    ws = Workspace(apis=[api])
    results = [
        CallResult(api, kept, "unchanged", shape=_shape({"a": 2})),
        CallResult(api, changed, "breaking", shape=_shape({"a": "x"})),
        CallResult(api, new, "new", shape=_shape({"b": True})),
    ]
    updated, count = updated_workspace(ws, results)
    assert count == 2
    calls = updated.apis[0].calls
    assert calls[0].structure == kept.structure  # samples of an unchanged call stay put
    assert calls[1].structure is not None
    assert calls[1].structure.fields is not None
    assert calls[1].structure.fields["a"].type is ValueType.TEXT
    assert calls[1].overrides["a"].label == "A"
    assert calls[2].structure is not None
    assert ws.apis[0].calls[1].structure == changed.structure  # the original is untouched


def test_a_format_gained_on_the_same_type_is_compatible_and_a_format_lost_is_breaking() -> None:
    # Stored by a release that knew no Unix times or addresses; detected now.
    old = _shape({"created": 1, "ip": "x", "ips": ["x"], "at": "2024-01-01"})
    new = _shape({"created": 1741476542, "ip": "10.0.0.1", "ips": ["10.0.0.1"], "at": "tomorrow"})
    call = Call(name="c", structure=old)
    severities = {f.change.path: f.severity for f in classify(call, diff(old, new))}
    assert severities == {
        "created": "compatible",
        "ip": "compatible",
        "ips": "compatible",
        "ips[]": "compatible",
        "at": "breaking",  # a date no longer: a consumer parsing dates breaks
    }
