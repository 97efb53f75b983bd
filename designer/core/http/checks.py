"""What a built request must be before it may be sent: an http(s) URL httpx accepts, and
header names and values that cannot smuggle a second header or request."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from designer.core.errors import RequestBuildError
from designer.core.models import Api, Call

__all__ = ["check_header", "check_url"]

# RFC 9110 token: what a header name may contain.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def check_url(api: Api, call: Call, url: str) -> None:
    """Raise :class:`RequestBuildError` unless ``url`` is an http(s) URL that can be sent."""
    from designer.core.http.base_url import base_url_problem

    try:
        parts = urlsplit(url)
        scheme, hostname = parts.scheme, parts.hostname
    except ValueError:  # an unclosed IPv6 bracket: said precisely below
        scheme, hostname = url.partition("://")[0], "?"
    if scheme.lower() not in ("http", "https") or not hostname:
        raise RequestBuildError(
            f"URL '{url}' of call '{call.name}' in API '{api.name}' is not an http(s) URL "
            f"with a host: check the base URL"
        )
    problem = base_url_problem(url)
    if problem is not None:
        raise RequestBuildError(
            f"URL '{url}' of call '{call.name}' in API '{api.name}' {problem}: check the base URL"
        )
    import httpx  # what httpx refuses to send, the preview refuses too

    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise RequestBuildError(
            f"URL of call '{call.name}' in API '{api.name}' is invalid ({exc}): check the base "
            f"URL and path"
        ) from exc


def check_header(api: Api, call: Call, name: str, value: str) -> None:
    """Raise :class:`RequestBuildError` for a header name or value that cannot be sent."""
    if not _TOKEN.match(name):
        raise RequestBuildError(
            f"Header name '{name}' of call '{call.name}' in API '{api.name}' is not valid: "
            f"use letters, digits and '-'"
        )
    if any(c in value for c in "\r\n\0"):
        raise RequestBuildError(
            f"Header '{name}' of call '{call.name}' in API '{api.name}' has a line break in "
            f"its value: remove it"
        )
