"""Export APIs as an Insomnia v5 collection (YAML), what current Insomnia imports.

- One folder per API, carrying the API's authentication (its requests
  inherit it): bearer, basic, API key (header or query) and the OAuth 2.0
  grants map to Insomnia's; other types are named in a note.
- The base environment holds each API's base URL (``base_url``, or
  ``base_url_<api>`` for several) and every secret as an empty
  ``CD_SECRET_...`` variable (names from :mod:`.secret_names`), never a
  value. Each environment of the APIs (by name) is a sub-environment with the
  base URLs it overrides.
- Path placeholders are ``:name`` segments with their samples as path
  parameters, query parameters are listed (an optional one with no sample
  disabled), GraphQL calls are GraphQL bodies.

Importing the file back gives the same APIs and calls (see the round-trip test).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import yaml

from designer.core.errors import ExportError
from designer.core.interop.request_export import Entry, ExportedRequest, Requests
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Workspace,
)
from designer.core.secrets.names import required_secrets

__all__ = ["export_insomnia"]

_GRANTS = {
    "oauth2_client_credentials": "client_credentials",
    "oauth2_password": "password",
    "oauth2_authorization_code": "authorization_code",
}


def _id(prefix: str, *parts: str) -> str:
    """A stable id in Insomnia's style (``req_<32 hex>``), so exports diff cleanly."""
    return f"{prefix}_{hashlib.sha256(':'.join(parts).encode()).hexdigest()[:32]}"


def _var(name: str) -> str:
    return "{{ _." + name + " }}"


