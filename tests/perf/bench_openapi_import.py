"""Benchmark: importing a large OpenAPI document (thousands of operations, several MB).

Generates an OpenAPI 3.0 document shaped like big real-world specifications
(many resources, shared component schemas referring to each other through
``$ref``, ``allOf`` compositions, a recursive schema, request bodies and
paginated list responses), writes it as JSON and as YAML, and times the
whole import as the CLI runs it: read, parse, convert, merge into a
workspace and serialize it. The target is a few seconds.

Usage: python tests/perf/bench_openapi_import.py [--resources 750] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import yaml  # noqa: E402

from designer.core import workspace_file  # noqa: E402
from designer.core.interop.service import merge_import, read_import  # noqa: E402
from designer.core.interop.source import read_source  # noqa: E402


def _schemas(resources: int) -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Money": {
            "type": "object",
            "required": ["amount", "currency"],
            "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}},
        },
        "Audit": {
            "type": "object",
            "properties": {
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time", "nullable": True},
                "created_by": {"type": "string", "format": "email"},
            },
        },
        "Node": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        },
    }
    for r in range(resources):
        schemas[f"Resource{r}"] = {
            "allOf": [
                {"$ref": "#/components/schemas/Audit"},
                {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "name": {"type": "string", "example": f"resource {r}"},
                        "price": {"$ref": "#/components/schemas/Money"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "parent": {"$ref": f"#/components/schemas/Resource{max(r - 1, 0)}Ref"},
                        "tree": {"$ref": "#/components/schemas/Node"},
                        "status": {"type": "string", "enum": ["active", "archived"]},
                        "attributes": {
                            "type": "object",
                            "properties": {f"attr{i}": {"type": "string"} for i in range(12)},
                        },
                    },
                },
            ]
        }
        schemas[f"Resource{r}Ref"] = {
            "type": "object",
            "properties": {"id": {"type": "string"}, "href": {"type": "string", "format": "uri"}},
        }
    return schemas


def _paths(resources: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for r in range(resources):
        ref = {"$ref": f"#/components/schemas/Resource{r}"}
        page = {
            "type": "object",
            "required": ["data", "has_more"],
            "properties": {
                "data": {"type": "array", "items": ref},
                "has_more": {"type": "boolean"},
            },
        }

        def ok(schema: Any) -> dict[str, Any]:
            return {
                "200": {"description": "OK", "content": {"application/json": {"schema": schema}}}
            }

        paths[f"/resources{r}"] = {
            "get": {
                "operationId": f"list{r}",
                "summary": f"List resources {r}",
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": ok(page),
            },
            "post": {
                "operationId": f"create{r}",
                "summary": f"Create a resource {r}",
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": ok(ref),
            },
        }
        paths[f"/resources{r}/{{id}}"] = {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": f"get{r}",
                "summary": f"Get a resource {r}",
                "responses": ok(ref),
            },
            "delete": {
                "operationId": f"delete{r}",
                "summary": f"Delete a resource {r}",
                "responses": {"204": {"description": "Deleted"}},
            },
        }
    return paths


def generate(resources: int) -> dict[str, Any]:
    """A spec with ``4 * resources`` operations."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Big Platform", "version": "2026.1"},
        "servers": [{"url": "https://api.big.example/v3"}],
        "security": [{"token": []}],
        "paths": _paths(resources),
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "default": 50},
                }
            },
            "schemas": _schemas(resources),
        },
    }


def _time_import(path: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    imported = read_import(read_source(path), str(path))
    merged = merge_import(None, imported)
    data = workspace_file.dumps(merged.outcome.workspace)
    elapsed = time.perf_counter() - start
    calls = sum(len(a.calls) for a in merged.outcome.workspace.apis)
    return elapsed, calls, len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=750)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    spec = generate(args.resources)
    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / "big.json"
        yaml_path = Path(folder) / "big.yaml"
        json_path.write_bytes(orjson.dumps(spec, option=orjson.OPT_INDENT_2))
        yaml_path.write_text(yaml.safe_dump(spec, sort_keys=False))
        for path in (json_path, yaml_path):
            size = path.stat().st_size / (1 << 20)
            runs = [_time_import(path) for _ in range(args.rounds)]
            elapsed = statistics.median(r[0] for r in runs)
            _, calls, out = runs[0]
            print(
                f"{path.suffix[1:]:>4}: {size:5.1f} MB, {calls} operations -> "
                f"{out / (1 << 20):.1f} MB workspace in {elapsed:.2f} s (median of {args.rounds})"
            )


if __name__ == "__main__":
    main()
