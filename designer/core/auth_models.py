"""How an API authenticates: one model per method, and where each keeps its secrets.

Like every model of the workspace, these hold no secret: a credential lives in
the secret store under ``secret_ref(api, "auth.<field>")`` (see
:func:`designer.core.models.secret_ref`), the fields named by
:func:`auth_secret_fields`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from designer.core.model_base import StrictModel as _Model

__all__ = [
    "AUTH_SECRET_FIELD",
    "TOKEN_AUTH_TYPES",
    "ApiKeyHeaderAuth",
    "ApiKeyQueryAuth",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "ClientCertificateAuth",
    "CustomTokenAuth",
    "JwtBearerAuth",
    "NoAuth",
    "OAuth2AuthorizationCodeAuth",
    "OAuth2ClientCredentialsAuth",
    "OAuth2PasswordAuth",
    "auth_secret_fields",
]


class NoAuth(_Model):
    """No authentication, or authentication handled by the call's own parameters."""

    type: Literal["none"] = "none"


class ApiKeyHeaderAuth(_Model):
    """A private key sent in a header, e.g. ``Authorization: Token abc``."""

    type: Literal["api_key_header"] = "api_key_header"
    header: str = Field("Authorization", min_length=1)
    prefix: str = Field("", description="text before the key, e.g. 'Token '")


class ApiKeyQueryAuth(_Model):
    """A private key sent as a query parameter, e.g. ``?api_key=abc``."""

    type: Literal["api_key_query"] = "api_key_query"
    parameter: str = Field("api_key", min_length=1)


class BearerAuth(_Model):
    """``Authorization: Bearer <token>``."""

    type: Literal["bearer"] = "bearer"


class BasicAuth(_Model):
    """HTTP Basic authentication; the password is a secret.

    With ``key_as_username`` the secret is an API key sent as the user name
    with an empty password (``curl -u sk_test_…:``, as Stripe documents it):
    the key is kept as the secret and encoded when sent, never written as
    ``username``.
    """

    type: Literal["basic"] = "basic"
    username: str = ""
    key_as_username: bool = Field(
        False, description="the secret is an API key sent as the user name, password empty"
    )

    @model_serializer(mode="wrap")
    def _omit_default(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Files of basic auth without a key as user name stay as they were.
        data: dict[str, Any] = handler(self)
        if not data.get("key_as_username", True):
            data.pop("key_as_username", None)
        return data


class _TokenEndpoint(_Model):
    """What every token-based method shares: where tokens come from and how to ask."""

    token_url: str = Field("", description="the token endpoint")
    scope: str = ""
    token_headers: dict[str, str] = Field(
        default_factory=dict, description="extra headers sent with every token request"
    )


class _OAuth2Client(_TokenEndpoint):
    client_id: str = ""
    client_auth: Literal["basic", "body"] = Field(
        "basic", description="client credentials in a Basic header, or in the request body"
    )


class OAuth2ClientCredentialsAuth(_OAuth2Client):
    """OAuth2 client credentials: the app signs in as itself with an id and a secret."""

    type: Literal["oauth2_client_credentials"] = "oauth2_client_credentials"


class OAuth2PasswordAuth(_OAuth2Client):
    """OAuth2 password grant (Bubble's "OAuth2 Password Flow")."""

    type: Literal["oauth2_password"] = "oauth2_password"
    username: str = ""


class OAuth2AuthorizationCodeAuth(_OAuth2Client):
    """OAuth2 authorization code with PKCE, signed in through the system browser."""

    type: Literal["oauth2_authorization_code"] = "oauth2_authorization_code"
    authorize_url: str = ""
    redirect_port: int = Field(0, ge=0, le=65535, description="0: any free port")


class CustomTokenAuth(_TokenEndpoint):
    """POST a body to a token endpoint and use the ``access_token`` of its answer."""

    type: Literal["custom_token"] = "custom_token"
    body: str = Field("", description="the request body; <secret> stands for the secret")
    content_type: str = "application/json"
    token_field: str = "access_token"
    expires_field: str = "expires_in"


class JwtBearerAuth(_TokenEndpoint):
    """A JWT signed with an RSA private key, exchanged for an access token (RFC 7523)."""

    type: Literal["jwt_bearer"] = "jwt_bearer"
    issuer: str = ""
    subject: str = Field("", description="blank: the issuer")
    audience: str = Field("", description="blank: the token endpoint")


class ClientCertificateAuth(_Model):
    """Mutual TLS: a client certificate file and its private key (a secret)."""

    type: Literal["client_certificate"] = "client_certificate"
    certificate: str = Field("", description="path of the PEM certificate (chain)")


Auth = Annotated[
    NoAuth
    | ApiKeyHeaderAuth
    | ApiKeyQueryAuth
    | BearerAuth
    | BasicAuth
    | OAuth2ClientCredentialsAuth
    | OAuth2AuthorizationCodeAuth
    | OAuth2PasswordAuth
    | CustomTokenAuth
    | JwtBearerAuth
    | ClientCertificateAuth,
    Field(discriminator="type"),
]

#: The one secret of each simple auth type, by auth ``type``; see :func:`auth_secret_fields`.
AUTH_SECRET_FIELD: dict[str, str] = {
    "api_key_header": "key",
    "api_key_query": "key",
    "bearer": "token",
    "basic": "password",
}

#: Every secret field of each auth type, and whether it may stay unset.
_AUTH_SECRETS: dict[str, tuple[tuple[str, bool], ...]] = {
    "none": (),
    "api_key_header": (("key", False),),
    "api_key_query": (("key", False),),
    "bearer": (("token", False),),
    "basic": (("password", False),),
    "oauth2_client_credentials": (("client_secret", False),),
    "oauth2_password": (("password", False), ("client_secret", True)),
    "oauth2_authorization_code": (("client_secret", True), ("refresh_token", True)),
    "custom_token": (("secret", True),),
    "jwt_bearer": (("private_key", False),),
    "client_certificate": (("private_key", False), ("key_password", True)),
}

#: The types whose access token comes from a token endpoint (and is cached).
TOKEN_AUTH_TYPES: Final = frozenset(
    {
        "oauth2_client_credentials",
        "oauth2_password",
        "oauth2_authorization_code",
        "custom_token",
        "jwt_bearer",
    }
)


def auth_secret_fields(auth_type: str) -> tuple[tuple[str, bool], ...]:
    """The secret fields of an auth type, each with whether it is optional."""
    return _AUTH_SECRETS[auth_type]
