"""Scheme-less URLs get the scheme curl would use, in every importer that reads URLs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.core.errors import CurlParseError
from designer.core.interop.curl.parse import parse_curl
from designer.core.urls import has_scheme, with_default_scheme


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("localhost:4010/echo", "http://localhost:4010/echo"),
        ("api.example.com/v1?x=1", "http://api.example.com/v1?x=1"),
        ("api.github.com/users", "http://api.github.com/users"),  # no https guess: curl has none
        ("ftp.example.com/file", "ftp://ftp.example.com/file"),
        ("FTP.Example.com", "ftp://FTP.Example.com"),
        ("dict.example.org", "dict://dict.example.org"),
        ("ldap.corp.example", "ldap://ldap.corp.example"),
        ("imap.mail.example", "imap://imap.mail.example"),
        ("smtp.mail.example:25", "smtp://smtp.mail.example:25"),
        ("pop3.mail.example", "pop3://pop3.mail.example"),
        ("ftpserver.example.com", "http://ftpserver.example.com"),  # the prefix is "ftp."
        ("user:pw@ftp.example.com/x", "ftp://user:pw@ftp.example.com/x"),
        ("//cdn.example.com/a.js", "http://cdn.example.com/a.js"),
        ("https://secure.example.com", "https://secure.example.com"),
        ("HTTP://x.example", "HTTP://x.example"),
        ("/relative/path", "/relative/path"),
        ("{{baseUrl}}/users", "{{baseUrl}}/users"),
        ("data:image/png;base64,iVBO", "data:image/png;base64,iVBO"),
        ("localhost:4010", "http://localhost:4010"),
        ("", ""),
    ],
)
def test_curls_rule(url: str, expected: str) -> None:
    assert with_default_scheme(url) == expected


def test_curl_commands_use_the_same_rule() -> None:
    assert parse_curl("curl localhost:4010/echo").url == "http://localhost:4010/echo"
    assert parse_curl("curl ftp.example.com/x").url == "ftp://ftp.example.com/x"


def test_a_guessed_non_http_scheme_is_refused_by_the_curl_importer() -> None:
    from designer.core.interop.curl.importer import curl_to_workspace
    from designer.core.secrets.store import MemorySecretStore

    with pytest.raises(CurlParseError, match="Only http and https"):
        curl_to_workspace("curl ftp.example.com/x", None, MemorySecretStore())


hosts = st.from_regex(r"[a-z][a-z0-9\-]{0,10}(\.[a-z]{2,5}){0,2}(:[0-9]{1,5})?", fullmatch=True)


@given(host=hosts, path=st.from_regex(r"(/[a-z0-9_\-.]{0,8}){0,3}", fullmatch=True))
def test_a_host_never_becomes_a_relative_path(host: str, path: str) -> None:
    url = with_default_scheme(host + path)
    assert has_scheme(url)
    assert url.split("://", 1)[1] == host + path
    assert with_default_scheme(url) == url  # idempotent
