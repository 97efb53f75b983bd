"""Import HAR 1.2 recordings (browser dev tools, proxies) as APIs.

Each entry becomes a call named after its method and path, in an API per
host. A browser capture is mostly static assets and CORS preflights: entries
whose response is an image, font, stylesheet, script or media file (by MIME
type, or by the URL's extension when the type says nothing), and ``OPTIONS``
requests that carry ``Access-Control-Request-Method``, are skipped and
counted in a note, unless ``keep_static`` is set. Entries with the same
method and URL path are one call, whose structure merges every recorded
successful response (base64 bodies are decoded). Browser and transport
headers are dropped; an ``Authorization`` header becomes the API's
authentication and cookies private values (see :mod:`.collection`).
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from designer.core.errors import ImportVersionError
from designer.core.interop.collection.build import RawParam, RawRequest, build_apis
from designer.core.interop.common import ImportResult, model_errors
from designer.core.interop.reader import Reader, join
from designer.core.urls import with_default_scheme
from designer.core.wording import plural

__all__ = ["import_har"]


#: What the browser adds for its cache (conditional requests) and for one connection
#: (hop-by-hop, RFC 9110 7.6.1): not part of the call, and stale as soon as recorded.
_RECORDING_HEADERS = frozenset(
    "if-none-match if-modified-since if-match if-unmodified-since if-range connection "
    "keep-alive proxy-connection proxy-authenticate te trailer transfer-encoding upgrade".split()
)


def _headers(node: dict[str, Any], where: str, r: Reader) -> list[tuple[str, str]]:
    headers = []
    for index, entry in enumerate(r.get_list(node, "headers", where)):
        at = join(join(where, "headers"), index)
        h = r.obj(entry, at)
        name = r.get_text(h, "name", at)
        if name.strip().lower() not in _RECORDING_HEADERS:
            headers.append((name, r.get_text(h, "value", at)))
    return headers


def _query(url: str) -> list[RawParam]:
    return [RawParam(n, v) for n, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if n]


def _more_query(raw: RawRequest, url: str) -> None:
    """Add the query parameters of another request to the same path (the union of all)."""
    listed = raw.query if raw.query is not None else []
    names = {p.name for p in listed}
    current = _query(url)
    for param in current:
        if param.name not in names:
            # Not in the earlier requests: optional, with the value it was sent with.
            names.add(param.name)
            listed.append(RawParam(param.name, param.value, _NOT_ALWAYS, optional=True))
    present = {p.name for p in current}
    for param in listed:
        if param.name not in present and not param.optional:
            param.optional = True
            param.description = _NOT_ALWAYS
    raw.query = listed


_NOT_ALWAYS = "not in every recorded request to this path"


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
            elif raw.body_mode == "multipart":  # a file part: its name is kept, never a path
                raw.files.append(r.get_text(item, "name", at))
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


_STATIC_TYPES = ("image/", "font/", "audio/", "video/", "text/css", "application/font")
_SCRIPT_TYPES = frozenset(
    "application/javascript text/javascript application/x-javascript application/ecmascript "
    "text/ecmascript application/wasm application/manifest+json".split()
)
_STATIC_EXTENSIONS = frozenset(
    "png jpg jpeg gif webp avif svg ico bmp tif tiff woff woff2 ttf otf eot css js mjs map "
    "mp4 webm ogg mp3 wav m4a wasm webmanifest".split()
)
# Chrome's own classification of each entry, when present.
_STATIC_RESOURCE_TYPES = frozenset("image font stylesheet script media manifest".split())


def _is_static(entry: dict[str, Any], path: str) -> bool:
    response = entry.get("response")
    content = response.get("content") if isinstance(response, dict) else None
    media = content.get("mimeType") if isinstance(content, dict) else None
    media = media.split(";", 1)[0].strip().lower() if isinstance(media, str) else ""
    if media.startswith(_STATIC_TYPES) or media in _SCRIPT_TYPES:
        return True
    resource = entry.get("_resourceType")
    if isinstance(resource, str) and resource in _STATIC_RESOURCE_TYPES:
        return True
    extension = path.rsplit("/", 1)[-1].rpartition(".")[2].lower()
    if extension == "map":
        return True  # source maps are served as JSON but are build output
    if media and "octet-stream" not in media:
        return False  # JSON, HTML, text: an API answer, whatever the URL looks like
    return extension in _STATIC_EXTENSIONS


def _is_preflight(method: str, headers: list[tuple[str, str]]) -> bool:
    return method == "OPTIONS" and any(
        name.lower() == "access-control-request-method" for name, _ in headers
    )


def import_har(doc: Any, source: str, *, keep_static: bool = False) -> ImportResult:
    """The APIs of the requests recorded in a HAR document.

    Static assets and CORS preflights are skipped (and counted in a note)
    unless ``keep_static`` is set.
    """
    r = Reader(source)
    log = r.get_obj(r.obj(doc, "$"), "log", "$")
    version = log.get("version")
    if version not in ("1.1", "1.2"):
        raise ImportVersionError(
            f"{source}: $.log.version: HAR version {version!r} is not supported: this Connector "
            f"Designer reads HAR 1.1 and 1.2"
        )
    by_call: dict[tuple[str, str], RawRequest] = {}
    assets = preflights = 0
    others: Counter[str] = Counter()
    for index, value in enumerate(r.get_list(log, "entries", "$.log")):
        where = join("$.log.entries", index)
        entry = r.obj(value, where)
        request = r.get_obj(entry, "request", where)
        at = join(where, "request")
        method = r.get_text(request, "method", at, "GET").upper()
        url = with_default_scheme(r.get_text(request, "url", at))
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
        except ValueError:
            raise r.fail(join(at, "url"), f"{url[:60]!r} is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not host:
            others[f"{parts.scheme or 'relative'}:"] += 1  # data:, blob:, chrome-extension:
            continue
        headers = _headers(request, at, r)
        if not keep_static and _is_preflight(method, headers):
            preflights += 1
            continue
        if not keep_static and _is_static(entry, parts.path):
            assets += 1
            continue
        key = (method, f"{parts.scheme}://{parts.netloc}{parts.path}")
        raw = by_call.get(key)
        if raw is None:
            raw = RawRequest(
                group=host,
                name="",  # named after its path below the API's base URL
                method=method,
                url=url,
                headers=headers,
            )
            raw.query = _query(url)
            _body(raw, request, at, r)
            by_call[key] = raw
        else:
            _more_query(raw, url)
        example = _response(entry, where, r)
        if example is not None:
            raw.examples.append(example)
    with model_errors(source):
        result = build_apis(list(by_call.values()), ImportResult("har", "Recorded", []))
    if assets or preflights:
        result.notes.insert(
            0,
            f"skipped {plural(assets, 'static asset')} (images, fonts, styles, scripts) and "
            f"{plural(preflights, 'CORS preflight request')}; the command line's "
            f"import --keep-static keeps them",
        )
    if others:
        kinds = ", ".join(f"{n} {scheme}" for scheme, n in others.items())
        result.notes.append(f"not imported: entries that are not http or https ({kinds})")
    if not result.apis:
        result.notes.append("the recording holds no API requests over http or https")
    return result
