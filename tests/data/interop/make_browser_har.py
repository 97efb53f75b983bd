"""Write ``browser-capture.har``: a HAR 1.2 capture shaped like a browser's.

Run from the repository root: ``.venv/bin/python tests/data/interop/make_browser_har.py``.
A page load of a single-page app, as Chrome's dev tools save it: hundreds of
entries, most of them images, fonts, stylesheets, scripts and source maps
(some on CDN hosts, some with a MIME type only, some with an extension only),
a CORS preflight before each API call, and a few API calls to
``localhost:4010`` (tests point that at a local server). Deterministic: the
same file every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

OUT = Path(__file__).with_name("browser-capture.har")
APP = "http://localhost:4010"
CDN = "https://cdn.static-assets.example"
FONTS = "https://fonts.assets.example"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.browser-session-token.sig"


def entry(
    method: str,
    url: str,
    mime: str,
    *,
    status: int = 200,
    headers: tuple[tuple[str, str], ...] = (),
    body: str = "",
    post: dict[str, Any] | None = None,
    resource: str | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": method,
        "url": url,
        "httpVersion": "http/2.0",
        "headers": [
            {"name": ":authority", "value": url.split("/")[2] if "//" in url else ""},
            {"name": "user-agent", "value": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"},
            {"name": "sec-ch-ua-platform", "value": '"Linux"'},
            {"name": "accept-language", "value": "en-GB,en;q=0.9"},
            *({"name": n, "value": v} for n, v in headers),
        ],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": len(post["text"]) if post else 0,
    }
    if post:
        request["postData"] = post
    found: dict[str, Any] = {
        "startedDateTime": "2026-02-01T09:00:00.000Z",
        "time": 0,
        "request": request,
        "response": {
            "status": status,
            "statusText": "OK" if status < 300 else "No Content",
            "httpVersion": "http/2.0",
            "headers": [{"name": "content-type", "value": mime}] if mime else [],
            "cookies": [],
            "content": {"size": len(body), "mimeType": mime, "text": body},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": 0, "receive": 0},
    }
    if resource:
        found["_resourceType"] = resource
    return found


def preflight(url: str, method: str) -> dict[str, Any]:
    return entry(
        "OPTIONS",
        url,
        "",
        status=204,
        headers=(
            ("access-control-request-method", method),
            ("access-control-request-headers", "authorization,content-type"),
            ("origin", APP),
        ),
        resource="preflight",
    )


def api(method: str, path: str, body: str, post: dict[str, Any] | None = None) -> list[Any]:
    url = f"{APP}/api/v1{path}"
    auth = [("authorization", f"Bearer {TOKEN}"), ("accept", "application/json")]
    if post:
        auth.append(("content-type", post["mimeType"]))
    call = entry(method, url, "application/json", headers=tuple(auth), body=body, post=post)
    call["_resourceType"] = "fetch"
    return [preflight(url, method), call]


def capture() -> dict[str, Any]:
    entries = [entry("GET", f"{APP}/", "text/html", body="<!doctype html><title>Shop</title>")]
    for i in range(120):
        entries.append(entry("GET", f"{CDN}/img/product-{i}.webp", "image/webp", resource="image"))
    for i in range(30):
        entries.append(entry("GET", f"{CDN}/icons/icon-{i}.svg", "image/svg+xml"))
    for weight in (300, 400, 500, 700):
        for style in ("normal", "italic"):
            url = f"{FONTS}/inter/{weight}-{style}.woff2"
            entries.append(entry("GET", url, "font/woff2", resource="font"))
    for i in range(25):
        entries.append(entry("GET", f"{APP}/static/css/chunk-{i}.css", "text/css"))
    for i in range(60):
        entries.append(entry("GET", f"{APP}/static/js/chunk-{i}.js", "application/javascript"))
        entries.append(entry("GET", f"{APP}/static/js/chunk-{i}.js.map", "application/json"))
    for i in range(10):  # served without a type: recognised by extension
        entries.append(entry("GET", f"{CDN}/vendor/lib-{i}.min.js", ""))
    entries.append(entry("GET", "data:image/png;base64,iVBORw0KGgo=", "image/png"))
    entries += api("GET", "/me", '{"id": 7, "email": "ana@example.com", "admin": false}')
    for page in (1, 2):
        entries += api(
            "GET",
            f"/products?page={page}&per_page=2",
            '{"data": [{"id": 1, "name": "Mug", "price": 9.5}], "page": ' + f"{page}}}",
        )
    entries += api("GET", "/config.json", '{"currency": "EUR", "features": ["cart"]}')
    post = {"mimeType": "application/json", "text": '{"product_id": 1, "quantity": 2}'}
    entries += api("POST", "/cart/items", '{"cart_id": "c-1", "items": 1}', post)
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [{"id": "page_1", "title": APP, "startedDateTime": "2026-02-01T09:00:00Z"}],
            "entries": entries,
        }
    }


if __name__ == "__main__":
    # One entry per line: small, and a change to one entry is a one-line diff.
    text = (
        orjson.dumps(capture()).decode().replace('},{"startedDateTime"', '},\n{"startedDateTime"')
    )
    OUT.write_text(text + "\n")
