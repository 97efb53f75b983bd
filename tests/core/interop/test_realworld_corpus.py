"""The public corpus, imported as a new user would: every document whole, and back out valid.

``../shared/corpus/realworld/`` (beside the checkout) holds documents exactly as vendors
publish them (see its README). Each is imported the way the command line does it; the
number of calls is checked against a count taken from the document itself, every call must
have what the document gives it, and the workspace is exported back to OpenAPI (validated)
and to Postman (validated against the collection schema, and imported again whole).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import openapi_spec_validator
import orjson
import pytest
import yaml
from openapi_spec_validator import validate

from designer.core.interop.openapi.exporter import ALTERNATIVES, export_openapi
from designer.core.interop.postman.exporter import export_postman
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import read_source

CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus" / "realworld"
POSTMAN_SCHEMA = orjson.loads(
    (Path(__file__).parents[2] / "data/postman/collection-v2.1.0.schema.json").read_bytes()
)
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def _load(path: Path) -> Any:
    text = path.read_bytes()
    return orjson.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _openapi_operations(path: Path) -> int:
    """Operations of every path item, path items read from their files when referenced."""
    doc = _load(path)
    count = 0
    for key, item in doc["paths"].items():
        if key.startswith("x-"):
            continue
        if "$ref" in item:
            item = _load(path.parent / item["$ref"].split("#")[0])
        count += sum(1 for method in _METHODS if method in item)
    return count


def _postman_requests(path: Path) -> int:
    stack, count = [_load(path)], 0
    while stack:
        node = stack.pop()
        if "item" in node:
            stack.extend(node["item"])
        elif "request" in node:
            count += 1
    return count


def _har_calls(path: Path) -> int:
    """Distinct method and URL path of the http(s) entries (everything kept)."""
    seen = set()
    for entry in _load(path)["log"]["entries"]:
        request = entry["request"]
        parts = urlsplit(request["url"])
        if parts.scheme in ("http", "https") and parts.hostname:
            seen.add((request["method"].upper(), f"{parts.scheme}://{parts.netloc}{parts.path}"))
    return len(seen)


def _insomnia_requests(path: Path) -> int:
    return sum(1 for r in _load(path)["resources"] if r["_type"] == "request")


DOCUMENTS: list[tuple[str, Callable[[Path], int]]] = [
    ("stripe-spec3.json", _openapi_operations),
    ("slack_web_openapi_v2.json", _openapi_operations),
    ("twilio_api_v2010.json", _openapi_operations),
    ("digitalocean/DigitalOcean-public.v2.yaml", _openapi_operations),
    ("swagger_petstore3.yaml", _openapi_operations),
    ("v3.0_petstore-expanded.yaml", _openapi_operations),
    ("nyt_books_api.yaml", _openapi_operations),
    ("twitter_api_v2.postman_collection.json", _postman_requests),
    ("realworld_Conduit.postman_collection.json", _postman_requests),
    ("pagexray_www.nytimes.com.har", _har_calls),
    ("insomnia_v4.yaml", _insomnia_requests),
]


def _exported_operations(doc: dict[str, Any]) -> int:
    count = 0
    for item in doc["paths"].values():
        for key, op in item.items():
            if key in _METHODS:
                graphql = op.get("x-graphql", {}).get("operations", [])
                count += max(len(graphql), 1) + len(op.get(ALTERNATIVES, []))
            elif key == "x-additionalOperations":
                count += len(op)
    return count


#: Above this size, openapi-spec-validator takes a minute (it checks every schema against
#: the 2020-12 dialect through $dynamicRef): the OpenAPI 3.1 schema and the rules it adds
#: on top (unique operation ids, declared path parameters) are checked instead.
FULL_VALIDATION_LIMIT = 1_000_000
OAS_31 = orjson.loads(
    (
        Path(openapi_spec_validator.__file__).parent / "resources/schemas/v3.1/schema.json"
    ).read_bytes()
)


def _validate_openapi(doc: dict[str, Any]) -> None:
    if len(orjson.dumps(doc)) <= FULL_VALIDATION_LIMIT:
        validate(doc)
        return
    validator = jsonschema.validators.validator_for(OAS_31)(OAS_31)
    errors = list(validator.iter_errors(doc))
    assert errors == [], errors[0].message
    ids = []
    for path, item in doc["paths"].items():
        shared = {p["name"] for p in item.get("parameters", []) if p.get("in") == "path"}
        for method in _METHODS:
            if method not in item:
                continue
            op = item[method]
            ids.append(op.get("operationId"))
            declared = shared | {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert set(re.findall(r"\{([^{}]+)\}", path)) <= declared, (path, method)
    named = [i for i in ids if i is not None]
    assert len(named) == len(set(named))


@pytest.mark.parametrize(("name", "count"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_corpus_document_imports_whole_and_exports_valid(
    name: str, count: Callable[[Path], int]
) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"the public corpus is not at {CORPUS} (shared/ beside the checkout)")
    expected = count(path)
    imported = read_import(read_source(path), str(path), base=str(path), keep_static=True)
    ws = merge_import(None, imported).outcome.workspace
    calls = [call for api in ws.apis for call in api.calls]
    assert len(calls) == expected
    assert expected > 0
    # One note per kind of remark, never one per occurrence.
    assert len(imported.result.notes) <= 25, imported.result.notes
    if count is _openapi_operations:  # names a person would write, not paragraphs
        assert all(len(call.name) <= 80 for call in calls)

    openapi = orjson.loads(orjson.dumps(export_openapi(ws, ws.apis)))
    _validate_openapi(openapi)
    assert _exported_operations(openapi) == expected

    collection = export_postman(ws, ws.apis)
    jsonschema.validate(collection, POSTMAN_SCHEMA)
    again = read_import(orjson.dumps(collection), "exported.postman_collection.json")
    assert sum(len(api.calls) for api in again.result.apis) == expected


def test_the_corpus_is_complete_when_present() -> None:
    if not CORPUS.exists():
        pytest.skip(f"the public corpus is not at {CORPUS} (shared/ beside the checkout)")
    listed = {p.name for p in CORPUS.iterdir()}
    assert {name.split("/")[0] for name, _ in DOCUMENTS} == listed
