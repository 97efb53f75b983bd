"""OAuth 2.0 settings of Postman and Insomnia, mapped to our auth types.

Both tools store a grant type, the token and authorization endpoints, a
client id and secret, a scope and (for the password grant) a user. The
authorization code grant becomes ours, which always uses PKCE; the
implicit grant has no equivalent (tokens come back in the browser's URL
fragment) and is reported by the caller.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from designer.core.interop.collection.build import RawAuth
from designer.core.interop.collection.values import without_variables
from designer.core.models import (
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
)
from designer.core.urls import with_default_scheme

__all__ = ["OAuth2Settings", "oauth2_credential"]

#: Grant names of Postman (``password_credentials``) and Insomnia (``password``).
_GRANTS = {
    "client_credentials": "client_credentials",
    "password_credentials": "password",
    "password": "password",
    "authorization_code": "authorization_code",
    "authorization_code_with_pkce": "authorization_code",
}


class OAuth2Settings:
    """The OAuth 2.0 fields both tools have, as text (``{{variables}}`` resolved or left)."""

    def __init__(self, grant: str, fields: dict[str, str], *, in_body: bool) -> None:
        self.grant = grant
        self.fields = fields
        self.in_body = in_body

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()


def _redirect_port(url: str) -> int:
    """The port of a loopback redirect URL (ours listens on 127.0.0.1); 0 for any other."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return 0
    if parts.hostname in ("127.0.0.1", "localhost", "::1") and port:
        return port
    return 0


def oauth2_credential(settings: OAuth2Settings) -> RawAuth | None:
    """Our OAuth2 auth for ``settings``, with its secrets; None for an unsupported grant.

    Field names are the common ones: ``token_url``, ``authorize_url``,
    ``client_id``, ``client_secret``, ``scope``, ``username``, ``password``,
    ``redirect_url``.
    """
    grant = _GRANTS.get(settings.grant.strip().lower())
    if grant is None:
        return None
    common = {
        "token_url": with_default_scheme(without_variables(settings.get("token_url"))),
        "client_id": without_variables(settings.get("client_id")),
        "scope": settings.get("scope"),
        "client_auth": "body" if settings.in_body else "basic",
    }
    secret = without_variables(settings.get("client_secret"))
    if grant == "client_credentials":
        return RawAuth(OAuth2ClientCredentialsAuth(**common), "", {"client_secret": secret})
    if grant == "password":
        auth = OAuth2PasswordAuth(**common, username=without_variables(settings.get("username")))
        password = without_variables(settings.get("password"))
        return RawAuth(auth, "", {"password": password, "client_secret": secret})
    code = OAuth2AuthorizationCodeAuth(
        **common,
        authorize_url=with_default_scheme(without_variables(settings.get("authorize_url"))),
        redirect_port=_redirect_port(settings.get("redirect_url")),
    )
    return RawAuth(code, "", {"client_secret": secret})
