"""Export APIs as a Postman collection v2.1, runnable with newman.

- One folder per API, carrying the API's authentication (requests inherit it):
  bearer, basic and API key map to Postman's ``bearer``, ``basic`` and
  ``apikey`` auth, the OAuth2 grants to its ``oauth2`` auth (which the Postman
  app can fetch tokens with; newman cannot). Other types are left to the user.
- Each API's base URL is a collection variable: ``{{baseUrl}}`` when one API
  is exported, ``{{baseUrl_<API>}}`` (upper snake case) for several.
- Every secret is a ``{{CD_SECRET_...}}`` variable (names from
  :mod:`.secret_names`), declared empty in the collection: supply values with
  ``newman run ... --env-var CD_SECRET_SHOP_AUTH_TOKEN=...`` or a Postman
  environment. No secret value is ever written.
- Path placeholders become ``:name`` path variables (with their samples and
  descriptions in ``url.variable``), so newman never requests ``%7Bname%7D``;
  a placeholder inside a segment (``celeb_{username}``), which Postman's
  ``:name`` cannot express, becomes a ``{{name}}`` collection variable with
  the sample. Blank optional parameters are included but disabled, as
  Postman documents optional ones; blank optional body fields are left out
  (a body has no "disabled"). Descriptions are kept everywhere.
- JSON bodies carry typed values (``7``, ``true``, lists as lists); a call's
  structure is written as a saved example response (:mod:`.postman_examples`).
- Each request has a test that its status is 2xx, unless the call includes
  errors as data, so a newman run reports calls that fail.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

import orjson

from designer.core.errors import ExportError
from designer.core.http.body import nest_dotted
from designer.core.interop.common import effective_parameters
from designer.core.interop.examples import example_response, typed_value
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Parameter,
    Placement,
    ValueType,
    Workspace,
    auth_secret_fields,
    secret_ref,
)
from designer.core.secrets.names import required_secrets, snake

__all__ = ["POSTMAN_SCHEMA", "export_postman"]

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_OAUTH2 = (OAuth2ClientCredentialsAuth, OAuth2PasswordAuth, OAuth2AuthorizationCodeAuth)
_GRANTS = {
    "oauth2_client_credentials": "client_credentials",
    "oauth2_password": "password_credentials",
    "oauth2_authorization_code": "authorization_code_with_pkce",
}
_STATUS_TEST = [
    'pm.test("responds with a 2xx status", function () {',
    "    pm.expect(pm.response.code).to.be.within(200, 299);",
    "});",
]


class _Exporter:
    def __init__(self, apis: Sequence[Api]) -> None:
        self.envs = {s.ref: s.env for s in required_secrets(apis)}
        self.several = len(apis) > 1
        #: Samples of placeholders inside a path segment, written as collection variables.
        self.inner: dict[str, str] = {}

    def base_var(self, api: Api) -> str:
        return f"baseUrl_{snake(api.name)}" if self.several else "baseUrl"

    def value(self, api: Api, p: Parameter, call: Call | None, field: str) -> str:
        if not p.private:
            return p.value
        ref = secret_ref(api, f"{field}.{p.name}", call)
        return "{{" + self.envs.get(ref, snake(p.name)) + "}}"

    def secret(self, api: Api) -> str:
        field = AUTH_SECRET_FIELD[api.auth.type]
        return "{{" + self.envs[secret_ref(api, f"auth.{field}")] + "}}"

    def auth(self, api: Api) -> dict[str, Any]:
        a = api.auth
        if isinstance(a, BearerAuth):
            return {"type": "bearer", "bearer": [_kv("token", self.secret(api))]}
        if isinstance(a, BasicAuth):
            if a.key_as_username:  # the key is the user name; the password is empty
                pairs = [_kv("username", self.secret(api)), _kv("password", "")]
            else:
                pairs = [_kv("username", a.username), _kv("password", self.secret(api))]
            return {"type": "basic", "basic": pairs}
        if isinstance(a, ApiKeyHeaderAuth | ApiKeyQueryAuth):
            name = a.header if isinstance(a, ApiKeyHeaderAuth) else a.parameter
            prefix = a.prefix if isinstance(a, ApiKeyHeaderAuth) else ""
            place = "header" if isinstance(a, ApiKeyHeaderAuth) else "query"
            pairs = [_kv("key", name), _kv("value", prefix + self.secret(api)), _kv("in", place)]
            return {"type": "apikey", "apikey": pairs}
        if isinstance(a, _OAUTH2):
            return {"type": "oauth2", "oauth2": self.oauth2(api, a)}
        return {"type": "noauth"}

    def oauth2(
        self,
        api: Api,
        a: OAuth2ClientCredentialsAuth | OAuth2PasswordAuth | OAuth2AuthorizationCodeAuth,
    ) -> list[dict[str, str]]:
        """Postman's OAuth 2.0 settings; each secret is the variable of :mod:`.secret_names`."""
        pairs = [
            _kv("grant_type", _GRANTS[a.type]),
            _kv("accessTokenUrl", a.token_url),
            _kv("clientId", a.client_id),
            _kv("client_authentication", "header" if a.client_auth == "basic" else "body"),
            _kv("scope", a.scope),
            _kv("addTokenTo", "header"),
        ]
        if isinstance(a, OAuth2AuthorizationCodeAuth):
            pairs.append(_kv("authUrl", a.authorize_url))
            pairs.append(_kv("challengeAlgorithm", "S256"))
            if a.redirect_port:
                pairs.append(_kv("redirect_uri", f"http://127.0.0.1:{a.redirect_port}/"))
        if isinstance(a, OAuth2PasswordAuth):
            pairs.append(_kv("username", a.username))
        for name, _optional in auth_secret_fields(a.type):
            key = {"client_secret": "clientSecret", "password": "password"}.get(name)
            if key is not None:
                ref = secret_ref(api, f"auth.{name}")
                pairs.append(_kv(key, "{{" + self.envs[ref] + "}}"))
        return pairs

    def _field(self, api: Api, call: Call, p: Parameter) -> tuple[Call | None, str]:
        """Whose parameter ``p`` is (the call's or the API's) and its secret field kind."""
        if any(q is p or q.name == p.name and q.placement is p.placement for q in call.parameters):
            return call, "param"
        if p.placement is Placement.HEADER and any(h.name == p.name for h in api.headers):
            return None, "header"
        return None, "param"

    def request(self, api: Api, call: Call) -> dict[str, Any]:
        params = effective_parameters(api, call)
        values = {}
        for p in params:
            owner, field = self._field(api, call, p)
            values[id(p)] = self.value(api, p, owner, field)
        headers: list[dict[str, Any]] = [
            _entry(p, values[id(p)]) for p in params if p.placement is Placement.HEADER
        ]
        body = self.body(call, [p for p in params if p.placement is Placement.BODY], values)
        if body is not None and not any(h["key"].lower() == "content-type" for h in headers):
            media = _media(call)
            if media:
                headers.append({"key": "Content-Type", "value": media})
        request: dict[str, Any] = {
            "method": call.method.value,
            "header": headers,
            "url": self.url(api, call, params, values),
        }
        if body is not None:
            request["body"] = body
        if call.description:
            request["description"] = call.description
        item: dict[str, Any] = {"name": call.name, "request": request}
        example = example_response(call)
        if example is not None:
            item["response"] = [example]
        if not call.include_errors:
            item["event"] = [
                {"listen": "test", "script": {"type": "text/javascript", "exec": _STATUS_TEST}}
            ]
        return item

    def url(
        self, api: Api, call: Call, params: list[Parameter], values: dict[int, str]
    ) -> dict[str, Any]:
        path = call.path.strip().split("#", 1)[0].split("?", 1)[0]
        absolute = re.match(r"^(https?)://([^/]+)(.*)$", path, re.IGNORECASE)
        if absolute:
            origin = f"{absolute.group(1)}://{absolute.group(2)}"
            host, path = [origin], absolute.group(3)
        else:
            host = ["{{" + self.base_var(api) + "}}"]
        by_name = {p.name: p for p in params if p.placement is Placement.PATH}
        segments = [self.segment(s, by_name, values) for s in path.split("/") if s]
        query = [_entry(p, values[id(p)]) for p in params if p.placement is Placement.QUERY]
        variables = [
            _variable(p, values[id(p)])
            for p in params
            if p.placement is Placement.PATH and f":{p.name}" in segments
        ]
        raw = host[0] + "".join("/" + s for s in segments)
        if query:
            raw += "?" + "&".join(f"{q['key']}={q['value']}" for q in query)
        url: dict[str, Any] = {"raw": raw, "host": host, "path": segments}
        if query:
            url["query"] = query
        if variables:
            url["variable"] = variables
        return url

    def segment(self, segment: str, by_name: dict[str, Parameter], values: dict[int, str]) -> str:
        """A path segment: ``{name}`` alone is ``:name``; inside text, ``{{name}}``."""
        whole = re.fullmatch(r"\{([^{}/]+)\}", segment)
        if whole:
            return f":{whole.group(1).strip()}"

        def inner(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            p = by_name.get(name)
            self.inner.setdefault(name, values[id(p)] if p is not None else "")
            return "{{" + name + "}}"

        return re.sub(r"\{([^{}/]+)\}", inner, segment)

    def body(
        self, call: Call, params: list[Parameter], values: dict[int, str]
    ) -> dict[str, Any] | None:
        kind = call.body_type
        if call.graphql is None and not call.body_template.strip():
            # An optional field with no sample is left out, as a request leaves it out:
            # "" in an integer or list field is what a validating server rejects.
            params = [p for p in params if not (p.optional and not values[id(p)].strip())]
        by_name = {p.name: values[id(p)] for p in params}
        if call.graphql is not None:
            from designer.core.interop.graphql_import import postman_graphql_body

            return postman_graphql_body(call.graphql, params, by_name)
        if kind is BodyType.JSON:
            if call.body_template.strip():
                raw = _BODY_PLACEHOLDER.sub(
                    lambda m: orjson.dumps(by_name.get(m.group(1), "")).decode()[1:-1],
                    call.body_template,
                )
            else:
                typed = {
                    p.name: values[id(p)] if p.private else typed_value(p, values[id(p)])
                    for p in params
                }
                raw = orjson.dumps(nest_dotted(typed.items()), option=orjson.OPT_INDENT_2).decode()
            return {"mode": "raw", "raw": raw, "options": {"raw": {"language": "json"}}}
        if kind is BodyType.FORM:
            return {"mode": "urlencoded", "urlencoded": [_kv(k, v) for k, v in by_name.items()]}
        if kind is BodyType.MULTIPART:
            return {
                "mode": "formdata",
                # A file field names no file: a path is this machine's, never the document's.
                "formdata": [
                    {"key": p.name, "type": "file"}
                    if p.type is ValueType.FILE
                    else {"key": p.name, "value": by_name[p.name], "type": "text"}
                    for p in {p.name: p for p in params}.values()
                ],
            }
        if kind is BodyType.RAW and call.body_template:
            raw = _BODY_PLACEHOLDER.sub(
                lambda m: by_name.get(m.group(1), m.group(0)), call.body_template
            )
            return {"mode": "raw", "raw": raw}
        return None


def _kv(key: str, value: str) -> dict[str, str]:
    return {"key": key, "value": value, "type": "string"}


def _entry(p: Parameter, value: str) -> dict[str, Any]:
    """A query or header entry, disabled when optional and blank, with its description."""
    entry: dict[str, Any] = {"key": p.name, "value": value, **_disabled(p, value)}
    if p.description:
        entry["description"] = p.description
    return entry


def _variable(p: Parameter, value: str) -> dict[str, Any]:
    variable: dict[str, Any] = {"key": p.name, "value": value}
    if p.description:
        variable["description"] = p.description
    return variable


def _disabled(p: Parameter, value: str) -> dict[str, bool]:
    return {"disabled": True} if p.optional and not value.strip() else {}


def _media(call: Call) -> str:
    if call.body_type is BodyType.JSON:
        return "application/json"
    if call.body_type is BodyType.RAW:
        return call.content_type.strip() or "text/plain; charset=utf-8"
    return ""  # Postman writes form content types itself


def export_postman(
    ws: Workspace, apis: Sequence[Api], *, name: str | None = None
) -> dict[str, Any]:
    """A Postman collection v2.1 of ``apis``."""
    if not apis:
        raise ExportError("No APIs chosen: there is nothing to export")
    exporter = _Exporter(apis)
    title = name or (apis[0].name if len(apis) == 1 else ws.name)
    seed = f"connector-designer:{ws.id}:{','.join(api.id for api in apis)}"
    variables = [
        {"key": exporter.base_var(api), "value": api.base_url, "type": "string"} for api in apis
    ]
    variables += [
        {
            "key": s.env,
            "value": "",
            "type": "string",
            "description": f"{s.description}. Secret: set it with newman --env-var {s.env}=...",
        }
        for s in required_secrets(apis)
    ]
    folders = []
    for api in apis:
        folder: dict[str, Any] = {
            "name": api.name,
            "item": [exporter.request(api, call) for call in api.calls],
            "auth": exporter.auth(api),
        }
        if api.description:
            folder["description"] = api.description
        folders.append(folder)
    taken = {v["key"] for v in variables}
    variables += [
        {"key": name, "value": value, "type": "string"}
        for name, value in exporter.inner.items()
        if name not in taken
    ]
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, seed)),
            "name": title,
            "schema": POSTMAN_SCHEMA,
        },
        "item": folders,
        "variable": variables,
    }
