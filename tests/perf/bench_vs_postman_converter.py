"""Benchmark: importing real OpenAPI documents, ours against Postman's own converter.

For each OpenAPI document of the public corpus (``../shared/corpus/realworld/``,
beside the checkout) and any documents named on the command line (OpenAI's or
Plaid's specification, say), two whole processes run side by side, interleaved
round by round on the same machine:

- ours: ``connector-designer import SPEC -o WORKSPACE --no-keychain`` (read,
  parse, follow references into other files, convert, write the workspace);
- Postman's: ``openapi2postmanv2 -s SPEC -o COLLECTION`` from the npm package
  ``openapi-to-postmanv2`` (``npm install -g openapi-to-postmanv2``).

It prints the median wall time of each, their ratio (ours / Postman's; the
target is at most 1.0) and, from one run in this process, where our time goes:
parsing (JSON or YAML, every referenced file), converting, writing.

Usage: python tests/perf/bench_vs_postman_converter.py [--rounds 3] [SPEC ...]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus" / "realworld"
OPENAPI = [
    "stripe-spec3.json",
    "twilio_api_v2010.json",
    "slack_web_openapi_v2.json",
    "digitalocean/DigitalOcean-public.v2.yaml",
    "swagger_petstore3.yaml",
    "v3.0_petstore-expanded.yaml",
    "nyt_books_api.yaml",
]
OURS = [str(Path(sys.executable).parent / "connector-designer"), "import"]


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"{argv[0]} failed: {last[0][:200]}")
    return elapsed


def _phases(spec: Path) -> str:
    """Where our time goes, in this process: parsing every file, converting, writing."""
    from designer.core.interop import source
    from designer.core.interop.service import merge_import, read_import
    from designer.core.workspace import file as workspace_file

    spent = [0.0]
    parse = source.parse_document

    def counted(data: bytes, name: str) -> object:
        start = time.perf_counter()
        try:
            return parse(data, name)
        finally:
            spent[0] += time.perf_counter() - start

    source.parse_document = counted  # type: ignore[assignment]
    try:
        import designer.core.interop.service as service

        service.parse_document = counted  # type: ignore[assignment]
        start = time.perf_counter()
        imported = read_import(source.read_source(spec), str(spec), base=str(spec))
        middle = time.perf_counter()
        workspace_file.dumps(merge_import(None, imported).outcome.workspace)
        end = time.perf_counter()
    finally:
        source.parse_document = parse
        service.parse_document = parse
    return (
        f"parse {spent[0]:.2f} s, convert {middle - start - spent[0]:.2f} s, "
        f"write {end - middle:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("specs", nargs="*", type=Path, help="more documents to compare")
    args = parser.parse_args()
    specs = [CORPUS / name for name in OPENAPI if (CORPUS / name).exists()]
    if not specs and not args.specs:
        print(f"no corpus at {CORPUS} and no document given: nothing to compare")
    specs += args.specs
    converter = shutil.which("openapi2postmanv2")
    if converter is None:
        print("openapi2postmanv2 is not on PATH: npm install -g openapi-to-postmanv2")
    print(f"{'document':>40} | {'ours':>7} | {'Postman':>7} | ours/Postman | where ours goes")
    with tempfile.TemporaryDirectory() as folder:
        for spec in specs:
            ours: list[float] = []
            theirs: list[float] = []
            problem = ""
            for _ in range(args.rounds):
                workspace = Path(folder) / "ws.json"
                workspace.unlink(missing_ok=True)
                ours.append(_timed([*OURS, str(spec), "-o", str(workspace), "--no-keychain"]))
                if converter is not None and not problem:
                    try:
                        out = str(Path(folder) / "collection.json")
                        theirs.append(_timed([converter, "-s", str(spec), "-o", out]))
                    except RuntimeError as exc:
                        problem = str(exc)
            mine = statistics.median(ours)
            other = statistics.median(theirs) if theirs else float("nan")
            ratio = f"{mine / other:12.2f}" if theirs else f"{'—':>12}"
            print(
                f"{spec.name[:40]:>40} | {mine:6.2f}s | {other:6.2f}s | {ratio} | "
                f"{_phases(spec)}" + (f" | Postman's: {problem}" if problem else "")
            )


if __name__ == "__main__":
    main()
