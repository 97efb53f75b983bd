"""Benchmark: importing large and tangled OpenAPI documents: time, peak memory, output.

Three kinds of generated documents, each imported the way the CLI does it
(read, parse, convert, merge into a workspace, serialize it) in a fresh
process, so the peak resident memory of each import is its own:

- *catalog*: thousands of operations over shared component schemas
  (``allOf``, a recursive schema, paginated lists), as JSON and as YAML;
- *vendor*: a 4 MB, 400-operation payments-vendor-shaped document (see
  :func:`tests.helpers.openapi_docs.vendor`): thousands of schemas,
  expandable ``anyOf`` fields, nested ``allOf``, reference cycles, ten
  responses per operation. Targets: at most 5 s and 500 MB;
- *fan-out*: S0 refers to S1 twice, S1 to S2 twice… for 18 to 40 levels;
  fully expanded it would have 2^levels nodes. Target: 40 levels in 2 s,
  with a small workspace that loads again.

Ratios are printed side by side, measured in the same run: the import
against parsing the same bytes alone (what no importer can beat), and each
fan-out depth against the 18-level one (flat means no blow-up).

Usage: python tests/perf/bench_openapi_import.py [--resources 750] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import yaml  # noqa: E402

from designer.core.interop.service import merge_import, read_import  # noqa: E402
from designer.core.interop.source import parse_document, read_source  # noqa: E402
from designer.core.workspace import file as workspace_file  # noqa: E402
from tests.helpers.openapi_docs import fan_out, vendor  # noqa: E402


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


def _measure(path: str, parse_only: bool) -> dict[str, Any]:
    """Run in a child process: one import (or one parse) of ``path``; time and peak memory."""
    start = time.perf_counter()
    data = read_source(path)
    if parse_only:
        parse_document(data, path)
        out, calls, reload = b"", 0, 0.0
    else:
        imported = read_import(data, path, base=path)
        merged = merge_import(None, imported)
        out = workspace_file.dumps(merged.outcome.workspace)
        calls = sum(len(a.calls) for a in merged.outcome.workspace.apis)
    elapsed = time.perf_counter() - start
    if out:
        again = time.perf_counter()
        workspace_file.loads(out)
        reload = time.perf_counter() - again
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"time": elapsed, "peak": peak, "calls": calls, "out": len(out), "reload": reload}


def _run(path: Path, rounds: int, parse_only: bool = False) -> dict[str, Any]:
    """The median time of ``rounds`` fresh processes, with the largest peak memory."""
    runs = []
    for _ in range(rounds):
        code = (
            "import json, sys; sys.path.insert(0, sys.argv[1]);"
            "from tests.perf.bench_openapi_import import _measure;"
            "print(json.dumps(_measure(sys.argv[2], sys.argv[3] == '1')))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(ROOT), str(path), "1" if parse_only else "0"],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    result = dict(runs[0])
    result["time"] = statistics.median(r["time"] for r in runs)
    result["reload"] = statistics.median(r["reload"] for r in runs)
    result["peak"] = max(r["peak"] for r in runs)
    return result


def _line(label: str, path: Path, rounds: int) -> dict[str, Any]:
    size = path.stat().st_size / (1 << 20)
    full = _run(path, rounds)
    parse = _run(path, rounds, parse_only=True)
    print(
        f"{label:>22}: {size:5.2f} MB, {full['calls']:5d} calls: import {full['time']:6.2f} s, "
        f"peak {full['peak'] / (1 << 20):6.0f} MB | parse alone {parse['time']:5.2f} s, "
        f"{parse['peak'] / (1 << 20):4.0f} MB | ratio {full['time'] / parse['time']:5.1f}x time, "
        f"{full['peak'] / parse['peak']:4.1f}x memory | workspace {full['out'] / 1024:7.0f} KB, "
        f"loads again in {full['reload']:.2f} s"
    )
    return full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=750)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / "catalog.json"
        yaml_path = Path(folder) / "catalog.yaml"
        spec = generate(args.resources)
        json_path.write_bytes(orjson.dumps(spec, option=orjson.OPT_INDENT_2))
        yaml_path.write_text(yaml.safe_dump(spec, sort_keys=False))
        _line("catalog (JSON)", json_path, args.rounds)
        _line("catalog (YAML)", yaml_path, args.rounds)
        vendor_path = Path(folder) / "vendor.json"
        vendor_path.write_bytes(orjson.dumps(vendor(400)))
        figures = _line("vendor, 400 operations", vendor_path, args.rounds)
        verdict = "ok" if figures["time"] <= 5 and figures["peak"] <= 500 * (1 << 20) else "MISSED"
        print(f"{'':>22}  target <= 5 s and <= 500 MB: {verdict}")
        first = None
        for levels in (18, 24, 30, 40):
            path = Path(folder) / f"fan-out-{levels}.json"
            path.write_bytes(orjson.dumps(fan_out(levels)))
            figures = _line(f"fan-out, {levels} levels", path, args.rounds)
            first = first or figures
            print(
                f"{'':>22}  vs 18 levels: {figures['time'] / first['time']:.2f}x time, "
                f"{figures['out'] / first['out']:.2f}x workspace; full expansion would be "
                f"{2**levels:,} nodes"
            )
        print(f"{'':>22}  target 40 levels <= 2 s: {'ok' if figures['time'] <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
