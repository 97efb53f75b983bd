"""Initialize a call: send it with its sample values and infer the structure of the answer.

The steps are separate so that a GUI can run each where it belongs: sending
on the event loop, inferring in a worker process (:func:`infer_response`,
whose arguments and result are picklable), and applying the result to the
call (:func:`with_structure`). The call service
(:mod:`designer.core.calls.service`) chains them for every caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from designer.core.calls.graphql import infer_graphql
from designer.core.errors import BodyParseError, HTTPStatusError, RateLimitedError
from designer.core.http.response import ResponseResult
from designer.core.inference import Change, detect_kind, diff, infer_body, infer_value, walk
from designer.core.inference import merge as merge_shapes
from designer.core.models import Call
from designer.core.secrets.store import mask_secrets
from designer.core.structure import ResponseType, Shape, ValueType

__all__ = [
    "InferOutcome",
    "body_shape",
    "infer_response",
    "object_kinds",
    "redact",
    "retry_after",
    "with_structure",
]


@dataclass(frozen=True, slots=True)
class InferOutcome:
    """The inferred structure of a response, how its body was read, and a note for the user."""

    shape: Shape
    kind: ResponseType
    note: str | None = None
    #: The body is not valid for its declared or detected type and is shown as text.
    parse_failed: bool = False


def infer_response(
    call: Call, response: ResponseResult, *, sample_limit: int | None = None
) -> InferOutcome:
    """The structure of ``response`` as data of ``call``.

    An error status fails with :class:`HTTPStatusError` unless the call
    includes errors in its data; then status, error flag and message become
    fields beside the body, as do the response headers when the call captures
    them. A body that is not valid for its type is shown as text, with a note
    that says why.
    """
    if call.graphql is not None:
        return infer_graphql(
            call, response, lambda c, r: infer_response(c, r, sample_limit=sample_limit)
        )
    failed = response.status >= 400
    if response.status == 429 and not call.include_errors:
        raise _rate_limited(call, response)
    if failed and not call.include_errors:
        raise HTTPStatusError(
            f"Call '{call.name}' returned {response.status} {response.reason}".rstrip()
            + ": check its parameters and credentials, or turn on 'Include errors in "
            "response' to design with the error body",
            response.status,
        )
    kind = call.response_type
    kinds = object_kinds(call)
    if kind is ResponseType.AUTO:
        kind = detect_kind(response.body, response.content_type)
    note = None
    notes: list[str] = []
    try:
        body = infer_body(
            response.body,
            response.content_type,
            kind,
            sample_limit=sample_limit,
            notes=notes,
            kinds=kinds,
        )
    except BodyParseError as exc:
        note = f"{exc}; showing it as text"
        kind = ResponseType.TEXT
        body = infer_body(response.body, response.content_type, kind)
    failed_parse = note is not None
    if notes:  # odd but valid JSON: duplicate keys, NaN, lone surrogates
        note = "; ".join(notes)
    if not (call.include_errors or call.capture_headers):
        return InferOutcome(body, kind, note, failed_parse)
    envelope: dict[str, object] = {}
    if call.include_errors:
        envelope["status_code"] = response.status
        envelope["returned_an_error"] = failed
        envelope["error_message"] = response.reason if failed else None
    if call.capture_headers:
        # Header names are case-insensitive: lower-case them so field names are
        # stable across servers; repeated headers are joined as HTTP allows.
        headers: dict[str, str] = {}
        for name, value in response.headers:
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        envelope["headers"] = headers
    shape = infer_value(envelope)
    assert shape.fields is not None
    shape.fields = {"body": _as_field(body), **shape.fields}
    return InferOutcome(shape, kind, note, failed_parse)


def retry_after(response: ResponseResult, now: float | None = None) -> float | None:
    """The wait, in seconds, a ``Retry-After`` header asks for (a delay or an HTTP date)."""
    import email.utils
    import time

    value = next((v for k, v in response.headers if k.lower() == "retry-after"), "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _rate_limited(call: Call, response: ResponseResult) -> RateLimitedError:
    wait = retry_after(response)
    asked = f"; it asks to wait {wait:g} s (Retry-After)" if wait is not None else ""
    return RateLimitedError(
        f"Call '{call.name}' returned 429 {response.reason or 'Too Many Requests'}: the server "
        f"is rate limiting requests{asked}. Try again later, or use --retry N to wait and "
        f"retry automatically",
        wait,
    )


def object_kinds(call: Call) -> dict[str, ValueType]:
    """How objects of the body must be read on the next initialize, by path in the body.

    A map stays a map (a sample with few keys does not turn it back into a
    record), and the user's choice of *map* or *object* wins over detection.
    """
    kinds: dict[str, ValueType] = {}
    if call.structure is not None:
        kinds.update((p, ValueType.MAP) for p, n in walk(call.structure) if n.type is ValueType.MAP)
    for path, override in call.overrides.items():
        if override.type in (ValueType.MAP, ValueType.OBJECT):
            kinds[path] = override.type
    if not (call.include_errors or call.capture_headers):
        return kinds
    # The body sits under a "body" field beside the status and headers fields.
    return {path[4:].lstrip("."): kind for path, kind in kinds.items() if _in_body(path)}


def body_shape(call: Call, shape: Shape) -> Shape | None:
    """The structure of the response body within ``shape``, the call's data: the data
    itself, or its ``body`` field when status or headers sit beside the body."""
    if not (call.include_errors or call.capture_headers):
        return shape
    return (shape.fields or {}).get("body")


def _in_body(path: str) -> bool:
    return path == "body" or path.startswith(("body.", "body["))


def redact(outcome: InferOutcome, secrets: Iterable[str]) -> InferOutcome:
    """``outcome`` with every sample that holds a secret masked.

    Servers echo credentials back (``/get`` pages, token introspection);
    samples are stored in the workspace file, so they must never hold one.
    """
    values = frozenset(s for s in secrets if len(s) >= 4)
    if not values:
        return outcome
    for _path, node in walk(outcome.shape):
        if any(isinstance(s, str) and any(v in s for v in values) for s in node.samples):
            node.samples = [
                mask_secrets(s, values) if isinstance(s, str) else s for s in node.samples
            ]
    note = mask_secrets(outcome.note, values) if outcome.note else outcome.note
    return replace(outcome, note=note)


def _as_field(body: Shape) -> Shape:
    body.count = 1
    return body


def with_structure(call: Call, shape: Shape, *, merge: bool = False) -> tuple[Call, list[Change]]:
    """A copy of ``call`` holding ``shape`` (merged into its structure, or replacing it).

    Returns the copy and the changes from the previous structure. The user's
    overrides survive while their field still exists; the others are dropped.
    """
    previous = call.structure
    if merge and previous is not None and previous.type is not ValueType.UNKNOWN:
        shape = merge_shapes(previous, shape)
    paths = {path for path, _node in walk(shape)}
    overrides = {path: o for path, o in call.overrides.items() if path in paths}
    updated = call.model_copy(update={"structure": shape, "overrides": overrides})
    return updated, diff(previous, shape)
