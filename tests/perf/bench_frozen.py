"""Benchmark: the frozen app (PyInstaller) against the pip-installed one, and package sizes.

Runs whole processes, offscreen, interleaved round by round so that machine
noise hits both alike:

- ``WORKSPACE --quit-after-load`` on a generated workspace of 500 calls (the
  window: load the file, build the window, show it, exit);
- ``infer FILE`` on a small JSON body (the command line's start-up).

The frozen app is ``build/pyinstaller/dist/connector-designer/connector-designer``
(what ``packaging/build.sh`` freezes) unless ``--frozen`` names another (for
example the installed ``/usr/bin/connector-designer``); the pip-installed one is
the console script of ``build/venv`` (a regular install of the same wheel)
unless ``--installed`` names another. Both run with their byte code already
compiled, as installed programs do. Also prints the sizes of the .deb and the
tarball in ``dist/``.

Usage: python tests/perf/bench_frozen.py [--frozen PATH] [--installed PATH] [--rounds 7]
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

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from designer.core.workspace import file as workspace_file  # noqa: E402
from tests.helpers.workspaces import big_workspace  # noqa: E402

FROZEN = ROOT / "build" / "pyinstaller" / "dist" / "connector-designer" / "connector-designer"
INSTALLED = ROOT / "build" / "venv" / "bin" / "connector-designer"
BODY = b'{"data": [{"id": 1, "name": "a", "price": 1.5, "tags": ["x"]}], "has_more": false}'


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, capture_output=True)
    return time.perf_counter() - start


def sizes() -> None:
    for pattern in ("connector-designer_*_amd64.deb", "connector-designer-*-linux-x86_64.tar.gz"):
        for path in sorted((ROOT / "dist").glob(pattern)):
            print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")
    folder = FROZEN.parent
    if folder.is_dir():
        # Links (Qt's libraries have several names) are counted once.
        files = [f for f in folder.rglob("*") if f.is_file() and not f.is_symlink()]
        total = sum(f.stat().st_size for f in files)
        print(f"frozen app folder (unpacked): {total / 1e6:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", type=Path, default=FROZEN)
    parser.add_argument("--installed", type=Path, default=INSTALLED)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    for program in (args.frozen, args.installed):
        if not program.exists():
            print(f"bench_frozen: error: {program} is missing; run packaging/build.sh first",
                  file=sys.stderr)  # fmt: skip
            return 1
    sizes()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "bench.workspace.json"
        workspace_file.save(big_workspace(args.calls), workspace)
        body = Path(tmp) / "body.json"
        body.write_bytes(BODY)
        # Settings and recovery files of the benchmark's own; no venv on PATH.
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": tmp,
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
            "XDG_DATA_HOME": str(Path(tmp) / "data"),
        }
        tasks = {
            f"window, {args.calls} calls": [str(workspace), "--quit-after-load"],
            "infer a small body": ["infer", str(body)],
        }
        programs = {"frozen": str(args.frozen), "pip-installed": str(args.installed)}
        times = {(t, p): [] for t in tasks for p in programs}
        for extra in tasks.values():  # warm the file cache and the byte code
            for program in programs.values():
                run([program, *extra], env)
        for _ in range(args.rounds):
            for task, extra in tasks.items():
                for name, program in programs.items():
                    times[task, name].append(run([program, *extra], env))
    print(f"rounds: {args.rounds}; cpus: {os.cpu_count()}")
    for task in tasks:
        frozen = statistics.median(times[task, "frozen"])
        installed = statistics.median(times[task, "pip-installed"])
        print(
            f"{task:<22} frozen {frozen:.3f} s   pip-installed {installed:.3f} s   "
            f"ratio {frozen / installed:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
