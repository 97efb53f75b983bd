"""``init`` of a streamed response, in a real process against the scripted stream server.

Each case checks the exit code, what is printed (an event line per event on
standard error as it arrives, the structure on standard output, one line for
an error), that it ended within its time bound, and what was saved.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from designer.core.models import Api, Call, Workspace
from designer.core.workspace import file as wf
from tests.helpers.sse_server import ANTHROPIC_TEXT, GATE, OPENAI_TEXT, StreamServer

PREFIX = "connector-designer: "
ERROR = PREFIX + "error: "


def _workspace(tmp_path: Path, server: StreamServer, path: str) -> Path:
    call = Call(name="Chat", path=path)
    ws = Workspace(apis=[Api(name="LLM", base_url=server.url, calls=[call])])
    file = tmp_path / "ws.json"
    wf.save(ws, file)
    return file


def _init(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "designer", "init", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _popen(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "designer", "init", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _line(proc: subprocess.Popen[str], within: float) -> str:
    """The next line of the process's standard error, waited for at most ``within`` s."""
    assert proc.stderr is not None
    ready, _, _ = select.select([proc.stderr], [], [], within)
    assert ready, "no line on standard error in time"
    return proc.stderr.readline()


def test_an_openai_stream_prints_events_the_structure_and_saves_the_text_field(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/openai")
    done = _init(str(path), "--save", "--format", "json-schema")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    events = [line for line in lines if line.startswith("event ")]
    assert len(events) == 7
    assert events[0].startswith("event 1 +0.")
    # Each event leads with its piece of text (the text field is recognised from the
    # first event), then its data, cut to 80 characters.
    assert ' message "" {"id":"chatcmpl-1",' in events[0]
    assert events[0].endswith("…")
    assert len(events[0].split(' message "" ', 1)[1]) == 80
    leads = [line.split(" message ", 1)[1] for line in events[:-1]]
    pieces = [json.JSONDecoder().raw_decode(lead)[0] for lead in leads if lead.startswith('"')]
    assert "".join(pieces) == OPENAI_TEXT
    assert events[-1].endswith(" message [DONE]")
    assert PREFIX + "Stream of 7 events ended: the stream said it was done" in lines
    schema = orjson.loads(done.stdout)
    assert set(schema["properties"]) >= {"text so far", "is streaming", "is done", "data"}
    call = wf.load(path).apis[0].calls[0]
    assert call.stream_text_field == "data.choices[].delta.content"
    assert call.structure is not None
    assert call.structure.fields is not None
    assert call.structure.fields["text so far"].samples == [OPENAI_TEXT]


def test_the_first_event_line_is_printed_before_the_server_sends_the_second(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/gated")
    with _popen(str(path), "--timeout", "20") as proc:
        try:
            first = _line(proc, within=20)
            assert first.startswith("event 1 +")
            assert first.endswith(" message one\n")
            assert not stream_server.gate.is_set()
            stream_server.gate.set()
            out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
    assert proc.returncode == 0
    assert err.startswith("event 2 +")
    assert "Stream of 2 events ended: the server closed the stream" in err
    assert "text so far: text" in out


def test_max_events_ends_a_never_ending_stream(tmp_path: Path, stream_server: StreamServer) -> None:
    path = _workspace(tmp_path, stream_server, "/forever")
    started = time.monotonic()
    done = _init(str(path), "--max-events", "3")
    assert time.monotonic() - started < 20
    assert done.returncode == 0, done.stderr
    assert [line[:7] for line in done.stderr.splitlines() if line.startswith("event")] == [
        "event 1",
        "event 2",
        "event 3",
    ]
    assert (
        PREFIX + "Stream of 3 events ended: the most events to receive were received"
    ) in done.stderr
    assert "n: integer" in done.stdout


def test_the_deadline_ends_a_stream_with_events_and_fails_one_without(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/forever")
    started = time.monotonic()
    done = _init(str(path), "--deadline", "1")
    assert time.monotonic() - started < 20
    assert done.returncode == 0, done.stderr
    assert "ended: the time allowed ran out (stopped at the deadline of 1 s)" in done.stderr
    assert "data: object" in done.stdout

    stream_server.script("/silent", [GATE, b"data: late\n\n"])
    path = _workspace(tmp_path, stream_server, "/silent")
    started = time.monotonic()
    done = _init(str(path), "--deadline", "1")
    assert time.monotonic() - started < 20
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        ERROR + "No complete response from 'LLM/Chat' within the deadline of 1 s: raise it "
        "with --deadline (app: Edit ▸ Network Settings) or try again\n"
    )


def test_ctrl_c_ends_a_stream_with_its_events(tmp_path: Path, stream_server: StreamServer) -> None:
    path = _workspace(tmp_path, stream_server, "/forever")
    with _popen(str(path)) as proc:
        try:
            assert _line(proc, within=20).startswith("event 1 +")
            os.kill(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    assert "ended: cancelled" in err
    assert "text so far: text" in out


def test_a_50_mb_line_is_one_line_of_error_in_bounded_time(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/huge-line")
    started = time.monotonic()
    done = _init(str(path), "--max-size", "4", "--save")
    assert time.monotonic() - started < 30
    assert done.returncode == 1
    assert done.stdout == ""
    error = [line for line in done.stderr.splitlines() if not line.startswith("event ")]
    assert len(error) == 1
    assert error[0].startswith(ERROR)
    assert "size cap of 4 MB" in error[0]
    assert "--max-size" in error[0]
    assert wf.load(path).apis[0].calls[0].structure is None  # nothing saved


def test_a_stream_cut_mid_event_keeps_the_events_before_it(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/cut")
    started = time.monotonic()
    done = _init(str(path))
    assert time.monotonic() - started < 20
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("event 1 +")
    assert " message whole\n" in done.stderr
    assert "event 2" not in done.stderr
    assert "the stream stopped in the middle of an event" in done.stderr
    assert "data: text" in done.stdout


def test_event_data_is_made_inert(tmp_path: Path, stream_server: StreamServer) -> None:
    stream_server.script("/hostile", [b"data: \x1b[31mred\x07\n\n"])
    path = _workspace(tmp_path, stream_server, "/hostile")
    done = _init(str(path))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stderr
    assert "\x07" not in done.stderr
    assert done.stderr.startswith("event 1 +")


def test_timeout_help_says_it_is_the_silence_between_events() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "designer", "init", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0
    assert "the longest silence between events" in done.stdout
    assert "--max-events N" in done.stdout


def test_ctrl_c_before_any_event_is_an_interruption_in_one_line(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    # The server answers nothing until the gate opens: Ctrl+C is an interruption (130).
    stream_server.script("/held", [GATE, b"data: late\n\n"])
    path = _workspace(tmp_path, stream_server, "/held")
    with _popen(str(path)) as proc:
        try:
            deadline = time.monotonic() + 20
            while not stream_server.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert stream_server.requests, "the request never reached the server"
            os.kill(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
            stream_server.gate.set()
    assert (proc.returncode, out) == (130, "")
    assert err == ERROR + "'LLM/Chat' was cancelled before any event arrived\n"


def test_text_field_is_chosen_saved_and_refused_when_it_is_no_text(
    tmp_path: Path, stream_server: StreamServer
) -> None:
    path = _workspace(tmp_path, stream_server, "/anthropic")
    done = _init(str(path), "--save", "--text-field", "content_block_delta.delta.text")
    assert done.returncode == 0, done.stderr
    pieces = [line for line in done.stderr.splitlines() if " content_block_delta " in line]
    assert pieces
    assert all(' content_block_delta "' in line for line in pieces)
    call = wf.load(path).apis[0].calls[0]
    assert call.stream_text_field == "content_block_delta.delta.text"
    assert call.structure is not None
    assert call.structure.fields is not None
    assert call.structure.fields["text so far"].samples == [ANTHROPIC_TEXT]

    before = path.read_bytes()
    refused = _init(str(path), "--save", "--text-field", "content_block_delta.index")
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[-1] == (
        ERROR + "--text-field: 'content_block_delta.index' is not a text field of the "
        "stream; nothing was saved"
    )
    assert path.read_bytes() == before
