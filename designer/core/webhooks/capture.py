"""What a webhook sender sent, and the structure of everything captured.

A captured request's structure has three fields, ``body``, ``query`` and
``headers`` (names lower-cased), so a receiver can read any of them. Each new
sample is merged into what was seen before, exactly as *Manually enter
response* merges a pasted sample: a field missing from one event becomes
optional, a field that was once null becomes nullable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from designer.core.errors import BodyParseError
from designer.core.inference import infer_body, infer_value
from designer.core.inference import merge as merge_shapes
from designer.core.secrets.detector import is_credential
from designer.core.structure import Shape

__all__ = [
    "CREDENTIAL_HEADERS",
    "CapturedRequest",
    "infer_request",
    "merge_samples",
    "redacted",
    "redacted_target",
    "samples_from_json",
    "samples_to_json",
]

#: Headers every HTTP client sends, whatever the event: left out of the structure.
_TRANSPORT = frozenset(
    {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}
)
#: A few headers that carry a credential of the sender; the one credential detector
#: (:func:`~designer.core.secrets.detector.is_credential`) decides for every header.
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"}
)
REDACTED = "<redacted>"


def redacted(
    headers: tuple[tuple[str, str], ...], keep: Iterable[str] = ()
) -> tuple[tuple[str, str], ...]:
    """``headers`` with the value of each credential header replaced by a marker.

    Credentials are what the credential detector says they are (sender tokens
    such as ``X-Gitlab-Token`` and signatures among them), since structures
    and kept samples are written to files. ``keep`` names headers kept all the
    same: the signature header a replay checks.
    """
    kept = {name.lower() for name in keep}
    return tuple(
        (k, REDACTED if is_credential(k, "header") and k.lower() not in kept else v)
        for k, v in headers
    )


def redacted_target(target: str) -> str:
    """``target`` with the value of each credential in its query (``?token=…``) replaced."""
    path, mark, query = target.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_credential(name, "query") for name, _ in pairs):
        return target
    from urllib.parse import urlencode

    kept = [(n, REDACTED if is_credential(n, "query") else v) for n, v in pairs]
    return path + mark + urlencode(kept)


@dataclass(frozen=True, slots=True)
class CapturedRequest:
    """One request the listener received."""

    method: str
    target: str  # path and query, as sent
    headers: tuple[tuple[str, str], ...]
    body: bytes
    verified: bool | None = None  # None: the webhook is not signed
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    #: when it was received (Unix time): a replay checks its signature as of then
    received_at: float | None = None

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.target.partition("?")[2], keep_blank_values=True)

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


def infer_request(sample: CapturedRequest) -> Shape:
    """The structure of one captured request: its body, query and headers."""
    headers: dict[str, str] = {}
    for name, value in redacted(sample.headers):
        key = name.lower()
        if key not in _TRANSPORT:
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    query = {n: REDACTED if is_credential(n, "query") else v for n, v in sample.query}
    shape = infer_value({"query": query, "headers": headers})
    assert shape.fields is not None
    if sample.body and sample.content_type.lower().startswith("application/x-www-form"):
        # Form posts (Twilio, Slack commands): their fields, not one line of text.
        form = parse_qsl(sample.body.decode("utf-8", "replace"), keep_blank_values=True)
        body = infer_value(dict(form))
    elif sample.body:
        try:
            body = infer_body(sample.body, sample.content_type)
        except BodyParseError as exc:
            sample.notes.append(f"{exc}; its body is described as text")
            body = infer_body(sample.body, "text/plain")
    else:
        body = infer_value(None)
    body.count = 1
    shape.fields = {"body": body, **shape.fields}
    return shape


def merge_samples(previous: Shape | None, sample: CapturedRequest) -> Shape:
    """``previous`` (None: nothing yet) merged with the structure of ``sample``."""
    shape = infer_request(sample)
    return shape if previous is None else merge_shapes(previous, shape)


def samples_to_json(samples: list[CapturedRequest], keep: Iterable[str] = ()) -> bytes:
    """Captured requests as a JSON document, to replay later (bodies in Base64).

    Credential headers and query values are redacted, except the headers in
    ``keep`` (the signature header a replay checks); ``kept_headers`` says
    which were kept.
    """
    import base64

    import orjson

    keep = list(dict.fromkeys(keep))
    return orjson.dumps(
        {
            "format": "connector-designer.webhook-samples",
            "version": 1,
            "kept_headers": keep,
            "note": (
                "credential headers are redacted; "
                + (f"kept for replay, as its signature: {', '.join(keep)}" if keep else "none kept")
            ),
            "samples": [
                {
                    "method": s.method,
                    "target": redacted_target(s.target),
                    "headers": [list(h) for h in redacted(s.headers, keep)],
                    "body": base64.b64encode(s.body).decode("ascii"),
                    "verified": s.verified,
                    **({"received_at": s.received_at} if s.received_at is not None else {}),
                }
                for s in samples
            ],
        },
        option=orjson.OPT_INDENT_2,
    )


def _time(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a received_at is not a time")
    return float(value)


def samples_from_json(data: bytes, source: str) -> list[CapturedRequest]:
    """The captured requests of a file written by :func:`samples_to_json`."""
    import base64
    import binascii

    import orjson

    from designer.core.errors import InputError

    try:
        doc = orjson.loads(data)
        if doc.get("format") != "connector-designer.webhook-samples":
            raise ValueError("not a file of captured webhook requests")
        return [
            CapturedRequest(
                str(s["method"]),
                str(s["target"]),
                tuple((str(k), str(v)) for k, v in s["headers"]),
                base64.b64decode(s["body"], validate=True),
                s.get("verified"),
                received_at=_time(s.get("received_at")),
            )
            for s in doc["samples"]
        ]
    except (orjson.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = exc if not isinstance(exc, binascii.Error) else "a body is not Base64"
        raise InputError(
            f"{source} is not a file of captured webhook requests ({reason}): write one with "
            "'connector-designer listen … --keep FILE'"
        ) from exc
