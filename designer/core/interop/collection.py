"""From recorded or saved requests (Postman, Insomnia, HAR) to APIs and calls.

The collection importers read their format into :class:`RawRequest` objects
and :func:`build_apis` does the rest, the same way for all of them:

- requests are grouped into APIs (by folder, or by host for HAR); an API's
  base URL is the origin most of its requests use, plus the path prefix they
  all share; a request to another origin keeps its absolute URL as its path;
- ``:name`` and ``{{name}}`` path segments become ``{name}`` path parameters;
- query values and headers become parameters (transport headers such as
  Host or Content-Length are dropped; Content-Type sets the body's type);
- an ``Authorization`` header or the request's auth becomes the API's
  authentication; credential values go to the result's secrets, never into
  the APIs; a request whose credentials differ keeps them as private values;
- saved example responses (or recorded ones) become the call's structure.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from ..credential_detector import is_key_header, is_placeholder
from ..errors import BodyParseError
from ..inference import infer_body, merge
from ..models import (
    AUTH_SECRET_FIELD,
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    Method,
    NoAuth,
    Parameter,
    Placement,
    UseAs,
    secret_ref,
)
from ..structure import Shape
from .common import ImportResult, tidy_api, unique_name

__all__ = ["RawAuth", "RawRequest", "build_apis"]

_DROPPED = {
    "host", "content-length", "connection", "accept-encoding", "user-agent", "cache-control",
    "pragma", "origin", "referer", "keep-alive", "te", "upgrade-insecure-requests", "postman-token",
}  # fmt: skip
_VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


@dataclass(slots=True)
class RawAuth:
    """A credential as a collection stores it; ``secret`` is its value (may be empty)."""

    auth: Auth
    secret: str


@dataclass(slots=True)
class RawRequest:
    """One request read from a collection, before it becomes a call."""

    group: str
    name: str
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_mode: str = "none"  # none, json, raw, form, multipart
    body_text: str = ""
    form: list[tuple[str, str]] = field(default_factory=list)
    auth: RawAuth | None = None
    examples: list[tuple[str, bytes]] = field(default_factory=list)  # content type, body
    description: str = ""
    path_values: dict[str, str] = field(default_factory=dict)


def credential_from_header(value: str) -> RawAuth | None:
    """The credential in an ``Authorization`` header value, if it is a Bearer or Basic one."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        return RawAuth(BearerAuth(), rest.strip())
    if scheme.lower() == "basic" and rest.strip():
        try:
            user, _, password = (
                base64.b64decode(rest.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
        return RawAuth(BasicAuth(username=user), password)
    return None


def _split(url: str) -> tuple[str, str, str]:
    """Origin (empty if the URL has none), path and query of a request URL."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        origin = f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2]}"
        return origin, parts.path, parts.query
    # No origin: a leading unresolved {{variable}} stands for it.
    rest = re.sub(r"^\s*\{\{[^{}]*\}\}", "", url)
    path, _, query = rest.partition("?")
    return "", path.split("#", 1)[0], query


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _common_prefix(paths: list[str]) -> str:
    split = [_segments(p) for p in paths]
    prefix: list[str] = []
    for column in zip(*split, strict=False):
        if len(set(column)) != 1 or any(c in column[0] for c in "{}:"):
            break
        prefix.append(column[0])
    # Keep at least one segment for the call itself.
    while prefix and any(len(s) <= len(prefix) for s in split):
        prefix.pop()
    return "/" + "/".join(prefix) if prefix else ""


def _path(path: str, values: dict[str, str], parameters: list[Parameter]) -> str:
    out = []
    for segment in path.split("/"):
        match = _VARIABLE.fullmatch(segment)
        name = match.group(1) if match else segment[1:] if segment.startswith(":") else None
        if name:
            name = name.strip()
            parameters.append(
                Parameter(name=name, value=values.get(name, ""), placement=Placement.PATH)
            )
            out.append("{" + name + "}")
        else:
            out.append(unquote(segment).replace("{", "%7B").replace("}", "%7D"))
    return "/".join(out)


def _body(raw: RawRequest, parameters: list[Parameter]) -> dict[str, object]:
    if raw.body_mode in ("form", "multipart"):
        for name, value in raw.form:
            parameters.append(Parameter(name=name, value=value, placement=Placement.BODY))
        return {"body_type": BodyType.FORM if raw.body_mode == "form" else BodyType.MULTIPART}
    if raw.body_mode == "none" or not raw.body_text:
        return {}
    text = raw.body_text
    for name in dict.fromkeys(_VARIABLE.findall(text)):
        if re.fullmatch(r"[A-Za-z_][\w.\-]*", name):
            parameters.append(Parameter(name=name, placement=Placement.BODY))
    text = _VARIABLE.sub(lambda m: f"<{m.group(1)}>", text)
    if raw.body_mode == "json":
        return {"body_type": BodyType.JSON, "body_template": text}
    content_type = next((v for n, v in raw.headers if n.lower() == "content-type"), "")
    return {
        "body_type": BodyType.RAW,
        "body_template": text,
        "content_type": content_type or "text/plain",
    }


def _structure(raw: RawRequest, notes: list[str]) -> Shape | None:
    shape: Shape | None = None
    for content_type, body in raw.examples:
        if not body:
            continue
        try:
            found = infer_body(body, content_type)
        except BodyParseError as exc:
            notes.append(f"{raw.group}/{raw.name}: an example response was not used ({exc})")
            continue
        shape = found if shape is None else merge(shape, found)
    return shape


def _auth_from_headers(raw: RawRequest) -> None:
    """A request without auth settings but with an Authorization header: that is its auth."""
    if raw.auth is not None:
        return
    for index, (name, value) in enumerate(raw.headers):
        if name.lower() == "authorization":
            credential = credential_from_header(value)
        elif is_key_header(name) and value and not is_placeholder(value):
            credential = RawAuth(ApiKeyHeaderAuth(header=name), value)
        else:
            continue
        if credential is not None:
            raw.auth = credential
            del raw.headers[index]
        return


class _Builder:
    def __init__(self, result: ImportResult) -> None:
        self.result = result

    def call(self, api: Api, raw: RawRequest, base: str, prefix: str) -> Call:
        origin, path, query = _split(raw.url)
        parameters: list[Parameter] = []
        if origin == base:
            path = path[len(prefix) :] if path.startswith(prefix) else path
        elif origin:
            path = origin + path
        path = _path(path, raw.path_values, parameters)
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name:
                parameters.append(Parameter(name=name, value=value, placement=Placement.QUERY))
        for name, value in raw.headers:
            lowered = name.lower()
            if lowered in _DROPPED or lowered.startswith((":", "sec-")) or not name.strip():
                continue
            if lowered == "accept" and value.strip() == "*/*":
                continue  # what every client sends when it does not care
            if lowered == "content-type" and raw.body_mode in ("json", "form", "multipart", "raw"):
                continue
            if lowered in ("authorization", "cookie") or self._is_key(api, name):
                parameters.append(
                    Parameter(name=name, placement=Placement.HEADER, private=True, dynamic=False)
                )
                self.pending.append((name, value))
                continue
            parameters.append(
                Parameter(name=name, value=value, placement=Placement.HEADER, dynamic=False)
            )
        body = _body(raw, parameters)
        method = raw.method.upper() if raw.method.upper() in Method.__members__ else "GET"
        return Call(
            name=unique_name(raw.name or f"{method} {path or '/'}", [c.name for c in api.calls]),
            description=raw.description,
            method=Method(method),
            use_as=UseAs.DATA if method in ("GET", "HEAD") else UseAs.ACTION,
            path=path,
            parameters=parameters,
            structure=_structure(raw, self.result.notes),
            **body,
        )

    def _is_key(self, api: Api, name: str) -> bool:
        return isinstance(api.auth, ApiKeyHeaderAuth) and api.auth.header.lower() == name.lower()

    def api(self, name: str, requests: list[RawRequest]) -> Api:
        for raw in requests:
            _auth_from_headers(raw)
        origins = Counter(_split(r.url)[0] for r in requests)
        base = origins.most_common(1)[0][0]
        prefix = _common_prefix([_split(r.url)[1] for r in requests if _split(r.url)[0] == base])
        if not base:
            self.result.notes.append(f"API {name!r}: the URLs have no host: set its base URL")
        auths = [r.auth for r in requests if r.auth is not None and r.auth.auth.type != "none"]
        auth = auths[0].auth if auths else NoAuth()
        api = Api(name=name, base_url=base + prefix if base else "", auth=auth)
        if auths and auths[0].secret:
            field_name = f"auth.{AUTH_SECRET_FIELD[auth.type]}"
            self.result.secrets[secret_ref(api, field_name)] = auths[0].secret
        for raw in requests:
            self.pending: list[tuple[str, str]] = []
            if raw.auth is not None and raw.auth.auth != auth and raw.auth.auth.type != "none":
                self._private_credential(api, raw.auth)
            call = self.call(api, raw, base, prefix)
            for param_name, value in self.pending:
                if not any(
                    p.placement is Placement.HEADER and p.name.lower() == param_name.lower()
                    for p in call.parameters
                ):
                    call.parameters.append(
                        Parameter(
                            name=param_name, placement=Placement.HEADER, private=True, dynamic=False
                        )
                    )
                if value:
                    self.result.secrets[secret_ref(api, f"param.{param_name}", call)] = value
            api.calls.append(call)
        return tidy_api(api)

    def _private_credential(self, api: Api, credential: RawAuth) -> None:
        self.result.notes.append(
            f"API {api.name!r}: some requests authenticate differently; their credentials "
            f"became private parameters"
        )
        cred = credential.auth
        if isinstance(cred, ApiKeyQueryAuth):
            return  # stays in the URL's query
        if isinstance(cred, ApiKeyHeaderAuth):
            self.pending.append((cred.header, cred.prefix + credential.secret))
        elif isinstance(cred, BearerAuth):
            self.pending.append(("Authorization", f"Bearer {credential.secret}"))
        elif isinstance(cred, BasicAuth):
            token = base64.b64encode(f"{cred.username}:{credential.secret}".encode()).decode()
            self.pending.append(("Authorization", f"Basic {token}"))


def build_apis(requests: list[RawRequest], result: ImportResult) -> ImportResult:
    """Add an API per group of ``requests`` to ``result`` (in first-seen order)."""
    groups: dict[str, list[RawRequest]] = {}
    for raw in requests:
        groups.setdefault(raw.group or result.name, []).append(raw)
    builder = _Builder(result)
    for name, members in groups.items():
        unique = unique_name(name, [a.name for a in result.apis])
        result.apis.append(builder.api(unique, members))
    return result
