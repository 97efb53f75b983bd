"""Benchmark: what the credential detector adds to an import.

Imports the large OpenAPI document of ``bench_openapi_import`` (thousands of
operations and parameters) and, in the same rounds, times the credential pass
(:func:`hide_credentials`: every parameter and body example) over the same
APIs. Prints both, the pass's share of the import, and the detector's rate
on distinct names. The target: a few percent of an import.

Usage: python tests/perf/bench_credentials.py [--resources 750] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from designer.core.interop.credentials import hide_credentials  # noqa: E402
from designer.core.interop.openapi.importer import import_openapi  # noqa: E402
from designer.core.interop.service import read_import  # noqa: E402
from designer.core.interop.source import parse_document  # noqa: E402
from designer.core.secrets.detector import is_credential  # noqa: E402
from tests.perf.bench_openapi_import import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=750)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = orjson.dumps(generate(args.resources))
    imports, passes = [], []
    for _ in range(args.rounds):
        # The whole import as the CLI reads it (detector included) ...
        started = time.perf_counter()
        read_import(data, "big.json", "openapi")
        imports.append(time.perf_counter() - started)
        # ... and, in the same round, the detector's pass alone over the same APIs.
        result = import_openapi(parse_document(data, "big.json"), "big.json")
        started = time.perf_counter()
        hide_credentials(result)
        passes.append(time.perf_counter() - started)
    names = [f"param_{i}" for i in range(20_000)] + [f"X-Api-Key-{i}" for i in range(20_000)]
    started = time.perf_counter()
    for name in names:
        is_credential(name, "query")
    rate = len(names) / (time.perf_counter() - started)
    whole, detector = statistics.median(imports), statistics.median(passes)
    print(f"whole import:       {whole:.3f} s")
    print(f"credential pass:    {detector:.3f} s")
    print(f"share of the import: {detector / whole:.1%}")
    print(f"detector, distinct names: {rate:,.0f} names/s")


if __name__ == "__main__":
    main()
