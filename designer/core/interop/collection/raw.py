"""What the collection importers read, before it becomes APIs: requests, parameters, credentials.

Postman, Insomnia and HAR importers fill :class:`RawRequest` objects;
:mod:`.collection` builds APIs from them. A request's credential may come from
its auth settings or from an ``Authorization`` (or API key) header, read by
:func:`credential_from_header`: ``Bearer x``, ``Basic x``, any other
``Scheme x`` (``Token {{token}}``) as an API key with that prefix.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from designer.core.interop.collection.values import VARIABLE, without_variables
from designer.core.models import ApiKeyHeaderAuth, Auth, BasicAuth, BearerAuth

__all__ = [
    "RawAuth",
    "RawParam",
    "RawRequest",
    "auth_from_headers",
    "credential_from_header",
]

# Header names that carry an API key by convention (as in the curl importer).
_KEY_HEADERS = frozenset(
    "x-api-key api-key apikey x-apikey x-auth-token x-access-token x-api-token".split()
)


@dataclass(slots=True)
class RawAuth:
    """A credential as a collection stores it; ``secret`` is its value (may be empty).

    ``extra`` holds the values of the other secret fields of types with
    several (an OAuth2 password grant's ``password`` and ``client_secret``).
    """

    auth: Auth
    secret: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RawParam:
    """A query parameter as a collection lists it; disabled entries are optional."""

    name: str
    value: str
    description: str = ""
    optional: bool = False


@dataclass(slots=True)
class RawRequest:
    """One request read from a collection, before it becomes a call."""

    group: str
    name: str
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_mode: str = "none"  # none, json, raw, form, multipart
    body_text: str = ""
    form: list[tuple[str, str]] = field(default_factory=list)
    #: names of the form's file fields: they arrive as empty file parameters (the
    #: document's path is never kept; the user chooses the file)
    files: list[str] = field(default_factory=list)
    auth: RawAuth | None = None
    examples: list[tuple[str, bytes]] = field(default_factory=list)  # content type, body
    description: str = ""
    path_values: dict[str, str] = field(default_factory=dict)
    #: The query as listed (None: read it from ``url``), so values keep '&' and '='.
    query: list[RawParam] | None = None
    #: Descriptions of headers (by lower-case name) and path variables (by name).
    descriptions: dict[str, str] = field(default_factory=dict)
    #: The request's identity in its document (``request:<id>``), kept for updates.
    identity: str = ""


# Schemes whose value is computed per request: no fixed credential to keep.
_SIGNED_SCHEMES = frozenset(
    "digest hawk ntlm negotiate oauth aws4-hmac-sha256 mac signature edgegrid".split()
)


def credential_from_header(value: str) -> RawAuth | None:
    """The credential in an ``Authorization`` header value.

    ``Bearer x`` is a bearer token, ``Basic x`` a user and password, any
    other ``Scheme x`` (``Token``, ``Key``, ``SSWS``...) an API key with that
    prefix, a bare ``x`` an API key; signed schemes (Digest, AWS4, Hawk...)
    are none. A ``{{variable}}`` is an unknown (blank) secret.
    """
    text = value.strip()
    scheme, _, rest = text.partition(" ")
    rest = rest.strip()
    if not text or scheme.lower() in _SIGNED_SCHEMES:
        return None
    if not rest:
        return RawAuth(ApiKeyHeaderAuth(header="Authorization"), without_variables(text))
    if scheme.lower() == "bearer":
        return RawAuth(BearerAuth(), without_variables(rest))
    if scheme.lower() != "basic":
        if not re.fullmatch(r"[A-Za-z][\w.\-]*", scheme):
            return None
        key = ApiKeyHeaderAuth(header="Authorization", prefix=f"{scheme} ")
        return RawAuth(key, without_variables(rest))
    if VARIABLE.search(rest):
        return RawAuth(BasicAuth(), "")
    try:
        user, _, password = base64.b64decode(rest, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return RawAuth(BasicAuth(username=user), password)


def _auth_from_headers(raw: RawRequest) -> None:
    """A request without auth settings but with an Authorization header: that is its auth.

    A request whose auth settings already send the same kind of credential (a
    collection's bearer token, and a ``Bearer {{token}}`` header written again on
    the request) loses the header: the API's credential sends it.
    """
    if raw.auth is not None and raw.auth.auth.type != "none":
        for index, (name, value) in enumerate(raw.headers):
            if name.lower() == "authorization":
                written = credential_from_header(value)
                if written is not None and written.auth == raw.auth.auth:
                    del raw.headers[index]
                return
        return
    for index, (name, value) in enumerate(raw.headers):
        if name.lower() == "authorization":
            credential = credential_from_header(value)
        elif name.lower() in _KEY_HEADERS and value:
            credential = RawAuth(ApiKeyHeaderAuth(header=name), without_variables(value))
        else:
            continue
        if credential is not None:
            raw.auth = credential
            del raw.headers[index]
            return


def auth_from_headers(requests: list[RawRequest]) -> None:
    """Give each request without auth settings the credential of its Authorization header."""
    for raw in requests:
        _auth_from_headers(raw)
