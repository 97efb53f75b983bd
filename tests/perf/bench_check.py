"""Benchmark: ``connector-designer check`` over 200 calls against a server with 20 ms latency.

The server (a threaded local HTTP server in its own process, each answer delayed by the
latency) serves 200 paths; the workspace holds one call per path with its
stored structure. The check is run in process, as the command runs it
(:func:`designer.core.check.drift.run_check` with a fresh executor), at several
concurrency levels, and compared side by side with the ideal
``calls × latency ÷ concurrency``. At most 4 requests go to one host
(politeness), so concurrency above 4 against this one server cannot go
faster; the run at 8 shows that limit holding.

Usage: python tests/perf/bench_check.py [--calls 200] [--latency-ms 20] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from designer.core.check.drift import CheckOptions, run_check  # noqa: E402
from designer.core.inference import infer_body  # noqa: E402
from designer.core.models import Api, Call  # noqa: E402
from designer.core.secrets.store import MemorySecretStore  # noqa: E402

BODY = {
    "id": 1,
    "name": "Kettle",
    "price": {"amount": 12.5, "currency": "EUR"},
    "tags": ["kitchen", "sale"],
    "created_at": "2024-05-01T10:00:00Z",
}


def _time(api: Api, concurrency: int) -> tuple[float, int]:
    calls = [(api, call) for call in api.calls]
    options = CheckOptions(concurrency=concurrency)
    started = time.perf_counter()
    results = asyncio.run(run_check(calls, MemorySecretStore(), options))
    elapsed = time.perf_counter() - started
    return elapsed, sum(1 for r in results if r.outcome == "unchanged")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    structure = infer_body(orjson.dumps(BODY), "application/json")
    # The server runs in a process of its own, so that it does not compete with the
    # check for the interpreter lock (which would count its work as the check's).
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.drift_server", "--latency", str(latency)]
        + ["--paths", str(args.calls), "--body", orjson.dumps(BODY).decode()],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    assert server.stdin is not None
    url = server.stdout.readline().strip()
    try:
        calls = [
            Call(name=f"Item {n}", path=f"/items/{n}", structure=structure)
            for n in range(args.calls)
        ]
        api = Api(name="Bench", base_url=url + "/v1", calls=calls)
        _time(api, 4)  # warm-up: imports, first connections
        print(f"check of {args.calls} calls, {args.latency_ms:g} ms latency per answer")
        print(f"{'concurrency':>11}  {'median':>8}  {'ideal':>7}  {'ratio':>5}  ok")
        for concurrency in (1, 4, 8):
            times, ok = [], 0
            for _ in range(args.rounds):
                elapsed, ok = _time(api, concurrency)
                times.append(elapsed)
            ideal = args.calls * latency / min(concurrency, 4)
            median = statistics.median(times)
            print(
                f"{concurrency:>11}  {median:>7.2f}s  {ideal:>6.2f}s  {median / ideal:>5.2f}  "
                f"{ok}/{args.calls}"
            )
    finally:
        server.stdin.close()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
