"""Import Insomnia v4 exports (JSON or YAML) as APIs.

Request groups directly under the workspace become APIs, deeper groups are
kept in call names; requests directly under the workspace form an API named
after the workspace. Variables of the base environment (``{{ _.baseUrl }}``
or ``{{ baseUrl }}``) are substituted. Bearer, basic and API key
authentication are read from each request (their values go to the secrets).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import ImportVersionError
from ..models import ApiKeyHeaderAuth, ApiKeyQueryAuth, BasicAuth, BearerAuth
from .collection import RawAuth, RawRequest, build_apis
from .common import ImportResult, model_errors
from .graphql_import import adopt_graphql
from .reader import Reader, join

__all__ = ["import_insomnia"]

_VARIABLE = re.compile(r"\{\{\s*(?:_\.)?([^{}\s]+)\s*\}\}")
_MAX_GROUP_DEPTH = 50


def _auth(node: Any, sub: Any) -> RawAuth | None:
    if not isinstance(node, dict) or node.get("disabled") is True:
        return None
    kind = node.get("type")

    def text(key: str) -> str:
        value = node.get(key)
        value = sub(value) if isinstance(value, str) else ""
        return "" if "{{" in value else value

    if kind == "bearer":
        return RawAuth(BearerAuth(), text("token"))
    if kind == "basic":
        return RawAuth(BasicAuth(username=text("username")), text("password"))
    if kind == "apikey" and text("key"):
        if node.get("addTo") == "queryParams":
            return RawAuth(ApiKeyQueryAuth(parameter=text("key")), text("value"))
        return RawAuth(ApiKeyHeaderAuth(header=text("key")), text("value"))
    return None


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
    by_id: dict[str, tuple[dict[str, Any], str]] = {}
    variables: dict[str, str] = {}
    workspace_name = "Insomnia"
    for index, value in enumerate(resources):
        where = join("$.resources", index)
        item = r.obj(value, where)
        kind = r.get_text(item, "_type", where)
        by_id[r.get_text(item, "_id", where)] = (item, where)
        if kind == "workspace":
            workspace_name = r.get_text(item, "name", where) or workspace_name
        elif kind == "environment":
            data = r.get_obj(item, "data", where)
            variables.update({k: r.scalar(v) for k, v in data.items()})

    def sub(text: str) -> str:
        return _VARIABLE.sub(lambda m: variables.get(m.group(1)) or m.group(0), text)

    def groups_of(item: dict[str, Any]) -> list[str]:
        names: list[str] = []
        parent = item.get("parentId")
        for _ in range(_MAX_GROUP_DEPTH):
            found = by_id.get(parent) if isinstance(parent, str) else None
            if found is None or found[0].get("_type") != "request_group":
                break
            names.append(str(found[0].get("name") or "Folder"))
            parent = found[0].get("parentId")
        return names[::-1]

    requests = []
    for item, where in by_id.values():
        if item.get("_type") != "request":
            continue
        groups = groups_of(item)
        headers = []
        for index, entry in enumerate(r.get_list(item, "headers", where)):
            h = r.obj(entry, join(join(where, "headers"), index))
            if h.get("disabled") is not True:
                headers.append((r.get_text(h, "name", where), sub(r.get_text(h, "value", where))))
        url = sub(r.get_text(item, "url", where))
        query = []
        for index, entry in enumerate(r.get_list(item, "parameters", where)):
            p = r.obj(entry, join(join(where, "parameters"), index))
            if p.get("disabled") is not True:
                query.append(f"{r.get_text(p, 'name', where)}={sub(r.get_text(p, 'value', where))}")
        if query:
            url += ("&" if "?" in url else "?") + "&".join(query)
        raw = RawRequest(
            group=groups[0] if groups else "",
            name=" / ".join([*groups[1:], r.get_text(item, "name", where) or "Request"]),
            method=r.get_text(item, "method", where, "GET"),
            url=url,
            headers=headers,
            auth=_auth(item.get("authentication"), sub),
            description=r.get_text(item, "description", where),
        )
        body = r.get_obj(item, "body", where)
        media = r.get_text(body, "mimeType", join(where, "body")).lower()
        if "params" in body and media.startswith(("application/x-www", "multipart/")):
            raw.body_mode = "form" if media.startswith("application/x") else "multipart"
            for entry in r.get_list(body, "params", join(where, "body")):
                if isinstance(entry, dict) and entry.get("disabled") is not True:
                    raw.form.append((str(entry.get("name", "")), sub(str(entry.get("value", "")))))
            raw.form = [(k, v) for k, v in raw.form if k]
        elif "text" in body:
            raw.body_text = sub(r.get_text(body, "text", join(where, "body")))
            raw.body_mode = "json" if "json" in media else "raw"
            if media and not any(n.lower() == "content-type" for n, _ in raw.headers):
                raw.headers.append(("Content-Type", media))
        requests.append(raw)
    with model_errors(source):
        return adopt_graphql(build_apis(requests, ImportResult("insomnia", workspace_name, [])))
