"""Ask a token endpoint for an access token, one function per way of asking.

Standard OAuth2 grants go through authlib's httpx clients (client
credentials, password, refresh, and the JWT bearer assertion of RFC 7523);
the custom token endpoint is a plain POST of the body the user wrote. Every
request carries the API's ``token_headers``, refreshes included, and its TLS
settings (CA bundle). Failures become :class:`AuthenticationError` with the
endpoint's host and what to do; a refused refresh token becomes
:class:`SignInRequiredError`.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import orjson

from designer.core.auth import _authlib
from designer.core.errors import AuthenticationError, DesignerError, SignInRequiredError
from designer.core.http.proxies import environment_proxy
from designer.core.models import (
    Api,
    CustomTokenAuth,
    JwtBearerAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    secret_ref,
)
from designer.core.secrets.store import SecretStore
from designer.core.secrets.tokens import Token

__all__ = ["ClientOptions", "address", "fetch_token", "refresh_token"]


class ClientOptions:
    """How token requests connect: TLS context, timeout, and a transport for tests."""

    def __init__(
        self,
        verify: ssl.SSLContext | bool = True,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.verify, self.timeout, self.transport = verify, timeout, transport

    def kwargs(self, headers: dict[str, str]) -> dict[str, Any]:
        options: dict[str, Any] = {
            "verify": self.verify,
            "timeout": self.timeout,
            "headers": headers,
        }
        if self.transport is not None:
            options["transport"] = self.transport
        return options


def address(url: str) -> str:
    """``host:port`` of a URL, as messages name servers."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url
    port = parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    return f"{parsed.host}:{port}" if port else parsed.host or url


def _secret(store: SecretStore, api: Api, field: str, *, required: bool = True) -> str:
    value = store.get(secret_ref(api, f"auth.{field}")) or ""
    if required and not value:
        words = field.replace("_", " ")
        raise AuthenticationError(
            f"API '{api.name}' needs its {words} to get an access token, but none is set: "
            f"set it in the API's authentication settings"
        )
    return value


def _token_url(api: Api, url: str) -> str:
    if not url.strip():
        raise AuthenticationError(
            f"API '{api.name}' has no token URL: set it in the API's authentication settings"
        )
    return url.strip()


