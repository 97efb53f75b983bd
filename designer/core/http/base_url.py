"""Checking an API's base URL where it enters: on import, in the editor, before sending.

A base URL with port 99999 or an unclosed IPv6 bracket used to pass import and
fail deep inside the network stack at Initialize. :func:`base_url_problem`
says what is wrong in words the user can act on, and is the one check used by
the importers, the editors and the request builder.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["base_url_problem"]

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_PORT = re.compile(r":(\d*)$")
_PLAIN = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a base URL, as a phrase ("port 99999 is out of range…"), or None.

    A blank URL is allowed (calls then carry absolute URLs), and so is a path
    such as ``/v1`` (documents that leave the server to the reader); a URL
    with ``{placeholders}`` is only checked for its scheme: its values come later.
    """
    url = url.strip()
    if not url or url.startswith("/"):
        return None
    if _PLACEHOLDER.match(url):
        return None  # "{base}/v1": the whole server comes from a value
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if _PLACEHOLDER.search(url):
        return None
    netloc = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host_port = netloc.rpartition("@")[2]
    if host_port.startswith("["):
        if "]" not in host_port:
            return "has an IPv6 address without its closing bracket: write it as http://[::1]:8080"
    elif host_port.count(":") > 1:
        return "has an IPv6 address without brackets: write it as http://[::1]:8080"
    elif "[" in host_port or "]" in host_port:
        return "has a bracket outside an IPv6 address"
    port = _PORT.search(host_port.rpartition("]")[2])
    if port is not None:
        digits = port.group(1)
        if not digits:
            return "has a ':' but no port number after it"
        if not 1 <= int(digits[:6]) <= 65535:
            return f"has port {digits}, out of the range 1 to 65535"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if not host:
        return "has no host name"
    if any(c.isspace() for c in url):
        return "has a space in it: encode it as %20"
    if _PLAIN.fullmatch(url):
        return None  # nothing left for httpx to refuse; the editor need not import it
    return _httpx_problem(url)


def _httpx_problem(url: str) -> str | None:
    import httpx  # the last word on unusual characters: what httpx refuses, it cannot send

    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        return f"is not a valid URL ({exc})"
    return None
