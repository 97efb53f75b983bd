"""Import Postman collections v2.0 and v2.1.

Top-level folders become APIs; deeper folders become groups within their
API, kept in the call names (``Orders / List``); requests outside any folder
form an API named after the collection. Collection variables are
substituted (``{{baseUrl}}``); a variable with no value in a path becomes a
path parameter. Auth (bearer, basic, API key) is inherited from folders as
in Postman. Saved example responses become the call's structure. The rest
is done by :func:`.collection.build_apis`.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ImportVersionError
from ..models import ApiKeyHeaderAuth, ApiKeyQueryAuth, BasicAuth, BearerAuth, NoAuth
from .collection import RawAuth, RawRequest, build_apis
from .common import ImportResult, model_errors
from .graphql_import import adopt_graphql
from .reader import Reader, join

__all__ = ["import_postman"]

_VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def _variables(doc: dict[str, Any], r: Reader) -> dict[str, str]:
    found = {}
    for index, entry in enumerate(r.get_list(doc, "variable", "$")):
        item = r.obj(entry, join("$.variable", index))
        key = item.get("key", item.get("id"))
        if isinstance(key, str) and key:
            found[key] = r.scalar(item.get("value"))
    return found


class _Importer:
    def __init__(self, doc: dict[str, Any], source: str) -> None:
        self.r = Reader(source)
        self.doc = doc
        self.vars = _variables(doc, self.r)
        self.requests: list[RawRequest] = []
        self.notes: list[str] = []

    def sub(self, text: str) -> str:
        return _VARIABLE.sub(lambda m: self.vars.get(m.group(1)) or m.group(0), text)

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
            return "" if _VARIABLE.search(value) else value

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
        self.notes.append(f"{where}: {kind!r} authentication is not supported: set it by hand")
        return RawAuth(NoAuth(), "")

    def url(self, node: Any, where: str) -> tuple[str, dict[str, str]]:
        if isinstance(node, str):
            return self.sub(node), {}
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
            raw = (f"{protocol}://" if protocol else "") + f"{host}/{str(path).lstrip('/')}"
        values = {}
        for index, entry in enumerate(self.r.get_list(url, "variable", where)):
            item = self.r.obj(entry, join(join(where, "variable"), index))
            key = item.get("key", item.get("id"))
            if isinstance(key, str):
                values[key] = self.sub(self.r.scalar(item.get("value")))
        return self.sub(raw), values

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
                if item.get("disabled") is True or not isinstance(item.get("key"), str):
                    continue
                if item.get("type") == "file":
                    self.notes.append(f"{where}: file fields are not imported")
                    continue
                raw.form.append((item["key"], self.sub(self.r.scalar(item.get("value")))))
        elif mode == "graphql":
            raw.body_mode = "json"
            raw.body_text = orjson_text(body.get("graphql"))
        elif mode:
            self.notes.append(f"{where}: {mode!r} bodies are not imported")

    def request(
        self, item: dict[str, Any], where: str, group: str, prefix: str, auth: RawAuth | None
    ) -> None:
        r = self.r
        node = item.get("request")
        at = join(where, "request")
        if isinstance(node, str):
            node = {"url": node, "method": "GET"}
        request = r.obj(node, at)
        url, path_values = self.url(request.get("url", ""), join(at, "url"))
        headers = []
        raw_headers = request.get("header") or []
        if isinstance(raw_headers, str):
            raw_headers = [
                {"key": k, "value": v}
                for k, _, v in (h.partition(":") for h in raw_headers.splitlines())
            ]
        for index, entry in enumerate(r.lst(raw_headers, join(at, "header"))):
            h = r.obj(entry, join(join(at, "header"), index))
            if h.get("disabled") is not True and isinstance(h.get("key"), str):
                headers.append((h["key"].strip(), self.sub(r.scalar(h.get("value"))).strip()))
        name = r.get_text(item, "name", where) or "Request"
        description = request.get("description")
        raw = RawRequest(
            group=group,
            name=f"{prefix}{name}",
            method=r.get_text(request, "method", at, "GET"),
            url=url,
            headers=headers,
            auth=self.auth(request.get("auth"), join(at, "auth"), auth),
            description=description if isinstance(description, str) else "",
            path_values=path_values,
        )
        self.body(raw, request.get("body"), join(at, "body"))
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
        self.requests.append(raw)

    def run(self) -> ImportResult:
        r = self.r
        info = r.get_obj(self.doc, "info", "$")
        schema = r.get_text(info, "schema", "$.info")
        if schema and not re.search(r"v2\.[01]\.\d", schema):
            raise ImportVersionError(
                f"{r.source}: $.info.schema: {schema!r} is not a Postman collection v2.0 or v2.1: "
                f"export the collection again as v2.1 from Postman"
            )
        name = r.get_text(info, "name", "$.info") or "Postman collection"
        root_auth = self.auth(self.doc.get("auth"), "$.auth", None)
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
                    if group:
                        batch.append(
                            (children, join(at, "item"), group, f"{prefix}{folder} / ", sub_auth)
                        )
                    else:
                        batch.append((children, join(at, "item"), folder, "", sub_auth))
                else:
                    self.request(item, at, group, prefix, auth)
            stack.extend(reversed(batch))
        result = build_apis(self.requests, ImportResult("postman", name, []))
        result.notes = list(dict.fromkeys([*self.notes, *result.notes]))
        return result


def orjson_text(value: Any) -> str:
    import orjson

    return orjson.dumps(
        value if isinstance(value, dict) else {}, option=orjson.OPT_INDENT_2
    ).decode()


def import_postman(doc: Any, source: str) -> ImportResult:
    """The APIs of a Postman collection v2.0 or v2.1."""
    r = Reader(source)
    with model_errors(source):
        return adopt_graphql(_Importer(r.obj(doc, "$"), source).run())
