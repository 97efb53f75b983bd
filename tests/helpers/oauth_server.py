"""A real OAuth2 authorization server on 127.0.0.1, built with authlib's Flask integration.

Endpoints:

- ``GET/POST /authorize``: authorization code with PKCE (S256 required); the
  consent form is a POST with ``confirm=yes``;
- ``POST /token``: client credentials, password, authorization code, refresh
  token and JWT bearer (RFC 7523) grants; tokens live ``lifetime`` seconds;
- ``POST /custom-token``: a non-standard endpoint that answers
  ``{"access_token", "expires_in"}`` for a JSON body ``{"apiKey": KEY}``;
- ``GET /resource``: 401 unless the bearer token is known and unexpired; it
  echoes the token back (as servers echo credentials), to test redaction.

Every token request's headers are recorded in :attr:`OAuthServer.token_headers`.
"""

from __future__ import annotations

import secrets
import threading
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from authlib.deprecate import AuthlibDeprecationWarning
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

with warnings.catch_warnings():  # authlib 1.9 announces its move to joserfc on import
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.flask_oauth2 import AuthorizationServer
    from authlib.oauth2.rfc6749 import grants
    from authlib.oauth2.rfc7523 import JWTBearerGrant
    from authlib.oauth2.rfc7636 import CodeChallenge

CLIENT_ID, CLIENT_SECRET = "designer-app", "app-secret-1"
PUBLIC_CLIENT_ID = "designer-public"
USERNAME, PASSWORD = "ada", "lovelace-pw"
CUSTOM_KEY = "custom-key-1"
JWT_ISSUER = "service@example.test"


@dataclass
class Client:
    client_id: str
    client_secret: str
    public_key: Any = None

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return "http://127.0.0.1/callback"

    def get_allowed_scope(self, scope: str) -> str:
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # RFC 8252: a loopback redirect may use any port.
        return redirect_uri.startswith("http://127.0.0.1:") and redirect_uri.endswith("/callback")

    def check_client_secret(self, client_secret: str) -> bool:
        return bool(self.client_secret) and client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if not self.client_secret:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return True


@dataclass
class Issued:
    access_token: str
    refresh_token: str | None
    client_id: str
    user: str | None
    expires_at: float
    revoked: bool = False


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    code_challenge: str | None
    code_challenge_method: str | None

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


@dataclass
class State:
    clients: dict[str, Client] = field(default_factory=dict)
    tokens: dict[str, Issued] = field(default_factory=dict)
    refresh: dict[str, Issued] = field(default_factory=dict)
    codes: dict[str, Code] = field(default_factory=dict)
    token_headers: list[dict[str, str]] = field(default_factory=list)
    grants_seen: list[str] = field(default_factory=list)


