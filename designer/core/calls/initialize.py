"""Initialize a call: send it with its sample values and infer the structure of the answer.

The steps are separate so that a GUI can run each where it belongs: sending
on the event loop (:meth:`Executor.send`), inferring in a worker process
(:func:`infer_response`, whose arguments and result are picklable), and
applying the result to the call (:func:`with_structure`). :func:`initialize`
chains them for the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from designer.core.calls.graphql import infer_graphql
from designer.core.errors import BodyParseError, HTTPStatusError, RateLimitedError
from designer.core.http.response import ResponseResult
from designer.core.inference import Change, detect_kind, diff, infer_body, infer_value, walk
from designer.core.inference import merge as merge_shapes
from designer.core.models import Api, Call
from designer.core.secrets.store import SecretStore, mask_secrets
from designer.core.structure import ResponseType, Shape, ValueType

if TYPE_CHECKING:
    from designer.core.http.execute import Executor
    from designer.core.http.file_choices import ChosenFiles

__all__ = [
    "InferOutcome",
    "body_shape",
    "infer_response",
    "initialize",
    "initialize_within",
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


async def initialize(
    executor: Executor,
    api: Api,
    call: Call,
    secrets: SecretStore,
    values: Mapping[str, str] | None = None,
    environment: str | None = None,
    *,
    chosen: ChosenFiles | None = None,
) -> tuple[ResponseResult, InferOutcome]:
    """Send ``call`` with its sample values (or ``values``) and infer the response's structure.

    The API's access token is fetched or renewed first when it has a token
    endpoint; samples that echo a secret are masked. Only the files in
    ``chosen`` are sent (see :mod:`designer.core.http.file_choices`).
    """
    from designer.core.auth import Authenticator

    built, response = await Authenticator(secrets, executor).send(
        api, call, values, environment, chosen=chosen
    )
    return response, redact(infer_response(call, response), built.secrets)


async def initialize_within(
    executor: Executor,
    api: Api,
    call: Call,
    secrets: SecretStore,
    values: Mapping[str, str] | None = None,
    environment: str | None = None,
    *,
    deadline: float | None = None,
    retries: int = 0,
    chosen: ChosenFiles | None = None,
) -> tuple[ResponseResult, InferOutcome]:
    """:func:`initialize`, all attempts within ``deadline`` seconds, retried on 429.

    A 429 answer is retried up to ``retries`` times, after the wait its
    ``Retry-After`` asks for (1, 2, 4… s without one), as long as that wait
    ends before the deadline; past it the rate-limit error says so.
    """
    import asyncio
    import time

    from designer.core.http.execute import LIMIT_OPTIONS, deadline_exceeded

    end = None if deadline is None else time.monotonic() + deadline
    try:
        async with asyncio.timeout(deadline):
            attempt = 0
            while True:
                try:
                    return await initialize(
                        executor, api, call, secrets, values, environment, chosen=chosen
                    )
                except RateLimitedError as exc:
                    if attempt >= retries:
                        raise
                    wait = exc.retry_after if exc.retry_after is not None else 2.0**attempt
                    if end is not None and time.monotonic() + wait >= end:
                        raise RateLimitedError(
                            f"Call '{call.name}' is rate limited: the server asks to wait "
                            f"{wait:g} s (Retry-After), past the deadline of {deadline:g} s; "
                            f"raise it with {LIMIT_OPTIONS['deadline']} or try again later",
                            wait,
                        ) from exc
                    await asyncio.sleep(wait)
                    attempt += 1
    except TimeoutError as exc:
        raise deadline_exceeded(f"'{api.name}/{call.name}'", deadline) from exc
