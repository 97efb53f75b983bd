"""Export APIs as an OpenAPI 3.1 document.

Mapping:

- each API's base URL is a server (with one API, the document's; with
  several, each operation names its API's server and carries the API's name
  as its tag);
- each call is an operation at its path (placeholders are OpenAPI's
  ``{name}`` already), summary = call name, ``operationId`` derived from it;
- parameters keep their placement (``in: path|query|header``); body
  parameters and templates become the ``requestBody``; the headers OpenAPI
  says to ignore as parameters (Accept, Content-Type, Authorization) are left
  out, the first two being described by content types, the last by security;
- authentication becomes a security scheme (``http`` bearer or basic,
  ``apiKey`` in a header or the query);
- the inferred structure becomes the schema of the ``200`` response, through
  :func:`~designer.core.inference.to_json_schema` (JSON Schema 2020-12 is
  OpenAPI 3.1's dialect, so ``x-`` keywords and formats carry over as is).

Private values are never written: private parameters have no example.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from ..errors import ExportError
from ..inference import infer_value, to_json_schema
from ..models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Parameter,
    Placement,
    ResponseType,
    Workspace,
)
from ..structure import Shape, ValueType
from .common import effective_parameters
from .openapi_extras import graphql_operations, webhooks_section
from .value_types import typed_example, value_type_schema

__all__ = ["OPENAPI_VERSION", "export_openapi", "response_schema"]

_OPERATION_KEYS = frozenset("get put post delete options head patch trace".split())

OPENAPI_VERSION = "3.1.0"
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}
_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_MEDIA = {
    ResponseType.JSON: "application/json",
    ResponseType.XML: "application/xml",
    ResponseType.TEXT: "text/plain",
    ResponseType.BINARY: "application/octet-stream",
}


def response_schema(call: Call) -> dict[str, Any] | None:
    """The JSON Schema of ``call``'s response without ``$schema``, or None if not initialized."""
    if call.structure is None:
        return None
    schema = to_json_schema(call.structure, call.overrides)
    schema.pop("$schema", None)
    return schema


def _operation_id(api: Api, call: Call, taken: set[str]) -> str:
    words = re.findall(r"[A-Za-z0-9]+", f"{api.name} {call.name}") or ["operation"]
    base = words[0].lower() + "".join(w[:1].upper() + w[1:] for w in words[1:])
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return str(candidate)


def _scheme_name(api: Api) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", api.name).strip("_") or "api"


def _security_scheme(api: Api) -> dict[str, Any] | None:
    auth = api.auth
    if isinstance(auth, BearerAuth):
        return {"type": "http", "scheme": "bearer"}
    if isinstance(auth, BasicAuth):
        scheme: dict[str, Any] = {"type": "http", "scheme": "basic"}
        if auth.username:
            scheme["x-username"] = auth.username
        return scheme
    if isinstance(auth, ApiKeyHeaderAuth):
        scheme = {"type": "apiKey", "in": "header", "name": auth.header}
        if auth.prefix:
            scheme["description"] = f"Sent as '{auth.prefix}<key>'."
            scheme["x-prefix"] = auth.prefix
        return scheme
    if isinstance(auth, ApiKeyQueryAuth):
        return {"type": "apiKey", "in": "query", "name": auth.parameter}
    return None


def _parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.placement.value}
    if p.description:
        out["description"] = p.description
    out["required"] = p.placement is Placement.PATH or not p.optional
    out["schema"] = value_type_schema(p.type)
    if p.value and not p.private:
        out["example"] = typed_example(p.type, p.value)
    if p.private:
        out["x-private"] = True
    return out


def _body_schema(parameters: list[Parameter]) -> dict[str, Any]:
    root: dict[str, Any] = {"type": "object", "properties": {}}
    for p in parameters:
        *parents, leaf = p.name.split(".")
        node = root
        for part in parents:
            child = node["properties"].setdefault(part, {"type": "object", "properties": {}})
            if "properties" not in child:
                break
            node = child
        else:
            schema: dict[str, Any] = value_type_schema(p.type)
            if p.value and not p.private:
                schema["examples"] = [typed_example(p.type, p.value)]
            if p.description:
                schema["description"] = p.description
            node["properties"][leaf] = schema
            if not p.optional:
                node.setdefault("required", []).append(leaf)
    return root


def _template_schema(call: Call, parameters: list[Parameter]) -> dict[str, Any]:
    values = {p.name: ("" if p.private else p.value) for p in parameters}

    def fill(match: re.Match[str]) -> str:
        return orjson.dumps(values.get(match.group(1), "")).decode()[1:-1]

    text = _BODY_PLACEHOLDER.sub(fill, call.body_template)
    try:
        example = orjson.loads(text)
    except orjson.JSONDecodeError:
        return {}
    schema = to_json_schema(infer_value(example))
    schema.pop("$schema", None)
    return schema


def _request_body(call: Call, body: list[Parameter]) -> dict[str, Any] | None:
    kind = call.body_type
    if kind is BodyType.NONE:
        return None
    if kind is BodyType.JSON:
        media = "application/json"
        schema = _template_schema(call, body) if call.body_template.strip() else _body_schema(body)
    elif kind in (BodyType.FORM, BodyType.MULTIPART):
        media = (
            "application/x-www-form-urlencoded"
            if kind is BodyType.FORM
            else ("multipart/form-data")
        )
        schema = _body_schema(body)
    else:
        media = call.content_type.split(";", 1)[0].strip() or "text/plain"
        entry: dict[str, Any] = {"schema": {"type": "string"}}
        if call.body_template:
            entry["example"] = call.body_template
        return {"required": True, "content": {media: entry}}
    return {"required": True, "content": {media: {"schema": schema}}}