def _app(state: State, lifetime: int) -> Flask:
    app = Flask("oauth-test-server")
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = dict.fromkeys(
        [
            "authorization_code",
            "password",
            "client_credentials",
            "refresh_token",
            JWTBearerGrant.GRANT_TYPE,
        ],
        lifetime,
    )
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True

    def save_token(token: dict[str, Any], req: Any) -> None:
        issued = Issued(
            token["access_token"],
            token.get("refresh_token"),
            req.client.client_id if req.client else "",
            req.user,
            time.time() + token["expires_in"],
        )
        state.tokens[issued.access_token] = issued
        if issued.refresh_token:
            state.refresh[issued.refresh_token] = issued

    server = AuthorizationServer(app, query_client=state.clients.get, save_token=save_token)

    class CodeGrant(grants.AuthorizationCodeGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def save_authorization_code(self, code: str, req: Any) -> None:
            data = req.payload.data
            state.codes[code] = Code(
                code,
                req.client.client_id,
                req.payload.redirect_uri,
                req.payload.scope or "",
                req.user,
                data.get("code_challenge"),
                data.get("code_challenge_method"),
            )

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            found = state.codes.get(code)
            return found if found and found.client_id == client.client_id else None

        def delete_authorization_code(self, code: Code) -> None:
            state.codes.pop(code.code, None)

        def authenticate_user(self, code: Code) -> str:
            return code.user

    class PKCE(CodeChallenge):
        def get_authorization_code_challenge(self, code: Code) -> str | None:
            return code.code_challenge

        def get_authorization_code_challenge_method(self, code: Code) -> str | None:
            return code.code_challenge_method

    class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

        def authenticate_user(self, username: str, password: str) -> str | None:
            return username if (username, password) == (USERNAME, PASSWORD) else None

    class RefreshGrant(grants.RefreshTokenGrant):
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
        INCLUDE_NEW_REFRESH_TOKEN = True

        def authenticate_refresh_token(self, refresh_token: str) -> Any:
            found = state.refresh.get(refresh_token)
            if found is None or found.revoked:
                return None
            return _RefreshCredential(found)

        def authenticate_user(self, credential: Any) -> str | None:
            return credential.issued.user

        def revoke_old_credential(self, credential: Any) -> None:
            credential.issued.revoked = True

    class JwtGrant(JWTBearerGrant):
        def resolve_issuer_client(self, issuer: str) -> Client | None:
            return state.clients.get(issuer)

        def resolve_client_public_key(self, client: Client) -> Any:
            return client.public_key

        def authenticate_user(self, subject: str) -> str:
            return subject

        def get_audiences(self) -> list[str]:
            return [request.url_root + "token"]

        def has_granted_permission(self, client: Client, user: str) -> bool:
            return True

    server.register_grant(CodeGrant, [PKCE(required=True)])
    server.register_grant(PasswordGrant)
    server.register_grant(grants.ClientCredentialsGrant)
    server.register_grant(RefreshGrant)
    server.register_grant(JwtGrant)

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        grant = server.get_consent_grant(end_user=USERNAME)
        if request.method == "GET":
            return "<form method=post><button name=confirm value=yes>Allow</button></form>"
        user = USERNAME if request.form.get("confirm") == "yes" else None
        return server.create_authorization_response(grant=grant, grant_user=user)

    @app.route("/token", methods=["POST"])
    def token() -> Any:
        state.token_headers.append(dict(request.headers))
        state.grants_seen.append(request.form.get("grant_type", ""))
        return server.create_token_response()

    @app.route("/custom-token", methods=["POST"])
    def custom_token() -> Any:
        state.token_headers.append(dict(request.headers))
        body = request.get_json(silent=True) or {}
        if body.get("apiKey") != CUSTOM_KEY:
            return jsonify(error="bad key"), 403
        value = secrets.token_urlsafe(16)
        state.tokens[value] = Issued(value, None, "custom", None, time.time() + lifetime)
        return jsonify(access_token=value, expires_in=lifetime)

    @app.route("/resource")
    def resource() -> Any:
        header = request.headers.get("Authorization", "")
        found = state.tokens.get(header.removeprefix("Bearer "))
        if found is None or found.revoked or found.expires_at <= time.time():
            return jsonify(error="invalid_token"), 401
        return jsonify(ok=True, user=found.user, echo=header.removeprefix("Bearer "))

    return app


@dataclass
class _RefreshCredential:
    issued: Issued

    def get_scope(self) -> str:
        return ""

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.issued.client_id

    def is_expired(self) -> bool:
        return False

    def is_revoked(self) -> bool:
        return self.issued.revoked


class OAuthServer:
    """The server above, started in a thread; ``stop()`` ends it."""

    def __init__(self, lifetime: int = 3, public_key: Any = None) -> None:
        self.state = State()
        self.state.clients[CLIENT_ID] = Client(CLIENT_ID, CLIENT_SECRET)
        self.state.clients[PUBLIC_CLIENT_ID] = Client(PUBLIC_CLIENT_ID, "")
        self.state.clients[JWT_ISSUER] = Client(JWT_ISSUER, "", public_key)
        self._server = make_server("127.0.0.1", 0, _app(self.state, lifetime), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> OAuthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def expire_all(self) -> None:
        """Make every access token expired (as if time had passed)."""
        for issued in self.state.tokens.values():
            issued.expires_at = 0

    def revoke_refresh_tokens(self) -> None:
        for issued in self.state.refresh.values():
            issued.revoked = True
