"""The one credential detector: which names carry a secret, wherever a request puts them.

Every importer (curl, HAR, Postman, Insomnia, OpenAPI examples) asks this
module, so a credential that one of them keeps out of the workspace file no
other lets in. It looks at *names*, never guesses from values: header names,
query names, form and JSON body fields, and cookies.

A name is compared in lower case with ``-``, ``.`` and spaces read as ``_``
(``X-API-Key`` is ``x_api_key``), as written and with camelCase split
(``apiKey`` is also ``api_key``), against:

- :data:`CREDENTIAL_HEADERS`: headers that always carry a credential,
  among them the known vendor headers (``x-goog-api-key``,
  ``x-rapidapi-key``, ``ocp-apim-subscription-key``, ``private-token``,
  ``x-shopify-access-token``, ``x-functions-key``...);
- :data:`SENDER_HEADERS`: the secret tokens and signatures webhook senders put on
  their requests (``x-gitlab-token``, ``x-telegram-bot-api-secret-token``,
  ``x-hub-signature-256``, ``x-shopify-hmac-sha256``...): credentials in a
  header, though never an API's own key;
- :data:`CREDENTIAL_PATTERNS`: shell-style patterns for any place
  (``*api_key*``, ``*token*``, ``*secret*``, ``*password*``, ``passwd``,
  ``signature``...);
- :data:`QUERY_ONLY`: short names that are a credential in a query string
  (``key``, ``sig``) but ordinary elsewhere;

minus :data:`NOT_CREDENTIALS`, names that match a pattern but count or
describe tokens (``max_tokens``, ``token_type``, ``page_token``).

A value that is only a placeholder (``{{token}}``, ``<token>``,
``${TOKEN}``, ``$TOKEN``) is no secret: it stays where it is.
"""

from __future__ import annotations

import re
from fnmatch import translate
from functools import cache, lru_cache
from typing import Any, Literal

__all__ = [
    "CREDENTIAL_HEADERS",
    "CREDENTIAL_PATTERNS",
    "NOT_CREDENTIALS",
    "QUERY_ONLY",
    "SENDER_HEADERS",
    "Where",
    "is_credential",
    "is_key_header",
    "is_key_query",
    "is_placeholder",
    "json_credentials",
    "normalize",
]

Where = Literal["header", "query", "body", "cookie", "path"]

#: Headers that always carry a credential (normalized), vendor headers included.
CREDENTIAL_HEADERS = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "cookie",
        "x_api_key",
        "api_key",
        "apikey",
        "x_apikey",
        "x_auth_token",
        "x_access_token",
        "x_api_token",
        "x_goog_api_key",
        "x_rapidapi_key",
        "ocp_apim_subscription_key",
        "private_token",
        "x_shopify_access_token",
        "x_functions_key",
        "x_amz_security_token",
        "x_figma_token",
        "x_auth_key",
    }
)

#: Headers webhook senders sign or authenticate their requests with (normalized): a
#: credential wherever a request is kept, but not the API key of an API being called.
SENDER_HEADERS = frozenset(
    {
        # shared secret tokens, sent as they are
        "x_gitlab_token",
        "private_token",
        "x_shopify_access_token",
        "x_telegram_bot_api_secret_token",
        "x_hook_secret",
        "x_webhook_secret",
        "x_webhook_token",
        "x_goog_channel_token",
        # signatures (HMACs of the body): replayable as they are
        "stripe_signature",
        "x_hub_signature",
        "x_hub_signature_256",
        "x_shopify_hmac_sha256",
        "x_slack_signature",
        "x_twilio_signature",
        "x_line_signature",
        "x_signature",
        "x_signature_256",
        "x_zm_signature",
        "x_square_signature",
        "x_square_hmacsha256_signature",
        "x_pagerduty_signature",
        "svix_signature",
        "webhook_signature",
        "typeform_signature",
        "x_mailgun_signature",
        "x_paddle_signature",
    }
)

#: Patterns for names that carry a credential anywhere (normalized names).
CREDENTIAL_PATTERNS = (
    "authorization",
    "proxy_authorization",
    "*api_key*",
    "*apikey*",
    "*token*",
    "*secret*",
    "*password*",
    "passwd",
    "*_passwd",
    "passphrase",
    "client_secret",
    "refresh_token",
    "signature",
    "*_signature",
    "*access_key*",
    "*private_key*",
    "*credential*",
    "*session_id",
    "sessionid",
    "code_verifier",
    "auth",
)

