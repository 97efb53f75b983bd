"""Export APIs as a Bruno collection folder, which Bruno's app and its CLI (``bru run``) run.

The folder holds:

- ``bruno.json``, naming the collection;
- ``collection.bru``, whose variables are each API's base URL (``base_url``,
  or ``base_url_<api>`` for several) and the samples of placeholders inside
  a path segment;
- one folder per API, whose ``folder.bru`` carries the API's authentication
  (its requests ``inherit`` it): bearer, basic, API key (header or query) and
  OAuth 2.0 (client credentials, password, authorization code) map to
  Bruno's; other types are named in a note;
- one ``.bru`` file per call, in the API's order (``meta.seq``): its URL
  with ``:name`` path parameters and the enabled query, the query (an
  optional parameter with no sample disabled), headers and body (JSON with
  typed values, form, multipart, text, XML, or GraphQL with its variables),
  the description as ``docs``, and a test that the status is 2xx, unless
  the call takes errors as data;
- ``environments/<name>.bru`` for each environment of the APIs, with the
  base URLs it overrides (Bruno's environment variables win over the
  collection's).

Secrets are never written: each is ``{{process.env.CD_SECRET_...}}``, which
Bruno reads from the process environment (or the collection's ``.env``), so
``CD_SECRET_SHOP_AUTH_TOKEN=... bru run`` runs the collection.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import orjson

from designer.core.errors import ExportError
from designer.core.interop.bruno.bru import Block, Pair, write_bru
from designer.core.interop.request_export import Entry, ExportedRequest, Requests
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    Method,
    OAuth2AuthorizationCodeAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2PasswordAuth,
    Workspace,
)

__all__ = ["export_bruno"]

_VERBS = {m.value for m in Method} & {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}
_BODY_MODES = {
    "json": "json",
    "form": "formUrlEncoded",
    "multipart": "multipartForm",
    "graphql": "graphql",
}
_RAW_MODES = {"application/xml": "xml", "text/xml": "xml"}
_TEST = (
    'test("responds with a 2xx status", function () {\n'
    "  expect(res.getStatus()).to.be.within(200, 299);\n"
    "});"
)
_GRANTS = {
    "oauth2_client_credentials": "client_credentials",
    "oauth2_password": "password",
    "oauth2_authorization_code": "authorization_code",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_MAX_NAME = 80


def _var(name: str) -> str:
    if name.startswith("CD_SECRET_"):
        return "{{process.env." + name + "}}"
    return "{{" + name + "}}"


def _file_name(name: str, taken: set[str]) -> str:
    """A file or folder name for ``name``: no separators, unique (case-insensitively)."""
    stem = _UNSAFE.sub("-", name).strip(" .-")[:_MAX_NAME].strip(" .-") or "request"
    candidate, n = stem, 1
    while candidate.casefold() in taken or candidate.casefold() in ("environments", "folder"):
        n += 1
        candidate = f"{stem} ({n})"
    taken.add(candidate.casefold())
    return candidate


def _pairs(entries: list[Entry]) -> list[Pair]:
    return [Pair(e.name, e.value, e.enabled, e.description) for e in entries]


def _url(request: ExportedRequest) -> str:
    """The URL Bruno sends: the enabled query appended (Bruno sends the URL as written)."""
    from urllib.parse import quote

    enabled = [q for q in request.query if q.enabled]
    if not enabled:
        return request.url
    query = "&".join(f"{quote(q.name, safe='{}.')}={_query_value(q.value)}" for q in enabled)
    return f"{request.url}?{query}"


def _query_value(value: str) -> str:
    """A query value for the URL: reserved characters encoded, ``{{variables}}`` kept."""
    from urllib.parse import quote

    pieces = re.split(r"(\{\{[^{}]*\}\})", value)
    return "".join(p if p.startswith("{{") else quote(p, safe="") for p in pieces)


class _Exporter:
    def __init__(self, apis: Sequence[Api], notes: list[str] | None) -> None:
        self.requests = Requests(apis, _var)
        self.notes = notes if notes is not None else []

    def auth(self, api: Api) -> list[Block]:
        a, r = api.auth, self.requests
        if isinstance(a, BearerAuth):
            return _auth("bearer", [Pair("token", r.auth_secret(api))])
        if isinstance(a, BasicAuth):
            pairs = [Pair("username", a.username), Pair("password", r.auth_secret(api))]
            return _auth("basic", pairs)
        if isinstance(a, ApiKeyHeaderAuth | ApiKeyQueryAuth):
            header = isinstance(a, ApiKeyHeaderAuth)
            key = a.header if isinstance(a, ApiKeyHeaderAuth) else a.parameter
            prefix = a.prefix if isinstance(a, ApiKeyHeaderAuth) else ""
            pairs = [
                Pair("key", key),
                Pair("value", prefix + r.auth_secret(api)),
                Pair("placement", "header" if header else "queryparams"),
            ]
            return _auth("apikey", pairs)
        if isinstance(
            a, OAuth2ClientCredentialsAuth | OAuth2PasswordAuth | OAuth2AuthorizationCodeAuth
        ):
            placement = "body" if a.client_auth == "body" else "basic_auth_header"
            pairs = [
                Pair("grant_type", _GRANTS[a.type]),
                Pair("access_token_url", a.token_url),
                Pair("client_id", a.client_id),
                Pair("client_secret", r.secret(api, "auth.client_secret")),
                Pair("scope", a.scope),
                Pair("credentials_placement", placement),
                Pair("token_placement", "header"),
                Pair("token_header_prefix", "Bearer"),
                Pair("auto_fetch_token", "true"),
                Pair("auto_refresh_token", "true"),
            ]
            if isinstance(a, OAuth2PasswordAuth):
                pairs += [
                    Pair("username", a.username),
                    Pair("password", r.secret(api, "auth.password")),
                ]
            if isinstance(a, OAuth2AuthorizationCodeAuth):
                pairs += [Pair("authorization_url", a.authorize_url), Pair("pkce", "true")]
                if a.redirect_port:
                    pairs.append(Pair("callback_url", f"http://127.0.0.1:{a.redirect_port}/"))
            return _auth("oauth2", pairs)
        if a.type != "none":
            self.notes.append(
                f"API {api.name!r}: {a.type} authentication has no Bruno equivalent; "
                f"set it in Bruno"
            )
        return [Block("auth", [Pair("mode", "none")])]

    def request(self, api: Api, index: int) -> str:
        call = api.calls[index]
        exported = self.requests.request(api, call)
        kind = "graphql" if exported.body == "graphql" else "http"
        blocks = [
            Block(
                "meta",
                [Pair("name", exported.name), Pair("type", kind), Pair("seq", str(index + 1))],
            )
        ]
        mode = _BODY_MODES.get(exported.body, "none")
        if exported.body == "raw":
            mode = _RAW_MODES.get(exported.content_type.split(";")[0].strip().lower(), "text")
        verb = [Pair("url", _url(exported)), Pair("body", mode), Pair("auth", "inherit")]
        if exported.method in _VERBS:
            blocks.append(Block(exported.method.lower(), verb))
        else:
            blocks.append(Block("http", [Pair("method", exported.method), *verb]))
        if exported.query:
            blocks.append(Block("params:query", _pairs(exported.query)))
        if exported.path:
            blocks.append(Block("params:path", _pairs(exported.path)))
        headers = _pairs(exported.headers)
        if exported.body == "raw" and not any(h.key.lower() == "content-type" for h in headers):
            headers.append(Pair("Content-Type", exported.content_type))
        if headers:
            blocks.append(Block("headers", headers))
        blocks.extend(self.body(exported, mode))
        if exported.expect_success:
            blocks.append(Block("tests", text=_TEST))
        if exported.description:
            blocks.append(Block("docs", text=exported.description))
        return write_bru(blocks)

    def body(self, exported: ExportedRequest, mode: str) -> list[Block]:
        if exported.body == "graphql":
            return [
                Block("body:graphql", text=exported.body_text),
                Block("body:graphql:vars", text=exported.graphql_variables),
            ]
        if exported.body == "form":
            return [Block("body:form-urlencoded", _pairs(exported.form))]
        if exported.body == "multipart":
            return [Block("body:multipart-form", _pairs(exported.form))]
        if exported.body in ("json", "raw"):
            return [Block(f"body:{mode}", text=exported.body_text)]
        return []


def _auth(mode: str, pairs: list[Pair]) -> list[Block]:
    return [Block("auth", [Pair("mode", mode)]), Block(f"auth:{mode}", pairs)]


def export_bruno(
    ws: Workspace, apis: Sequence[Api], *, notes: list[str] | None = None
) -> dict[str, bytes]:
    """The files of a Bruno collection of ``apis``, by path inside its folder."""
    if not apis:
        raise ExportError("No APIs chosen: there is nothing to export")
    exporter = _Exporter(apis, notes)
    title = apis[0].name if len(apis) == 1 else ws.name
    files: dict[str, bytes] = {}
    folders: set[str] = {"bruno.json", "collection.bru"}
    for seq, api in enumerate(apis, 1):
        folder = _file_name(api.name, folders)
        folder_blocks = [Block("meta", [Pair("name", api.name), Pair("seq", str(seq))])]
        folder_blocks += exporter.auth(api)
        if api.description:
            folder_blocks.append(Block("docs", text=api.description))
        files[f"{folder}/folder.bru"] = write_bru(folder_blocks).encode()
        taken: set[str] = {"folder"}
        for index, call in enumerate(api.calls):
            name = _file_name(call.name, taken)
            files[f"{folder}/{name}.bru"] = exporter.request(api, index).encode()
    r = exporter.requests
    environments: dict[str, list[Pair]] = {}
    for api in apis:
        for env in api.environments:
            values = environments.setdefault(env.name, [])
            if env.base_url:
                values.append(Pair(r.base_var(api), r.base_url(api, env.base_url)))
    env_files: set[str] = set()
    for name, values in environments.items():
        file = _file_name(name, env_files)
        files[f"environments/{file}.bru"] = write_bru([Block("vars", values)]).encode()
    # Last: the variables the URLs above use (placeholders inside a segment or a host).
    variables = [Pair(r.base_var(api), r.base_url(api)) for api in apis]
    names = {p.key for p in variables}
    variables += [Pair(k, v) for k, v in r.inner.items() if k not in names]
    files["collection.bru"] = write_bru([Block("vars:pre-request", variables)]).encode()
    config = {
        "version": "1",
        "name": title,
        "type": "collection",
        "ignore": ["node_modules", ".git"],
    }
    files["bruno.json"] = orjson.dumps(
        config, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    )
    return dict(sorted(files.items()))
