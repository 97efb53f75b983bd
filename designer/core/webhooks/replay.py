"""Send a captured webhook request again, to any URL, with its signature recomputed.

The receiver being built (often a local backend) sees the request as the
sender made it, with a fresh signature from the stored signing secret: a
Stripe signature's timestamp is now, so it passes the receiver's tolerance.

Signing anew vouches for the request, so only a request the sender really
signed is replayed (:func:`replay_refusal`): its kept signature is checked
again with the secret, as of the time it was received and within the
tolerance. A request whose signature failed or was stale, or a kept file that
was edited, would otherwise come out of the replay as a genuine one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from designer.core.models import Webhook
from designer.core.webhooks.capture import REDACTED, CapturedRequest
from designer.core.webhooks.signature import DEFAULT_TOLERANCE, sign, signature_header, verify

if TYPE_CHECKING:
    import httpx

__all__ = ["replay_refusal", "replay_request"]

_DROPPED = frozenset({"host", "content-length", "connection", "transfer-encoding"})


def replay_refusal(
    hook: Webhook, sample: CapturedRequest, secret: str | None, tolerance: int = DEFAULT_TOLERANCE
) -> str | None:
    """Why ``sample`` may not be replayed signed anew; None when its own signature held.

    Its signature is checked again (the ``verified`` a file says is not
    trusted), as of when it was received and within ``tolerance`` seconds.
    An unsigned webhook's requests carry no signature to forge.
    """
    if hook.signature == "none":
        return None
    if not secret:
        return "no signing secret is set, so its signature cannot be checked"
    if hook.signature == "stripe" and sample.received_at is None:
        return "the file does not say when it was received, so its timestamp cannot be checked"
    verdict = verify(
        hook,
        secret,
        dict(sample.headers),
        sample.body,
        now=sample.received_at,
        tolerance=tolerance,
    )
    return None if verdict.verified else f"its signature did not verify: {verdict.reason}"


def replay_request(
    hook: Webhook, sample: CapturedRequest, url: str, secret: str | None
) -> httpx.Request:
    """The request that replays ``sample`` to ``url`` (its query kept), signed anew."""
    import httpx

    signed = signature_header(hook).lower() if hook.signature != "none" else None
    # A credential header was never kept (see capture.REDACTED): it is not sent either.
    headers = [
        (k, v)
        for k, v in sample.headers
        if k.lower() not in _DROPPED and k.lower() != signed and v != REDACTED
    ]
    if hook.signature != "none" and secret:
        headers.append(sign(hook, secret, sample.body))
    query = sample.target.partition("?")[2]
    if any(v == REDACTED for _, v in sample.query):
        # A redacted credential of the query was never kept: it is not sent either.
        query = urlencode([(n, v) for n, v in sample.query if v != REDACTED])
    target = url + (("&" if "?" in url else "?") + query if query else "")
    return httpx.Request(sample.method, target, headers=headers, content=sample.body)
