"""Benchmark: checking a GraphQL query against a large schema, as the editor does per keystroke.

The GraphQL tab checks the query on every edit. A schema is built from its SDL
once and cached by its text; what is paid per keystroke is parsing and
validating the query. This measures, side by side on one synthetic schema of
N object types (each with 12 fields, a few taking arguments; about the size of
a large public API's schema): building the schema from SDL (paid once), a
syntax-only check (no schema loaded), and a full check against the cached
schema, for a query selecting 40 fields three levels deep.

Usage: python tests/perf/bench_graphql_check.py [--types 1500] [--rounds 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from designer.core.gql import schema as gql_schema  # noqa: E402


def synthetic_sdl(types: int) -> str:
    parts = []
    for t in range(types):
        nxt = (t + 1) % types
        fields = [f"  f{i}: String" for i in range(8)]
        fields += [f"  n{i}(first: Int, after: String): T{nxt}" for i in range(3)]
        fields.append("  id: ID!")
        parts.append(f"type T{t} {{\n" + "\n".join(fields) + "\n}")
    parts.append("type Query {\n  root(id: ID!): T0\n}")
    return "\n\n".join(parts) + "\n"


QUERY = """query Deep($id: ID!) {
  root(id: $id) {
    id f0 f1 f2 f3 f4 f5 f6 f7
    n0(first: 5) { id f0 f1 f2 f3 f4 f5 f6 f7
      n1(first: 5) { id f0 f1 f2 f3 f4 f5 f6 f7
        n2(first: 5) { id f0 f1 f2 f3 f4 f5 f6 f7 } } }
  }
}
"""


def timed(fn: object, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--types", type=int, default=1500)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    sdl = synthetic_sdl(args.types)
    gql_schema._built.cache_clear()
    start = time.perf_counter()
    gql_schema.schema_of(sdl)
    build = (time.perf_counter() - start) * 1000
    assert gql_schema.document_problems(QUERY, sdl) == []
    syntax = timed(lambda: gql_schema.document_problems(QUERY), args.rounds)
    full = timed(lambda: gql_schema.document_problems(QUERY, sdl), args.rounds)
    print(f"schema: {args.types} types, {len(sdl) / 1024:.0f} KB of SDL")
    print(f"build schema from SDL (once):   {build:8.1f} ms")
    print(f"syntax check per keystroke:     {syntax:8.2f} ms")
    print(f"full check per keystroke:       {full:8.2f} ms  ({full / syntax:.1f}x syntax only)")
    print(f"full check vs build:            {build / full:8.0f}x cheaper than rebuilding")


if __name__ == "__main__":
    main()
