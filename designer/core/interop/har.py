"""Import HAR 1.2 recordings (browser dev tools, proxies) as APIs.

Each entry becomes a call named after its method and path, in an API per
host. Entries with the same method and URL path are one call, whose
structure merges every recorded successful response (base64 bodies are
decoded). Browser and transport headers are dropped; an ``Authorization``
header becomes the API's authentication and cookies private values (see
:mod:`.collection`).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import urlsplit

from ..errors import ImportVersionError
from .collection import RawRequest, build_apis
from .common import ImportResult, model_errors
from .reader import Reader, join

__all__ = ["import_har"]


def _headers(node: dict[str, Any], where: str, r: Reader) -> list[tuple[str, str]]:
    headers = []
    for index, entry in enumerate(r.get_list(node, "headers", where)):
        at = join(join(where, "headers"), index)
        h = r.obj(entry, at)
        headers.append((r.get_text(h, "name", at), r.get_text(h, "value", at)))
    return headers


def _body(raw: RawRequest, request: dict[str, Any], where: str, r: Reader) -> None:
    post = r.get_obj(request, "postData", where)
    if not post:
        return
    at = join(where, "postData")
    media = r.get_text(post, "mimeType", at).lower()
    params = r.get_list(post, "params", at)
    if media.startswith(("application/x-www-form-urlencoded", "multipart/form-data")) and params:
        raw.body_mode = "form" if media.startswith("application/x") else "multipart"
        for index, entry in enumerate(params):
            item = r.obj(entry, join(join(at, "params"), index))
            if "fileName" not in item:
                raw.form.append((r.get_text(item, "name", at), r.get_text(item, "value", at)))
        return
    raw.body_text = r.get_text(post, "text", at)
    raw.body_mode = "json" if "json" in media else "raw"
    if media and not any(n.lower() == "content-type" for n, _ in raw.headers):
        raw.headers.append(("Content-Type", media))


def _response(entry: dict[str, Any], where: str, r: Reader) -> tuple[str, bytes] | None:
    response = r.get_obj(entry, "response", where)
    at = join(where, "response")
    status = response.get("status")
    if not isinstance(status, int) or not 200 <= status < 300:
        return None
    content = r.get_obj(response, "content", at)
    text = r.get_text(content, "text", join(at, "content"))
    body = text.encode()
    if content.get("encoding") == "base64":
        try:
            body = base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError):
            raise r.fail(join(join(at, "content"), "text"), "is not valid base64") from None
    return r.get_text(content, "mimeType", join(at, "content")), body


def import_har(doc: Any, source: str) -> ImportResult:
    """The APIs of the requests recorded in a HAR document."""
    r = Reader(source)
    log = r.get_obj(r.obj(doc, "$"), "log", "$")
    version = log.get("version")
    if version not in ("1.1", "1.2"):
        raise ImportVersionError(
            f"{source}: $.log.version: HAR version {version!r} is not supported: this Connector "
            f"Designer reads HAR 1.1 and 1.2"
        )
    by_call: dict[tuple[str, str], RawRequest] = {}
    for index, value in enumerate(r.get_list(log, "entries", "$.log")):
        where = join("$.log.entries", index)
        entry = r.obj(value, where)
        request = r.get_obj(entry, "request", where)
        at = join(where, "request")
        method = r.get_text(request, "method", at, "GET").upper()
        url = r.get_text(request, "url", at)
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            raise r.fail(join(at, "url"), f"{url[:60]!r} is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not host:
            continue  # data:, blob:, chrome-extension: and the like
        key = (method, f"{parts.scheme}://{parts.netloc}{parts.path}")
        raw = by_call.get(key)
        if raw is None:
            raw = RawRequest(
                group=host,
                name="",  # named after its path below the API's base URL
                method=method,
                url=url,
                headers=_headers(request, at, r),
            )
            _body(raw, request, at, r)
            by_call[key] = raw
        example = _response(entry, where, r)
        if example is not None:
            raw.examples.append(example)
    with model_errors(source):
        result = build_apis(list(by_call.values()), ImportResult("har", "Recorded", []))
    if not result.apis:
        result.notes.append("the recording holds no http or https requests")
    return result
