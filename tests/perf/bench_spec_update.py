"""Benchmark: updating an API from its vendor's next spec against importing that spec afresh.

Stripe's published spec (``../shared/corpus/realworld/stripe-spec3.json``, 395
operations) is imported, then every call is worked on as a user would (a
sample value, a renamed call, a type override); the "next version" adds an
operation, drops one and makes a parameter required. Interleaved rounds, in
one process, of what a user runs to take in the new version, on a copy of the
worked-on workspace file each time (read the workspace and the spec, merge,
save atomically):

- *afresh*: ``import SPEC -o ws.json --on-conflict replace``, the way before
  updates existed (it throws the user's work away);
- *update*: ``import SPEC -o ws.json --on-conflict update``.

Target: update / afresh ≤ 1.0. For reference the core alone is timed too:
reading the spec and importing it into an empty workspace, against reading it
and updating the worked-on API, each serialized.

Usage: python tests/perf/bench_spec_update.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from designer import cli  # noqa: E402
from designer.core.interop.service import merge_import, read_import  # noqa: E402
from designer.core.interop.sync import counterpart, update_api  # noqa: E402
from designer.core.models import Workspace  # noqa: E402
from designer.core.structure import FieldOverride, ValueType  # noqa: E402
from designer.core.workspace import file as workspace_file  # noqa: E402

STRIPE = ROOT.parent / "shared" / "corpus" / "realworld" / "stripe-spec3.json"


def _next_version(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    paths = doc["paths"]
    first = next(iter(paths))
    paths["/v1/widgets"] = {
        "get": {"operationId": "GetWidgets", "responses": {"200": {"description": "ok"}}}
    }
    for ops in paths.values():
        for op in ops.values():
            if isinstance(op, dict):
                for parameter in op.get("parameters", []):
                    if isinstance(parameter, dict) and parameter.get("in") == "query":
                        parameter["required"] = True
                        break
    del paths[first]
    return doc


def _worked_on(data: bytes, path: str) -> Workspace:
    ws = merge_import(None, read_import(data, path, base=path)).outcome.workspace
    for api in ws.apis:
        for i, call in enumerate(api.calls):
            call.name = f"{call.name} (mine {i})"
            if call.parameters:
                call.parameters[0].value = "sample"
            call.overrides["id"] = FieldOverride(type=ValueType.TEXT, label="Id")
    return ws


def _fresh(data: bytes, path: str) -> bytes:
    return workspace_file.dumps(
        merge_import(None, read_import(data, path, base=path)).outcome.workspace
    )


def _update(ws: Workspace, data: bytes, path: str) -> bytes:
    imported = read_import(data, path, base=path).result.apis
    apis = []
    for api in ws.apis:
        incoming = counterpart(api, imported)
        apis.append(api if incoming is None else update_api(api, incoming)[0])
    return workspace_file.dumps(ws.model_copy(update={"apis": apis}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not STRIPE.is_file():
        print(f"skipped: the public spec corpus is not at {STRIPE.parent}")
        return 0
    v1 = STRIPE.read_bytes()
    v2 = orjson.dumps(_next_version(orjson.loads(v1)))
    ws = _worked_on(v1, str(STRIPE))
    calls = sum(len(a.calls) for a in ws.apis)
    folder = Path(tempfile.mkdtemp())
    try:
        spec, worked, target = folder / "stripe.json", folder / "worked.json", folder / "ws.json"
        spec.write_bytes(v2)
        workspace_file.save(ws, worked)
        times: dict[str, list[float]] = {
            k: [] for k in ("afresh", "update", "core-fresh", "core-up")
        }
        for _ in range(args.rounds):
            for policy, key in (("replace", "afresh"), ("update", "update")):
                shutil.copyfile(worked, target)
                started = time.perf_counter()
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                ):
                    code = cli.main(
                        [
                            "import",
                            str(spec),
                            "-o",
                            str(target),
                            "--on-conflict",
                            policy,
                            "--no-keychain",
                        ]
                    )
                times[key].append(time.perf_counter() - started)
                assert code in (0, 1), code
            started = time.perf_counter()
            _fresh(v2, str(spec))
            times["core-fresh"].append(time.perf_counter() - started)
            started = time.perf_counter()
            _update(ws, v2, str(spec))
            times["core-up"].append(time.perf_counter() - started)
    finally:
        shutil.rmtree(folder)
    m = {k: statistics.median(v) for k, v in times.items()}
    print(f"Stripe, {calls} calls, every one edited; {args.rounds} interleaved rounds (median)")
    print(f"  import --on-conflict replace   {m['afresh']:6.3f} s   (the user's work is lost)")
    print(f"  import --on-conflict update    {m['update']:6.3f} s")
    ratio = m["update"] / m["afresh"]
    verdict = "met" if ratio <= 1.0 else "missed"
    print(f"  update / afresh                {ratio:6.2f}   (target <= 1.0: {verdict})")
    print("  core only, no workspace file:")
    print(f"    import into an empty workspace {m['core-fresh']:6.3f} s")
    print(f"    update the worked-on API       {m['core-up']:6.3f} s")
    print(f"    ratio                          {m['core-up'] / m['core-fresh']:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