def _pairs(entries: list[Entry]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        pair: dict[str, Any] = {"name": e.name, "value": e.value}
        if e.description:
            pair["description"] = e.description
        if not e.enabled:
            pair["disabled"] = True
        out.append(pair)
    return out


def _body(request: ExportedRequest) -> dict[str, Any] | None:
    if request.body == "graphql":
        import orjson

        envelope: dict[str, Any] = {
            "query": request.body_text,
            "variables": orjson.loads(request.graphql_variables or "{}"),
        }
        if request.operation_name:
            envelope["operationName"] = request.operation_name
        return {"mimeType": "application/graphql", "text": orjson.dumps(envelope).decode()}
    if request.body in ("form", "multipart"):
        return {"mimeType": request.content_type, "params": _pairs(request.form)}
    if request.body in ("json", "raw"):
        return {"mimeType": request.content_type, "text": request.body_text}
    return None


class _Exporter:
    def __init__(self, ws: Workspace, apis: Sequence[Api], notes: list[str] | None) -> None:
        self.ws, self.apis = ws, apis
        self.requests = Requests(apis, _var)
        self.notes = notes if notes is not None else []

    def auth(self, api: Api) -> dict[str, Any]:
        a, r = api.auth, self.requests
        if isinstance(a, BearerAuth):
            return {"type": "bearer", "token": r.auth_secret(api), "prefix": ""}
        if isinstance(a, BasicAuth):
            return {"type": "basic", "username": a.username, "password": r.auth_secret(api)}
        if isinstance(a, ApiKeyHeaderAuth):
            if a.header.lower() == "authorization" and a.prefix.strip():
                # Insomnia's bearer with another prefix: "Token abc".
                token = r.auth_secret(api)
                return {"type": "bearer", "token": token, "prefix": a.prefix.strip()}
            value = a.prefix + r.auth_secret(api)
            return {"type": "apikey", "key": a.header, "value": value, "addTo": "header"}
        if isinstance(a, ApiKeyQueryAuth):
            value = r.auth_secret(api)
            return {"type": "apikey", "key": a.parameter, "value": value, "addTo": "queryParams"}
        if isinstance(
            a, OAuth2ClientCredentialsAuth | OAuth2PasswordAuth | OAuth2AuthorizationCodeAuth
        ):
            found: dict[str, Any] = {
                "type": "oauth2",
                "grantType": _GRANTS[a.type],
                "accessTokenUrl": a.token_url,
                "clientId": a.client_id,
                "clientSecret": r.secret(api, "auth.client_secret"),
                "scope": a.scope,
                "credentialsInBody": a.client_auth == "body",
            }
            if isinstance(a, OAuth2PasswordAuth):
                found["username"] = a.username
                found["password"] = r.secret(api, "auth.password")
            if isinstance(a, OAuth2AuthorizationCodeAuth):
                found["authorizationUrl"] = a.authorize_url
                found["usePkce"] = True
                if a.redirect_port:
                    found["redirectUrl"] = f"http://127.0.0.1:{a.redirect_port}/"
            return found
        if a.type != "none":
            self.notes.append(
                f"API {api.name!r}: {a.type} authentication has no Insomnia equivalent; "
                f"set it in Insomnia"
            )
        return {"type": "none"}

    def request(self, api: Api, index: int) -> dict[str, Any]:
        call = api.calls[index]
        exported = self.requests.request(api, call)
        item: dict[str, Any] = {
            "url": exported.url,
            "name": exported.name,
            "meta": {
                "id": _id("req", self.ws.id, api.id, call.id),
                "description": exported.description,
                "sortKey": index,
            },
            "method": exported.method,
        }
        body = _body(exported)
        if body is not None:
            item["body"] = body
        if exported.query:
            item["parameters"] = _pairs(exported.query)
        headers = _pairs(exported.headers)
        if body is not None and exported.content_type:
            if not any(h["name"].lower() == "content-type" for h in headers):
                headers.append({"name": "Content-Type", "value": exported.content_type})
        if headers:
            item["headers"] = headers
        if exported.path:
            item["pathParameters"] = _pairs(exported.path)
        item["settings"] = {
            "renderRequestBody": True,
            "encodeUrl": True,
            "followRedirects": "global",
            "cookies": {"send": True, "store": True},
            "rebuildPath": True,
        }
        return item

    def environments(self) -> dict[str, Any]:
        r = self.requests
        data: dict[str, str] = {r.base_var(api): r.base_url(api) for api in self.apis}
        data.update({s.env: "" for s in required_secrets(self.apis)})
        names: list[str] = []
        for api in self.apis:
            names.extend(e.name for e in api.environments if e.name not in names)
        subs = []
        for index, name in enumerate(names):
            values = {
                r.base_var(api): r.base_url(api, env.base_url)
                for api in self.apis
                for env in api.environments
                if env.name == name and env.base_url
            }
            subs.append(
                {
                    "name": name,
                    "meta": {"id": _id("env", self.ws.id, name), "sortKey": index},
                    "data": values,
                }
            )
        # Last: the variables the URLs use (placeholders inside a segment or a host).
        data.update({k: v for k, v in r.inner.items() if k not in data})
        base: dict[str, Any] = {
            "name": "Base Environment",
            "meta": {"id": _id("env", self.ws.id)},
            "data": data,
        }
        if subs:
            base["subEnvironments"] = subs
        return base


def export_insomnia(ws: Workspace, apis: Sequence[Api], *, notes: list[str] | None = None) -> bytes:
    """An Insomnia v5 collection of ``apis``, as YAML."""
    if not apis:
        raise ExportError("No APIs chosen: there is nothing to export")
    exporter = _Exporter(ws, apis, notes)
    folders = []
    for index, api in enumerate(apis):
        folder: dict[str, Any] = {
            "name": api.name,
            "meta": {
                "id": _id("fld", ws.id, api.id),
                "description": api.description,
                "sortKey": index,
            },
            "children": [exporter.request(api, i) for i in range(len(api.calls))],
            "authentication": exporter.auth(api),
        }
        folders.append(folder)
    document = {
        "type": "collection.insomnia.rest/5.0",
        "schema_version": "5.1",
        "name": apis[0].name if len(apis) == 1 else ws.name,
        "meta": {"id": _id("wrk", ws.id), "description": "Exported by Connector Designer"},
        "collection": folders,
        "environments": exporter.environments(),
    }
    # libyaml's emitter when PyYAML has it: several times faster on large workspaces.
    dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
    text = yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    return text.encode()
