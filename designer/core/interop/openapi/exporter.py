"""Export APIs as an OpenAPI 3.1 document.

Mapping:

- each API's base URL is a server (with one API, the document's; with
  several, each operation names its API's server and carries the API's name
  as its tag); ``{name}`` placeholders in it become server variables whose
  default is the API's value, and environments with their own base URL
  become further servers;
- each call is an operation at its path (placeholders are OpenAPI's
  ``{name}`` already), summary = call name, ``operationId`` derived from it;
- parameters keep their placement (``in: path|query|header``) and their
  value type (``integer``, ``number``, ``boolean``, JSON as ``array`` or
  ``object``, a file as binary), with the sample as a typed example; body
  parameters and templates become the ``requestBody``; the headers OpenAPI
  says to ignore as parameters (Accept, Content-Type, Authorization) are left
  out, the first two being described by content types, the last by security;
- authentication becomes a security scheme (see :mod:`.openapi_auth`);
  private shared headers and query values are API keys required with it;
- two calls with the same method and path (OpenAPI allows one operation
  for each) export as one operation; the others are kept whole under its
  ``x-connector-designer-alternatives`` and named in a note, and an import
  brings them back as calls;
- the inferred structure becomes the schema of the ``200`` response, through
  :func:`~designer.core.inference.to_json_schema` (JSON Schema 2020-12 is
  OpenAPI 3.1's dialect, so ``x-`` keywords and formats carry over as is); a
  streamed response is its event stream media type, described by
  :mod:`.stream`.

Private values are never written: private parameters have no example.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from designer.core.errors import ExportError
from designer.core.inference import infer_value, to_json_schema
from designer.core.inference.stream import stream_of
from designer.core.interop.common import effective_parameters
from designer.core.interop.openapi.auth import security_scheme
from designer.core.interop.openapi.extras import graphql_operations, webhooks_section
from designer.core.interop.openapi.stream import stream_content
from designer.core.interop.openapi.values import body_example, body_schema, typed_schema
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BodyType,
    Call,
    Parameter,
    Placement,
    ResponseType,
    Workspace,
    path_placeholders,
)
from designer.core.structure import Shape, ValueType

__all__ = ["ALTERNATIVES", "OPENAPI_VERSION", "export_openapi", "response_schema"]

#: The extension of an operation holding the other calls with its method and path.
ALTERNATIVES = "x-connector-designer-alternatives"

_OPERATION_KEYS = frozenset("get put post delete options head patch trace".split())

OPENAPI_VERSION = "3.1.0"
_IGNORED_HEADERS = {"accept", "content-type", "authorization"}
_BODY_PLACEHOLDER = re.compile(r"<([A-Za-z_][\w.\-]*)>")
_MEDIA = {
    ResponseType.JSON: "application/json",
    ResponseType.XML: "application/xml",
    ResponseType.TEXT: "text/plain",
    ResponseType.BINARY: "application/octet-stream",
    ResponseType.STREAM: "text/event-stream",
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


def _parameter(p: Parameter) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.placement.value}
    if p.description:
        out["description"] = p.description
    out["required"] = p.placement is Placement.PATH or not p.optional
    schema, value = typed_schema(p)
    out["schema"] = schema
    if p.value and not p.private and value not in ("", None):
        out["example"] = value
    if p.private:
        out["x-private"] = True
    return out


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
        if call.body_template.strip():
            schema = _template_schema(call, body)
        else:
            schema = body_schema(body)
            example = body_example(body)
            if example:
                return {
                    "required": True,
                    "content": {"application/json": {"schema": schema, "example": example}},
                }
    elif kind in (BodyType.FORM, BodyType.MULTIPART):
        media = (
            "application/x-www-form-urlencoded"
            if kind is BodyType.FORM
            else ("multipart/form-data")
        )
        schema = body_schema(body)
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


def _api_keys(api: Api) -> list[Parameter]:
    """Private shared headers and query values: API keys sent with the authentication."""
    return [
        p
        for p in (
            *[h.model_copy(update={"placement": Placement.HEADER}) for h in api.headers],
            *api.parameters,
        )
        if p.private and p.placement in (Placement.HEADER, Placement.QUERY)
    ]


def _operation(api: Api, call: Call, op_id: str, tagged: bool) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "summary": call.name}
    if tagged:
        op["tags"] = [api.name]
    if call.description:
        op["description"] = call.description
    every = effective_parameters(api, call)
    auth_header = api.auth.header.lower() if isinstance(api.auth, ApiKeyHeaderAuth) else None
    auth_query = api.auth.parameter if isinstance(api.auth, ApiKeyQueryAuth) else None
    keys = {(p.placement, p.name.lower()) for p in _api_keys(api)}
    parameters = [
        _parameter(p)
        for p in every
        if p.placement is not Placement.BODY
        and (p.placement, p.name.lower()) not in keys
        # Shared path values fill the base URL's placeholders (server variables).
        and (p.placement is not Placement.PATH or p.name in path_placeholders(call.path))
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
    if call.response_type is ResponseType.STREAM or stream_of(call.structure) is not None:
        response["content"] = stream_content(call)
    elif schema is not None or call.response_type is not ResponseType.AUTO:
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


def _servers(api: Api) -> list[dict[str, Any]]:
    """The API's base URL as a server (placeholders as variables), then its environments'."""
    values = {p.name: p.value for p in api.parameters if p.placement is Placement.PATH}
    servers: list[dict[str, Any]] = []
    urls = [(api.base_url, "")] + [(e.base_url, e.name) for e in api.environments if e.base_url]
    for url, name in urls:
        if not url or any(url == s["url"] for s in servers):
            continue
        server: dict[str, Any] = {"url": url}
        if name:
            server["description"] = name
        names = list(dict.fromkeys(path_placeholders(url)))
        if names:
            server["variables"] = {n: {"default": values.get(n) or n} for n in names}
        servers.append(server)
    return servers


def _security(api: Api, schemes: dict[str, Any]) -> list[dict[str, list[str]]] | None:
    """The security requirement of ``api``'s calls, its schemes added to ``schemes``."""
    requirement: dict[str, list[str]] = {}
    scheme = security_scheme(api.auth)
    if scheme is not None:
        name = _scheme_name(api)
        schemes[name] = scheme
        requirement[name] = []
    for key in _api_keys(api):
        name = f"{_scheme_name(api)}_{re.sub(r'[^A-Za-z0-9._-]+', '_', key.name)}"
        schemes[name] = {"type": "apiKey", "in": key.placement.value, "name": key.name}
        if key.description:
            schemes[name]["description"] = key.description
        requirement[name] = []
    return [requirement] if requirement else None