def _response_media(call: Call, shape: Shape | None) -> str:
    if call.response_type is not ResponseType.AUTO:
        return _MEDIA[call.response_type]
    if shape is not None and shape.content_type:
        return shape.content_type
    if shape is not None and shape.type is ValueType.BINARY:
        return "application/octet-stream"
    return "application/json"


def _operation(api: Api, call: Call, op_id: str, tagged: bool) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "summary": call.name}
    if tagged:
        op["tags"] = [api.name]
    if call.description:
        op["description"] = call.description
    every = effective_parameters(api, call)
    auth_header = api.auth.header.lower() if isinstance(api.auth, ApiKeyHeaderAuth) else None
    auth_query = api.auth.parameter if isinstance(api.auth, ApiKeyQueryAuth) else None
    parameters = [
        _parameter(p)
        for p in every
        if p.placement is not Placement.BODY
        and not (p.placement is Placement.HEADER and p.name.lower() in _IGNORED_HEADERS)
        and not (p.placement is Placement.HEADER and p.name.lower() == auth_header)
        and not (p.placement is Placement.QUERY and p.name == auth_query)
    ]
    if parameters:
        op["parameters"] = parameters
    body = _request_body(call, [p for p in every if p.placement is Placement.BODY])
    if body is not None:
        op["requestBody"] = body
    response: dict[str, Any] = {"description": "A successful response"}
    schema = response_schema(call)
    if schema is not None or call.response_type is not ResponseType.AUTO:
        media = _response_media(call, call.structure)
        response["content"] = {media: {"schema": schema or {}}}
    op["responses"] = {"200": response}
    op["x-use-as"] = call.use_as.value
    return op


def _split(api: Api, call: Call) -> tuple[str | None, str]:
    """The server URL an operation needs (None: the API's) and its OpenAPI path."""
    path = call.path.strip().split("?", 1)[0].split("#", 1)[0]
    match = re.match(r"^(https?://[^/]+)(.*)$", path, re.IGNORECASE)
    server = None
    if match:
        server, path = match.group(1), match.group(2)
    return server, "/" + path.lstrip("/")


def export_openapi(
    ws: Workspace, apis: Sequence[Api], *, title: str | None = None
) -> dict[str, Any]:
    """An OpenAPI 3.1 document describing ``apis``."""
    if not any(api.calls for api in apis):
        raise ExportError("The chosen APIs have no calls: there is nothing to describe in OpenAPI")
    several = len(apis) > 1
    doc: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title or (apis[0].name if not several else ws.name), "version": "1.0.0"},
    }
    if not several and apis[0].description:
        doc["info"]["description"] = apis[0].description
    if not several and apis[0].base_url:
        doc["servers"] = [{"url": apis[0].base_url}]
    paths: dict[str, dict[str, Any]] = {}
    schemes: dict[str, Any] = {}
    taken: set[str] = set()
    owners: dict[tuple[str, str], str] = {}
    for api in apis:
        scheme = _security_scheme(api)
        scheme_name = _scheme_name(api)
        if scheme is not None:
            schemes[scheme_name] = scheme
        for call in api.calls:
            if call.graphql is not None:
                continue  # one operation per GraphQL endpoint, added below
            server, path = _split(api, call)
            method = call.method.value.lower()
            owner = owners.setdefault((path, method), f"{api.name}/{call.name}")
            if owner != f"{api.name}/{call.name}":
                raise ExportError(
                    f"Calls '{owner}' and '{api.name}/{call.name}' are both {call.method.value} "
                    f"{path}: OpenAPI allows one operation per path and method; export the APIs "
                    f"one at a time with --api"
                )
            op = _operation(api, call, _operation_id(api, call, taken), several)
            if server is not None:
                op["servers"] = [{"url": server}]
            elif several and api.base_url:
                op["servers"] = [{"url": api.base_url}]
            if scheme is not None:
                op["security"] = [{scheme_name: []}]
            if method in _OPERATION_KEYS:
                paths.setdefault(path, {})[method] = op
            else:  # PURGE & co. have no key in 3.1; OpenAPI 3.2 names this additionalOperations
                extra = paths.setdefault(path, {}).setdefault("x-additionalOperations", {})
                extra[call.method.value] = op
        for path, op in graphql_operations(api, lambda a, c: _split(a, c)[1]).items():
            if "post" in paths.get(path, {}):
                raise ExportError(f"API '{api.name}' has a POST call on its GraphQL path {path}")
            op["operationId"] = _operation_id(api, Call(name="GraphQL"), taken)
            if several and api.base_url:
                op["servers"] = [{"url": api.base_url}]
            if scheme is not None:
                op["security"] = [{scheme_name: []}]
            paths.setdefault(path, {})["post"] = op
    doc["paths"] = paths
    if any(api.webhooks for api in apis):
        doc["webhooks"] = webhooks_section(apis, several)
    if schemes:
        doc["components"] = {"securitySchemes": schemes}
    if several:
        doc["tags"] = [
            {"name": api.name, **({"description": api.description} if api.description else {})}
            for api in apis
        ]
    return doc
