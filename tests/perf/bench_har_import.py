"""Benchmark: importing a large browser HAR capture, against just parsing it.

A capture shaped like a day of browsing a single-page app: thousands of
entries, most of them static assets and CORS preflights, a few hundred API
calls over a few dozen endpoints, and some large base64 JSON bodies (as
browsers record them). Prints, side by side in one run, the median time and
the peak resident memory of a process that only ``orjson.loads`` the file
and of one that imports it (read, skip the assets, infer each endpoint's
structure, merge), and the ratios between them.

Usage: python tests/perf/bench_har_import.py [--entries 6000] [--big-bodies 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from designer.core.interop.service import merge_import, read_import
from designer.core.interop.source import read_source

APP = "https://app.example.com"


def _entry(method: str, url: str, mime: str, text: str = "", **extra: Any) -> dict[str, Any]:
    headers = [{"name": "user-agent", "value": "Mozilla/5.0"}, *extra.pop("headers", [])]
    return {
        "startedDateTime": "2026-02-01T09:00:00.000Z",
        "time": 1,
        "request": {"method": method, "url": url, "headers": headers, "queryString": []},
        "response": {
            "status": 200,
            "headers": [],
            "content": {"size": len(text), "mimeType": mime, "text": text, **extra},
        },
    }


def generate(entries: int, big_bodies: int) -> dict[str, Any]:
    """About ``entries`` entries: 85% assets, 5% preflights, 10% API calls."""
    found = []
    item = {"id": 1, "name": "Mug", "price": 9.5, "tags": ["a", "b"], "owner": {"id": 7}}
    big = base64.b64encode(orjson.dumps({"data": [item] * 20_000})).decode()  # ~1.7 MB
    small = orjson.dumps({"data": [item] * 5, "has_more": True}).decode()
    for i in range(entries):
        kind = i % 20
        if kind < 17:
            found.append(_entry("GET", f"{APP}/static/asset-{i}.js", "application/javascript"))
        elif kind == 17:
            preflight = [{"name": "access-control-request-method", "value": "GET"}]
            found.append(_entry("OPTIONS", f"{APP}/api/r{i % 37}", "", headers=preflight))
        elif big_bodies > 0 and kind == 18:
            big_bodies -= 1
            found.append(
                _entry("GET", f"{APP}/api/r{i % 37}", "application/json", big, encoding="base64")
            )
        else:
            found.append(_entry("GET", f"{APP}/api/r{i % 37}?page={i}", "application/json", small))
    return {"log": {"version": "1.2", "creator": {"name": "bench"}, "entries": found}}


PARSE_ONLY = "import orjson, sys; orjson.loads(open(sys.argv[1], 'rb').read())"
IMPORT = (
    "import sys; from designer.core.interop.service import merge_import, read_import; "
    "from designer.core.interop.source import read_source; "
    "merge_import(None, read_import(read_source(sys.argv[1]), 'capture.har'))"
)
# Each contender in a fresh process, reporting its peak resident memory.
MEASURE = (
    "import resource, sys, time; code = sys.argv.pop(1); start = time.perf_counter(); "
    "exec(code); elapsed = time.perf_counter() - start; "
    "print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def run(code: str, path: Path) -> tuple[float, float]:
    """(seconds, peak MB) of ``code`` run on ``path`` in a new interpreter (imports excluded)."""
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": root}
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def calls_of(path: Path) -> int:
    merged = merge_import(None, read_import(read_source(path), path.name))
    return sum(len(a.calls) for a in merged.outcome.workspace.apis)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=6000)
    parser.add_argument("--big-bodies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "capture.har"
        path.write_bytes(orjson.dumps(generate(args.entries, args.big_bodies)))
        parse, full = [], []
        for _ in range(args.rounds):  # interleaved: noise hits both alike
            parse.append(run(PARSE_ONLY, path))
            full.append(run(IMPORT, path))
        size = path.stat().st_size / (1 << 20)
        p = statistics.median(t for t, _ in parse)
        f = statistics.median(t for t, _ in full)
        p_mem, f_mem = max(m for _, m in parse), max(m for _, m in full)
        print(f"capture: {size:.1f} MB, {args.entries} entries -> {calls_of(path)} calls")
        print(f"orjson.loads only: {p:.2f} s, peak {p_mem:.0f} MB")
        print(f"import:            {f:.2f} s, peak {f_mem:.0f} MB")
        print(f"ratio: {f / p:.1f}x the time, {f_mem / p_mem:.1f}x the memory")


if __name__ == "__main__":
    main()