async def _guarded(api: Api, url: str, fetch: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """Run a token request and map whatever goes wrong to a message for people."""
    where = address(url)
    try:
        answer = await fetch()
    except _authlib.OAuthError as exc:
        detail = f"{exc.error}: {exc.description}" if exc.description else str(exc.error)
        raise AuthenticationError(
            f"The token endpoint {where} of API '{api.name}' refused the request ({detail}): "
            f"check the client id, the secret and the scope"
        ) from exc
    except httpx.HTTPStatusError as exc:
        raise AuthenticationError(
            f"The token endpoint {where} of API '{api.name}' answered "
            f"{exc.response.status_code}: check the token URL"
        ) from exc
    except httpx.HTTPError as exc:
        proxy = environment_proxy(url)
        if proxy is not None and isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
            # Every connection goes to the proxy: a failure to connect is the proxy's.
            raise AuthenticationError(
                f"Could not connect to {proxy.named}, on the way to the token endpoint "
                f"{where} of API '{api.name}' ({exc or type(exc).__name__}): check the proxy, "
                f"or unset {proxy.variable}"
            ) from exc
        raise AuthenticationError(
            f"Could not reach the token endpoint {where} of API '{api.name}' "
            f"({exc or type(exc).__name__}): check the token URL and the network"
        ) from exc
    except DesignerError:
        raise
    except ValueError as exc:  # a key that does not parse, a malformed answer
        raise AuthenticationError(
            f"Could not get a token from {where} for API '{api.name}' ({exc}): check the "
            f"authentication settings"
        ) from exc
    return dict(answer)


def _to_token(
    api: Api,
    url: str,
    data: dict[str, Any],
    field: str = "access_token",
    expires: str = "expires_in",
) -> Token:
    token = Token.from_response(data, field, expires)
    if token is None:
        raise AuthenticationError(
            f"The answer of the token endpoint {address(url)} of API '{api.name}' has no "
            f"'{field}': check the token URL and the name of the token field"
        )
    return token


async def fetch_token(api: Api, store: SecretStore, options: ClientOptions) -> Token:
    """A new token by the API's grant (not for the authorization-code flow)."""
    auth = api.auth
    if isinstance(auth, OAuth2ClientCredentialsAuth | OAuth2PasswordAuth):
        url = _token_url(api, auth.token_url)
        optional = isinstance(auth, OAuth2PasswordAuth)
        client_secret = _secret(store, api, "client_secret", required=not optional)
        method = "client_secret_basic" if auth.client_auth == "basic" else "client_secret_post"
        extra: dict[str, str] = {}
        if isinstance(auth, OAuth2PasswordAuth):
            extra = {"username": auth.username, "password": _secret(store, api, "password")}
        grant = "password" if extra else "client_credentials"

        async def oauth2() -> Any:
            async with _authlib.AsyncOAuth2Client(
                client_id=auth.client_id,
                client_secret=client_secret or None,
                token_endpoint_auth_method=method,
                scope=auth.scope or None,
                **options.kwargs(auth.token_headers),
            ) as client:
                return await client.fetch_token(url, grant_type=grant, **extra)

        return _to_token(api, url, await _guarded(api, url, oauth2))
    if isinstance(auth, JwtBearerAuth):
        return await _jwt_bearer(api, auth, store, options)
    if isinstance(auth, CustomTokenAuth):
        return await _custom(api, auth, store, options)
    raise SignInRequiredError(
        f"API '{api.name}' needs you to sign in: press Sign in in its authentication settings"
    )


async def _jwt_bearer(
    api: Api, auth: JwtBearerAuth, store: SecretStore, options: ClientOptions
) -> Token:
    from joserfc.jwk import RSAKey

    url = _token_url(api, auth.token_url)
    pem = _secret(store, api, "private_key")
    try:
        key = RSAKey.import_key(pem)
    except ValueError as exc:
        raise AuthenticationError(
            f"The private key of API '{api.name}' is not an RSA key in PEM format ({exc}): "
            f"load the key file again"
        ) from exc

    async def assertion() -> Any:
        async with _authlib.AsyncAssertionClient(
            url,
            issuer=auth.issuer,
            subject=auth.subject or auth.issuer,
            audience=auth.audience or url,
            scope=auth.scope or None,
            key=key,
            header={"alg": "RS256"},
            **options.kwargs(auth.token_headers),
        ) as client:
            return await client.refresh_token()

    return _to_token(api, url, await _guarded(api, url, assertion))


async def _custom(
    api: Api, auth: CustomTokenAuth, store: SecretStore, options: ClientOptions
) -> Token:
    url = _token_url(api, auth.token_url)
    secret = _secret(store, api, "secret", required="<secret>" in auth.body)
    json_body = "json" in auth.content_type.lower()
    filled = orjson.dumps(secret).decode()[1:-1] if json_body else secret
    headers = {"Content-Type": auth.content_type or "application/json", **auth.token_headers}

    async def post() -> Any:
        kwargs = options.kwargs(headers)
        async with httpx.AsyncClient(**kwargs) as client:
            response = await client.post(url, content=auth.body.replace("<secret>", filled))
        response.raise_for_status()
        try:
            data = response.json()
        except ValueError as exc:
            raise ValueError("the answer is not JSON") from exc
        if not isinstance(data, dict):
            raise ValueError("the answer is not a JSON object")
        return data

    data = await _guarded(api, url, post)
    return _to_token(api, url, data, auth.token_field, auth.expires_field)


async def refresh_token(
    api: Api, url: str, refresh: str, store: SecretStore, options: ClientOptions
) -> Token:
    """A new token for the refresh token ``refresh``; a refused one means: sign in again."""
    auth = api.auth
    client_id = getattr(auth, "client_id", "")
    client_secret = _secret(store, api, "client_secret", required=False)
    method = "client_secret_basic" if getattr(auth, "client_auth", "") == "basic" else None
    headers: dict[str, str] = getattr(auth, "token_headers", {})

    async def renew() -> Any:
        async with _authlib.AsyncOAuth2Client(
            client_id=client_id,
            client_secret=client_secret or None,
            token_endpoint_auth_method=method if client_secret else "none",
            **options.kwargs(headers),
        ) as client:
            return await client.refresh_token(url, refresh_token=refresh)

    try:
        data = await _guarded(api, url, renew)
    except AuthenticationError as exc:
        cause = exc.__cause__
        if isinstance(cause, _authlib.OAuthError) and cause.error in (
            "invalid_grant",
            "invalid_token",
        ):
            raise SignInRequiredError(
                f"The refresh token was rejected by {address(url)}: sign in again."
            ) from exc
        raise
    token = _to_token(api, url, data)
    if not token.refresh_token:  # the server kept the old one
        token = Token(token.access_token, token.expires_at, refresh, token.lifetime)
    return token
