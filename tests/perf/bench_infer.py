"""Benchmark: ``connector-designer infer FILE --format json-schema`` against baselines.

Runs whole processes, interleaved round by round so that machine noise hits
every contender alike, and prints medians side by side with the ratios the
project targets:

- infer  <= 1.5 x  a process that only ``orjson.loads`` the file;
- infer  <= 0.67 x a process that loads the file and builds a schema with genson.

A stricter reference is printed too: the orjson process with the garbage
collector disabled, as the infer command itself runs.

A second body is a map: a Firebase-style collection keyed by 100 000
generated ids (about 6 MB). Its target is to infer in about its parse time
(inference / parse, in one process, at most 1.5) with a schema of kilobytes;
before maps the infer command took several seconds and wrote a schema of
tens of megabytes. Whole processes are timed too, for reference: for a body
this small the command's start-up is a good part of its time.

Usage: python tests/perf/bench_infer.py [--items 200000] [--keys 100000] [--rounds 5]
                                        [--genson-rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bodies import cached_body, cached_map_body

ORJSON_ONLY = "import orjson, sys; orjson.loads(open(sys.argv[1], 'rb').read())"
ORJSON_NO_GC = "import gc; gc.disable(); " + ORJSON_ONLY
GENSON = (
    "import orjson, sys, genson; b = genson.SchemaBuilder(); "
    "b.add_object(orjson.loads(open(sys.argv[1], 'rb').read())); b.to_schema()"
)


def run(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--genson-rounds", type=int, default=3)
    parser.add_argument("--keys", type=int, default=100_000)
    args = parser.parse_args()
    list_ok = bench_list(args)
    map_ok = bench_map(args)
    return 0 if list_ok and map_ok else 1


# In one process, as the infer command runs (garbage collector off): parse, then infer.
IN_PROCESS = """
import gc, sys, time, orjson
from designer.core.inference import infer_value
gc.disable()
body = open(sys.argv[1], "rb").read()
start = time.perf_counter(); value = orjson.loads(body); parsed = time.perf_counter()
infer_value(value); print(parsed - start, time.perf_counter() - parsed)
"""


def bench_map(args: argparse.Namespace) -> bool:
    path = cached_map_body(args.keys, Path(tempfile.gettempdir()))
    print(f"\nmap body: {path} ({path.stat().st_size / 1e6:.1f} MB, {args.keys} id keys)")
    py = sys.executable
    infer = [py, "-m", "designer", "infer", str(path), "--format", "json-schema"]
    schema = subprocess.run(infer, check=True, capture_output=True).stdout
    contenders = {"orjson.loads only": [py, "-c", ORJSON_ONLY, str(path)], "infer": infer}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    steps: list[tuple[float, float]] = []
    for _round in range(args.rounds):
        for name, argv in contenders.items():
            times[name].append(run(argv))
        out = subprocess.run([py, "-c", IN_PROCESS, str(path)], check=True, capture_output=True)
        parse_s, infer_s = map(float, out.stdout.split())
        steps.append((parse_s, infer_s))
    median = {name: statistics.median(t) for name, t in times.items()}
    for name, value in median.items():
        print(f"  {name:28s} {value:7.2f} s   ({len(times[name])} runs)")
    parse_m = statistics.median(p for p, _ in steps)
    infer_m = statistics.median(i for _, i in steps)
    print(f"  in one process: parse {parse_m:.3f} s, infer {infer_m:.3f} s")
    print(f"  schema size                  {len(schema) / 1e3:7.1f} KB")
    ratio = infer_m / parse_m
    verdict = "ok" if ratio <= 1.5 and len(schema) < 10_000 else "MISSED"
    print(f"  {'inference / parse':28s} {ratio:5.2f}  (about 1, <= 1.50) {verdict}")
    whole = median["infer"] / median["orjson.loads only"]
    print(f"  {'infer / orjson.loads only':28s} {whole:5.2f}  (processes; reference)")
    return verdict == "ok"


def bench_list(args: argparse.Namespace) -> bool:
    path = cached_body(args.items, Path(tempfile.gettempdir()))
    size = path.stat().st_size
    print(f"body: {path} ({size / 1e6:.1f} MB, {args.items} items); cpus: {os.cpu_count()}")
    py = sys.executable
    contenders = {
        "orjson.loads only": [py, "-c", ORJSON_ONLY, str(path)],
        "orjson.loads, gc off": [py, "-c", ORJSON_NO_GC, str(path)],
        "infer --format json-schema": [
            py,
            "-m",
            "designer",
            "infer",
            str(path),
            "--format",
            "json-schema",
        ],
        "genson": [py, "-c", GENSON, str(path)],
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for round_no in range(args.rounds):
        for name, argv in contenders.items():
            if name == "genson" and round_no >= args.genson_rounds:
                continue
            times[name].append(run(argv))
        print(f"round {round_no + 1}: " + ", ".join(f"{n} {t[-1]:.2f}s" for n, t in times.items()))

    median = {name: statistics.median(t) for name, t in times.items()}
    print("\nmedians:")
    for name, value in median.items():
        print(f"  {name:28s} {value:7.2f} s   ({len(times[name])} runs)")
    ours = median["infer --format json-schema"]
    vs_orjson = ours / median["orjson.loads only"]
    vs_strict = ours / median["orjson.loads, gc off"]
    vs_genson = ours / median["genson"]
    print("\nratios (target):")
    for label, ratio, target in (
        ("infer / orjson.loads only", vs_orjson, 1.5),
        ("infer / genson", vs_genson, 0.67),
    ):
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"  {label:28s} {ratio:5.2f}  (<= {target:.2f}) {verdict}")
    print(f"  {'infer / orjson.loads, gc off':28s} {vs_strict:5.2f}  (reference)")
    return vs_orjson <= 1.5 and vs_genson <= 0.67


if __name__ == "__main__":
    raise SystemExit(main())
