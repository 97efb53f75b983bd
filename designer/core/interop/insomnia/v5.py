"""Import Insomnia v5 files: collections, design documents and environment files.

Current Insomnia (11 and later) saves YAML with ``type:
collection.insomnia.rest/5.0`` (or ``spec.insomnia.rest/5.0`` for a design
document, ``environment.insomnia.rest/5.0`` for an environment file) and
``schema_version: "5.x"``. Requests sit in a tree under ``collection:``; a
folder is an item with ``children:``. ``environments:`` is the base
environment with its ``subEnvironments``.

The tree is read into the resources of a v4 export, the same way Insomnia
itself reads v5, and imported by :mod:`.insomnia`: the same variables
(``{{ _.base_url }}``), folders, authentication, GraphQL bodies and
environments. What v5 adds is read here:

- a folder's headers, which its requests inherit (a request's own header of
  the same name wins);
- a design document's embedded OpenAPI description (``spec.contents``),
  imported as OpenAPI, next to the document's requests;
- an environment file on its own holds no requests: it is refused with the
  way to use it (import it together with a collection, see
  :func:`import_insomnia_v5`'s ``environments``).

Mock servers (``mock.insomnia.rest``) and MCP clients are not APIs to call
and are refused. gRPC, WebSocket and Socket.IO requests, scripts and a design
document's unit tests are counted in a note; the cookie jar (cookies of past
responses, which may be sessions) is not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from designer.core.errors import ImportFormatError, ImportVersionError
from designer.core.interop.common import ImportResult
from designer.core.interop.insomnia.v4 import import_resources
from designer.core.interop.reader import Reader, join
from designer.core.models import unique_name

__all__ = ["V5_TYPES", "import_insomnia_v5", "is_insomnia_v5"]

COLLECTION = "collection.insomnia.rest/5.0"
SPEC = "spec.insomnia.rest/5.0"
ENVIRONMENT = "environment.insomnia.rest/5.0"
#: The v5 file types this importer reads.
V5_TYPES = (COLLECTION, SPEC, ENVIRONMENT)
_MAX_DEPTH = 50


def is_insomnia_v5(doc: Any) -> bool:
    """Whether ``doc`` is an Insomnia v5 file (of any type, read or refused here)."""
    kind = doc.get("type") if isinstance(doc, dict) else None
    return isinstance(kind, str) and ".insomnia" in kind and "/5" in kind


def _sorted(items: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    """Items in Insomnia's order (``meta.sortKey``), when every one of them has a key."""
    keys = []
    for item, _ in items:
        meta = item.get("meta")
        key = meta.get("sortKey") if isinstance(meta, dict) else None
        if not isinstance(key, int | float) or isinstance(key, bool):
            return items
        keys.append(key)
    order = sorted(range(len(items)), key=keys.__getitem__)
    return [items[i] for i in order]


class _Tree:
    """The v5 tree as v4 resources, each with its place in the v5 file."""

    def __init__(self, top: dict[str, Any], r: Reader) -> None:
        self.top, self.r = top, r

    def resources(self) -> Iterator[tuple[Any, str]]:
        r, top = self.r, self.top
        yield {"_type": "workspace", "_id": "wrk", "name": r.get_text(top, "name", "$")}, "$"
        yield from self.environments(top, "$")
        yield from self.children(r.get_list(top, "collection", "$"), "$.collection", "wrk", [], 0)
        for index, value in enumerate(r.get_list(top, "testSuites", "$")):
            where = join("$.testSuites", index)
            suite = r.obj(value, where)
            yield {"_type": "unit_test_suite", "_id": where}, where
            for test in range(len(r.get_list(suite, "tests", where))):
                test_where = join(join(where, "tests"), test)
                yield {"_type": "unit_test", "_id": test_where}, test_where

    def environments(self, top: dict[str, Any], where: str) -> Iterator[tuple[Any, str]]:
        r = self.r
        if top.get("environments") is None:
            return
        where = join(where, "environments")
        base = r.obj(top["environments"], where)
        data = r.get_obj(base, "data", where)
        yield {"_type": "environment", "_id": "env", "parentId": "wrk", "data": data}, where
        subs = r.get_list(base, "subEnvironments", where)
        for index, value in enumerate(subs):
            sub_where = join(join(where, "subEnvironments"), index)
            sub = r.obj(value, sub_where)
            yield (
                {
                    "_type": "environment",
                    "_id": f"env:{index}",
                    "parentId": "env",
                    "name": r.get_text(sub, "name", sub_where) or f"Environment {index + 1}",
                    "data": r.get_obj(sub, "data", sub_where),
                },
                sub_where,
            )

    def children(
        self,
        values: list[Any],
        where: str,
        parent: str,
        headers: list[dict[str, Any]],
        depth: int,
    ) -> Iterator[tuple[Any, str]]:
        r = self.r
        if depth > _MAX_DEPTH:
            raise r.fail(where, f"folders nest more than {_MAX_DEPTH} levels deep")
        items = [(r.obj(v, join(where, i)), join(where, i)) for i, v in enumerate(values)]
        for item, item_where in _sorted(items):
            scripts = item.get("scripts")
            if isinstance(scripts, dict) and any(
                isinstance(v, str) and v.strip() for v in scripts.values()
            ):
                yield {"_type": "script", "_id": f"{item_where}.scripts"}, item_where
            meta = r.get_obj(item, "meta", item_where)
            description = r.get_text(meta, "description", join(item_where, "meta"))
            own = item_where  # unique, unlike meta.id, which copies may share
            if "children" in item:
                inherited = [*headers, *self.headers(item, item_where)]
                yield (
                    {
                        **item,
                        "_type": "request_group",
                        "_id": own,
                        "parentId": parent,
                        "description": description,
                    },
                    item_where,
                )
                kids = r.get_list(item, "children", item_where)
                yield from self.children(
                    kids, join(item_where, "children"), own, inherited, depth + 1
                )
            elif "reflectionApi" in item or "protoMethodName" in item:
                yield {"_type": "grpc_request", "_id": own}, item_where
            elif "method" not in item:
                socket_io = str(meta.get("id", "")).startswith("socketio-req")
                other = "socketio_request" if socket_io else "websocket_request"
                yield {"_type": other, "_id": own}, item_where
            else:
                request = {
                    **item,
                    "_type": "request",
                    "_id": own,
                    "parentId": parent,
                    "description": description,
                }
                if headers:
                    mine = self.headers(item, item_where)
                    names = {str(h.get("name", "")).lower() for h in mine}
                    inherited = [h for h in headers if str(h.get("name", "")).lower() not in names]
                    request["headers"] = [*inherited, *mine]
                yield request, item_where

    def headers(self, item: dict[str, Any], where: str) -> list[dict[str, Any]]:
        """``item``'s headers, each checked where it stands."""
        r = self.r
        found = []
        for index, value in enumerate(r.get_list(item, "headers", where)):
            entry_where = join(join(where, "headers"), index)
            entry = r.obj(value, entry_where)
            r.get_text(entry, "name", entry_where)
            r.get_text(entry, "value", entry_where)
            found.append(entry)
        return found


