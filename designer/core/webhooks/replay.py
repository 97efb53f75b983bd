"""Send a captured webhook request again, to any URL, with its signature recomputed.

The receiver being built (often a local backend) sees the request as the
sender made it, with a fresh signature from the stored signing secret: a
Stripe signature's timestamp is now, so it passes the receiver's tolerance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Webhook
from .capture import REDACTED, CapturedRequest
from .signature import sign, signature_header

if TYPE_CHECKING:
    import httpx

__all__ = ["replay_request"]

_DROPPED = frozenset({"host", "content-length", "connection", "transfer-encoding"})


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
    target = url + (("&" if "?" in url else "?") + query if query else "")
    return httpx.Request(sample.method, target, headers=headers, content=sample.body)