def export_openapi(
    ws: Workspace,
    apis: Sequence[Api],
    *,
    title: str | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """An OpenAPI 3.1 document describing ``apis``; remarks on what changed go to ``notes``."""
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
        doc["servers"] = _servers(apis[0])
    paths: dict[str, dict[str, Any]] = {}
    schemes: dict[str, Any] = {}
    taken: set[str] = set()
    owners: dict[tuple[str, str], str] = {}
    for api in apis:
        security = _security(api, schemes)
        for call in api.calls:
            if call.graphql is not None:
                continue  # one operation per GraphQL endpoint, added below
            server, path = _split(api, call)
            method = call.method.value.lower()
            op = _operation(api, call, _operation_id(api, call, taken), several)
            if server is not None:
                op["servers"] = [{"url": server}]
            elif several and api.base_url:
                op["servers"] = _servers(api)
            if security is not None:
                op["security"] = security
            elif any(a.auth.type != "none" for a in apis):
                op["security"] = []
            if method not in _OPERATION_KEYS:
                # PURGE & co. have no key in 3.1; OpenAPI 3.2 names this additionalOperations
                extra = paths.setdefault(path, {}).setdefault("x-additionalOperations", {})
                extra[call.method.value] = op
                continue
            owner = owners.setdefault((path, method), f"{api.name}/{call.name}")
            if owner != f"{api.name}/{call.name}":
                # OpenAPI allows one operation per path and method: keep this one whole
                # beside the first, where an import finds it again.
                paths[path][method].setdefault(ALTERNATIVES, []).append(op)
                if notes is not None:
                    notes.append(
                        f"calls '{owner}' and '{api.name}/{call.name}' are both "
                        f"{call.method.value} {path}: the second is kept under {ALTERNATIVES} "
                        f"of the first operation"
                    )
                continue
            paths.setdefault(path, {})[method] = op
        for path, op in graphql_operations(api, lambda a, c: _split(a, c)[1]).items():
            if "post" in paths.get(path, {}):
                raise ExportError(f"API '{api.name}' has a POST call on its GraphQL path {path}")
            op["operationId"] = _operation_id(api, Call(name="GraphQL"), taken)
            if several and api.base_url:
                op["servers"] = _servers(api)
            if security is not None:
                op["security"] = security
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
