"""Responsiveness benchmark: Initialize an ~80 MB JSON body of 200 000 items in the panel.

Run: ``python tests/perf/bench_responsiveness.py [ITEMS]`` (offscreen; no display needed).

The demo API serves the body from a separate process, so its work does not
compete with the UI for the GIL. A 10 ms QTimer heartbeat records the longest
gap between ticks from the click to the full tree: that is the longest event
loop stall, target at most 100 ms. Also printed: time to the first tree (from
the bounded sample) and to the full tree, time to expand the 200 000-item
list, and peak memory of the UI process and of the worker processes against
the body size (target at most 10x).
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

HEARTBEAT_MS = 10
STALL_TARGET_MS = 100
NOTABLE_MS = 40
MEMORY_TARGET = 10


def _peak_kb(pid: int | str = "self") -> int:
    """VmHWM (peak resident set) of a process, in KB; 0 where /proc is unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _start_server() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "designer.core.demo.server"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert server.stdout is not None
    line = server.stdout.readline()  # "Demo API on http://127.0.0.1:PORT/v1 (...)"
    return server, line.split()[3].removesuffix("/v1")


async def _measure(url: str, items: int) -> dict[str, float]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from designer.core.http.execute import ExecutionSettings, Executor
    from designer.core.models import Api, Call, Parameter
    from designer.core.secrets.store import MemorySecretStore
    from designer.ui.infra import workers
    from designer.ui.response.panel import ResponsePanel

    executor = Executor(ExecutionSettings(read_timeout=120))
    panel = ResponsePanel(executor, MemorySecretStore())
    panel.resize(900, 700)
    panel.show()
    call = Call(name="Big", path="/v1/big", parameters=[Parameter(name="items", value=str(items))])
    panel.set_call(Api(name="Bench", base_url=url), call)
    workers.pool()
    await asyncio.sleep(1.5)  # let the worker processes start, as they do while a user reads

    clock = QElapsedTimer()
    gaps: list[float] = []
    notable: list[tuple[float, float]] = []  # (ms after the click, gap in ms)
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        if now - last[0] > NOTABLE_MS:
            notable.append((now - marks.get("click", 0.0), now - last[0]))
        last[0] = now

    marks: dict[str, float] = {}

    def tree_shown() -> None:
        if panel.model.shape() is not None and "first_tree" not in marks:
            marks["first_tree"] = clock.nsecsElapsed() / 1e6

    done = asyncio.get_running_loop().create_future()
    panel.model.modelReset.connect(tree_shown)
    panel.callEdited.connect(lambda _call: done.done() or done.set_result(None))
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(tick)

    rss_before = _peak_kb()
    clock.start()
    heartbeat.start()
    # The heartbeat beats before the click, so the click's own synchronous work
    # shows up as a gap like any other stall.
    await asyncio.sleep(0.1)
    marks["click"] = clock.nsecsElapsed() / 1e6
    panel.initialize()
    await done
    marks["full_tree"] = clock.nsecsElapsed() / 1e6
    # The raw view's first page and the rest of the UI settle; keep measuring stalls.
    await asyncio.sleep(1.0)
    index = panel.model.index_for_path("items")
    started = time.perf_counter()
    panel.responseTree.expand(index)
    panel.responseTree.expand(panel.model.index_for_path("items[]"))
    QApplication.processEvents()
    marks["expand_ms"] = (time.perf_counter() - started) * 1000
    await asyncio.sleep(0.2)
    heartbeat.stop()

    pool = workers.pool()
    worker_peaks = [_peak_kb(pid) for pid in getattr(pool, "_processes", {})]
    body = panel.ui.raw._body
    result = {
        "body_mb": len(body) / 1e6,
        "items": items,
        "max_stall_ms": max(gaps[1:]) if len(gaps) > 1 else 0.0,
        "ticks": len(gaps),
        "first_tree_s": (marks.get("first_tree", float("nan")) - marks["click"]) / 1000,
        "full_tree_s": (marks["full_tree"] - marks["click"]) / 1000,
        "expand_ms": marks["expand_ms"],
        "ui_peak_mb": _peak_kb() / 1024,
        "ui_before_mb": rss_before / 1024,
        "worker_peak_mb": max(worker_peaks, default=0) / 1024,
        "notable": ", ".join(f"{gap:.0f} ms at {at / 1000:.2f} s" for at, gap in notable),
        "status": panel.statusLabel.text(),
        "summary": panel.ui.summaryLabel.text(),
    }
    panel.shutdown()
    await executor.aclose()
    workers.shutdown_workers()
    return result


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    items = int(argv[0]) if argv else 200_000
    server, url = _start_server()
    app = QApplication([])
    try:
        result = _run(app, url, items)
    finally:
        server.terminate()
        server.wait()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    body = result["body_mb"]
    ui_ratio = result["ui_peak_mb"] / body
    worker_ratio = max(result["worker_peak_mb"], children) / body
    print(f"body: {body:.1f} MB, {items:,} items ({result['status']})")
    print(
        f"longest event-loop stall: {result['max_stall_ms']:.0f} ms "
        f"(target <= {STALL_TARGET_MS} ms; {result['ticks']} heartbeats of {HEARTBEAT_MS} ms)"
    )
    print(f"gaps over {NOTABLE_MS} ms: {result['notable'] or 'none'}")
    print(f"first tree (sample): {result['first_tree_s']:.2f} s after the click")
    print(f"full tree: {result['full_tree_s']:.2f} s after the click")
    print(f"expanding the {items:,}-item list: {result['expand_ms']:.1f} ms")
    print(
        f"peak RSS, UI process: {result['ui_peak_mb']:.0f} MB "
        f"({ui_ratio:.1f}x body; {result['ui_before_mb']:.0f} MB before Initialize)"
    )
    print(
        f"peak RSS, largest worker process: {max(result['worker_peak_mb'], children):.0f} MB "
        f"({worker_ratio:.1f}x body); target <= {MEMORY_TARGET}x per process"
    )
    ok = result["max_stall_ms"] <= STALL_TARGET_MS and ui_ratio <= MEMORY_TARGET
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


def _run(app: object, url: str, items: int) -> dict[str, float]:
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(_measure(url, items))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