#: Names that are a credential only in a query string (``?key=…`` of Google APIs).
QUERY_ONLY = frozenset({"key", "sig"})

#: Names that match a pattern but are counts, types or cursors, not secrets.
NOT_CREDENTIALS = (
    "*tokens",
    "*_tokens_*",
    "token_type",
    "*_token_type",
    "*page_token*",
    "*token_count*",
    "*token_limit*",
    "*token_url*",
    "*token_endpoint*",
    "token_expires*",
    "*password_policy*",
)


def normalize(name: str) -> str:
    """``name`` as the patterns see it: lower case, ``-``, ``.`` and spaces as ``_``."""
    return re.sub(r"[-.\s]+", "_", name.strip().lower())


def _forms(name: str) -> set[str]:
    """``name`` normalized as written and with camelCase split (``pageToken``: ``page_token``)."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return {normalize(name), normalize(split)} - {""}


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regular expression for a whole list of patterns: one match per name, not twenty."""
    return re.compile("|".join(f"(?:{translate(pattern)})" for pattern in patterns))


def _matches(forms: set[str], patterns: tuple[str, ...]) -> bool:
    compiled = _compiled(patterns)
    return any(compiled.match(form) for form in forms)


@lru_cache(maxsize=4096)  # imports ask about the same few names thousands of times
def is_credential(name: str, where: Where = "body") -> bool:
    """Whether a value named ``name``, sent in ``where``, is a credential."""
    forms = _forms(name)
    if not forms:
        return False
    if where in ("header", "cookie") and forms & (CREDENTIAL_HEADERS | SENDER_HEADERS):
        return True
    if where == "query" and forms & QUERY_ONLY:
        return True
    if where == "cookie":
        return True  # a cookie a request sends is a session: private, whatever its name
    if _matches(forms, NOT_CREDENTIALS):
        return False
    return _matches(forms, CREDENTIAL_PATTERNS)


#: Header names whose value is the API key or token itself: the API's authentication.
_KEY_HEADER_PATTERNS = (
    "*api_key*",
    "*apikey*",
    "*api_token*",
    "*access_token*",
    "*auth_token*",
    "*auth_key*",
    "*subscription_key*",
    "private_token",
    "x_functions_key",
)


def is_key_header(name: str) -> bool:
    """Whether header ``name`` carries an API key (or token) by itself, unlike Authorization."""
    forms = _forms(name)
    if forms & {"authorization", "proxy_authorization", "cookie"}:
        return False
    return bool(forms & CREDENTIAL_HEADERS) or _matches(forms, _KEY_HEADER_PATTERNS)


#: Query names that carry an API key itself (``?api_key=…``), unlike ``?password=…``.
_KEY_QUERY_PATTERNS = ("key", "*api_key*", "*apikey*", "token", "access_token", "auth_token")


def is_key_query(name: str) -> bool:
    """Whether query parameter ``name`` is an API key or token, the API's authentication."""
    return is_credential(name, "query") and _matches(_forms(name), _KEY_QUERY_PATTERNS)


_PLACEHOLDER = re.compile(
    r"\s*(?:\{\{[^{}]*\}\}|<[^<>]*>|\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|:[A-Za-z_]\w*)\s*"
)


def is_placeholder(value: str) -> bool:
    """Whether ``value`` only stands for a credential (``{{token}}``, ``<key>``, ``$TOKEN``)."""
    rest = value.strip()
    for prefix in ("Bearer ", "Basic ", "Token "):
        rest = rest.removeprefix(prefix)
    return not rest or _PLACEHOLDER.fullmatch(rest) is not None


def json_credentials(document: Any, path: str = "") -> list[tuple[str, str, str]]:
    """``(dotted path, field name, value)`` of each credential string in a JSON document."""
    found: list[tuple[str, str, str]] = []
    if isinstance(document, dict):
        for key, value in document.items():
            at = f"{path}.{key}" if path else str(key)
            if isinstance(value, str) and value and is_credential(str(key), "body"):
                if not is_placeholder(value):
                    found.append((at, str(key), value))
            elif isinstance(value, dict | list):
                found += json_credentials(value, at)
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += json_credentials(value, f"{path}[{index}]")
    return found
