"""Authentication to and from OpenAPI security schemes, in both directions.

Every auth type has a standard scheme that other tools understand:

- bearer → ``http``/``bearer``; a JWT bearer grant and a custom token
  endpoint → ``oauth2`` with a ``clientCredentials`` flow on their token URL
  (OpenAPI has no word for either; the scheme's description says which);
- basic → ``http``/``basic``; API keys → ``apiKey`` in a header or the query;
- the three OAuth2 types → ``oauth2`` with the ``authorizationCode``,
  ``clientCredentials`` or ``password`` flow (Swagger 2.0: ``accessCode``,
  ``application``, ``password``);
- a client certificate → ``mutualTLS``.

What the standard scheme cannot hold (a client id, the token request's
body, an API key's prefix) rides along in ``x-connector-designer-auth``:
the auth's own fields, never a secret (secrets are never fields of the
model). An import reads that extension first, so export → import keeps the
authentication exactly; documents from elsewhere are read by their standard
fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter, ValidationError

from designer.core.models import (
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    ClientCertificateAuth,
    CustomTokenAuth,
    JwtBearerAuth,
    NoAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
)

__all__ = ["AUTH_EXTENSION", "auth_from_scheme", "security_scheme"]

#: The extension holding an auth's own (non-secret) fields.
AUTH_EXTENSION = "x-connector-designer-auth"

_AUTH: TypeAdapter[Auth] = TypeAdapter(Auth)
_SWAGGER_FLOWS = {"accessCode": "authorizationCode", "application": "clientCredentials"}


def _text(node: dict[str, Any], key: str) -> str:
    value = node.get(key)
    return value if isinstance(value, str) else ""


def _scopes(flow: dict[str, Any]) -> str:
    scopes = flow.get("scopes")
    return " ".join(str(s) for s in scopes) if isinstance(scopes, dict) else ""


def _flows(scheme: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The OAuth2 flows of a scheme, Swagger 2.0's single flow named the OpenAPI 3 way."""
    flows = scheme.get("flows")
    if isinstance(flows, dict):
        return {k: v for k, v in flows.items() if isinstance(v, dict)}
    flow = scheme.get("flow")
    if isinstance(flow, str):
        return {_SWAGGER_FLOWS.get(flow, flow): scheme}
    return {}


def _oauth2(scheme: dict[str, Any], name: str, notes: set[str]) -> Auth:
    flows = _flows(scheme)
    if "authorizationCode" in flows:
        flow = flows["authorizationCode"]
        return OAuth2AuthorizationCodeAuth(
            authorize_url=_text(flow, "authorizationUrl"),
            token_url=_text(flow, "tokenUrl"),
            scope=_scopes(flow),
        )
    if "clientCredentials" in flows:
        flow = flows["clientCredentials"]
        return OAuth2ClientCredentialsAuth(token_url=_text(flow, "tokenUrl"), scope=_scopes(flow))
    if "password" in flows:
        flow = flows["password"]
        return OAuth2PasswordAuth(token_url=_text(flow, "tokenUrl"), scope=_scopes(flow))
    notes.add(
        f"security scheme {name!r} (OAuth2 {', '.join(flows) or 'without flows'}) was imported "
        f"as a bearer token: get a token from the provider and set it in the API's "
        f"authentication"
    )
    return BearerAuth()


def auth_from_scheme(scheme: dict[str, Any], name: str, notes: set[str]) -> Auth:
    """The authentication an OpenAPI or Swagger security scheme describes."""
    own = scheme.get(AUTH_EXTENSION)
    if isinstance(own, dict):
        try:
            return _AUTH.validate_python(own)
        except ValidationError:
            notes.add(f"security scheme {name!r}: its {AUTH_EXTENSION} is not valid; ignored")
    kind = scheme.get("type")
    where = scheme.get("in")
    http = str(scheme.get("scheme", "")).lower()
    if kind == "http" and http == "bearer":
        return BearerAuth()
    if (kind == "http" and http == "basic") or kind == "basic":
        username = scheme.get("x-username")
        return BasicAuth(username=username if isinstance(username, str) else "")
    if kind == "apiKey" and isinstance(scheme.get("name"), str) and scheme["name"]:
        if where == "header":
            prefix = scheme.get("x-prefix")
            return ApiKeyHeaderAuth(
                header=scheme["name"], prefix=prefix if isinstance(prefix, str) else ""
            )
        if where == "query":
            return ApiKeyQueryAuth(parameter=scheme["name"])
    if kind == "oauth2":
        return _oauth2(scheme, name, notes)
    if kind == "mutualTLS":
        notes.add(
            f"security scheme {name!r} (mutualTLS): choose the client certificate and its key "
            f"in the API's authentication"
        )
        return ClientCertificateAuth()
    if kind == "openIdConnect":
        notes.add(
            f"security scheme {name!r} (openIdConnect) was imported as a bearer token: get a "
            f"token from the provider and set it in the API's authentication"
        )
        return BearerAuth()
    notes.add(f"security scheme {name!r} ({kind}) is not supported: set authentication by hand")
    return NoAuth()


def _flow(token_url: str, scope: str, **extra: str) -> dict[str, Any]:
    flow: dict[str, Any] = {**extra, "tokenUrl": token_url}
    flow["scopes"] = {s: "" for s in scope.split()}
    return flow


def security_scheme(auth: Auth) -> dict[str, Any] | None:
    """The OpenAPI 3.1 security scheme of ``auth``; None for no authentication."""
    scheme: dict[str, Any]
    if isinstance(auth, NoAuth):
        return None
    if isinstance(auth, BearerAuth):
        scheme = {"type": "http", "scheme": "bearer"}
    elif isinstance(auth, BasicAuth):
        scheme = {"type": "http", "scheme": "basic"}
        if auth.username:
            scheme["x-username"] = auth.username
    elif isinstance(auth, ApiKeyHeaderAuth):
        scheme = {"type": "apiKey", "in": "header", "name": auth.header}
        if auth.prefix:
            scheme["description"] = f"Sent as '{auth.prefix}<key>'."
            scheme["x-prefix"] = auth.prefix
    elif isinstance(auth, ApiKeyQueryAuth):
        scheme = {"type": "apiKey", "in": "query", "name": auth.parameter}
    elif isinstance(auth, OAuth2AuthorizationCodeAuth):
        flow = _flow(auth.token_url, auth.scope, authorizationUrl=auth.authorize_url)
        scheme = {"type": "oauth2", "flows": {"authorizationCode": flow}}
    elif isinstance(auth, OAuth2ClientCredentialsAuth):
        flows = {"clientCredentials": _flow(auth.token_url, auth.scope)}
        scheme = {"type": "oauth2", "flows": flows}
    elif isinstance(auth, OAuth2PasswordAuth):
        scheme = {"type": "oauth2", "flows": {"password": _flow(auth.token_url, auth.scope)}}
    elif isinstance(auth, JwtBearerAuth | CustomTokenAuth):
        what = (
            "a JWT signed with a private key (RFC 7523 JWT bearer grant)"
            if isinstance(auth, JwtBearerAuth)
            else "a custom token request"
        )
        scheme = {
            "type": "oauth2",
            "description": f"The access token comes from {what} to the token URL.",
            "flows": {"clientCredentials": _flow(auth.token_url, auth.scope)},
        }
    else:
        scheme = {"type": "mutualTLS", "description": "A client certificate (mutual TLS)."}
    scheme[AUTH_EXTENSION] = auth.model_dump(mode="json")
    return scheme
