"""Import Postman collections v2.0 and v2.1.

Top-level folders become APIs; deeper folders become groups within their
API, kept in the call names (``Orders / List``); requests outside any folder
form an API named after the collection. Descriptions of the collection,
folders, requests and parameters are kept.

Variables: collection variables (which may refer to each other) are
substituted where the base URL is written (``{{baseUrl}}``,
``https://{{host}}/v2``), in query and header values and in bodies. In the
path, ``{{name}}`` and ``:name`` become ``{name}`` path parameters, whole
segments or inside one (``celeb_{{username}}``), with the variable's value as
sample. A variable the collection does not define is left blank, to be
filled in (:mod:`.collection_values`). A URL written without a scheme gets
the one curl would use (:mod:`designer.core.urls`).

Query entries keep their descriptions; disabled ones (the optional
parameters a collection documents) become optional parameters, blank, with
their sample in the description, so they are not sent until given a value.

Auth is applied in Postman's order: the request's, else its folder's, else
the collection's; ``noauth`` stops inheritance. Bearer, basic, API key and
OAuth 2.0 map to our types, an ``Authorization: Token {{token}}`` header to
an API key; other types are named in a note. Saved example responses become
the call's structure. The rest is done by :func:`.collection.build_apis`.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from designer.core.errors import ImportVersionError
from designer.core.interop.collection.auth import OAuth2Settings, oauth2_credential
from designer.core.interop.collection.build import RawAuth, RawParam, RawRequest, build_apis
from designer.core.interop.collection.values import VARIABLE, resolve_variables, with_example
from designer.core.interop.common import ImportResult, model_errors
from designer.core.interop.graphql_import import adopt_graphql
from designer.core.interop.notes import Notes
from designer.core.interop.postman.environment import PostmanEnvironment
from designer.core.interop.reader import Reader, join
from designer.core.models import (
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    Call,
    NoAuth,
    Parameter,
    Placement,
    secret_ref,
)
from designer.core.urls import has_scheme, with_default_scheme
from designer.core.wording import plural

__all__ = ["import_postman"]

_OAUTH2_FIELDS = {
    "accessTokenUrl": "token_url",
    "authUrl": "authorize_url",
    "clientId": "client_id",
    "clientSecret": "client_secret",
    "scope": "scope",
    "username": "username",
    "password": "password",
    "redirect_uri": "redirect_url",
}


def _variables(
    doc: dict[str, Any], r: Reader, environment: PostmanEnvironment | None = None
) -> dict[str, str]:
    found = {}
    for index, entry in enumerate(r.get_list(doc, "variable", "$")):
        item = r.obj(entry, join("$.variable", index))
        key = item.get("key", item.get("id"))
        if isinstance(key, str) and key and item.get("disabled") is not True:
            found[key] = r.scalar(item.get("value"))
    if environment is not None:  # as in Postman: the environment's values win
        found.update(environment.values)
    # Resolve variables that refer to others ({{host}}/{{version}}), without looping.
    return resolve_variables(found)


def description(node: Any) -> str:
    """A Postman description: text, or ``{"content": text, "type": ...}``."""
    if isinstance(node, dict):
        node = node.get("content")
    return node.strip() if isinstance(node, str) else ""


class _Importer:
    def __init__(
        self, doc: dict[str, Any], source: str, environment: PostmanEnvironment | None = None
    ) -> None:
        self.r = Reader(source)
        self.doc = doc
        self.vars = _variables(doc, self.r, environment)
        secret = environment.secret if environment is not None else set()
        self.secret_values = {name: self.vars[name] for name in secret if self.vars.get(name)}
        self.requests: list[RawRequest] = []
        self.notes: list[str] = []
        self.grouped = Notes()  # one line per kind of remark made at many places
        self.skipped: dict[str, int] = {}

    def skip(self, what: str, count: int = 1) -> None:
        self.skipped[what] = self.skipped.get(what, 0) + count

    def sub(self, text: str) -> str:
        """``text`` with the collection's variables substituted; others are left."""
        return VARIABLE.sub(lambda m: self.vars.get(m.group(1)) or m.group(0), text)

    def auth(self, node: Any, where: str, inherited: RawAuth | None) -> RawAuth | None:
        if node is None:
            return inherited
        auth = self.r.obj(node, where)
        kind = self.r.get_text(auth, "type", where)
        if kind in ("", "inherit"):
            return inherited
        if kind == "noauth":
            return RawAuth(NoAuth(), "")
        raw = auth.get(kind)
        values: dict[str, str] = {}
        if isinstance(raw, list):  # v2.1: [{"key": ..., "value": ...}]
            for entry in raw:
                if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                    values[entry["key"]] = self.sub(self.r.scalar(entry.get("value")))
        elif isinstance(raw, dict):  # v2.0: {"token": ...}
            values = {k: self.sub(self.r.scalar(v)) for k, v in raw.items()}

        def secret(key: str) -> str:
            value = values.get(key, "")
            return "" if VARIABLE.search(value) else value

        if kind == "bearer":
            return RawAuth(BearerAuth(), secret("token"))
        if kind == "basic":
            return RawAuth(BasicAuth(username=values.get("username", "")), secret("password"))
        if kind == "apikey" and values.get("key"):
            if values.get("in") == "query":
                return RawAuth(ApiKeyQueryAuth(parameter=values["key"]), secret("value"))
            # "Token {{KEY}}": the text before the variable is the key's prefix.
            prefix = re.match(r"^(.*?)\{\{[^{}]+\}\}$", values.get("value", ""))
            key = ApiKeyHeaderAuth(header=values["key"], prefix=prefix.group(1) if prefix else "")
            return RawAuth(key, secret("value"))
        if kind == "oauth2":
            fields = {ours: values.get(theirs, "") for theirs, ours in _OAUTH2_FIELDS.items()}
            grant = values.get("grant_type", "authorization_code")
            in_body = values.get("client_authentication") == "body"
            found = oauth2_credential(OAuth2Settings(grant, fields, in_body=in_body))
            if found is not None:
                return found
            kind = f"OAuth 2.0 {grant}"
        self.grouped.at(
            f"{kind!r} authentication is not supported: its requests were imported without "
            f"authentication; set it by hand",
            where,
        )
        return RawAuth(NoAuth(), "")

    def base(self, raw: str) -> str:
        """``raw`` with the variables of its origin substituted and a scheme if it had none."""
        leading = re.match(r"^\s*\{\{\s*([^{}]+?)\s*\}\}", raw)
        if leading and leading.group(1) in self.vars:
            raw = self.vars[leading.group(1)] + raw[leading.end() :]
        elif leading and not re.match(r"[/?#]|$", raw[leading.end() :]):
            # "{{region}}.api.example.com": a host name with an undefined part, which
            # becomes a parameter of the base URL; curl's prefix guesses cannot apply.
            raw = "http://" + raw.lstrip()
        if raw.lstrip().startswith(("{{", "/")):
            return raw  # the host is a variable nobody defined: the base URL is set by hand
        start = raw.find("://") + 3 if has_scheme(raw) else 0
        end = re.search(r"[/?#]|$", raw[start:])
        stop = start + (end.start() if end else 0)
        path, mark, query = raw[stop:].partition("?")
        origin = raw[:start] + self.sub(raw[start:stop])
        return with_default_scheme(origin + path + mark + self.sub(query))

    def url(self, raw_request: RawRequest, node: Any, where: str) -> None:
        if isinstance(node, str):
            raw_request.url = self.base(node)
            self._path_values(raw_request)
            return
        url = self.r.obj(node, where)
        raw = self.r.get_text(url, "raw", where)
        if not raw:
            host = url.get("host", "")
            host = (
                ".".join(h for h in host if isinstance(h, str)) if isinstance(host, list) else host
            )
            path = url.get("path", "")
            path = (
                "/".join(p for p in path if isinstance(p, str)) if isinstance(path, list) else path
            )
            protocol = self.r.get_text(url, "protocol", where)
            port = self.r.scalar(url.get("port"))
            host = f"{host}:{port}" if port else host
            raw = (f"{protocol}://" if protocol else "") + f"{host}/{str(path).lstrip('/')}"
        raw_request.url = self.base(raw)
        for index, entry in enumerate(self.r.get_list(url, "variable", where)):
            item = self.r.obj(entry, join(join(where, "variable"), index))
            key = item.get("key", item.get("id"))
            if isinstance(key, str):
                raw_request.path_values[key] = self.sub(self.r.scalar(item.get("value")))
                raw_request.descriptions[f":{key}"] = description(item.get("description"))
        self._path_values(raw_request)
        if "query" in url:
            raw_request.query = self.query(url, where)

    def _path_values(self, raw: RawRequest) -> None:
        """Samples of ``{{name}}`` path placeholders: the collection's values."""
        path = raw.url.split("?", 1)[0]
        for name in VARIABLE.findall(path):
            if name in self.vars:
                raw.path_values.setdefault(name, self.vars[name])

    def query(self, url: dict[str, Any], where: str) -> list[RawParam]:
        listed = []
        for index, entry in enumerate(self.r.get_list(url, "query", where)):
            item = self.r.obj(entry, join(join(where, "query"), index))
            key = self.r.scalar(item.get("key"))
            if not key:
                continue
            value = self.sub(self.r.scalar(item.get("value")))
            text = description(item.get("description"))
            if item.get("disabled") is True:
                # Documented but off in Postman: optional, and not sent until given a value.
                text = with_example(text, value)
                listed.append(RawParam(self.sub(key), "", text, optional=True))
            else:
                listed.append(RawParam(self.sub(key), value, text))
        return listed

    def body(self, raw: RawRequest, node: Any, where: str) -> None:
        if node is None:
            return
        body = self.r.obj(node, where)
        mode = self.r.get_text(body, "mode", where)
        if mode == "raw":
            raw.body_text = self.sub(self.r.get_text(body, "raw", where))
            options = body.get("options")
            language = ""
            if isinstance(options, dict) and isinstance(options.get("raw"), dict):
                language = str(options["raw"].get("language", ""))
            content = next((v for k, v in raw.headers if k.lower() == "content-type"), "")
            raw.body_mode = "json" if language == "json" or "json" in content else "raw"
        elif mode in ("urlencoded", "formdata"):
            raw.body_mode = "form" if mode == "urlencoded" else "multipart"
            for index, entry in enumerate(self.r.get_list(body, mode, where)):
                item = self.r.obj(entry, join(join(where, mode), index))
                if not isinstance(item.get("key"), str):
                    continue
                if item.get("disabled") is True:
                    self.skip("disabled form field")
                    continue
                if item.get("type") == "file":
                    raw.files.append(item["key"])  # its "src" is never kept
                    raw.descriptions[f"body:{item['key']}"] = description(item.get("description"))
                    continue
                raw.form.append((item["key"], self.sub(self.r.scalar(item.get("value")))))
                raw.descriptions[f"body:{item['key']}"] = description(item.get("description"))
        elif mode == "graphql":
            raw.body_mode = "json"
            raw.body_text = orjson_text(body.get("graphql"))
        elif mode:
            self.skip(f"{mode!r} body")

    def headers(self, request: dict[str, Any], raw: RawRequest, at: str) -> None:
        r = self.r
        raw_headers = request.get("header") or []
        if isinstance(raw_headers, str):
            raw_headers = [
                {"key": k, "value": v}
                for k, _, v in (h.partition(":") for h in raw_headers.splitlines())
            ]
        for index, entry in enumerate(r.lst(raw_headers, join(at, "header"))):
            h = r.obj(entry, join(join(at, "header"), index))
            if not isinstance(h.get("key"), str):
                continue
            if h.get("disabled") is True:
                self.skip("disabled header")
                continue
            name = h["key"].strip()
            raw.headers.append((name, self.sub(r.scalar(h.get("value"))).strip()))
            raw.descriptions[name.lower()] = description(h.get("description"))

    def request(
        self, item: dict[str, Any], where: str, group: str, prefix: str, auth: RawAuth | None
    ) -> None:
        r = self.r
        node = item.get("request")
        at = join(where, "request")
        if isinstance(node, str):
            node = {"url": node, "method": "GET"}
        request = r.obj(node, at)
        name = r.get_text(item, "name", where) or "Request"
        raw = RawRequest(
            group=group,
            name=f"{prefix}{name}",
            method=r.get_text(request, "method", at, "GET"),
            url="",
            description=description(request.get("description"))
            or description(item.get("description")),
            # Postman's request id, else its place in the folders: an update's identity.
            identity="request:" + (r.get_text(item, "id", where) or f"{group}/{prefix}{name}"),
        )
        self.headers(request, raw, at)
        self.url(raw, request.get("url", ""), join(at, "url"))
        raw.auth = self.auth(request.get("auth"), join(at, "auth"), auth)
        self.body(raw, request.get("body"), join(at, "body"))
        if item.get("event"):
            self.skip("request script")
        self.examples(raw, item, where)
        self.requests.append(raw)

    def examples(self, raw: RawRequest, item: dict[str, Any], where: str) -> None:
        r = self.r
        for index, entry in enumerate(r.get_list(item, "response", where)):
            example = r.obj(entry, join(join(where, "response"), index))
            code = example.get("code")
            if isinstance(code, int) and not 200 <= code < 300:
                continue
            content_type = ""
            headers_seen = example.get("header")
            # A saved example's headers are informative only: skip them when malformed.
            for h in headers_seen if isinstance(headers_seen, list) else []:
                if isinstance(h, dict) and str(h.get("key", "")).lower() == "content-type":
                    content_type = r.scalar(h.get("value"))
            body = example.get("body")
            if isinstance(body, str):
                raw.examples.append((content_type, body.encode()))

    def run(self) -> ImportResult:
        r = self.r
        info = r.get_obj(self.doc, "info", "$")
        schema = r.get_text(info, "schema", "$.info")
        if (schema and not re.search(r"v2\.[01]\.\d", schema)) or (
            "item" not in self.doc and "requests" in self.doc
        ):
            raise ImportVersionError(
                f"{r.source}: $.info.schema: {schema or 'v1'!r} is not a Postman collection "
                f"v2.0 or v2.1 (v1 is not supported): export the collection again as v2.1 "
                f"from Postman"
            )
        name = r.get_text(info, "name", "$.info") or "Postman collection"
        overview = description(info.get("description"))
        descriptions = {name: overview}
        root_auth = self.auth(self.doc.get("auth"), "$.auth", None)
        if self.doc.get("event"):
            self.skip("collection script")
        # (items, where, group, prefix, auth): iterative, folders may nest deeply.
        stack: list[tuple[Any, str, str, str, RawAuth | None]] = [
            (r.get_list(self.doc, "item", "$"), "$.item", "", "", root_auth)
        ]
        while stack:
            items, where, group, prefix, auth = stack.pop()
            batch = []
            for index, entry in enumerate(items):
                at = join(where, index)
                item = r.obj(entry, at)
                if "item" in item:
                    folder = r.get_text(item, "name", at) or "Folder"
                    sub_auth = self.auth(item.get("auth"), join(at, "auth"), auth)
                    children = r.get_list(item, "item", at)
                    if item.get("event"):
                        self.skip("folder script")
                    if group:
                        if description(item.get("description")):
                            self.skip("nested folder description")
                        batch.append(
                            (children, join(at, "item"), group, f"{prefix}{folder} / ", sub_auth)
                        )
                    else:
                        descriptions[folder] = description(item.get("description")) or overview
                        batch.append((children, join(at, "item"), folder, "", sub_auth))
                else:
                    self.request(item, at, group, prefix, auth)
            stack.extend(reversed(batch))
        result = build_apis(self.requests, ImportResult("postman", name, []), descriptions)
        _keep_secret_values(result, self.secret_values)
        skipped = [plural(count, what) for what, count in self.skipped.items()]
        if skipped:
            self.notes.append(f"not imported: {', '.join(skipped)}")
        result.notes = list(dict.fromkeys([*self.notes, *self.grouped.lines(), *result.notes]))
        return result


