"""Import a curl command, as pasted from API docs, as a call.

:func:`~designer.core.interop.curl.parse.parse_curl` (re-exported here) turns the
command line into a :class:`CurlRequest`; :func:`curl_to_workspace` maps the
request onto the domain model: an API named after the host, a call named from
method and path, and one parameter per query, header and body value.
Credentials become the API's authentication and go to the
:class:`~designer.core.secrets.store.SecretStore`, never into the model.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import orjson

from designer.core.errors import CurlParseError
from designer.core.interop.curl.credentials import (
    Credential,
    authorization,
    basic,
    has_variable,
    keep_credentials,
    shell_variable,
)
from designer.core.interop.curl.parse import CurlRequest, parse_curl
from designer.core.models import (
    Api,
    ApiKeyHeaderAuth,
    ApiKeyQueryAuth,
    BodyType,
    Call,
    Method,
    Parameter,
    Placement,
    ResponseType,
    UseAs,
    ValueType,
    Workspace,
    path_placeholders,
    unique_name,
)
from designer.core.secrets.detector import is_key_header, is_key_query, is_placeholder
from designer.core.secrets.store import SecretStore
from designer.core.values import sample_of, type_of

__all__ = ["CurlRequest", "curl_to_workspace", "parse_curl", "shell_variable"]


# -- mapping onto the model --------------------------------------------------------------

_COLON_PLACEHOLDER = re.compile(r"(?<=/):([A-Za-z_][A-Za-z0-9_]*)(?=/|$)")
_REPEATED = "repeated in the curl command; only the first value was imported"


def _flatten(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]] | None:
    """Dotted body parameters for a JSON object, or None when dots cannot express it.

    Non-empty objects nest; every other value (a list, ``{}``, null…) is one
    parameter whose type :func:`~.values.type_of` gives.
    """
    out: list[tuple[str, Any]] = []
    for key, value in obj.items():
        if not key or "." in key:
            return None
        name = prefix + key
        if isinstance(value, dict) and value:
            inner = _flatten(value, name + ".")
            if inner is None:
                return None
            out += inner
        else:
            out.append((name, value))
    return out


def _split_base(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", parts.path.rstrip("/")


def _find_api(ws: Workspace, origin: str, path: str) -> tuple[Api | None, str]:
    """The API whose base URL is the longest prefix of the URL, and the path under it."""
    best: tuple[Api | None, str] = (None, path)
    best_length = -1
    for api in ws.apis:
        api_origin, api_path = _split_base(api.base_url)
        if api_origin != origin or len(api_path) <= best_length:
            continue
        if path == api_path or path.startswith(api_path + "/"):
            best, best_length = (api, path[len(api_path) :]), len(api_path)
    return best


class _Builder:
    """Collects a call's parameters, keeping the first of repeated names."""

    def __init__(self) -> None:
        self.parameters: list[Parameter] = []
        self.credentials: list[Credential] = []
        #: file parameters, which arrive without their file
        self.files: list[str] = []
        self._seen: dict[tuple[Placement, str], Parameter] = {}

    def add(self, name: str, value: str, placement: Placement, **extra: Any) -> None:
        key = (placement, name.lower() if placement is Placement.HEADER else name)
        if key in self._seen:
            self._seen[key].description = _REPEATED
            return
        parameter = Parameter(name=name, value=value, placement=placement, **extra)
        self._seen[key] = parameter
        self.parameters.append(parameter)

    def query(self, pairs: list[tuple[str, str]]) -> None:
        for name, value in pairs:
            if not name:
                continue
            if (
                is_key_query(name)
                and value
                and (not is_placeholder(value) or shell_variable(value))
            ):
                auth = ApiKeyQueryAuth(parameter=name)
                self.credentials.append(Credential(auth, value, Placement.QUERY, name, value, 3))
            else:
                self.add(name, value, Placement.QUERY)


_INVALID = object()


