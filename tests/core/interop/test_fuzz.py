"""Property-based tests: whatever a document holds, importers raise only our errors.

Documents are generated as arbitrary JSON, and as mutations of the real
fixtures (a value replaced by something of another type), which reach much
deeper into each importer than random data does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core.errors import DesignerError
from designer.core.inference import walk
from designer.core.interop.bundle import checksum, export_bundle
from designer.core.interop.common import ImportResult
from designer.core.interop.har import import_har
from designer.core.interop.insomnia.v4 import import_insomnia
from designer.core.interop.openapi.importer import import_openapi
from designer.core.interop.openapi.schema_shape import MAX_NODES
from designer.core.interop.postman.importer import import_postman
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import parse_document, read_document
from tests.core.interop.conftest import DATA, rich_workspace

Importer = Callable[[Any, str], object]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _multifile(doc: Any, source: str) -> object:
    """The multi-file fixture's root, its references read from its folder."""
    return import_openapi(doc, source, str(DATA / "multifile" / "openapi.yaml"))


def _capture_sample() -> Any:
    """The browser capture cut to a few entries of each kind, so mutations stay quick."""
    doc = read_document(DATA / "browser-capture.har")
    entries = doc["log"]["entries"]
    doc["log"]["entries"] = entries[:3] + entries[150:153] + entries[-10:]
    return doc


FIXTURES: dict[str, tuple[Importer, Any]] = {
    "openapi-3.0": (import_openapi, read_document(DATA / "petstore-3.0.yaml")),
    "openapi-3.1-store": (import_openapi, read_document(DATA / "store-3.1.yaml")),
    "openapi-fan-out": (import_openapi, read_document(DATA / "fan-out-40.json")),
    "openapi-multifile": (_multifile, read_document(DATA / "multifile" / "openapi.yaml")),
    "swagger-messaging": (import_openapi, read_document(DATA / "messaging-swagger-2.0.json")),
    "openapi-3.1": (import_openapi, read_document(DATA / "catalog-3.1.json")),
    "swagger-2.0": (import_openapi, read_document(DATA / "weather-swagger-2.0.json")),
    "postman": (import_postman, read_document(DATA / "helpdesk.postman_collection.json")),
    "har": (import_har, read_document(DATA / "demo-server.har")),
    "insomnia": (import_insomnia, read_document(DATA / "notes.insomnia.json")),
    "postman-quirks": (import_postman, read_document(DATA / "social.postman_collection.json")),
    "insomnia-flow-yaml": (import_insomnia, read_document(DATA / "shop.insomnia.yaml")),
    "har-browser": (import_har, _capture_sample()),
}


def _paths(doc: Any) -> list[list[Any]]:
    """Every path to a value in ``doc`` (iteratively)."""
    found: list[list[Any]] = []
    stack: list[tuple[list[Any], Any]] = [([], doc)]
    while stack:
        path, node = stack.pop()
        found.append(path)
        if isinstance(node, dict):
            stack += [([*path, k], v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [([*path, i], v) for i, v in enumerate(node)]
    return found


def _replace(doc: Any, path: list[Any], value: Any) -> Any:
    if not path:
        return value
    changed = copy.deepcopy(doc)
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


def _one_line_or_none(action: Callable[[], object]) -> object:
    """What ``action`` returns, or None if it raised one of our one-line errors."""
    message = ""
    try:
        return action()
    except DesignerError as exc:
        message = str(exc)
    assert "\n" not in message
    return None


def _only_our_errors(importer: Importer, doc: Any) -> None:
    result = _one_line_or_none(lambda: importer(doc, "fuzz.json"))
    if result is None:
        return
    # Whatever was imported must merge into a sound workspace, or fail cleanly.
    from designer.core.interop.service import Imported

    try:
        merge_import(None, Imported("x", result))  # type: ignore[arg-type]
    except DesignerError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FIXTURES)), data=st.data())
def test_mutated_fixtures(name: str, data: st.DataObject) -> None:
    importer, doc = FIXTURES[name]
    paths = _paths(doc)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        doc = _replace(doc, path, data.draw(json_values))
        paths = _paths(doc)
    _only_our_errors(importer, doc)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(FIXTURES)), doc=json_values)
def test_arbitrary_documents(name: str, doc: Any) -> None:
    _only_our_errors(FIXTURES[name][0], doc)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data: bytes) -> None:
    _one_line_or_none(lambda: parse_document(data, "fuzz"))