def orjson_text(value: Any) -> str:
    """A GraphQL body as JSON; Postman keeps its variables as JSON text, sent as an object."""
    graphql = dict(value) if isinstance(value, dict) else {}
    variables = graphql.get("variables")
    if isinstance(variables, str):
        try:
            graphql["variables"] = orjson.loads(variables) if variables.strip() else {}
        except orjson.JSONDecodeError:
            pass  # {{variables}} inside, or not JSON: kept as written
    return orjson.dumps(graphql, option=orjson.OPT_INDENT_2).decode()


def _keep_secret_values(result: ImportResult, secrets: dict[str, str]) -> None:
    """Values of an environment's ``secret`` variables never stay in a parameter or body."""
    if not secrets:
        return
    for api in result.apis:
        places: list[tuple[list[Parameter], str, Call | None]] = [
            (api.headers, "header", None),
            (api.parameters, "param", None),
        ]
        places += [(call.parameters, "param", call) for call in api.calls]
        for params, kind, call in places:
            for parameter in params:
                if parameter.private or not any(v in parameter.value for v in secrets.values()):
                    continue
                result.secrets[secret_ref(api, f"{kind}.{parameter.name}", call)] = parameter.value
                parameter.value, parameter.private, parameter.dynamic = "", True, False
        for call in api.calls:
            for name, value in secrets.items():
                if value in call.body_template:
                    call.body_template = call.body_template.replace(value, f"<{name}>")
                    if not any(p.name == name for p in call.parameters):
                        call.parameters.append(
                            Parameter(
                                name=name, placement=Placement.BODY, private=True, dynamic=False
                            )
                        )
                    result.secrets[secret_ref(api, f"param.{name}", call)] = value


def import_postman(
    doc: Any, source: str, environment: PostmanEnvironment | None = None
) -> ImportResult:
    """The APIs of a Postman collection v2.0 or v2.1, with an environment's values if given."""
    r = Reader(source)
    with model_errors(source):
        return adopt_graphql(_Importer(r.obj(doc, "$"), source, environment).run())
