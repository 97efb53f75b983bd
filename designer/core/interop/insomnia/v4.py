"""Import Insomnia v4 exports (JSON, or YAML in block or flow style) as APIs.

Request groups directly under the workspace become APIs, deeper groups are
kept in call names; requests directly under the workspace form an API named
after the workspace.

Environments: the base environment's variables (the first sub-environment's
where the base has none), overridden by the folders' own, are substituted
(``{{ _.baseUrl }}`` or ``{{ baseUrl }}``, nested objects as
``{{ _.api.host }}``, variables that refer to others resolved). Each
sub-environment (dev, prod) becomes an environment of every API, with the
base URL and the credentials it gives. Template tags (``{% response %}``,
``{% uuid %}``) are not evaluated: their values are left blank.

Query parameters are read from their list, so a value keeps its ``&``,
``=`` and spaces. Authentication is the request's, else the nearest
folder's: bearer, basic, API key and OAuth 2.0 map to our types; the others
are named in a note.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from designer.core.errors import ImportVersionError
from designer.core.interop.collection.auth import OAuth2Settings, oauth2_credential
from designer.core.interop.collection.build import RawAuth, RawParam, RawRequest, build_apis
from designer.core.interop.collection.environments import add_environments
from designer.core.interop.collection.values import resolve_variables, without_variables
from designer.core.interop.common import ImportResult, model_errors
from designer.core.interop.graphql_import import adopt_graphql
from designer.core.interop.reader import Reader, join
from designer.core.models import ApiKeyHeaderAuth, ApiKeyQueryAuth, BasicAuth, BearerAuth, NoAuth
from designer.core.urls import with_default_scheme
from designer.core.wording import plural

__all__ = ["import_insomnia", "import_resources"]

_MAX_GROUP_DEPTH = 50
_OAUTH2_FIELDS = {
    "accessTokenUrl": "token_url",
    "authorizationUrl": "authorize_url",
    "clientId": "client_id",
    "clientSecret": "client_secret",
    "scope": "scope",
    "username": "username",
    "password": "password",
    "redirectUrl": "redirect_url",
}


def _normalize(text: str) -> str:
    """Insomnia's ``{{ _.name }}`` as ``{{name}}``; a ``{% tag %}`` as an undefined variable."""
    text = re.sub(r"\{\{\s*_\.", "{{", text)
    return re.sub(r"\{%\s*(.*?)\s*%\}", lambda m: "{{" + m.group(1).replace("}", ")") + "}}", text)


def _flatten(data: dict[str, Any], r: Reader) -> dict[str, str]:
    """An environment's data with nested objects as dotted names (``api.host``)."""
    found: dict[str, str] = {}
    stack: list[tuple[str, dict[str, Any], int]] = [("", data, 0)]
    while stack:
        prefix, node, depth = stack.pop()
        for key, value in node.items():
            if isinstance(value, dict) and depth < _MAX_GROUP_DEPTH:
                stack.append((f"{prefix}{key}.", value, depth + 1))
            elif isinstance(value, list):
                try:
                    found[f"{prefix}{key}"] = orjson.dumps(value).decode()
                except orjson.JSONEncodeError:  # integers beyond 64 bits
                    found[f"{prefix}{key}"] = ""
            else:
                found[f"{prefix}{key}"] = _normalize(r.scalar(value))
    return found


