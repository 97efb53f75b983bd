"""The mock answers streamed calls with events over time: made from the structure, or a
kept response replayed with its recorded spacing."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from designer import cli
from designer.core.calls.history import ResponseHistory
from designer.core.http.response import ResponseResult
from designer.core.inference import diff
from designer.core.inference.stream import infer_stream_body
from designer.core.mock.server import MockServer, RunningMock, serve_in_thread
from designer.core.mock.streams import kept_stream_samples
from designer.core.models import Api, Call, Method
from designer.core.streams.events import parse_stream
from designer.core.structure import ResponseType
from tests.helpers.sse_server import anthropic_body, ollama_body, openai_body

SSE = "text/event-stream"
NDJSON = "application/x-ndjson"


def _api(*calls: Call) -> Api:
    return Api(id="llmapi000001", name="LLM", base_url="https://llm.example/v1", calls=list(calls))


def _call(cid: str, path: str, body: bytes, content_type: str = SSE) -> Call:
    return Call(
        id=cid,
        name=path,
        method=Method.POST,
        path=path,
        response_type=ResponseType.STREAM,
        structure=infer_stream_body(body, content_type),
    )


def _read(url: str) -> tuple[str, list[float], bytes]:
    """The Content-Type, arrival time of each chunk, and the whole body."""
    start = time.monotonic()
    times, chunks = [], []
    with httpx.Client(timeout=10) as client:
        with client.stream("POST", url, json={"stream": True}) as response:
            assert response.status_code == 200
            for chunk in response.iter_raw():
                times.append(time.monotonic() - start)
                chunks.append(chunk)
            return response.headers["content-type"], times, b"".join(chunks)


@pytest.fixture
def mock_of() -> object:
    running: list[RunningMock] = []

    def serve(server: MockServer) -> RunningMock:
        running.append(serve_in_thread(server))
        return running[-1]

    yield serve
    for r in running:
        r.stop()


@pytest.mark.parametrize(
    ("path", "body"),
    [("/openai", openai_body()), ("/anthropic", anthropic_body())],
)
def test_made_events_arrive_over_time_and_read_as_the_structure(mock_of, path, body) -> None:
    call = _call("streamcall01", path, b"".join(body))
    api = _api(call)
    running = mock_of(MockServer([api], seed=3))
    content_type, times, got = _read(running.server.base_url(api) + path)
    assert content_type.startswith(SSE)
    assert len(times) > 3
    assert times[-1] - times[0] >= 0.1  # spaced, not one burst
    events = parse_stream(got, content_type).events
    assert events
    again = infer_stream_body(got, content_type)
    assert call.structure is not None
    assert diff(call.structure, again) == []
    assert diff(again, call.structure) == []
    assert set(again.fields or {}) == set(call.structure.fields or {})
    if path == "/openai":
        assert events[-1].data == "[DONE]"
    else:
        assert "[DONE]" not in {e.data for e in events}


def test_speed_makes_made_events_faster(mock_of) -> None:
    call = _call("streamcall01", "/openai", b"".join(openai_body()))
    api = _api(call)
    slow = mock_of(MockServer([api]))
    fast = mock_of(MockServer([api], speed=4))
    _, slow_times, _ = _read(slow.server.base_url(api) + "/openai")
    _, fast_times, _ = _read(fast.server.base_url(api) + "/openai")
    assert fast_times[-1] - fast_times[0] < (slow_times[-1] - slow_times[0]) / 2


def _kept(tmp_path: Path, api: Api, call: Call, body: bytes, offsets: list[float]) -> Path:
    history = ResponseHistory(tmp_path / "responses")
    result = ResponseResult(
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        url="https://llm.example/v1/openai",
        elapsed=0.1,
        headers=(("content-type", SSE),),
        body=body,
        content_type=SSE,
        charset=None,
    )
    history.add(api.id, call.id, result, "stream", offsets=offsets)
    return tmp_path / "responses"


def test_a_kept_response_is_replayed_with_its_spacing(mock_of, tmp_path: Path) -> None:
    steps = openai_body()
    body = b"".join(steps)
    call = _call("streamcall01", "/openai", body)
    api = _api(call)
    offsets = [0.0] + [0.3] * (len(steps) - 2) + [0.6]  # a pause, a burst, a pause
    folder = _kept(tmp_path, api, call, body, offsets)
    history = ResponseHistory(folder)
    assert history.entries(api.id, call.id)[0].offsets == tuple(offsets)
    samples = kept_stream_samples([api], history)
    running = mock_of(MockServer([api], stream_samples=samples, speed=2))
    content_type, times, got = _read(running.server.base_url(api) + "/openai")
    assert [e.data for e in parse_stream(got, content_type).events] == [
        e.data for e in parse_stream(body, SSE).events
    ]
    # Twice as fast: 0.15 s, then the burst, then 0.15 s more.
    assert 0.25 <= times[-1] - times[0] < 1.0
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) >= 0.1


def test_a_bundle_sample_replays_as_json_lines(mock_of) -> None:
    body = b"".join(ollama_body())
    call = _call("ollamachat01", "/api/chat", body, NDJSON)
    api = _api(call)
    samples = {f"{api.id}/{call.id}": (NDJSON, body.decode())}
    running = mock_of(MockServer([api], samples=samples, speed=5))
    content_type, times, got = _read(running.server.base_url(api) + "/api/chat")
    assert content_type.startswith(NDJSON)
    assert len(times) > 3
    assert [e.data for e in parse_stream(got, content_type).events] == [
        e.data for e in parse_stream(body, NDJSON).events
    ]


def test_an_error_status_on_request_is_not_streamed(mock_of) -> None:
    call = _call("streamcall01", "/openai", b"".join(openai_body()))
    api = _api(call)
    running = mock_of(MockServer([api]))
    url = running.server.base_url(api) + "/openai"
    response = httpx.post(url, headers={"X-Mock-Status": "429"}, timeout=10)
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("speed", ["0", "-2", "nan"])
def test_speed_must_be_above_zero(tmp_path: Path, capsys, speed: str) -> None:
    from designer.core.models import Workspace
    from designer.core.workspace import file as workspace_file

    path = tmp_path / "w.json"
    call = _call("streamcall01", "/openai", b"".join(openai_body()))
    workspace_file.save(Workspace(name="W", apis=[_api(call)]), path)
    code = cli.main(["mock", str(path), "--port", "0", "--speed", speed])
    err = capsys.readouterr().err
    assert code != 0
    assert "--speed must be a number above 0" in err
    assert "Traceback" not in err
