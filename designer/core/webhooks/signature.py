"""HMAC-SHA256 webhook signatures: compute them to replay, check them on capture.

Three schemes cover most senders:

- ``stripe``: ``Stripe-Signature: t=<unix time>,v1=<hex>`` signing
  ``"<t>.<body>"``; a timestamp older than the tolerance is rejected, so a
  captured request cannot be replayed later as new;
- ``github``: ``X-Hub-Signature-256: sha256=<hex>`` signing the body;
- ``hmac``: any header holding the hex or Base64 digest of the body (Shopify's
  ``X-Shopify-Hmac-Sha256`` is Base64, many others hex), ``sha256=`` allowed.

Comparisons are constant-time. Messages never include the secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from designer.core.models import Webhook

__all__ = ["DEFAULT_TOLERANCE", "Verdict", "sign", "signature_header", "verify"]

#: Stripe's own default: five minutes between signing and checking.
DEFAULT_TOLERANCE = 300

_STAMP = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request's signature is good (None: the webhook is not signed), and why not."""

    verified: bool | None
    reason: str = ""


def _digest(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def signature_header(hook: Webhook) -> str:
    """The header a webhook's signature travels in."""
    if hook.signature == "stripe":
        return "Stripe-Signature"
    if hook.signature == "github":
        return "X-Hub-Signature-256"
    return hook.signature_header.strip() or "X-Signature"


def sign(hook: Webhook, secret: str, body: bytes, now: float | None = None) -> tuple[str, str]:
    """The signature header (name, value) a sender would put on ``body``."""
    name = signature_header(hook)
    if hook.signature == "stripe":
        stamp = int(time.time() if now is None else now)
        digest = _digest(secret, f"{stamp}.".encode() + body).hex()
        return name, f"t={stamp},v1={digest}"
    raw = _digest(secret, body)
    if hook.signature == "github":
        return name, "sha256=" + raw.hex()
    if hook.signature_encoding == "base64":
        return name, base64.b64encode(raw).decode("ascii")
    return name, raw.hex()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def verify(
    hook: Webhook,
    secret: str | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> Verdict:
    """Check the signature of a captured request against ``secret``."""
    if hook.signature == "none":
        return Verdict(None)
    name = signature_header(hook)
    if not secret:
        return Verdict(False, "no signing secret is set, so the signature was not checked")
    value = _header(headers, name)
    if not value:
        return Verdict(False, f"the request has no {name} header")
    if hook.signature == "stripe":
        return _verify_stripe(secret, value, body, now, tolerance)
    expected = _digest(secret, body)
    text = value.strip().removeprefix("sha256=")
    try:
        if hook.signature == "hmac" and hook.signature_encoding == "base64":
            given = base64.b64decode(text, validate=True)
        else:
            given = bytes.fromhex(text)
    except (ValueError, binascii.Error):
        return Verdict(False, f"the {name} header is not a digest")
    if hmac.compare_digest(given, expected):
        return Verdict(True)
    return Verdict(False, f"the {name} signature does not match the signing secret")


def _verify_stripe(
    secret: str, value: str, body: bytes, now: float | None, tolerance: int
) -> Verdict:
    parts = [p.partition("=") for p in value.split(",")]
    stamps = [v.strip() for k, _, v in parts if k.strip() == "t"]
    signatures = [v.strip() for k, _, v in parts if k.strip() == "v1"]
    # str.isdigit() takes "²" and int() then fails: only ASCII digits, of a sane length.
    if not stamps or not _STAMP.fullmatch(stamps[0]) or not signatures:
        return Verdict(False, "the Stripe-Signature header has no t= timestamp or v1= signature")
    stamp = int(stamps[0])
    expected = _digest(secret, f"{stamp}.".encode() + body).hex().encode()
    # Compared as bytes: compare_digest refuses text that is not ASCII.
    given = [s.encode("utf-8", "surrogatepass") for s in signatures]
    if not any(hmac.compare_digest(s, expected) for s in given):
        return Verdict(False, "the Stripe-Signature does not match the signing secret")
    age = (time.time() if now is None else now) - stamp
    if abs(age) > tolerance:
        return Verdict(
            False, f"the Stripe-Signature timestamp is {int(age)} s old (over {tolerance} s)"
        )
    return Verdict(True)
