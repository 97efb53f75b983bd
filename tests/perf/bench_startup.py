"""Benchmark: start-up of the desktop application against a bare PySide6 window.

Measures whole processes, offscreen, interleaved round by round so that
machine noise hits both alike:

- ``connector-designer WORKSPACE --quit-after-load`` on a generated workspace
  of 500 calls (load the file, build the window, show it, process pending
  events, exit);
- a bare PySide6 script that shows a QMainWindow holding a QTreeView, a
  QTableView and a QTextEdit, processes pending events and exits;
- for reference, the same bare script after loading the workspace with the
  core's models (pydantic): the least the application could take with its
  model layer, before any of its own window exists.

Byte code is compiled once, in a warm-up round, into a temporary cache, as an
installed application has it (an environment with PYTHONDONTWRITEBYTECODE
would otherwise recompile the application's modules on every start).

Prints the medians and the ratios; the targets are at most 2.5x with 500 calls
and at most 5x with 5,000.

Usage: python tests/perf/bench_startup.py [--calls 500] [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import re
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

#: the issue's targets: ≤ 2.5x the bare window with 500 calls, ≤ 5x with 5,000
TARGETS = {500: 2.5, 5000: 5.0}
BARE = """
from PySide6.QtWidgets import (QApplication, QMainWindow, QSplitter, QTableView, QTextEdit,
                               QTreeView)
app = QApplication([])
window = QMainWindow()
splitter = QSplitter()
for widget in (QTreeView(), QTableView(), QTextEdit()):
    splitter.addWidget(widget)
window.setCentralWidget(splitter)
window.resize(1280, 800)
window.show()
app.processEvents()
"""
MODEL_FLOOR = (
    "import sys\nfrom designer.core.workspace.file import load\nload(sys.argv[1])\n" + BARE
)


def run(argv: list[str], env: dict[str, str], reported: list[float] | None = None) -> float:
    """Wall time of one process; appends its own "started in" figure to ``reported``."""
    start = time.perf_counter()
    done = subprocess.run(argv, check=True, env=env, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if reported is not None:
        match = re.search(r"started in (\d+\.\d+) s", done.stdout)
        if match:
            reported.append(float(match.group(1)))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.workspace.json"
        workspace_file.save(big_workspace(args.calls), path)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        # Settings and recovery files of the benchmark's own: no first-launch example,
        # no recovery prompt, nothing of the user's touched.
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        env["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        py = sys.executable
        contenders = {
            f"connector-designer ({args.calls} calls)": [
                py,
                "-m",
                "designer",
                str(path),
                "--quit-after-load",
            ],
            "bare PySide6 window": [py, "-c", BARE],
            "bare window after loading the workspace models": [py, "-c", MODEL_FLOOR, str(path)],
        }
        print(
            f"workspace: {args.calls} calls, {path.stat().st_size / 1e3:.0f} kB; "
            f"rounds: {args.rounds}; cpus: {os.cpu_count()}"
        )
        for argv in contenders.values():  # warm the OS file cache, compile byte code
            run(argv, env)
        times: dict[str, list[float]] = {name: [] for name in contenders}
        reported: list[float] = []
        for _ in range(args.rounds):
            for name, argv in contenders.items():
                times[name].append(run(argv, env, reported))

    medians = {name: statistics.median(values) for name, values in times.items()}
    shown = "window shown, as the app reports it"
    width = max(len(shown), *map(len, medians))
    for name, median in medians.items():
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        print(f"{name:<{width}}  median {median:.3f} s  (range {spread} s)")
    if reported:
        print(f"{shown:<{width}}  median {statistics.median(reported):.3f} s")
    app, bare, floor = medians.values()
    ratio = app / bare
    target = TARGETS.get(args.calls, TARGETS[500] if args.calls <= 500 else TARGETS[5000])
    verdict = "meets" if ratio <= target else "misses"
    print(f"ratio: {ratio:.2f}x the bare window ({verdict} the target of {target:g}x)")
    print(
        f"for reference: loading the workspace models alone takes the bare window to "
        f"{floor / bare:.2f}x; the app is {app / floor:.2f}x that"
    )
    return 0 if ratio <= target else 1


if __name__ == "__main__":
    raise SystemExit(main())
