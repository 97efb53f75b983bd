"""Import OpenAPI 3.0 and 3.1 and Swagger 2.0 documents (JSON or YAML) as APIs.

- Operations become calls (name: ``summary``, else ``operationId``, else
  method and path), grouped into one API per server URL; with one server
  the API is named after ``info.title``, with several after their tag or host.
- Parameters keep their placement; path-level parameters apply to every
  operation of the path; headers that every operation sends alike become the
  API's shared headers. Cookie parameters and TRACE operations are skipped
  with a note.
- Request bodies: an object of scalars becomes body parameters (nested
  objects as dotted names), anything else a JSON template from the example.
- The schema of the first success response becomes the call's structure
  (see :mod:`.schema_shape`).
- The security scheme an API's operations use becomes its authentication.

``$ref`` is followed everywhere a reference object is allowed (see :mod:`.refs`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import ImportVersionError
from ..models import Api, Auth, Call, Method, NoAuth, Parameter, Placement, UseAs
from .common import ImportResult, model_errors, tidy_api
from .openapi_parts import (
    Body,
    auth_from_scheme,
    body_from_shape,
    pick_media,
    read_parameter,
    response_shape,
    response_type_of,
    success_response,
)
from .reader import Reader, join
from .refs import Resolver
from .schema_shape import schema_to_shape

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


def _servers(node: dict[str, Any], where: str, r: Reader, inherited: str | None) -> str | None:
    servers = r.get_list(node, "servers", where)
    if not servers:
        return inherited
    return _server_url(servers[0], join(join(where, "servers"), 0), r)


def _swagger_base(doc: dict[str, Any], r: Reader) -> str:
    host = r.get_text(doc, "host", "$")
    base_path = r.get_text(doc, "basePath", "$").rstrip("/")
    schemes = [s for s in r.get_list(doc, "schemes", "$") if s in ("https", "http")]
    if not host:
        return base_path
    return f"{(schemes or ['https'])[0]}://{host}{base_path}"


class _Importer:
    def __init__(self, doc: dict[str, Any], source: str) -> None:
        self.r = Reader(source)
        self.doc = doc
        self.version = _version(doc, self.r)
        self.resolver = Resolver(doc, self.r)
        self.notes: set[str] = set()
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
        title = r.get_text(info, "title", "$.info") or "Imported API"
        root_server = _swagger_base(doc, r) if self.version == 2 else _servers(doc, "$", r, "")
        global_security = doc.get("security")
        groups: dict[str, list[tuple[Call, str | None, list[str]]]] = {}
        paths = r.get_obj(doc, "paths", "$")
        for path, raw_item in paths.items():
            where = join("$.paths", path)
            item, item_where, _ = self.resolver.resolve(raw_item, where)
            item = r.obj(item, item_where)
            shared = r.get_list(item, "parameters", item_where)
            server = (
                root_server if self.version == 2 else _servers(item, item_where, r, root_server)
            )
            if "trace" in item:
                self.notes.add("TRACE operations are not imported")
            for method in _METHODS:
                if method not in item:
                    continue
                op_where = join(item_where, method)
                op = r.obj(item[method], op_where)
                op_server = server if self.version == 2 else _servers(op, op_where, r, server)
                call = self._call(path, method, op, op_where, shared, item_where)
                security = op.get("security", global_security)
                scheme = self._scheme_name(security, join(op_where, "security"))
                tags = [t for t in r.get_list(op, "tags", op_where) if isinstance(t, str)]
                groups.setdefault(op_server or "", []).append((call, scheme, tags))
        apis = [self._api(base, items, title, len(groups)) for base, items in groups.items()]
        for api in apis:  # info.title names the API, info.description describes it
            api.description = r.get_text(info, "description", "$.info").strip()
        if not apis:
            self.notes.add("the document describes no operations")
        for base in groups:
            if base and not base.lower().startswith(("http://", "https://")):
                self.notes.add(f"server URL {base!r} is relative: set the API's full base URL")
        result = ImportResult("openapi", title, [tidy_api(api) for api in apis])
        result.notes = sorted(self.notes)
        return result

    def _scheme_name(self, security: Any, where: str) -> str | None:
        if not isinstance(security, list) or not security:
            return None
        first = security[0]
        if not isinstance(first, dict) or not first:
            return None
        name = next(iter(first))
        if name not in self.schemes:
            raise self.r.fail(
                join(where, 0), f"names security scheme {name!r}, which is not defined"
            )
        return str(name)

    def _auth(self, name: str | None) -> Auth:
        if name is None:
            return NoAuth()
        where = join(
            "$.securityDefinitions" if self.version == 2 else "$.components.securitySchemes", name
        )
        scheme, where, _ = self.resolver.resolve(self.schemes[name], where)
        return auth_from_scheme(self.r.obj(scheme, where), name, self.notes)

    def _api(
        self, base: str, items: list[tuple[Call, str | None, list[str]]], title: str, groups: int
    ) -> Api:
        name = title
        if groups > 1:
            tags = {tuple(t[:1]) for _, _, t in items}
            name = tags.pop()[0] if len(tags) == 1 and () not in tags else base or title
        schemes = Counter(s for _, s, _ in items if s is not None)
        chosen = schemes.most_common(1)[0][0] if schemes else None
        if len(schemes) > 1:
            self.notes.add(
                f"API {name!r}: operations use several security schemes; {chosen!r} applies to all"
            )
        calls = [call for call, _, _ in items]
        return Api(
            name=name,
            base_url=base,
            auth=self._auth(chosen),
            headers=_common_headers(calls),
            calls=calls,
        )

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
        name = r.get_text(op, "summary", where) or r.get_text(op, "operationId", where)
        use_as = op.get("x-use-as")
        call = Call(
            name=" ".join(name.split())[:120] or f"{method.upper()} {path}",
            description=r.get_text(op, "description", where),
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
            **self._response(op, where),
        )
        return call

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
        shape = schema_to_shape(entry.get("schema") or {}, join(at, "schema"), self.resolver)
        return body_from_shape(media, shape, entry.get("example"))

    def _swagger_body(self, parts: list[dict[str, Any]], op: dict[str, Any], where: str) -> Body:
        if not parts:
            return Body()
        consumes = [c for c in (op.get("consumes") or self.consumes) if isinstance(c, str)]
        body_param = next((p for p in parts if p.get("in") == "body"), None)
        if body_param is not None:
            media = pick_media(dict.fromkeys(consumes)) or "application/json"
            shape = schema_to_shape(
                body_param.get("schema") or {}, join(where, "parameters"), self.resolver
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
                str(p["name"]): {
                    k: v for k, v in p.items() if k in ("type", "format", "example", "default")
                }
                for p in parts
            },
            "required": [p["name"] for p in parts if p.get("required") is True],
        }
        return body_from_shape(media, schema_to_shape(schema, where, self.resolver), None)

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
            schema = entry.get("schema")
            schema_at = join(join(join(at, "content"), media), "schema")
        return {
            "response_type": response_type_of(media),
            "structure": response_shape(schema, schema_at, self.resolver),
        }


def _common_headers(calls: list[Call]) -> list[Parameter]:
    """Headers every call sends with the same value: moved to the API."""
    if len(calls) < 2:
        return []

    def headers(call: Call) -> set[tuple[str, str, bool]]:
        return {
            (p.name.lower(), p.value, p.optional)
            for p in call.parameters
            if p.placement is Placement.HEADER and not p.private
        }

    common = set.intersection(*(headers(c) for c in calls))
    if not common:
        return []
    shared = [
        p
        for p in calls[0].parameters
        if (p.name.lower(), p.value, p.optional) in common and p.placement is Placement.HEADER
    ]
    for call in calls:
        call.parameters = [
            p
            for p in call.parameters
            if not (
                p.placement is Placement.HEADER and (p.name.lower(), p.value, p.optional) in common
            )
        ]
    return shared


def import_openapi(doc: Any, source: str) -> ImportResult:
    """The APIs an OpenAPI 3.x or Swagger 2.0 document describes."""
    r = Reader(source)
    with model_errors(source):
        return _Importer(r.obj(doc, "$"), source).run()