def _json_or_invalid(data: str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _INVALID


def _json_body(data: str, builder: _Builder, implied: bool) -> dict[str, Any]:
    document = _json_or_invalid(data)
    flat = _flatten(document) if isinstance(document, dict) else None
    if flat is not None:
        for name, value in flat:
            builder.add(name, sample_of(value), Placement.BODY, type=type_of(value))
        return {"body_type": BodyType.JSON, "implied": implied}
    # Top-level lists, scalars and keys with dots stay as written.
    return {"body_type": BodyType.JSON, "body_template": data, "implied": implied}


def _form_body(form: list[tuple[str, str]], builder: _Builder) -> None:
    """The parameters of a multipart body (``-F``)."""
    for name, value in form:
        if value[:1] == "@":  # a file part; ";type=…" and ";filename=…" are curl's
            # A pasted command does not choose which local file is sent: the user does.
            source = value[1:].split(";")[0]
            hint = f"a file ({source}) in the curl command: choose the file to send"
            builder.add(name, "", Placement.BODY, type=ValueType.FILE, description=hint)
            builder.files.append(name)
        elif value[:1] == "<":  # a text field read from a file
            source = value[1:].split(";")[0]
            hint = f"a file ({source}) in the curl command: choose the file to send"
            builder.add(name, "", Placement.BODY, description=hint)
        else:
            builder.add(name, value, Placement.BODY)


def _body(request: CurlRequest, builder: _Builder, content_type: str) -> dict[str, Any]:
    """The call's body fields, and ``implied``: whether they already say the Content-Type."""
    media = content_type.split(";")[0].strip().lower()
    if request.form:
        _form_body(request.form, builder)
        return {"body_type": BodyType.MULTIPART, "implied": media == "multipart/form-data"}
    data = request.data
    if not data or request.get:
        return {"implied": False}
    declared_json = request.json or media == "application/json" or media.endswith("+json")
    if declared_json:
        if _json_or_invalid(data) is not _INVALID:
            implied = media == "application/json" or not media
            return _json_body(data, builder, implied)
        return {
            "body_type": BodyType.RAW,
            "body_template": data,
            "content_type": content_type or "application/json",
            "implied": True,
        }
    if not media and isinstance(_json_or_invalid(data), dict):
        return _json_body(data, builder, False)
    if media in ("", "application/x-www-form-urlencoded") and all(
        "=" in piece for piece in data.split("&")
    ):
        for name, value in parse_qsl(data, keep_blank_values=True):
            if name:
                builder.add(name, value, Placement.BODY)
        return {"body_type": BodyType.FORM, "implied": bool(media)}
    return {
        "body_type": BodyType.RAW,
        "body_template": data,
        # What curl sends when the command does not say.
        "content_type": content_type or "application/x-www-form-urlencoded",
        "implied": True,
    }


def _origin(url: str) -> tuple[SplitResult, str, str]:
    """The URL's parts, its host and its origin (``scheme://host[:port]``): http(s) only."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CurlParseError(f"The URL {url[:60]!r} is not valid: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise CurlParseError(f"Only http and https URLs can be imported, not {scheme}://")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise CurlParseError(f"The URL {url[:60]!r} has an invalid port") from exc
    if not host:
        raise CurlParseError(f"The URL {url[:60]!r} has no host name")
    netloc = f"[{host}]" if ":" in host else host
    return parts, host, f"{scheme}://{netloc}" + (f":{port}" if port is not None else "")


def _call_path(path: str) -> str:
    """The path with its placeholders as the model writes them, ``{id}``."""
    # Docs write placeholders as {id} (which curl sends as %7Bid%7D) or :id.
    path = re.sub("%7[Bb]", "{", re.sub("%7[Dd]", "}", path))
    return _COLON_PLACEHOLDER.sub(r"{\1}", path)


def _url_parameters(builder: _Builder, path: str, query: str, request: CurlRequest) -> None:
    """The path's placeholders and the query's values (with ``-G`` data) as parameters."""
    for name in dict.fromkeys(path_placeholders(path)):
        if not name:
            raise CurlParseError(f"The path {path[:60]!r} has an empty {{}} placeholder")
        builder.add(name, "", Placement.PATH)
    builder.query(parse_qsl(query, keep_blank_values=True))
    if request.get and request.data:
        builder.query(parse_qsl(request.data, keep_blank_values=True))


def _read_headers(builder: _Builder, headers: list[tuple[str, str]]) -> str:
    """The headers as parameters or credentials; returns the Content-Type ("" if none)."""
    content_type = ""
    for name, value in headers:
        lowered = name.lower()
        if lowered == "authorization":
            builder.credentials.append(authorization(name, value))
        elif is_key_header(name) and (not is_placeholder(value) or shell_variable(value)):
            auth = ApiKeyHeaderAuth(header=name)
            builder.credentials.append(Credential(auth, value, Placement.HEADER, name, value, 2))
        elif lowered == "content-type":
            content_type = value
        elif lowered == "cookie":
            builder.add(name, "", Placement.HEADER, private=True, dynamic=False)
            builder.credentials.append(Credential(None, value, Placement.HEADER, name, value))
        else:
            builder.add(name, value, Placement.HEADER, dynamic=False)
    return content_type


def _user_credential(
    builder: _Builder, user: str | None, parts: SplitResult, notes: list[str]
) -> None:
    """``-u user:password``, or the user in the URL, as a Basic credential."""
    if user is None and parts.username is not None:
        user = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    if user is None:
        return
    name, colon, password = user.partition(":")
    if colon and password and has_variable(name):
        notes.append(
            f"the user name {name!r} is a shell variable: enter the user name in the "
            f"API's authentication"
        )
    credential = basic(user)
    credential.rank = 1
    builder.credentials.append(credential)


def _streamed(request: CurlRequest) -> str | None:
    """Why the command asks for a streamed response (None when it does not)."""
    accept = [v.lower() for n, v in request.headers if n.lower() == "accept"]
    if any("text/event-stream" in v or "ndjson" in v for v in accept):
        return "its Accept header names an event stream"
    document = _json_or_invalid(request.data) if request.data and not request.get else None
    if isinstance(document, dict) and document.get("stream") is True:
        return 'its JSON body says "stream": true'
    return None


def curl_to_workspace(
    command: str,
    workspace: Workspace | None,
    secrets: SecretStore,
    notes: list[str] | None = None,
    on_conflict: str = "keep-both",
) -> tuple[Workspace, Api, Call]:
    """Add the request of a curl command to ``workspace`` (or to a new one) as a call.

    The call joins the API whose base URL the command's URL starts with, or a
    new API named after the host. Credentials are put in ``secrets``. The
    given workspace is not modified: the returned one is a changed copy, and
    the returned API and call are the objects inside it.
    """
    notes = notes if notes is not None else []
    request = parse_curl(command)
    parts, host, origin = _origin(request.url)

    ws = workspace.model_copy(deep=True) if workspace is not None else Workspace(name=host)
    api, path = _find_api(ws, origin, parts.path)
    new_api = api is None
    if api is None:
        api = Api(name=unique_name(host, [a.name for a in ws.apis]), base_url=origin)
        ws.apis.append(api)
    path = _call_path(path)

    builder = _Builder()
    _url_parameters(builder, path, parts.query, request)
    content_type = _read_headers(builder, request.headers)
    _user_credential(builder, request.user, parts, notes)
    builder.credentials.sort(key=lambda c: c.rank)

    body = _body(request, builder, content_type)
    implied = body.pop("implied")
    if content_type and not implied:
        builder.add("Content-Type", content_type, Placement.HEADER, dynamic=False)
    if request.json and not any(n.lower() == "accept" for n, _ in request.headers):
        builder.add("Accept", "application/json", Placement.HEADER, dynamic=False)

    method = Method(request.method)
    streamed = _streamed(request)
    if streamed is not None:
        body["response_type"] = ResponseType.STREAM
        notes.append(f"the response is read as a stream of events: {streamed}")
    call = Call(
        name=unique_name(f"{method.value} {path or '/'}", [c.name for c in api.calls]),
        use_as=UseAs.DATA if method in (Method.GET, Method.HEAD) else UseAs.ACTION,
        method=method,
        path=path,
        parameters=builder.parameters,
        **body,
    )
    keep_credentials(
        api,
        call,
        builder.credentials,
        secrets,
        notes,
        new_api=new_api,
        on_conflict=on_conflict,
    )
    api.calls.append(call)
    if builder.files:
        names = ", ".join(builder.files)
        notes.append(
            f"file parameter{'s' if len(builder.files) > 1 else ''} {names} of '{call.name}' "
            f"arrived without a file: a pasted command never chooses a local file; choose it "
            f"with the sample's folder button, or pass --param NAME=@PATH to init"
        )
    return ws, api, call
