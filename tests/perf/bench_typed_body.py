"""Benchmark: building a request whose JSON body is typed, against the same body as text.

The request preview rebuilds the request after every edit, so typing the
values (checking each sample and writing numbers exactly) must cost little.
One call with ``--params`` body parameters is built with every parameter as
text and with them typed (integers, numbers, yes/no and JSON values in turn),
interleaved round by round, and the medians are printed side by side with
their ratio. Target: typed <= 1.5 x text, and well under a frame (16 ms).

Usage: python tests/perf/bench_typed_body.py [--params 200] [--rounds 15] [--repeat 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from designer.core.http.request import build_request
from designer.core.models import Api, BodyType, Call, Parameter, Placement, ValueType
from designer.core.secrets.store import MemorySecretStore

_SAMPLES = [
    (ValueType.INTEGER, "198772"),
    (ValueType.NUMBER, "7.50"),
    (ValueType.BOOLEAN, "true"),
    (ValueType.JSON, '["small", {"colour": "brown", "n": 2}]'),
]


def call_of(count: int, typed: bool) -> tuple[Api, Call]:
    params = []
    for i in range(count):
        kind, value = _SAMPLES[i % len(_SAMPLES)]
        params.append(
            Parameter(
                name=f"group{i % 10}.field{i}",
                value=value,
                placement=Placement.BODY,
                type=kind if typed else ValueType.TEXT,
            )
        )
    call = Call(name="Big", method="POST", path="/x", body_type=BodyType.JSON, parameters=params)
    return Api(name="Bench", base_url="http://127.0.0.1:9", calls=[call]), call


def per_build(api: Api, call: Call, repeat: int) -> float:
    store = MemorySecretStore()
    start = time.perf_counter()
    for _ in range(repeat):
        build_request(api, call, store)
    return (time.perf_counter() - start) / repeat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    contenders = {"text": call_of(args.params, False), "typed": call_of(args.params, True)}
    for api, call in contenders.values():
        per_build(api, call, 5)  # warm up imports and caches
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, (api, call) in contenders.items():
            times[name].append(per_build(api, call, args.repeat))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.params} body parameters, {args.rounds} rounds of {args.repeat} builds")
    for name, median in medians.items():
        print(f"  {name:6} {median * 1000:7.3f} ms per build")
    print(f"  typed / text: {medians['typed'] / medians['text']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
