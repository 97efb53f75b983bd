"""The response history: kept in a cache folder, capped, masked, clearable."""

from __future__ import annotations

import os
import stat

from designer.core.calls.history import MAX_BODY, ResponseHistory
from designer.core.http.response import ResponseResult

TOKEN = "tok-HISTORY-9f2"


def _response(body: bytes, **headers: str) -> ResponseResult:
    return ResponseResult(
        status=200,
        reason="OK",
        http_version="HTTP/1.1",
        url=f"https://api.example.com/v1/me?key={TOKEN}",
        elapsed=0.1,
        headers=tuple(headers.items()),
        body=body,
        content_type="application/json",
        charset="utf-8",
    )


def test_secrets_are_masked_in_what_is_kept(tmp_path) -> None:
    history = ResponseHistory(tmp_path / "responses")
    body = b'{"echo": "Bearer ' + TOKEN.encode() + b'", "n": 1}'
    history.add(
        "api1",
        "call1",
        _response(body, **{"X-Echo": TOKEN, "Set-Cookie": "sid=abc"}),
        "json",
        [TOKEN],
    )
    [entry] = history.entries("api1", "call1")
    assert entry.body == '{"echo": "Bearer ••••", "n": 1}'.encode()
    assert dict(entry.headers) == {"X-Echo": "••••", "Set-Cookie": "••••"}
    assert TOKEN not in entry.url
    files = list((tmp_path / "responses").rglob("*.json"))
    assert len(files) == 1
    assert TOKEN.encode() not in files[0].read_bytes()
    assert b"sid=abc" not in files[0].read_bytes()
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600


def test_the_last_few_are_kept_newest_first_and_big_bodies_are_cut(tmp_path) -> None:
    history = ResponseHistory(tmp_path, keep=3)
    for n in range(5):
        history.add("a", "c", _response(b'{"n": %d}' % n), "json")
    assert [e.body for e in history.entries("a", "c")] == [b'{"n": 4}', b'{"n": 3}', b'{"n": 2}']
    history.add("a", "big", _response(b"x" * (MAX_BODY + 10)), "text")
    [big] = history.entries("a", "big")
    assert big.truncated
    assert len(big.body) == MAX_BODY


def test_the_folder_stays_under_its_cap_and_can_be_cleared(tmp_path) -> None:
    history = ResponseHistory(tmp_path, max_total=150_000)
    for n in range(6):
        history.add("a", f"c{n}", _response(b"y" * 40_000), "text")
    assert history.size() <= 150_000
    assert history.entries("a", "c5")  # the newest stays
    assert not history.entries("a", "c0")  # the oldest went
    history.clear("a", "c5")
    assert not history.entries("a", "c5")
    history.clear()
    assert history.size() == 0


def test_a_streamed_response_keeps_its_event_times(tmp_path) -> None:
    import orjson

    history = ResponseHistory(tmp_path)
    history.add("api", "plain", _response(b"{}"), "json")
    history.add("api", "chat", _response(b"data: 1\n\n"), "stream", offsets=[0.0, 0.12345678])
    assert history.entries("api", "chat")[0].offsets == (0.0, 0.1235)
    assert history.entries("api", "plain")[0].offsets is None
    # Files of other responses are as before (no "offsets" key), and bad times read as none.
    path = tmp_path / "api" / "plain.json"
    assert "offsets" not in orjson.loads(path.read_bytes())["entries"][0]
    doc = orjson.loads((tmp_path / "api" / "chat.json").read_bytes())
    doc["entries"][0]["offsets"] = [0.1, "later", -1]
    (tmp_path / "api" / "chat.json").write_bytes(orjson.dumps(doc))
    (entry,) = history.entries("api", "chat")
    assert entry.offsets is None
    assert entry.body == b"data: 1\n\n"
