"""Typed values and custom methods on the wire: local httpbin and a small echo server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import orjson
import pytest

from designer.core.http.execute import ExecutionSettings, Executor, ResponseResult
from designer.core.http.file_choices import ChosenFiles
from designer.core.http.request import BuiltRequest, build_request
from designer.core.models import Api, BodyType, Call, Method, Parameter, Placement, ValueType
from designer.core.secrets.store import MemorySecretStore
from tests.core.test_typed_values import body, order_call, pet_order

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]

# -- on the wire ---------------------------------------------------------------------------


def send(run: Run[ResponseResult], request: BuiltRequest) -> Any:
    async def go() -> ResponseResult:
        async with Executor(ExecutionSettings()) as executor:
            return await executor.send(request)

    result = run(go())
    assert result.status == 200
    return orjson.loads(result.body)


def test_typed_json_body_on_the_wire(run_async: Run[ResponseResult], httpbin: Any) -> None:
    api, call = order_call(*pet_order())
    api.base_url = httpbin.url
    echoed = send(run_async, build_request(api, call, MemorySecretStore()))
    assert echoed["headers"]["Content-Type"] == "application/json"
    assert echoed["json"] == {
        "petId": 198772,
        "quantity": 7,
        "price": 7.5,
        "complete": True,
        "status": "placed",
        "tags": ["a", 1, {"b": None}],
        "ship": {"date": None},
        "note": "007",
    }


def test_file_part_on_the_wire(
    run_async: Run[ResponseResult], httpbin: Any, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("first line\nsecond line\n")
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/anything",
        body_type=BodyType.MULTIPART,
        parameters=[
            body("count", "3", ValueType.INTEGER),
            body("public", "TRUE", ValueType.BOOLEAN),
            body("notes", str(notes), ValueType.FILE),
        ],
    )
    api = Api(name="Files", base_url=httpbin.url, calls=[call])
    built = build_request(api, call, MemorySecretStore(), chosen=ChosenFiles(session=[str(notes)]))
    assert b'filename="notes.txt"' in (built.content or b"")
    assert b"Content-Type: text/plain" in (built.content or b"")
    echoed = send(run_async, built)
    assert echoed["form"] == {"count": "3", "public": "true"}
    assert echoed["files"] == {"notes": "first line\nsecond line\n"}
    assert built.multipart_files == (("notes", str(notes)),)
    assert f"-F 'notes=@{notes}'" in built.to_curl()


def test_binary_file_part_is_previewed_by_name(tmp_path: Path) -> None:
    image = tmp_path / "tom.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    call = Call(
        name="Upload",
        method=Method.POST,
        path="/x",
        body_type=BodyType.MULTIPART,
        parameters=[body("title", "Tom"), body("photo", str(image), ValueType.FILE)],
    )
    api = Api(name="Files", base_url="http://127.0.0.1:1", calls=[call])
    chosen = ChosenFiles(session=[str(image)])
    built = build_request(api, call, MemorySecretStore(), chosen=chosen)
    assert b"Content-Type: image/png" in (built.content or b"")
    preview = built.describe()
    assert "title=Tom" in preview
    assert f"photo=@{image}" in preview


class _EchoHandler(BaseHTTPRequestHandler):
    """Answers any method, custom ones included, with the request as JSON."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._echo
        raise AttributeError(name)

    def _echo(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(size).decode() if size else ""
        payload = orjson.dumps({"method": self.command, "path": self.path, "data": data})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("method", ["PURGE", "LINK", "VIEW", "M-SEARCH"])
def test_custom_method_on_the_wire(
    run_async: Run[ResponseResult], echo_server: str, method: str
) -> None:
    call = Call(
        name="Clear",
        method=Method(method),
        path="/cache/{key}",
        body_type=BodyType.JSON,
        parameters=[
            Parameter(name="key", value="a b", placement=Placement.PATH),
            body("hard", "true", ValueType.BOOLEAN),
        ],
    )
    api = Api(name="Cache", base_url=echo_server, calls=[call])
    built = build_request(api, call, MemorySecretStore())
    assert built.describe().startswith(f"{method} {echo_server}/cache/a%20b")
    assert f"curl -X {method} " in built.to_curl()
    assert send(run_async, built) == {
        "method": method,
        "path": "/cache/a%20b",
        "data": '{"hard":true}',
    }
