"""Record ``demo-server.har`` (HAR 1.2) from real requests to the local demo server.

Run from the repository root: ``.venv/bin/python tests/data/interop/record_har.py``.
The demo server listens on a random port; the recording is rewritten to port
8765 so that the committed file does not change from run to run apart from
timings, which are fixed to zero.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import orjson

from designer.core.demo.server import DEMO_API_KEY, start_demo_server

OUT = Path(__file__).with_name("demo-server.har")
PORT = 8765


def _pairs(items: Any) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in items]


def entry(response: httpx.Response, base: str) -> dict[str, Any]:
    request = response.request
    url = str(request.url).replace(base, f"127.0.0.1:{PORT}")
    body = response.content
    try:
        text, encoding = body.decode("utf-8").replace(base, f"127.0.0.1:{PORT}"), None
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(body).decode(), "base64"
    headers = [(k, v.replace(base, f"127.0.0.1:{PORT}")) for k, v in request.headers.items()]
    recorded: dict[str, Any] = {
        "startedDateTime": "2026-01-15T10:00:00.000Z",
        "time": 0,
        "request": {
            "method": request.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(headers),
            "queryString": _pairs(request.url.params.multi_items()),
            "headersSize": -1,
            "bodySize": len(request.content),
        },
        "response": {
            "status": response.status_code,
            "statusText": response.reason_phrase,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(
                (k, v) for k, v in response.headers.items() if k.lower() not in ("date", "server")
            ),
            "content": {
                "size": len(body),
                "mimeType": response.headers.get("content-type", ""),
                "text": text,
                **({"encoding": encoding} if encoding else {}),
            },
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    if request.content:
        recorded["request"]["postData"] = {
            "mimeType": request.headers.get("content-type", ""),
            "text": request.content.decode(),
        }
    return recorded


def main() -> None:
    server = start_demo_server()
    base = httpx.URL(server.url).netloc.decode()  # 127.0.0.1:<random port>
    try:
        with httpx.Client(base_url=server.url.rstrip("/") + "/v1/") as client:
            responses = [
                client.get("products", params={"page": 1, "per_page": 3}),
                client.get("products", params={"page": 2, "per_page": 3}),
                client.get("products/SKU-00002"),
                client.get("orders/1001"),
                client.post("orders", json={"product_id": "SKU-00002", "quantity": 2}),
                client.get("account", headers={"X-API-Key": DEMO_API_KEY}),
                client.get("unstable"),
                client.get("feed.xml"),
            ]
    finally:
        server.stop()
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "record_har.py", "version": "1"},
            "entries": [entry(r, base) for r in responses],
        }
    }
    OUT.write_bytes(orjson.dumps(har, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))


if __name__ == "__main__":
    main()
