"""The one credential detector, as a table of names and where they are sent."""

from __future__ import annotations

import pytest

from designer.core.secrets.detector import (
    is_credential,
    is_key_header,
    is_key_query,
    is_placeholder,
    json_credentials,
)

CREDENTIALS = [
    # headers, vendor headers among them
    ("Authorization", "header"),
    ("Proxy-Authorization", "header"),
    ("Cookie", "header"),
    ("X-API-Key", "header"),
    ("x-goog-api-key", "header"),
    ("X-RapidAPI-Key", "header"),
    ("Ocp-Apim-Subscription-Key", "header"),
    ("PRIVATE-TOKEN", "header"),
    ("X-Shopify-Access-Token", "header"),
    ("x-functions-key", "header"),
    ("X-Amz-Security-Token", "header"),
    ("X-Auth-Token", "header"),
    ("X-CSRF-Token", "header"),
    # query names
    ("api_key", "query"),
    ("apiKey", "query"),
    ("key", "query"),
    ("sig", "query"),
    ("access_token", "query"),
    ("client_secret", "query"),
    ("password", "query"),
    # form and JSON body fields
    ("password", "body"),
    ("passwd", "body"),
    ("new_password", "body"),
    ("secret", "body"),
    ("client_secret", "body"),
    ("refresh_token", "body"),
    ("id_token", "body"),
    ("signature", "body"),
    ("webhook_signature", "body"),
    ("aws_secret_access_key", "body"),
    ("private_key", "body"),
    ("credentials", "body"),
    ("code_verifier", "body"),
    ("passphrase", "body"),
    # cookies: a session whatever its name
    ("sessionid", "cookie"),
    ("_ga", "cookie"),
]

ORDINARY = [
    ("Accept", "header"),
    ("Content-Type", "header"),
    ("Idempotency-Key", "header"),
    ("X-Request-Id", "header"),
    ("key", "body"),  # only a credential in a query string
    ("sig", "header"),
    ("page", "query"),
    ("max_tokens", "body"),
    ("token_type", "body"),
    ("next_page_token", "query"),
    ("pageToken", "query"),
    ("token_count", "body"),
    ("author", "body"),
    ("monkey", "query"),
    ("keyword", "query"),
    ("", "query"),
]


@pytest.mark.parametrize(("name", "where"), CREDENTIALS)
def test_credential_names(name: str, where: str) -> None:
    assert is_credential(name, where)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "where"), ORDINARY)
def test_ordinary_names(name: str, where: str) -> None:
    assert not is_credential(name, where)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("X-API-Key", True),
        ("x-goog-api-key", True),
        ("Ocp-Apim-Subscription-Key", True),
        ("PRIVATE-TOKEN", True),
        ("X-Shopify-Access-Token", True),
        ("x-functions-key", True),
        ("Authorization", False),  # a scheme and a credential: the auth parser reads it
        ("Cookie", False),
        ("X-CSRF-Token", False),  # private, but not how the API authenticates
        ("Accept", False),
    ],
)
def test_key_headers(name: str, expected: bool) -> None:
    assert is_key_header(name) is expected


@pytest.mark.parametrize(
    "name", ["X-Hub-Signature-256", "X-Shopify-Hmac-Sha256", "X-Signature-256"]
)
def test_webhook_sender_headers_are_credentials_but_no_api_key(name: str) -> None:
    # Never written to a file, but a curl command carrying one is no API authenticated by it.
    assert is_credential(name, "header")
    assert not is_key_header(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("api_key", True), ("key", True), ("access_token", True), ("password", False)],
)
def test_key_query(name: str, expected: bool) -> None:
    assert is_key_query(name) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{{token}}", True),
        ("Bearer {{token}}", True),
        ("<api_key>", True),
        ("${API_KEY}", True),
        ("$API_KEY", True),
        ("", True),
        ("sk_live_abc123", False),
        ("Bearer eyJhbGciOi", False),
        ("{{a}}b", False),
    ],
)
def test_placeholders(value: str, expected: bool) -> None:
    assert is_placeholder(value) is expected


def test_json_credentials_finds_nested_fields_and_skips_placeholders() -> None:
    document = {
        "grant_type": "client_credentials",
        "client_secret": "s3cr3t",
        "auth": {"password": "pw1", "username": "ada"},
        "items": [{"token": "t1"}, {"token": "{{t}}"}],
        "max_tokens": 100,
    }
    assert json_credentials(document) == [
        ("client_secret", "client_secret", "s3cr3t"),
        ("auth.password", "password", "pw1"),
        ("items[0].token", "token", "t1"),
    ]
