"""Import OpenAPI 3.0 and 3.1 and Swagger 2.0 documents (JSON or YAML) as APIs.

- Operations become calls (name: ``summary`` when it is short, else
  ``operationId``, else method and path; a long summary starts the
  description), grouped into one API per server URL; with one server
  the API is named after ``info.title`` and described by ``info.description``,
  with several after their tag or host. Server variables take their
  defaults; of several servers the first is used, with a note.
- Parameters keep their placement and get their value type from their
  schema (integer, number, boolean; arrays and objects as JSON); examples,
  defaults and else the first enum value become samples. Path-level
  parameters apply to every operation of the path; headers that every
  operation sends alike become the API's shared headers. Cookie parameters,
  TRACE operations, callbacks and webhooks are skipped with a note.
- Request bodies: an object becomes typed body parameters (nested objects as
  dotted names; lists and free-form objects as JSON values, binary
  multipart parts as files), filled from the media example; anything else a
  JSON template from the example.
- The schema of the first success response becomes the call's structure, and stays
  as its documented structure once real answers replace it (see :mod:`..inference.spec`)
  (see :mod:`.schema_shape`).
- Security requirements become each API's authentication (see
  :mod:`.openapi_security`).
- ``x-`` keys are extensions wherever they are, never paths; calls an export
  kept under ``x-connector-designer-alternatives`` come back as calls.

``$ref`` is followed everywhere a reference object is allowed, into files
of the document's folder too (see :mod:`.refs`).
"""

from __future__ import annotations

from typing import Any

import orjson

from designer.core.errors import ImportVersionError
from designer.core.http.base_url import base_url_problem
from designer.core.interop.common import ImportResult, model_errors, tidy_api
from designer.core.interop.graphql_import import graphql_call
from designer.core.interop.notes import Notes
from designer.core.interop.openapi.exporter import ALTERNATIVES
from designer.core.interop.openapi.parts import (
    Body,
    body_from_shape,
    pick_media,
    read_parameter,
    response_shape,
    response_type_of,
    success_response,
)
from designer.core.interop.openapi.schema_shape import schema_to_shape
from designer.core.interop.openapi.security import Item, Security
from designer.core.interop.openapi.stream import stream_response
from designer.core.interop.reader import Reader, join
from designer.core.interop.refs import Resolver
from designer.core.models import (
    BodyType,
    Call,
    CallOrigin,
    Environment,
    Method,
    Parameter,
    Placement,
    UseAs,
    new_id,
    unique_name,
)