def _schemas(count: int) -> st.SearchStrategy[Any]:
    """Schemas as vendors write them, referring to any of ``count`` components (cycles too)."""
    ref = st.integers(0, count - 1).map(lambda i: {"$ref": f"#/components/schemas/S{i}"})
    leaf = (
        ref
        | st.sampled_from(["string", "integer", "number", "boolean", "null"]).map(
            lambda t: {"type": t}
        )
        | st.lists(st.sampled_from(["string", "integer", "null"]), min_size=1, max_size=3).map(
            lambda ts: {"type": ts}
        )
        | st.just({"type": "string", "format": "binary"})
        | st.just({"enum": ["a", "b"]})
    )
    return st.recursive(
        leaf,
        lambda inner: (
            st.dictionaries(st.sampled_from("abcdef"), inner, max_size=4).map(
                lambda props: {"type": "object", "properties": props, "required": ["a"]}
            )
            | inner.map(lambda i: {"type": "array", "items": i})
            | st.lists(inner, min_size=1, max_size=3).map(lambda t: {"type": "array", "items": t})
            | st.lists(inner, min_size=1, max_size=3).map(lambda t: {"prefixItems": t})
            | st.tuples(
                st.sampled_from(["allOf", "anyOf", "oneOf"]), st.lists(inner, max_size=3)
            ).map(lambda kv: {kv[0]: kv[1], "nullable": True, "x-note": 1})
        ),
        max_leaves=12,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), count=st.integers(1, 6))
def test_generated_schema_graphs_stay_bounded(data: st.DataObject, count: int) -> None:
    """Any graph of schemas (shared, fanning out, cyclic) imports to bounded structures."""
    schemas = {f"S{i}": data.draw(_schemas(count)) for i in range(count)}
    media = {"application/json": {"schema": {"$ref": "#/components/schemas/S0"}}}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "G", "version": "1"},
        "paths": {
            "/g": {
                "post": {
                    "requestBody": {"content": media},
                    "responses": {"200": {"description": "ok", "content": media}},
                }
            }
        },
        "components": {"schemas": schemas},
    }
    result = _one_line_or_none(lambda: import_openapi(doc, "graph.json"))
    if result is None:
        return
    assert isinstance(result, ImportResult)
    for api in result.apis:
        for call in api.calls:
            if call.structure is not None:
                assert len(list(walk(call.structure))) <= MAX_NODES + 1
    _only_our_errors(import_openapi, doc)


BUNDLE = orjson.loads(export_bundle(rich_workspace()))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_mutated_bundles(data: st.DataObject) -> None:
    doc = BUNDLE
    path = data.draw(st.sampled_from(_paths(doc["content"])))
    content = _replace(doc["content"], path, data.draw(json_values))
    changed = {**doc, "content": content, "checksum": checksum(content)}
    _one_line_or_none(lambda: read_import(orjson.dumps(changed), "fuzz.bundle"))


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(["postman-quirks", "insomnia-flow-yaml"]), data=st.data())
def test_variables_anywhere(name: str, data: st.DataObject) -> None:
    """Text with {{variables}}, {% tags %}, braces and colons in any string of a document."""
    importer, doc = FIXTURES[name]
    strings = [p for p in _paths(doc) if p and isinstance(_get(doc, p), str)]
    text = st.text(alphabet=st.sampled_from(list("{}%:/?&=_. ax")), max_size=16)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(strings))
        doc = _replace(doc, path, data.draw(text))
    _only_our_errors(importer, doc)


def _get(doc: Any, path: list[Any]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


@settings(max_examples=80, deadline=None)
@given(value=json_values)
def test_json_bodies_become_parameters_or_stay_templates(value: Any) -> None:
    from designer.core.interop.collection.values import json_body_parameters

    text = orjson.dumps(value).decode()
    found = json_body_parameters(text)
    if found is None:
        return
    assert isinstance(value, dict)
    names = [p.name for p in found]
    assert len(names) == len(set(names))  # each leaf once, so the body nests back
    for parameter in found:
        assert parameter.placement.value == "body"


@settings(max_examples=40, deadline=None)
@given(doc=json_values)
def test_flow_style_yaml_reads_like_the_json(doc: Any) -> None:
    """Whatever a document holds, its flow-style YAML dump reads back as the same data."""
    import yaml

    if not isinstance(doc, dict):
        return
    text = yaml.safe_dump(doc, default_flow_style=True)
    if not text.lstrip().startswith("{"):
        return
    parsed = _one_line_or_none(lambda: parse_document(text.encode(), "flow.yaml"))
    if parsed is not None:
        assert parsed == doc