class _Reader:
    """One pass over the export's resources, shared by every environment's import."""

    def __init__(self, resources: Iterable[tuple[Any, str]], source: str) -> None:
        self.r = Reader(source)
        self.by_id: dict[str, tuple[dict[str, Any], str]] = {}
        self.workspace = "Insomnia"
        self.base: dict[str, str] = {}
        self.subs: list[tuple[str, dict[str, str]]] = []
        #: What was left out, by kind ("disabled header"), for the notes.
        self.skipped: Counter[str] = Counter()
        r = self.r
        environments = []
        for value, where in resources:
            item = r.obj(value, where)
            kind = r.get_text(item, "_type", where)
            self.by_id[r.get_text(item, "_id", where)] = (item, where)
            if kind == "workspace":
                self.workspace = r.get_text(item, "name", where) or self.workspace
            elif kind == "environment":
                environments.append((item, where))
            elif kind in _OTHER_KINDS:
                self.skipped[_OTHER_KINDS[kind]] += 1
        for item, where in environments:
            data = _flatten(r.get_obj(item, "data", where), r)
            parent = self.by_id.get(str(item.get("parentId")))
            if parent is not None and parent[0].get("_type") == "environment":
                self.subs.append((r.get_text(item, "name", where) or "Environment", data))
            else:
                self.base.update(data)

    def parents(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        """The request groups above ``item``, outermost first."""
        found: list[dict[str, Any]] = []
        parent = item.get("parentId")
        for _ in range(_MAX_GROUP_DEPTH):
            entry = self.by_id.get(parent) if isinstance(parent, str) else None
            if entry is None or entry[0].get("_type") != "request_group":
                break
            found.append(entry[0])
            parent = entry[0].get("parentId")
        return found[::-1]

    def requests(
        self, variables: dict[str, str], notes: list[str], skipped: Counter[str]
    ) -> list[RawRequest]:
        """Every request, with ``variables`` (and its folders' own) substituted."""
        return [
            _Request(self, item, where, variables, notes, skipped).build()
            for item, where in self.by_id.values()
            if item.get("_type") == "request"
        ]


class _Request:
    def __init__(
        self,
        doc: _Reader,
        item: dict[str, Any],
        where: str,
        variables: dict[str, str],
        notes: list[str],
        skipped: Counter[str],
    ) -> None:
        self.doc, self.item, self.where, self.notes = doc, item, where, notes
        self.skipped = skipped
        self.groups = doc.parents(item)
        scoped = dict(variables)
        for group in self.groups:  # a folder's own environment wins over the workspace's
            if isinstance(group.get("environment"), dict):
                scoped.update(_flatten(group["environment"], doc.r))
        self.vars = resolve_variables(scoped)

    def sub(self, text: str) -> str:
        if "{%" in text:
            self.skipped["template tag"] += 1
        return re.sub(
            r"\{\{\s*([^{}]+?)\s*\}\}",
            lambda m: self.vars.get(m.group(1)) or m.group(0),
            _normalize(text),
        )

    def text(self, node: dict[str, Any], key: str, where: str) -> str:
        return self.sub(self.doc.r.get_text(node, key, where))

    def build(self) -> RawRequest:
        r, item, where = self.doc.r, self.item, self.where
        names = [str(g.get("name") or "Folder") for g in self.groups]
        headers = []
        for index, entry in enumerate(r.get_list(item, "headers", where)):
            h = r.obj(entry, join(join(where, "headers"), index))
            if h.get("disabled") is True:
                self.skipped["disabled header"] += 1
            else:
                headers.append((r.get_text(h, "name", where), self.text(h, "value", where)))
        query = []
        for index, entry in enumerate(r.get_list(item, "parameters", where)):
            p = r.obj(entry, join(join(where, "parameters"), index))
            name = self.text(p, "name", where)
            if name:
                disabled = p.get("disabled") is True
                value = "" if disabled else self.text(p, "value", where)
                query.append(RawParam(name, value, r.get_text(p, "description", where), disabled))
        url = with_default_scheme(self.text(item, "url", where))
        raw = RawRequest(
            group=names[0] if names else "",
            name=" / ".join([*names[1:], r.get_text(item, "name", where) or "Request"]),
            method=r.get_text(item, "method", where, "GET"),
            url=url,
            headers=headers,
            auth=self.auth(),
            description=r.get_text(item, "description", where),
            identity="request:" + r.get_text(item, "_id", where) if item.get("_id") else "",
        )
        for index, entry in enumerate(r.get_list(item, "pathParameters", where)):
            p = r.obj(entry, join(join(where, "pathParameters"), index))
            name = r.get_text(p, "name", where)
            if name:
                raw.path_values[name] = self.text(p, "value", where)
                raw.descriptions[f":{name}"] = r.get_text(p, "description", where)
        if query:  # the URL's own query (rare in Insomnia) comes first
            raw.query = [RawParam(k, v) for k, v in _query_of(url)] + query
        self.body(raw)
        return raw

    def body(self, raw: RawRequest) -> None:
        r, where = self.doc.r, self.where
        body = r.get_obj(self.item, "body", where)
        media = r.get_text(body, "mimeType", join(where, "body")).lower()
        if "params" in body and media.startswith(("application/x-www", "multipart/")):
            raw.body_mode = "form" if media.startswith("application/x") else "multipart"
            for entry in r.get_list(body, "params", join(where, "body")):
                if isinstance(entry, dict) and entry.get("disabled") is True:
                    self.skipped["disabled form field"] += 1
                elif isinstance(entry, dict):
                    if entry.get("type") == "file" and raw.body_mode == "multipart":
                        raw.files.append(str(entry.get("name", "")))  # never its "fileName"
                        continue
                    if entry.get("type") == "file":  # a form cannot carry a file
                        self.skipped["file field"] += 1
                        continue
                    raw.form.append(
                        (str(entry.get("name", "")), self.sub(str(entry.get("value", ""))))
                    )
            raw.form = [(k, v) for k, v in raw.form if k]
        elif "text" in body:
            raw.body_text = self.text(body, "text", join(where, "body"))
            raw.body_mode = "json" if "json" in media else "raw"
            if media and not any(n.lower() == "content-type" for n, _ in raw.headers):
                raw.headers.append(("Content-Type", media))

    def auth(self) -> RawAuth | None:
        """The request's authentication, else the nearest folder's."""
        chain = [self.item, *reversed(self.groups)]
        for node in chain:
            found = _auth(node.get("authentication"), self.sub)
            if found is _INHERIT:
                continue
            if isinstance(found, str):
                self.notes.append(
                    f"{self.where}: {found!r} authentication is not supported: the request was "
                    f"imported without it; set it by hand"
                )
                return RawAuth(NoAuth(), "")
            return found
        return None


_INHERIT = "inherit"
#: Resources that are not HTTP requests, named for the notes.
_OTHER_KINDS = {
    "grpc_request": "gRPC request",
    "websocket_request": "WebSocket request",
    "socketio_request": "Socket.IO request",
    "graphql_subscription": "GraphQL subscription",
    "unit_test": "unit test",
    "unit_test_suite": "unit test suite",
    "script": "script",  # v5's pre-request and after-response scripts, which are not run
}


def _query_of(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(url.partition("?")[2], keep_blank_values=True)


def _auth(node: Any, sub: Callable[[str], str]) -> RawAuth | None | str:
    """A credential, None for none, ``_INHERIT`` to look at the parent, or a type name."""
    if not isinstance(node, dict) or not node.get("type") or node.get("type") == "inherit":
        return _INHERIT
    if node.get("disabled") is True or node.get("type") == "none":
        return RawAuth(NoAuth(), "")
    kind = str(node.get("type"))

    def text(key: str) -> str:
        value = node.get(key)
        return sub(value) if isinstance(value, str) else ""

    if kind == "bearer":
        prefix = text("prefix").strip()
        if prefix and prefix.lower() != "bearer":  # "Token abc" rather than "Bearer abc"
            key = ApiKeyHeaderAuth(header="Authorization", prefix=f"{prefix} ")
            return RawAuth(key, without_variables(text("token")))
        return RawAuth(BearerAuth(), without_variables(text("token")))
    if kind == "basic":
        return RawAuth(BasicAuth(username=text("username")), without_variables(text("password")))
    if kind == "apikey" and text("key"):
        secret = without_variables(text("value"))
        if node.get("addTo") == "queryParams":
            return RawAuth(ApiKeyQueryAuth(parameter=text("key")), secret)
        if node.get("addTo") == "cookie":
            return "API key in a cookie"
        return RawAuth(ApiKeyHeaderAuth(header=text("key")), secret)
    if kind == "oauth2":
        fields = {ours: text(theirs) for theirs, ours in _OAUTH2_FIELDS.items()}
        grant = text("grantType") or "authorization_code"
        found = oauth2_credential(
            OAuth2Settings(grant, fields, in_body=node.get("credentialsInBody") is True)
        )
        return found if found is not None else f"OAuth 2.0 {grant}"
    return kind


def import_insomnia(doc: Any, source: str) -> ImportResult:
    """The APIs of an Insomnia v4 export."""
    r = Reader(source)
    top = r.obj(doc, "$")
    if top.get("_type") != "export" or top.get("__export_format") != 4:
        raise ImportVersionError(
            f"{source}: $.__export_format: only Insomnia v4 exports are supported (found "
            f"{top.get('__export_format')!r}): export again with 'Insomnia v4' as the format"
        )
    resources = r.get_list(top, "resources", "$")
    return import_resources(
        ((value, join("$.resources", index)) for index, value in enumerate(resources)), source
    )


def import_resources(resources: Iterable[tuple[Any, str]], source: str) -> ImportResult:
    """The APIs of Insomnia resources in v4's shape, each with the place it was read from."""
    export = _Reader(resources, source)
    # What Insomnia sends with no sub-environment chosen: the base environment's
    # values; the first sub-environment fills in those the base leaves undefined.
    default = {**(export.subs[0][1] if export.subs else {}), **export.base}
    notes: list[str] = []
    requests = export.requests(default, notes, export.skipped)
    with model_errors(source):
        result = adopt_graphql(build_apis(requests, ImportResult("insomnia", export.workspace, [])))
        for name, data in export.subs:
            variables = {**export.base, **data}
            add_environments(result, name, export.requests(variables, [], Counter()))
    if len(export.subs) > 1:
        result.notes.append(
            f"the APIs use the base environment's values, and those of sub-environment "
            f"{export.subs[0][0]!r} where it has none; "
            f"{plural(len(export.subs), 'sub-environment')} became environments"
        )
    tags = export.skipped.pop("template tag", 0)
    if tags:
        notes.append(
            f"left blank: {plural(tags, 'value')} with template tags ({{% ... %}}), "
            f"which are not evaluated"
        )
    if export.skipped:
        left_out = ", ".join(plural(n, what) for what, n in export.skipped.items())
        notes.append(f"not imported: {left_out}")
    result.notes = list(dict.fromkeys([*notes, *result.notes]))
    return result
