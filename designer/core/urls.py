"""The scheme of a URL written without one, guessed the way curl guesses it.

People write ``localhost:4010/echo`` or ``api.example.com/v1`` in Postman,
Insomnia and curl; each of those tools sends such a request over plain HTTP.
curl documents its rule (``man curl``, "URL"): with no ``scheme://`` it
"defaults to HTTP but assumes others based on often-used host name
prefixes": a host starting with ``ftp.`` means FTP, ``dict.``, ``ldap.``,
``imap.``, ``smtp.`` and ``pop3.`` their protocols. Every importer that reads
URLs uses :func:`with_default_scheme`, so an imported URL always has a
scheme and a host, never becomes a relative path, and is sent the way the
author's own tool sent it. (No https guess is made for well-known hosts:
curl does not make one either.)
"""

from __future__ import annotations

import re

__all__ = ["CURL_PREFIX_SCHEMES", "has_scheme", "with_default_scheme"]

#: Host name prefixes from which curl guesses a protocol other than HTTP.
CURL_PREFIX_SCHEMES = {
    "ftp.": "ftp",
    "dict.": "dict",
    "ldap.": "ldap",
    "imap.": "imap",
    "smtp.": "smtp",
    "pop3.": "pop3",
}

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_OPAQUE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:(?![0-9]|$)")


def has_scheme(url: str) -> bool:
    """Whether ``url`` starts with ``scheme://``."""
    return bool(_SCHEME.match(url.strip()))


def with_default_scheme(url: str) -> str:
    """``url`` with the scheme curl would use when it has none.

    A URL that has a scheme (``https://``, or one without slashes such as
    ``data:``), is empty, or starts with ``/``, ``?``, ``#`` or a
    ``{{variable}}`` (it names no host) is returned unchanged. ``//host/path``
    gets ``http:``.
    """
    text = url.strip()
    if not text or has_scheme(text) or text.startswith(("?", "#", "{{")):
        return url
    if _OPAQUE.match(text) and "@" not in text.split("/", 1)[0]:
        return url  # data:, blob:, mailto:... ("host:" is followed by a port's digits)
    if text.startswith("//"):
        return "http:" + text
    if text.startswith("/"):
        return url
    host = re.split(r"[/?#]", text, maxsplit=1)[0].rpartition("@")[2].lower()
    for prefix, scheme in CURL_PREFIX_SCHEMES.items():
        if host.startswith(prefix):
            return f"{scheme}://{text}"
    return f"http://{text}"
