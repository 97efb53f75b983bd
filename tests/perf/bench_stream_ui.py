"""Stream view benchmark: Initialize a call whose answer is 10 000 Server-Sent Events.

Run: ``python tests/perf/bench_stream_ui.py [EVENTS]`` (offscreen; no display needed).

A :class:`~tests.helpers.sse_server.StreamServer` in a separate process sends
OpenAI-shaped chat completion chunks, each its own chunk of the HTTP body,
as fast as loopback allows, then ``data: [DONE]``. The response panel shows
them live in its Stream tab. Two runs:

1. a 10 ms QTimer heartbeat records the longest gap between ticks from the
   click to the end of the stream (the longest event-loop stall; target at
   most 50 ms), with the time to the first event shown and to the end;
2. the same stream with :mod:`tracemalloc` on (which slows Python down, so it
   is not timed): the peak of memory allocated from Python during the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HEARTBEAT_MS = 10
STALL_TARGET_MS = 50
NOTABLE_MS = 30
PATH = "/many"


def _chunks(events: int) -> list[bytes]:
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "gpt-4o-mini"}
    steps = []
    for n in range(events):
        choice = {"index": 0, "delta": {"content": f"w{n} "}, "finish_reason": None}
        data = json.dumps({**base, "created": 1700000000 + n, "choices": [choice]})
        steps.append(f"data: {data}\n\n".encode())
    steps.append(b"data: [DONE]\n\n")
    return steps


def serve(events: int) -> None:
    """The server process: print the stream's URL, serve until stdin closes."""
    from tests.helpers.sse_server import StreamServer

    with StreamServer() as server:
        print(server.script(PATH, list(_chunks(events))), flush=True)
        sys.stdin.read()


def _start_server(events: int) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(events)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert server.stdout is not None
    return server, server.stdout.readline().strip()


async def _measure(url: str, *, memory: bool) -> dict[str, object]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from designer.core.http.execute import ExecutionSettings, Executor
    from designer.core.models import Api, Call
    from designer.core.secrets.store import MemorySecretStore
    from designer.core.structure import ResponseType
    from designer.ui.infra import workers
    from designer.ui.response.panel import ResponsePanel

    executor = Executor(ExecutionSettings(read_timeout=60))
    panel = ResponsePanel(executor, MemorySecretStore())
    panel.resize(900, 700)
    panel.show()
    base, path = url.rsplit("/", 1)
    call = Call(name="Chat", path=f"/{path}", response_type=ResponseType.STREAM)
    panel.set_call(Api(name="Bench", base_url=base), call)
    await asyncio.sleep(1.0)  # the panel settles (and warms its worker pool up)

    clock = QElapsedTimer()
    gaps: list[float] = []
    notable: list[tuple[float, float]] = []
    last = [0.0]
    marks: dict[str, float] = {}

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        if now - last[0] > NOTABLE_MS:
            notable.append((now - marks.get("click", 0.0), now - last[0]))
        last[0] = now

    def rows() -> None:
        if "first" not in marks:
            marks["first"] = clock.nsecsElapsed() / 1e6

    view = panel.stream.view
    view.model.rowsInserted.connect(rows)
    done = asyncio.get_running_loop().create_future()
    panel.runs.finished.connect(lambda _id: done.done() or done.set_result(None))
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(tick)
    if memory:
        tracemalloc.start()
    clock.start()
    heartbeat.start()
    await asyncio.sleep(0.1)  # the click's own work counts as a gap like any other
    marks["click"] = clock.nsecsElapsed() / 1e6
    panel.initialize()
    await done
    marks["end"] = clock.nsecsElapsed() / 1e6
    await asyncio.sleep(0.3)
    heartbeat.stop()
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    if memory:
        tracemalloc.stop()
    result: dict[str, object] = {
        "max_stall_ms": max(gaps[1:]) if len(gaps) > 1 else 0.0,
        "ticks": len(gaps),
        "first_s": (marks.get("first", float("nan")) - marks["click"]) / 1000,
        "end_s": (marks["end"] - marks["click"]) / 1000,
        "notable": ", ".join(f"{gap:.0f} ms at {at / 1000:.2f} s" for at, gap in notable),
        "status": view.status.text(),
        "rows": view.model.rowCount(),
        "counted": view.model.count,
        "text_chars": len(view.text.toPlainText()),
        "peak_mb": peak / 1e6,
    }
    panel.shutdown()
    await executor.aclose()
    workers.shutdown_workers()
    return result


def _run(app: object, url: str, *, memory: bool) -> dict[str, object]:
    import qasync

    from designer.ui.infra.ops import finalize_async_generators

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    finalize_async_generators(loop)  # as the app does
    with loop:
        return loop.run_until_complete(_measure(url, memory=memory))


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        serve(int(argv[1]))
        return 0
    from PySide6.QtWidgets import QApplication

    events = int(argv[0]) if argv else 10_000
    server, url = _start_server(events)
    app = QApplication([])
    try:
        timed = _run(app, url, memory=False)
        traced = _run(app, url, memory=True)
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=10)
    print(f"stream: {events:,} events + [DONE] ({timed['status']})")
    print(f"kept rows: {timed['rows']:,}; events counted: {timed['counted']:,}")
    print(f"text so far: {timed['text_chars']:,} characters")
    print(
        f"longest event-loop stall: {timed['max_stall_ms']:.0f} ms "
        f"(target <= {STALL_TARGET_MS} ms; {timed['ticks']} heartbeats of {HEARTBEAT_MS} ms)"
    )
    print(f"gaps over {NOTABLE_MS} ms: {timed['notable'] or 'none'}")
    print(f"first event shown: {timed['first_s']:.3f} s after the click")
    print(f"stream ended: {timed['end_s']:.2f} s after the click")
    print(f"peak Python memory during the run (tracemalloc): {traced['peak_mb']:.1f} MB")
    ok = float(timed["max_stall_ms"]) <= STALL_TARGET_MS  # type: ignore[arg-type]
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