__all__ = ["import_openapi"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _version(doc: dict[str, Any], r: Reader) -> int:
    """2 for Swagger 2.0, 3 for OpenAPI 3.0 and 3.1."""
    if "swagger" in doc:
        if str(doc["swagger"]) != "2.0":
            raise ImportVersionError(
                f"{r.source}: $.swagger: version {doc['swagger']!r} is not supported: "
                f"this Connector Designer reads Swagger 2.0 and OpenAPI 3.0 and 3.1"
            )
        return 2
    version = doc.get("openapi")
    if not isinstance(version, str) or not version.startswith(("3.0", "3.1")):
        raise ImportVersionError(
            f"{r.source}: $.openapi: version {version!r} is not supported: this Connector "
            f"Designer reads OpenAPI 3.0 and 3.1 and Swagger 2.0"
        )
    return 3


def _server_url(server: Any, where: str, r: Reader) -> str:
    server = r.obj(server, where)
    url = r.get_text(server, "url", where)
    variables = r.get_obj(server, "variables", where)
    for name, spec in variables.items():
        default = spec.get("default") if isinstance(spec, dict) else None
        if isinstance(default, str):
            url = url.replace("{" + name + "}", default)
    return url.rstrip("/") if url != "/" else ""


def _swagger_base(doc: dict[str, Any], r: Reader) -> str:
    host = r.get_text(doc, "host", "$")
    base_path = r.get_text(doc, "basePath", "$").rstrip("/")
    schemes = [s for s in r.get_list(doc, "schemes", "$") if s in ("https", "http")]
    if not host:
        return base_path
    return f"{(schemes or ['https'])[0]}://{host}{base_path}"


#: A summary longer than this (or on several lines) is a paragraph, not a name.
MAX_NAME_LENGTH = 80


def _name_and_description(summary: str, operation_id: str, description: str) -> tuple[str, str]:
    """A call's name as a person would write it, and its description.

    The summary names the call when it is short; a paragraph-long summary
    (as some vendors write) becomes the start of the description, and the
    operation id (else method and path, by the caller) names the call.
    """
    short = " ".join(summary.split())
    if short and len(short) <= MAX_NAME_LENGTH and "\n" not in summary.strip():
        return short, description
    name = " ".join(operation_id.split())[:MAX_NAME_LENGTH]
    if not short:
        return name, description
    summary = summary.strip()
    if description.strip().startswith(summary):
        return name, description
    return name, f"{summary}\n\n{description}".strip()


def _api_name(base: str, items: list[Item], title: str, groups: int) -> str:
    """The document's title; with several servers, the tag or the URL of this one."""
    if groups > 1:
        tags = {tuple(t[:1]) for _, _, t in items}
        return tags.pop()[0] if len(tags) == 1 and () not in tags else base or title
    return title


class _Importer:
    def __init__(self, doc: dict[str, Any], source: str, base: str | None) -> None:
        self.r = Reader(source)
        self.doc = doc
        self.version = _version(doc, self.r)
        self.resolver = Resolver(doc, self.r, base)
        self.notes = Notes()
        self.environments: list[Environment] = []
        if self.version == 2:
            self.schemes = self.r.get_obj(doc, "securityDefinitions", "$")
            self.consumes = self.r.get_list(doc, "consumes", "$")
            self.produces = self.r.get_list(doc, "produces", "$")
        else:
            components = self.r.get_obj(doc, "components", "$")
            self.schemes = self.r.get_obj(components, "securitySchemes", "$.components")

    def run(self) -> ImportResult:
        r, doc = self.r, self.doc
        info = r.get_obj(doc, "info", "$")
        title = " ".join(r.get_text(info, "title", "$.info").split()) or "Imported API"
        self.description = r.get_text(info, "description", "$.info").strip()
        root_server = _swagger_base(doc, r) if self.version == 2 else self._servers(doc, "$", "")
        global_security = doc.get("security")
        self.security = Security(self.schemes, self.resolver, self.version, self.notes)
        self.security.default = self.security.requirement(global_security, "$.security")
        groups: dict[str, list[Item]] = {}
        paths = r.get_obj(doc, "paths", "$")
        for path, raw_item in paths.items():
            if path.startswith("x-"):
                continue
            where = join("$.paths", path)
            item, item_where, _ = self.resolver.resolve(raw_item, where)
            item = r.obj(item, item_where)
            shared = r.get_list(item, "parameters", item_where)
            server = (
                root_server if self.version == 2 else self._servers(item, item_where, root_server)
            )
            if "trace" in item:
                self.notes.add("TRACE operations are not imported")
            for method in _METHODS:
                if isinstance(item.get(method), dict) and "callbacks" in item[method]:
                    self.notes.add(
                        "callbacks (requests the API sends back to you) are not imported"
                    )
            for method in _METHODS:
                if method not in item:
                    continue
                op_node, op_where, _ = self.resolver.resolve(item[method], join(item_where, method))
                first = r.obj(op_node, op_where)
                # Calls exported beside this one, with the same method and path.
                alternatives = r.get_list(first, ALTERNATIVES, op_where)
                places = [join(join(op_where, ALTERNATIVES), i) for i in range(len(alternatives))]
                for raw, at in [(first, op_where), *zip(alternatives, places, strict=True)]:
                    op = r.obj(raw, at)
                    op_server = server if self.version == 2 else self._servers(op, at, server)
                    # A GraphQL endpoint an export wrote lists its calls under x-graphql.
                    calls = self._graphql_calls(path, op, at) or [
                        self._call(path, method, op, at, shared, item_where)
                    ]
                    security = op.get("security", global_security)
                    key = self.security.requirement(security, join(at, "security"))
                    tags = [t for t in r.get_list(op, "tags", at) if isinstance(t, str)]
                    for call in calls:
                        groups.setdefault(op_server or "", []).append((call, key, tags))
        apis = [
            api
            for base, items in groups.items()
            for api in self.security.apis(
                _api_name(base, items, title, len(groups)), base, items, self.description
            )
        ]
        webhooks = doc.get("webhooks")
        if isinstance(webhooks, dict) and webhooks:
            self.notes.add(
                f"{len(webhooks)} webhook{'s are' if len(webhooks) > 1 else ' is'} not imported: "
                f"webhooks are requests the API sends, not calls"
            )
        if not apis:
            self.notes.add("the document describes no operations")
        for base in groups:
            if base and not base.lower().startswith(("http://", "https://")):
                self.notes.add(f"server URL {base!r} is relative: set the API's full base URL")
        for api in apis:
            if api.base_url == root_server:
                names: list[str] = []
                for env in self.environments:
                    name = unique_name(env.name, names)
                    names.append(name)
                    api.environments.append(env.model_copy(update={"name": name, "id": new_id()}))
        result = ImportResult("openapi", title, [tidy_api(api) for api in apis])
        result.notes = self.notes.lines(self.resolver.notes)
        return result

    def _servers(self, node: dict[str, Any], where: str, inherited: str | None) -> str | None:
        """The first server's URL (variables at their defaults); the document's others are
        kept as environments, an operation's or path's others only named in a note."""
        servers = self.r.get_list(node, "servers", where)
        if not servers:
            return inherited
        first = _server_url(servers[0], join(join(where, "servers"), 0), self.r)
        problem = base_url_problem(first) if first else None
        if problem is not None and first.endswith(":"):
            problem = base_url_problem(first + "//")
        if problem is not None:
            # "https://" for a presigned URL the API hands out: no base URL to keep.
            self.notes.at(
                f"server URLs that cannot be a base URL ({problem}) were left out: set the "
                f"base URL of those calls",
                join(join(where, "servers"), 0),
            )
            first = ""
        others = []
        for i, server in enumerate(servers[1:], 1):
            at = join(join(where, "servers"), i)
            url = _server_url(server, at, self.r)
            label = " ".join(self.r.get_text(self.r.obj(server, at), "description", at).split())
            others.append(Environment(name=label[:60] or url or f"server {i + 1}", base_url=url))
        if others and where == "$":
            self.environments = others
            self.notes.add(
                f"the document lists {len(servers)} servers: the first ({first!r}) is the base "
                f"URL, the others are environments"
            )
        elif others:
            self.notes.at(
                "paths or operations list several servers: the first of each is used",
                f"{where}.servers",
            )
        return first

    def _call(
        self,
        path: str,
        method: str,
        op: dict[str, Any],
        where: str,
        shared: list[Any],
        item_where: str,
    ) -> Call:
        r = self.r
        parameters: dict[tuple[str, str], Parameter] = {}
        raw_body: list[dict[str, Any]] = []
        sources = [(p, join(join(item_where, "parameters"), i)) for i, p in enumerate(shared)]
        sources += [
            (p, join(join(where, "parameters"), i))
            for i, p in enumerate(r.get_list(op, "parameters", where))
        ]
        for raw, at in sources:
            parameter, body_part = read_parameter(raw, at, self.resolver, self.notes)
            if parameter is not None:
                key = (
                    parameter.placement.value,
                    parameter.name.lower()
                    if parameter.placement is Placement.HEADER
                    else parameter.name,
                )
                parameters[key] = parameter
            elif body_part:
                raw_body.append(body_part)
        body = (
            self._swagger_body(raw_body, op, where) if self.version == 2 else self._body(op, where)
        )
        operation_id = r.get_text(op, "operationId", where)
        name, description = _name_and_description(
            r.get_text(op, "summary", where),
            operation_id,
            r.get_text(op, "description", where),
        )
        use_as = op.get("x-use-as")
        call = Call(
            name=name or f"{method.upper()} {path}",
            description=description,
            method=Method(method.upper()),
            path=path,
            use_as=UseAs(use_as)
            if use_as in ("data", "action")
            else UseAs.DATA
            if method in ("get", "head")
            else UseAs.ACTION,
            parameters=[*parameters.values(), *body.parameters],
            body_type=body.body_type,
            body_template=body.template,
            content_type=body.content_type,
            origin=CallOrigin(key=f"operation:{operation_id}") if operation_id else None,
            **self._response(op, where),
        )
        return call

    def _graphql_calls(self, path: str, op: dict[str, Any], where: str) -> list[Call]:
        """One GraphQL call per entry of the operation's ``x-graphql.operations``."""
        extension = op.get("x-graphql")
        if not isinstance(extension, dict):
            return []
        at = join(join(where, "x-graphql"), "operations")
        calls = []
        for index, raw in enumerate(self.r.get_list(extension, "operations", at)):
            entry = self.r.obj(raw, join(at, index))
            query = self.r.get_text(entry, "query", join(at, index))
            if not query.strip():
                continue
            variables = self.r.get_obj(entry, "variables", join(at, index))
            samples = {
                name: spec["example"]
                for name, spec in variables.items()
                if isinstance(spec, dict) and "example" in spec
            }
            envelope = {"query": query, "variables": samples}
            if isinstance(entry.get("operationName"), str):
                envelope["operationName"] = entry["operationName"]
            name = self.r.get_text(entry, "name", join(at, index)) or f"GraphQL {index + 1}"
            plain = Call(
                name=" ".join(name.split())[:120],
                method=Method.POST,
                path=path,
                body_type=BodyType.JSON,
                body_template=orjson.dumps(envelope).decode(),
            )
            call = graphql_call(plain)
            if call is None:
                self.notes.at("GraphQL operations that do not parse were left out", join(at, index))
                continue
            data = entry.get("data")
            if isinstance(data, dict) and data:
                # A GraphQL call's structure is that of the answer's data.
                structure = schema_to_shape(data, join(join(at, index), "data"), self.resolver)
                call = call.model_copy(update={"structure": structure})
            calls.append(call)
        return calls

    def _body(self, op: dict[str, Any], where: str) -> Body:
        if "requestBody" not in op:
            return Body()
        node, at, _ = self.resolver.resolve(op["requestBody"], join(where, "requestBody"))
        content = self.r.get_obj(self.r.obj(node, at), "content", at)
        media = pick_media(content)
        if media is None:
            return Body()
        at = join(join(at, "content"), media)
        entry = self.r.obj(content[media], at)
        shape = schema_to_shape(
            entry.get("schema") or {}, join(at, "schema"), self.resolver, request=True
        )
        example = entry.get("example")
        examples = entry.get("examples")
        if example is None and isinstance(examples, dict) and examples:
            first, _, _ = self.resolver.resolve(next(iter(examples.values())), join(at, "examples"))
            example = first.get("value") if isinstance(first, dict) else None
        return body_from_shape(media, shape, example)

    def _swagger_body(self, parts: list[dict[str, Any]], op: dict[str, Any], where: str) -> Body:
        if not parts:
            return Body()
        consumes = [c for c in (op.get("consumes") or self.consumes) if isinstance(c, str)]
        body_param = next((p for p in parts if p.get("in") == "body"), None)
        if body_param is not None:
            media = pick_media(dict.fromkeys(consumes)) or "application/json"
            shape = schema_to_shape(
                body_param.get("schema") or {},
                join(where, "parameters"),
                self.resolver,
                request=True,
            )
            return body_from_shape(media, shape, None)
        files = any(p.get("type") == "file" for p in parts)
        media = (
            "multipart/form-data"
            if files or "multipart/form-data" in consumes
            else "application/x-www-form-urlencoded"
        )
        schema = {
            "type": "object",
            "properties": {
                str(p["name"]): (
                    {"type": "string", "format": "binary"}
                    if p.get("type") == "file"
                    else {
                        "example" if k == "x-example" else k: v
                        for k, v in p.items()
                        if k in ("type", "format", "example", "default", "enum", "x-example")
                    }
                )
                for p in parts
            },
            "required": [p["name"] for p in parts if p.get("required") is True],
        }
        shape = schema_to_shape(schema, where, self.resolver, request=True)
        return body_from_shape(media, shape, None)

    def _response(self, op: dict[str, Any], where: str) -> dict[str, Any]:
        """The response type and structure of the operation's success response."""
        r = self.r
        responses = r.get_obj(op, "responses", where)
        status = success_response(responses)
        if status is None:
            return {}
        at = join(join(where, "responses"), status)
        node, at, _ = self.resolver.resolve(responses[status], at)
        response = r.obj(node, at)
        if self.version == 2:
            produces = [p for p in (op.get("produces") or self.produces) if isinstance(p, str)]
            media = pick_media(dict.fromkeys(produces)) or "application/json"
            schema = response.get("schema")
            schema_at = join(at, "schema")
        else:
            content = r.get_obj(response, "content", at)
            chosen = pick_media(content)
            if chosen is None:
                return {}
            media = chosen
            entry = r.obj(content[media], join(join(at, "content"), media))
            streamed = stream_response(
                media, entry, join(join(at, "content"), media), self.resolver
            )
            if streamed is not None:
                return streamed
            schema = entry.get("schema")
            schema_at = join(join(join(at, "content"), media), "schema")
        shape = response_shape(schema, schema_at, self.resolver)
        return {
            "response_type": response_type_of(media),
            "structure": shape,
            # Kept apart from the structure, which real answers replace: the documentation
            # to compare them with (see inference.spec). Shared, not copied: structures are
            # replaced whole, never edited in place.
            "documented": shape,
        }


def import_openapi(doc: Any, source: str, base: str | None = None) -> ImportResult:
    """The APIs an OpenAPI 3.x or Swagger 2.0 document describes.

    ``base`` is the path of the document's file: references to files are
    read from its folder tree (see :mod:`.refs`).
    """
    r = Reader(source)
    with model_errors(source):
        return _Importer(r.obj(doc, "$"), source, base).run()
