"""From recorded or saved requests (Postman, Insomnia, HAR) to APIs and calls.

The collection importers read their format into :class:`RawRequest` objects
and :func:`build_apis` does the rest, the same way for all of them:

- requests are grouped into APIs (by folder, or by host for HAR); an API's
  base URL is the origin most of its requests use, plus the path prefix they
  all share; a request to another origin keeps its absolute URL as its path;
- ``:name`` path segments and ``{{name}}`` anywhere in a segment
  (``celeb_{{username}}``) become ``{name}`` path parameters, never
  percent-encoded text;
- query values and headers become parameters (transport headers such as
  Host or Content-Length are dropped; Content-Type sets the body's type); a
  value that still holds an undefined ``{{variable}}`` is blank (see
  :mod:`.collection_values`), and a JSON object body becomes typed body
  parameters;
- an ``Authorization`` header (``Bearer``, ``Basic``, ``Token {{token}}``...)
  or the request's auth becomes the API's authentication, one credential for
  every call that shares it; credential values go to the result's secrets,
  never into the APIs; a request whose credentials differ keeps them as
  private values;
- saved example responses (or recorded ones) become the call's structure.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from urllib.parse import parse_qsl, unquote, urlsplit

from designer.core.errors import BodyParseError
from designer.core.inference import infer_body, merge
from designer.core.interop.collection.raw import (
    RawAuth,
    RawParam,
    RawRequest,
    auth_from_headers,
    credential_from_header,
)
from designer.core.interop.collection.values import VARIABLE, json_body_parameters, plain_value
from designer.core.interop.common import ImportResult, tidy_api, unique_name
from designer.core.models import (
    AUTH_SECRET_FIELD,
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BasicAuth,
    BearerAuth,
    BodyType,
    Call,
    CallOrigin,
    NoAuth,
    Parameter,
    Placement,
    UseAs,
    ValueType,
    secret_ref,
)
from designer.core.structure import Shape
from designer.core.wording import plural

__all__ = [
    "RawAuth",
    "RawParam",
    "RawRequest",
    "auth_from_headers",
    "build_apis",
    "credential_from_header",
    "group_requests",
    "origin_and_prefix",
]

_DROPPED = {
    "host", "content-length", "connection", "accept-encoding", "user-agent", "cache-control",
    "pragma", "origin", "referer", "keep-alive", "te", "upgrade-insecure-requests", "postman-token",
    "accept-language", "dnt", "priority",
}  # fmt: skip
_VARIABLE = VARIABLE
_ENCODED_MARK = re.compile(r"%(?:7[BbDd]|3[CcEe])")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}|\{([A-Za-z_][\w.\-]*)\}|<([A-Za-z_][\w.\-]*)>")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)://")


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
    # No origin: a leading unresolved {{variable}} stands for it, and stays the
    # origin (a base URL parameter to fill), so no segment after it is lost.
    leading = re.match(r"^\s*(\{\{[^{}]*\}\})", url)
    rest = url[leading.end() :] if leading else url
    path, _, query = rest.partition("?")
    return (leading.group(1) if leading else ""), path.split("#", 1)[0], query


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


def _literal(text: str) -> str:
    return unquote(text).replace("{", "%7B").replace("}", "%7D")


def _path(path: str, raw: RawRequest, parameters: list[Parameter]) -> str:
    def placeholder(name: str) -> str:
        name = name.strip()
        # ":order_id" whose value is "{{order_id}}", empty: blank, to be filled in.
        value, note = plain_value(raw.path_values.get(name, ""))
        if any(p.name == name and p.placement is Placement.PATH for p in parameters):
            return "{" + name + "}"
        parameters.append(
            Parameter(
                name=name,
                value=value,
                placement=Placement.PATH,
                description=_join(raw.descriptions.get(f":{name}", ""), note),
            )
        )
        return "{" + name + "}"

    out = []
    for segment in path.split("/"):
        if segment.startswith(":") and segment[1:].strip():
            out.append(placeholder(segment[1:]))
            continue
        # {{name}}, {name} or <name> anywhere in the segment, as docs write them:
        # "celeb_{{username}}" is "celeb_{username}"; "%7Bid%7D" is "{id}" too.
        segment = _ENCODED_MARK.sub(lambda m: unquote(m.group(0)), segment)
        pieces, last = [], 0
        for match in _PLACEHOLDER.finditer(segment):
            pieces.append(_literal(segment[last : match.start()]))
            pieces.append(placeholder(match.group(1) or match.group(2) or match.group(3)))
            last = match.end()
        pieces.append(_literal(segment[last:]))
        out.append("".join(pieces))
    return "/".join(out)


def _body(raw: RawRequest, parameters: list[Parameter]) -> dict[str, object]:
    if raw.body_mode in ("form", "multipart"):
        for name, text in raw.form:
            value, note = plain_value(text)
            described = _join(raw.descriptions.get(f"body:{name}", ""), note)
            parameters.append(
                Parameter(name=name, value=value, placement=Placement.BODY, description=described)
            )
        taken = {name for name, _ in raw.form}
        for name in dict.fromkeys(raw.files):
            if name and name not in taken:
                described = raw.descriptions.get(f"body:{name}", "")
                parameters.append(
                    Parameter(
                        name=name,
                        placement=Placement.BODY,
                        type=ValueType.FILE,
                        description=described,
                    )
                )
        return {"body_type": BodyType.FORM if raw.body_mode == "form" else BodyType.MULTIPART}
    if raw.body_mode == "none" or not raw.body_text:
        return {}
    text = raw.body_text
    typed = json_body_parameters(text) if raw.body_mode == "json" else None
    if typed is not None:
        parameters.extend(typed)
        return {"body_type": BodyType.JSON}
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


def origin_and_prefix(requests: list[RawRequest]) -> tuple[str, str]:
    """The origin most ``requests`` use, and the path prefix all of those share."""
    origins = Counter(_split(r.url)[0] for r in requests)
    base = origins.most_common(1)[0][0]
    prefix = _common_prefix([_split(r.url)[1] for r in requests if _split(r.url)[0] == base])
    return base, prefix


def _host_variables(api: Api, notes: list[str]) -> None:
    """``https://{{region}}.api.example.com``: each undefined variable of the base URL
    becomes a shared path parameter, to be filled in (``https://{region}.api...``)."""
    names = list(dict.fromkeys(n.strip() for n in _VARIABLE.findall(api.base_url)))
    if not names:
        return
    api.base_url = _VARIABLE.sub(lambda m: "{" + m.group(1).strip() + "}", api.base_url)
    for name in names:
        api.parameters.append(Parameter(name=name, placement=Placement.PATH))
    notes.append(
        f"API {api.name!r}: its base URL uses {', '.join(names)}, not defined in the "
        f"document: fill in the shared parameter{'s' if len(names) > 1 else ''}"
    )


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
        path = _path(path, raw, parameters)
        listed = raw.query
        if listed is None:
            listed = [RawParam(n, v) for n, v in parse_qsl(query, keep_blank_values=True) if n]
        for entry in listed:
            value, note = plain_value(entry.value)
            parameters.append(
                Parameter(
                    name=entry.name,
                    value=value,
                    placement=Placement.QUERY,
                    optional=entry.optional,
                    description=_join(entry.description, note),
                )
            )
        for name, text in raw.headers:
            lowered = name.lower()
            if lowered in _DROPPED or lowered.startswith((":", "sec-")) or not name.strip():
                continue
            if lowered == "accept" and text.strip() == "*/*":
                continue  # what every client sends when it does not care
            if lowered == "content-type" and raw.body_mode in ("json", "form", "multipart", "raw"):
                continue
            value, note = plain_value(text)
            if lowered in ("authorization", "cookie") or self._is_key(api, name):
                parameters.append(
                    Parameter(name=name, placement=Placement.HEADER, private=True, dynamic=False)
                )
                self.pending.append((name, value))
                continue
            parameters.append(
                Parameter(
                    name=name,
                    value=value,
                    placement=Placement.HEADER,
                    dynamic=bool(note),
                    description=_join(raw.descriptions.get(lowered, ""), note),
                )
            )
        body = _body(raw, parameters)
        method = raw.method.strip().upper() or "GET"  # custom methods (PURGE, LINK) are kept
        return Call(
            name=unique_name(raw.name or f"{method} {path or '/'}", [c.name for c in api.calls]),
            description=raw.description,
            method=method,  # an invalid one is a one-line import error naming it
            use_as=UseAs.DATA if method in ("GET", "HEAD") else UseAs.ACTION,
            path=path,
            parameters=parameters,
            structure=_structure(raw, self.result.notes),
            origin=CallOrigin(key=raw.identity) if raw.identity else None,
            **body,
        )

    def _is_key(self, api: Api, name: str) -> bool:
        return isinstance(api.auth, ApiKeyHeaderAuth) and api.auth.header.lower() == name.lower()

    def api(self, name: str, requests: list[RawRequest]) -> Api:
        auth_from_headers(requests)
        base, prefix = origin_and_prefix(requests)
        if not base:
            self.result.notes.append(f"API {name!r}: the URLs have no host: set its base URL")
        auths = [r.auth for r in requests if r.auth is not None and r.auth.auth.type != "none"]
        auth = auths[0].auth if auths else NoAuth()
        api = Api(name=name, base_url=base + prefix if base else "", auth=auth)
        _host_variables(api, self.result.notes)
        if auths and auths[0].secret and auth.type in AUTH_SECRET_FIELD:
            field_name = f"auth.{AUTH_SECRET_FIELD[auth.type]}"
            self.result.secrets[secret_ref(api, field_name)] = auths[0].secret
        for field_name, value in auths[0].extra.items() if auths else ():
            if value:
                self.result.secrets[secret_ref(api, f"auth.{field_name}")] = value
        if auths and any(r.auth is not None and r.auth.auth.type == "none" for r in requests):
            self.result.notes.append(
                f"API {name!r}: some requests have no authentication in the document; "
                f"they are sent with the API's"
            )
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


def _join(*texts: str) -> str:
    return "; ".join(t for t in texts if t)


def group_requests(
    requests: list[RawRequest], default: str
) -> tuple[dict[str, list[RawRequest]], Counter[str]]:
    """The http and https requests by API name (first seen first); others counted by scheme."""
    groups: dict[str, list[RawRequest]] = {}
    other: Counter[str] = Counter()
    for raw in requests:
        found = _SCHEME.match(raw.url)
        if found and found.group(1).lower() not in ("http", "https"):
            other[found.group(1).lower()] += 1
            continue
        groups.setdefault(raw.group or default, []).append(raw)
    return groups, other


def build_apis(
    requests: list[RawRequest], result: ImportResult, descriptions: dict[str, str] | None = None
) -> ImportResult:
    """Add an API per group of ``requests`` to ``result`` (in first-seen order).

    ``descriptions`` are the APIs' descriptions by group name.
    """
    groups, other = group_requests(requests, result.name)
    for scheme, count in other.items():
        result.notes.append(
            f"not imported: {plural(count, 'request')} to {scheme}:// URLs "
            f"(only http and https are called)"
        )
    builder = _Builder(result)
    for name, members in groups.items():
        unique = unique_name(name, [a.name for a in result.apis])
        api = builder.api(unique, members)
        api.description = (descriptions or {}).get(name, "")
        result.apis.append(api)
    return result