def _spec(top: dict[str, Any], r: Reader, source: str, base: str | None) -> ImportResult | None:
    """The design document's embedded OpenAPI description, imported as OpenAPI."""
    spec = r.get_obj(top, "spec", "$")
    contents = spec.get("contents")
    if isinstance(contents, str) and contents.strip():
        from designer.core.interop.source import parse_document

        contents = parse_document(contents.encode(), f"{source} ($.spec.contents)")
    if not contents:
        return None
    document = r.obj(contents, "$.spec.contents")
    if "openapi" not in document and "swagger" not in document:
        raise r.fail(
            "$.spec.contents",
            "the design document holds no OpenAPI or Swagger description (no 'openapi' key)",
        )
    from designer.core.interop.openapi.importer import import_openapi

    return import_openapi(document, source, base)


def import_insomnia_v5(
    doc: Any,
    source: str,
    base: str | None = None,
    environments: Sequence[tuple[Any, str]] = (),
) -> ImportResult:
    """The APIs of an Insomnia v5 collection or design document.

    ``environments`` are environment files (parsed, with their names) whose
    sub-environments are added to the file's own; their base variables fill in
    what the file's base environment leaves undefined.
    """
    r = Reader(source)
    top = r.obj(doc, "$")
    kind = r.get_text(top, "type", "$")
    if kind == ENVIRONMENT:
        raise ImportFormatError(
            f"{source}: $.type: this is an Insomnia environment file: it holds variables, "
            f"no requests; import the collection or design document that uses it"
        )
    if kind not in (COLLECTION, SPEC):
        what = kind.split(".", 1)[0] or "unknown"
        raise ImportVersionError(
            f"{source}: $.type: Insomnia {what} files ({kind!r}) are not imported: only "
            f"collections and design documents hold requests to call"
        )
    tree = _Tree(top, r)
    resources = list(tree.resources())
    own = top.get("environments")
    defined = own.get("data") if isinstance(own, dict) else None
    for env_doc, env_source in environments:
        extra = _extra_environments(env_doc, env_source, set(defined or ()))
        resources.extend(extra)
    has_requests = any(res.get("_type") == "request" for res, _ in resources)
    spec = _spec(top, r, source, base) if kind == SPEC else None
    result = (
        import_resources(resources, source)
        if has_requests or spec is None
        else ImportResult("insomnia", r.get_text(top, "name", "$") or "Insomnia", [])
    )
    if spec is not None:
        for api in spec.apis:
            api.name = unique_name(api.name, [a.name for a in result.apis])
        result.apis[:0] = spec.apis
        result.secrets.update(spec.secrets)
        result.notes[:0] = spec.notes
    if not result.apis:
        raise ImportFormatError(f"{source}: $.collection: the collection holds no requests")
    return result


def _extra_environments(doc: Any, source: str, defined: set[str]) -> Iterator[tuple[Any, str]]:
    """An environment file's environments, as resources that follow the collection's own.

    Its base variables fill in those the collection's base environment does not
    define (the collection's own win, as in Insomnia).
    """
    r = Reader(source)
    top = r.obj(doc, "$")
    if top.get("type") != ENVIRONMENT:
        raise ImportFormatError(f"{source}: $.type: not an Insomnia environment file")
    for resource, where in _Tree(top, r).environments(top, "$"):
        # Its base joins the collection's base; its sub-environments stay its own.
        parent = resource["parentId"]
        if parent != "env":
            data = resource["data"]
            resource = {**resource, "data": {k: v for k, v in data.items() if k not in defined}}
        resource = {
            **resource,
            "_id": f"{source}:{resource['_id']}",
            "parentId": f"{source}:{parent}" if parent == "env" else parent,
        }
        yield resource, where
